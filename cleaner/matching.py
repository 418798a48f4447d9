"""Compile every rule of every pack into one matching pass.

Phrases go to a ``PhraseMatcher`` (one for case-insensitive, one for case-sensitive
phrases), token patterns to one ``Matcher``, regexes are searched per segment with a
timeout. Each match key maps back to the index of the rule that produced it, so adding
rules barely adds cost: ten thousand phrase rules cost about twice what ten do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .errors import CleanerError
from .model import Rule

REGEX_TIMEOUT = 2.0  # seconds for one rule over one segment


@dataclass(frozen=True)
class Match:
    rule: int          # index into the compiled rule list
    start: int         # character offsets into the whole input
    end: int
    groups: Any = None  # the regex match, for replacement templates


def phrase_variants(phrase: str) -> list[str]:
    """A phrase matches whether its words are joined by spaces or by hyphens.

    >>> phrase_variants("pelo pelo")
    ['pelo pelo', 'pelo-pelo']
    >>> phrase_variants("Caffe")
    ['Caffe']
    """
    words = phrase.split()
    variants = [" ".join(words)]
    if len(words) > 1:
        variants.append("-".join(words))
    return variants


class Matchers:
    """All compiled matchers for a list of rules."""

    def __init__(self, rules: list[Rule], nlp: Any, pattern_nlp: Any) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.vocab = nlp.vocab
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.tokens = Matcher(nlp.vocab, validate=True)
        self.regexes: list[tuple[int, Any]] = []
        self.key_to_rule: dict[int, int] = {}
        for index, rule in enumerate(rules):
            key = f"r{index}"
            self.key_to_rule[nlp.vocab.strings.add(key)] = index
            if rule.kind == "phrases":
                docs = [pattern_nlp.make_doc(v) for p in rule.patterns for v in phrase_variants(p)]
                (self.exact if rule.case_sensitive else self.lower).add(key, docs)
            elif rule.kind == "tokens":
                try:
                    self.tokens.add(key, [list(p) for p in rule.patterns])
                except Exception as exc:  # spaCy raises several types for bad patterns
                    first = str(exc).strip().splitlines()
                    detail = " ".join(line.strip() for line in first if line.strip())[:300]
                    raise CleanerError(f"invalid token pattern: {detail}", file=rule.source,
                                       line=rule.line, rule=rule.full_id, key="tokens") from None
            else:
                self.regexes.append((index, rule.patterns[0]))
        self.rules = rules
        self.has_phrases = len(self.lower) > 0 or len(self.exact) > 0
        self.has_tokens = len(self.tokens) > 0

    def in_doc(self, doc: Any, offset: int) -> Iterator[Match]:
        """Phrase and token matches in one tokenised chunk starting at ``offset``."""
        found: list[tuple[int, int, int]] = []
        if self.has_phrases:
            found.extend(self.lower(doc))
            found.extend(self.exact(doc))
        if self.has_tokens:
            found.extend(self.tokens(doc))
        for key, ts, te in found:
            span = doc[ts:te]
            yield Match(self.key_to_rule[key], offset + span.start_char, offset + span.end_char)

    def in_segment(self, text: str, start: int, end: int) -> Iterator[Match]:
        """Regex matches within ``text[start:end]``, each search bounded in time."""
        for index, pattern in self.regexes:
            try:
                for m in pattern.finditer(text, start, end, timeout=REGEX_TIMEOUT):
                    yield Match(index, m.start(), m.end(), m)
            except TimeoutError:
                rule = self.rules[index]
                raise CleanerError(f"regex took longer than {REGEX_TIMEOUT:g} s on one segment "
                                   f"(at offset {start}); simplify the pattern",
                                   file=rule.source, line=rule.line, rule=rule.full_id,
                                   key="regex") from None
