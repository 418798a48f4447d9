"""The sound-alike stage of the engine: spans of a document -> flagged (or applied) terms.

It runs when there is a glossary to listen for: a user's ``--glossary``, or a pack's
glossary when the document is about that pack's topic. The transcript's own repeated
phrases join in then (flag only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Container, Iterable, Sequence

from .glossary import Term
from .model import Rule
from .pronounce import Pronouncer
from .soundalike import (MAX_WORDS, STOPWORDS, GlossaryIndex, SoundMatch, judge, letters,
                         near_repeat, repeated_phrases)

TRANSCRIPT_SCORE = 0.78
_ALNUM = re.compile(r"[^\W_]")
_WORD_GAP = re.compile(r"\S+?[\s-]+")


@dataclass(frozen=True)
class SoundCandidate:
    start: int
    end: int
    rule: Rule
    score: float


def word_runs(text: str, chunks: Sequence[tuple[int, Any, int]]) -> list[list[tuple[int, int]]]:
    """Runs of words (character spans) with no punctuation between them but hyphens."""
    runs: list[list[tuple[int, int]]] = []
    for offset, doc, _ in chunks:
        run: list[tuple[int, int]] = []
        for tok in doc:
            if tok.is_space:
                continue
            word = tok.text
            if word == "-" and run:
                continue  # "Pelo-Pelo": the hyphen joins
            if word[0] == "'" and run:  # "it's": the clitic stays with its word
                run[-1] = (run[-1][0], offset + tok.idx + len(word))
            elif word[0] != "'" and _ALNUM.search(word):
                run.append((offset + tok.idx, offset + tok.idx + len(word)))
            else:  # punctuation ends a run
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def _spans(text: str, runs: list[list[tuple[int, int]]]) -> Iterable[tuple[int, int, list[str]]]:
    for run in runs:
        for i in range(len(run)):
            for n in range(1, MAX_WORDS + 1):
                if i + n > len(run):
                    break
                words = [text[a:b] for a, b in run[i:i + n]]
                if words[0].lower() in STOPWORDS or words[-1].lower() in STOPWORDS:
                    continue
                yield run[i][0], run[i + n - 1][1], words


class SoundAlikeStage:
    def __init__(self, user_terms: Sequence[Term], pack_terms: Sequence[Term]) -> None:
        self.user_terms = list(user_terms)
        self.pack_terms = list(pack_terms)
        self.sources = {t.source for t in self.pack_terms}
        self.pronouncer = Pronouncer()
        self._index: GlossaryIndex | None = None

    @property
    def index(self) -> GlossaryIndex:
        if self._index is None:  # pronouncing the glossary loads CMUdict: only when needed
            self._index = GlossaryIndex(self.user_terms + self.pack_terms, self.pronouncer)
        return self._index

    def active(self, topic_on: Callable[[str], bool]) -> bool:
        return bool(self.user_terms) or any(topic_on(source) for source in self.sources)

    def find(self, text: str, chunks: Sequence[tuple[int, Any, int]],
             topic_on: Callable[[str], bool]) -> list[SoundCandidate]:
        runs = word_runs(text, chunks)
        index = self.index
        # A user's glossary vouches for ordinary-word matches only in a document that uses
        # at least two of its terms as written: a text about a cafe is not about Caffe.
        user_context = self._mentions(text, runs) >= 2
        spans = []
        all_spans = list(_spans(text, runs))  # read twice: glossary terms, repeated phrases
        for start, end, words in all_spans:
            span = text[start:end]
            key = span.lower()
            if key in index.exact and index.exact[key].text == span:
                continue  # already the term, as written
            if len(words) > 1 and _contains_term(words, index.by_letters):
                continue  # "AlexNet came": the term is there; the extra word is not it
            spans.append((start, end, words))
        distinct = list({text[a:b]: w for a, b, w in spans}.items())
        matches = dict(zip((span for span, _ in distinct), index.best_many(distinct)))
        found: list[SoundCandidate] = []
        for start, end, words in spans:
            match = matches[text[start:end]]
            if match is None:
                continue
            term = match.term
            if term.source == "glossary":
                context_ok = user_context
            elif topic_on(term.source):
                context_ok = True
            else:
                continue
            verdict = judge(match, words, context_ok, self.pronouncer.known)
            if verdict is not None:
                found.append(SoundCandidate(start, end, _rule(match, verdict.apply,
                                                              verdict.confidence), match.score))
        found.extend(self._transcript(text, runs, all_spans))
        return _best_per_place(found)

    def _mentions(self, text: str, runs: list[list[tuple[int, int]]]) -> int:
        """How many distinct user glossary terms the document contains as written."""
        exact = self.index.exact
        found: set[str] = set()
        for run in runs:
            lowered = [text[a:b].lower() for a, b in run]
            for n in range(1, MAX_WORDS + 1):
                for i in range(len(lowered) - n + 1):
                    term = exact.get(" ".join(lowered[i:i + n]))
                    if term is not None and term.source == "glossary":
                        found.add(term.text)
        return len(found)

    def _transcript(self, text: str, runs: list[list[tuple[int, int]]],
                    spans: list[tuple[int, int, list[str]]]) -> list[SoundCandidate]:
        words = [text[a:b] for run in runs for a, b in run]
        phrases = repeated_phrases(words)
        if not phrases:
            return []
        # Each phrase under every "all words but one" key, so a span finds the phrases it
        # differs from in exactly one word by a few look-ups, not by trying every phrase.
        by_rest: dict[tuple[int, int, tuple[str, ...]], list[Term]] = {}
        for p in phrases:
            ws = p.text.split()
            for i in range(len(ws)):
                by_rest.setdefault((len(ws), i, tuple(ws[:i] + ws[i + 1:])), []).append(p)
        # A word inside another known phrase ("Deep" of "Deep Learning") is accounted for.
        known = {p.text for p in phrases} | set(self.index.exact)
        explained = _covered(text, runs, known)
        found = []
        for start, end, span_words in spans:
            low = [w.lower() for w in span_words]
            candidates = [p for i in range(len(low))
                          for p in by_rest.get((len(low), i, tuple(low[:i] + low[i + 1:])), ())]
            for phrase in candidates:
                score = near_repeat(span_words, phrase, self.pronouncer)
                if score < TRANSCRIPT_SCORE:
                    continue
                target = phrase.text.split()
                odd = next(i for i, w in enumerate(span_words) if w.lower() != target[i])
                if _word_start(text, start, odd) in explained:
                    continue
                rule = Rule(pack="transcript", id="soundalike", kind="soundalike", patterns=(),
                            replace=phrase.text, confidence=0.5, auto=False,
                            category="soundalike",
                            message=f"sounds like '{phrase.text}', which this transcript "
                                    f"says elsewhere (similarity {score:.2f})")
                found.append(SoundCandidate(start, end, rule, score))
        return found


def _covered(text: str, runs: list[list[tuple[int, int]]], known: set[str]) -> set[int]:
    """Start offsets of words that are part of an occurrence of a known multi-word phrase."""
    covered: set[int] = set()
    for run in runs:
        lowered = [text[a:b].lower() for a, b in run]
        for n in (2, 3, 4):
            for i in range(len(run) - n + 1):
                if " ".join(lowered[i:i + n]) in known:
                    covered.update(a for a, _ in run[i:i + n])
    return covered


def _word_start(text: str, start: int, index: int) -> int:
    """Offset of the ``index``-th word of the span starting at ``start``."""
    pos = start
    for _ in range(index):
        pos = next(m.end() for m in _WORD_GAP.finditer(text, pos))
    return pos


def _contains_term(words: list[str], known: Container[str]) -> bool:
    """Whether part of the span already is a term, or its plural (compared by letters)."""
    n = len(words)
    for i in range(n):
        for j in range(i + 1, n + 1):
            if (i, j) == (0, n):
                continue
            part = letters("".join(words[i:j]))
            if part in known or (part.endswith("s") and part[:-1] in known):
                return True
    return False


def _rule(match: SoundMatch, apply: bool, confidence: float) -> Rule:
    term = match.term
    if match.variant:
        why = f"written as '{term.text}' in the {term.source}"
    else:
        why = (f"sounds like '{term.text}' ({match.score:.2f}: "
               f"{' '.join(match.span_sounds)} ~ {' '.join(match.term_sounds)})")
        if match.reduplicated:
            why += "; a doubled word like the term's doubled half"
    if match.alternatives:
        why += f"; or {', '.join(repr(a) for a in match.alternatives)}"
    return Rule(pack=term.source, id="soundalike", kind="soundalike", patterns=(),
                replace=term.text, confidence=confidence, auto=apply, category="soundalike",
                message=why, source=term.source, line=term.line)


def _best_per_place(found: list[SoundCandidate]) -> list[SoundCandidate]:
    """Of overlapping sound matches, keep the best scored (then the longer)."""
    kept: list[SoundCandidate] = []
    for c in sorted(found, key=lambda c: (-c.rule.auto, -c.score, c.start - c.end, c.start)):
        if all(c.end <= k.start or k.end <= c.start for k in kept):
            kept.append(c)
    return kept
