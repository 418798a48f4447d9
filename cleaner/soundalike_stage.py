"""The sound-alike stage of the engine: spans of a document -> flagged (or applied) terms.

It runs when there is a glossary to listen for: a user's ``--glossary``, or a pack's
glossary when the document is about that pack's topic. The transcript's own repeated
phrases join in then (flag only).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass
from typing import Any, Callable, Collection, Container, Iterator, Sequence

import numpy as np

from .glossary import Term
from .model import Rule
from .pronounce import Pronouncer, coarse_key
from .soundalike import (DISTINCT_ZIPF, MAX_WORDS, STOPWORDS, GlossaryIndex, SoundMatch, Verdict,
                         judge, letters, near_repeat, zipf)
from .tokens import TokenArrays
from .wordtable import WordFacts, Words, document_words, sequence_hash, sequence_hashes

TRANSCRIPT_SCORE = 0.78
MAX_FACTS = 200_000  # distinct written words remembered before the table starts afresh
MATCHES_KEPT = 100_000  # spans whose closest term is remembered, before starting afresh
_UNSEEN: Any = object()
_WORD_GAP = re.compile(r"\S+?[\s-]+")


@dataclass(frozen=True)
class SoundCandidate:
    start: int
    end: int
    rule: Rule
    score: float


def _span_starts(words: Words, stop: np.ndarray) -> dict[int, np.ndarray]:
    """For each span size n (1 to MAX_WORDS words), the first words of the spans of n words
    inside one run that neither start nor end with a stopword."""
    starts = {}
    for n in range(1, MAX_WORDS + 1):
        last = np.arange(n - 1, len(words))
        first = last - (n - 1)
        starts[n] = first[(words.run[first] == words.run[last]) & ~stop[first] & ~stop[last]]
    return starts


class SoundAlikeStage:
    def __init__(self, user_terms: Sequence[Term], pack_terms: Sequence[Term]) -> None:
        self.user_terms = list(user_terms)
        self.pack_terms = list(pack_terms)
        self.sources = {t.source for t in self.pack_terms}
        self.pronouncer = Pronouncer()
        self._index: GlossaryIndex | None = None
        self._facts: WordFacts | None = None
        self._prefixes: frozenset[str] = frozenset()
        self._telling: dict[str, list[Term]] | None = None  # see _mentions
        # The closest term to a span (its text and words), and judge's verdict on it, kept
        # per process: a phrase said in one file is often said in the next. Neither depends
        # on anything else (the verdict on whether the term's source vouches for the text).
        self._matches: dict[tuple[str, ...], SoundMatch | None] = {}
        self._verdicts: dict[tuple[tuple[str, ...], bool], Verdict | None] = {}  # judge's
        self._near_scores: dict[tuple[str, ...], float] = {}  # (phrase, *span words): score

    @property
    def index(self) -> GlossaryIndex:
        if self._index is None:  # pronouncing the glossary loads CMUdict: only when needed
            self._index = GlossaryIndex(self.user_terms + self.pack_terms, self.pronouncer)
            # Every start of a term's letters: a span can be a respelling of a term ("tensor
            # flow") only if its first word's letters are one of these.
            self._prefixes = frozenset(key[:k] for key in self._index.by_letters
                                       for k in range(1, len(key) + 1))
        return self._index

    @property
    def facts(self) -> WordFacts:
        if self._facts is None:
            self._facts = WordFacts(self.pronouncer.coarse, STOPWORDS, self.pronouncer.known)
        return self._facts

    def load(self) -> None:
        """Load now what the first document would: the glossary index (and with it the
        pronouncing dictionary), the word table and the word frequencies."""
        _ = self.index, self.facts  # both load on first use
        zipf("the")

    def forget_spans(self) -> None:
        """Drop what is kept per span (shortlists, closest terms, verdicts, near-repeat
        scores), not the word table: a benchmark that cleans one text again measures a first
        clean this way."""
        self._forget_span_answers()
        if self._index is not None:
            self._index.forget_shortlists()

    def _forget_span_answers(self) -> None:
        self._matches.clear()
        self._verdicts.clear()
        self._near_scores.clear()

    def active(self, topic_on: Callable[[str], bool]) -> bool:
        return bool(self.user_terms) or any(topic_on(source) for source in self.sources)

    def find(self, text: str, tokens: TokenArrays, strings: Any,
             topic_on: Callable[[str], bool]) -> list[SoundCandidate]:
        """Sound-alike candidates in ``text``, whose tokens are ``tokens`` (``strings``: the
        spaCy string store their hashes come from)."""
        if self._facts is not None and len(self._facts) > MAX_FACTS:
            # Facts are numbered per process but read within one document, so the table may
            # start afresh between documents: a long batch's memory stays flat.
            self._facts = None
        index, facts = self.index, self.facts
        words = document_words(text, tokens, facts, strings)
        starts = _span_starts(words, facts.stop[words.fact])
        found: list[SoundCandidate] = []
        if len(self._matches) + len(self._near_scores) > MATCHES_KEPT:
            self._forget_span_answers()
        matches, verdicts = self._matches, self._verdicts
        vouches: dict[str, bool] = {}  # term source -> whether it vouches for this document

        def vouched(source: str) -> bool:
            """A pack vouches for a document about its topic; a user's glossary for one that
            uses at least two of its terms as written (a text about a cafe is not about
            Caffe). Only a vouched-for term may take ordinary words."""
            if source not in vouches:
                vouches[source] = (self._mentions(words) >= 2 if source == "glossary"
                                   else topic_on(source))
            return vouches[source]

        looked_at = starts
        if not any(vouched(source) for source in self.sources) and not (
                self.user_terms and vouched("glossary")):
            # No term's source vouches for this document: spans of real words cannot be
            # judged terms (judge() says no), so only spans with an unknown word are read.
            looked_at = _with_unknown_word(starts, ~facts.known[words.fact])
        picked, shortlists = self._worth_a_look(text, words, looked_at)
        known = facts.known[words.fact].tolist()  # per word: a real word (in CMUdict)
        word_start, word_end, fact, written = (words.start.tolist(), words.end.tolist(),
                                               words.fact.tolist(), facts.text)
        for i, n, key in picked:
            start, end = word_start[i], word_end[i + n - 1]
            span = text[start:end]
            exact = index.exact.get(span.lower())
            if exact is not None and exact.text == span:
                continue  # already the term, as written
            span_words = [written[f] for f in fact[i:i + n]]
            if n > 1 and _contains_term(span_words, index.by_letters):
                continue  # "AlexNet came": the term is there; the extra word is not it
            if all(known[i:i + n]) and not any(
                    not t.guarded and vouched(t.source)
                    for t in self._candidate_terms(span, span_words, shortlists.get(key, ()))):
                continue  # real words, and no term that could take them here: judge says no
            seen = (span, *span_words)
            match = matches.get(seen, _UNSEEN)
            if match is _UNSEEN:
                match = matches[seen] = index.best(span, span_words, shortlists.get(key, ()))
            if match is None:
                continue
            source = match.term.source
            if source != "glossary" and not vouched(source):
                continue  # the pack's topic is off: its terms are not listened for
            judged = (seen, vouched(source))
            verdict = verdicts.get(judged, _UNSEEN)
            if verdict is _UNSEEN:
                verdict = verdicts[judged] = judge(match, span_words, judged[1],
                                                   self.pronouncer.known)
            if verdict is not None:
                found.append(SoundCandidate(start, end, _rule(match, verdict.apply,
                                                              verdict.confidence), match.score))
        found.extend(self._transcript(text, words, starts))
        return _best_per_place(found)

    def _candidate_terms(self, span: str, words: list[str],
                         shortlist: Sequence[int]) -> Iterator[Term]:
        """Every term ``GlossaryIndex.best`` could answer for the span (lazily: the caller
        stops at the first that may take it): its shortlist, the doubled-word terms for a
        doubled word, and a term with the span's letters."""
        index = self.index
        for k in shortlist:
            yield index.forms[k].term
        if len(words) == 2 and words[0].lower() == words[1].lower():
            for form in index.twins:
                yield form.term
        respelt = index.by_letters.get(letters(span))
        if respelt is not None:
            yield respelt.term

    def _worth_a_look(self, text: str, words: Words,
                      starts: dict[int, np.ndarray]
                      ) -> tuple[list[tuple[int, int, str]], dict[str, tuple[int, ...]]]:
        """(first word, size, coarse key) of the spans that may be a term, in text order,
        and the shortlist of terms for each coarse key that has one. A span may be a term
        when a term sounds near it (one rapidfuzz call per length compares them all), when
        it is a doubled word ("Pelo Pelo"), or when its letters are a term's ("tensor
        flow")."""
        facts = self.facts
        fact = words.fact.tolist()
        coarse = facts.coarse
        word_keys = [coarse[f] for f in fact]
        touching = np.zeros(len(words), dtype=np.int64)  # word pairs that touch, so far
        touching[1:] = np.cumsum(words.start[1:] == words.end[:-1])
        keys = {n: self._coarse_keys(text, words, word_keys, touching, n, first)
                for n, first in starts.items()}
        shortlists = self.index.kept_shortlists(k for ks in keys.values() for k in ks
                                                if len(k) >= 3)
        lower_id = facts.lower_id[words.fact]
        prefixes = self._prefixes
        prefix = facts.derived("term prefix", lambda f: facts.letters[f] in prefixes)[
            words.fact].tolist()
        letters, by_letters = facts.letters, self.index.by_letters
        picked = []
        for n, first in starts.items():
            near = [bool(shortlists.get(k)) for k in keys[n]]
            doubled = (lower_id[first] == lower_id[first + 1]).tolist() if n == 2 else None
            for row, (i, key) in enumerate(zip(first.tolist(), keys[n])):
                if near[row] or doubled and doubled[row] and len(key) >= 3 or prefix[i] and \
                        "".join(letters[f] for f in fact[i:i + n]) in by_letters:
                    picked.append((i, n, key))
        return sorted(picked), shortlists

    def _coarse_keys(self, text: str, words: Words, word_keys: list[str], touching: np.ndarray,
                     n: int, first: np.ndarray) -> list[str]:
        """The coarse sound key of each span of ``n`` words (first words ``first``): its
        words' keys joined, unless two of its words touch ("do" "n't", counted so far in
        ``touching``), when the written span is pronounced whole."""
        rows = first.tolist()
        if n == 1:
            return [word_keys[i] for i in rows]
        keys = ["".join(word_keys[i:i + n]) for i in rows]
        for row in np.nonzero(touching[first + n - 1] != touching[first])[0].tolist():
            i = rows[row]
            keys[row] = coarse_key(self.pronouncer.phrase(
                text[int(words.start[i]):int(words.end[i + n - 1])]))
        return keys

    def _mentions(self, words: Words) -> int:
        """How many distinct user glossary terms the document contains as written.

        Only what an ordinary text would not contain counts: the term in its own case when
        that case is telling ("GloVe", "BERT", "PyTorch"; not "glove", "Bert"), or in any
        case when it is no dictionary word at all ("pytorch", "keras"). A cooking show says
        "glove", "torch" and "pandas"; that is not a talk about machine learning.
        """
        facts, known = self.facts, self.pronouncer.known
        if self._telling is None:  # lower-case form -> the terms written so
            self._telling = {}
            for term in self.user_terms:
                coined = not any(known(w) for w in term.text.split())
                cased = any(c.isupper() for c in term.text[1:]) or any(c.isdigit()
                                                                     for c in term.text)
                if coined or cased:
                    self._telling.setdefault(term.text.lower(), []).append(term)
        telling = self._telling
        fact = words.fact.tolist()
        found: set[str] = set()
        for i, n in _occurrences(words, facts, telling.keys(), range(1, MAX_WORDS + 1)):
            written = " ".join(facts.text[f] for f in fact[i:i + n])
            for term in telling[written.lower()]:
                if written == term.text or not any(known(w) for w in term.text.split()):
                    found.add(term.text)
        return len(found)

    def _transcript(self, text: str, words: Words,
                    starts: dict[int, np.ndarray]) -> list[SoundCandidate]:
        facts = self.facts
        lower_id = facts.lower_id[words.fact]
        phrases = _repeated(facts, words, lower_id)
        if not phrases:
            return []
        # Each phrase under every "all words but one" key, so a span finds the phrases it
        # differs from in exactly one word by a few look-ups, not by trying every phrase.
        by_rest: dict[tuple[int, int, tuple[str, ...]], list[Term]] = {}
        for p in phrases:
            ws = p.text.split()
            for i in range(len(ws)):
                by_rest.setdefault((len(ws), i, tuple(ws[:i] + ws[i + 1:])), []).append(p)
        fact = words.fact.tolist()
        lower = facts.lower
        explained: set[int] | None = None
        found = []
        for i, n in _near_phrases(starts, phrases, lower_id, facts):
            low = [lower[f] for f in fact[i:i + n]]
            candidates = [p for k in range(n)
                          for p in by_rest.get((n, k, tuple(low[:k] + low[k + 1:])), ())]
            if not candidates:
                continue
            start, end = int(words.start[i]), int(words.end[i + n - 1])
            span_words = [facts.text[f] for f in fact[i:i + n]]
            for phrase in candidates:
                said = (phrase.text, *span_words)
                score = self._near_scores.get(said)
                if score is None:
                    score = self._near_scores[said] = near_repeat(span_words, phrase,
                                                                  self.pronouncer)
                if score < TRANSCRIPT_SCORE:
                    continue
                target = phrase.text.split()
                odd = next(k for k, w in enumerate(span_words) if w.lower() != target[k])
                if explained is None:
                    # A word inside another known phrase ("Deep" of "Deep Learning") is
                    # accounted for.
                    known = {p.text for p in phrases} | set(self.index.exact)
                    explained = _covered(words, known, facts)
                if _word_start(text, start, odd) in explained:
                    continue
                rule = Rule(pack="transcript", id="soundalike", kind="soundalike", patterns=(),
                            replace=phrase.text, confidence=0.5, auto=False,
                            category="soundalike",
                            message=f"sounds like '{phrase.text}', which this transcript "
                                    f"says elsewhere (similarity {score:.2f})")
                found.append(SoundCandidate(start, end, rule, score))
        return found


def _near_phrases(starts: dict[int, np.ndarray], phrases: list[Term], lower_id: np.ndarray,
                  facts: WordFacts) -> list[tuple[int, int]]:
    """The spans (first word, size), in text order, that have all words but one of some
    repeated phrase in place (found with hashes of "all words but one"; the caller checks
    the words themselves)."""
    sizes = {len(p.text.split()) for p in phrases}
    rests: dict[tuple[int, int], set[int]] = {}
    for p in phrases:
        ids = facts.lower_ids(p.text.split())
        if ids is None or any(" " in facts.lower_text(i) for i in ids):
            rests = {}  # a word with a space in it: no hashes, every span of a phrase's size
            break
        for k in range(len(ids)):
            rests.setdefault((len(ids), k), set()).add(sequence_hash(ids[:k] + ids[k + 1:]))
    found: list[tuple[int, int]] = []
    for n in sizes:
        first = starts.get(n, np.zeros(0, dtype=np.int64))
        if rests:
            near = np.zeros(len(first), dtype=bool)
            for k in range(n):
                hashes = np.fromiter(rests.get((n, k), ()), dtype=np.uint64)
                got = sequence_hashes(lower_id, first, [j for j in range(n) if j != k])
                near |= np.isin(got, hashes)
            first = first[near]
        found.extend((i, n) for i in first.tolist())
    return sorted(found)


def _with_unknown_word(starts: dict[int, np.ndarray],
                       unknown: np.ndarray) -> dict[int, np.ndarray]:
    """The spans (per size, by first word) with at least one word marked ``unknown``."""
    before = np.concatenate(([0], np.cumsum(unknown)))
    return {n: first[before[first + n] > before[first]] for n, first in starts.items()}


def _repeated(facts: WordFacts, words: Words, lower_id: np.ndarray,
              minimum: int = 3) -> list[Term]:
    """Distinctive 2-3 word phrases the document says at least ``minimum`` times.

    A recogniser often gets a term right in one place and wrong in another, so these are a
    glossary the transcript brings with it ("positive loop" said four times). Counted with
    hashes in arrays: only phrases said often enough come back to Python, to be counted
    again exactly."""
    stop = facts.stop[words.fact]
    has_letter = facts.has_letter[words.fact]
    found = []
    for n in (2, 3):
        if len(words) < n:
            continue
        first = np.arange(len(words) - n + 1)
        ok = ~stop[first] & ~stop[first + n - 1]
        for k in range(n):
            ok &= has_letter[first + k]
        first = first[ok]
        hashes = sequence_hashes(lower_id, first, range(n))
        _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
        often = first[counts[inverse] >= minimum].tolist()
        ids = lower_id.tolist()
        grams = Counter(tuple(ids[i:i + n]) for i in often)
        for gram, count in sorted(grams.items()):
            if count < minimum:
                continue
            ws = [facts.lower_text(g) for g in gram]
            if any(zipf(w) < DISTINCT_ZIPF for w in ws):
                text = " ".join(ws)
                found.append(Term(text, (text,), False, "transcript"))
    return sorted(found, key=lambda t: t.text)


def _occurrences(words: Words, facts: WordFacts, phrases: Collection[str],
                 sizes: Sequence[int]) -> list[tuple[int, int]]:
    """(first word, word count) of each run of ``sizes`` words inside one run that reads
    as one of ``phrases`` (lower case, single-spaced). Only runs made wholly of the
    phrases' words (found with arrays) are read in Python."""
    fact = words.fact
    if facts.derived("has a space", lambda f: " " in facts.lower[f])[fact].any():
        usable = np.ones(len(fact), dtype=bool)  # a phrase may split differently: read all
    else:
        table = np.zeros(facts.lower_count, dtype=bool)  # by lower-case id: faster than isin
        table[facts.met_lower_ids(_words_of(frozenset(phrases)))] = True
        usable = table[facts.lower_id[fact]]
    unusable_before = np.concatenate(([0], np.cumsum(~usable)))
    lower, facts_of = facts.lower, fact.tolist()
    found: list[tuple[int, int]] = []
    for n in sizes:
        first = np.arange(max(0, len(fact) - n + 1))
        first = first[(unusable_before[first + n] == unusable_before[first])
                      & (words.run[first] == words.run[first + n - 1])]
        found.extend((i, n) for i in first.tolist()
                     if " ".join([lower[f] for f in facts_of[i:i + n]]) in phrases)
    return found


@lru_cache(maxsize=64)
def _words_of(phrases: frozenset[str]) -> tuple[str, ...]:
    """The distinct words of ``phrases``."""
    return tuple({w for p in phrases for w in p.split(" ")})


def _covered(words: Words, known: set[str], facts: WordFacts) -> set[int]:
    """Start offsets of words that are part of an occurrence of a known multi-word phrase."""
    start = words.start.tolist()
    return {a for i, n in _occurrences(words, facts, known, (2, 3, 4))
            for a in start[i:i + n]}


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
