"""Context conditions: what lets a rule correct an ordinary word without wrecking other texts.

A candidate is judged on the tokens around it (near / not near within N tokens, the token
just before or after), limited to its sentence, segment or the whole document, and on the
document's topic. Other candidates count as evidence for ``near``: once "attention flow" is
read as TensorFlow, a "cafe" beside it may be Caffe.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, Sequence

from .model import Conditions
from .tokens import TokenArrays


@dataclass
class TokenTable:
    """Every non-space token of a document, in order, with where it sits.

    Words are kept as spaCy's 64-bit hashes of their lower-case form: the table is built
    from ``Doc.to_array`` in C, not token by token in Python.
    """

    lower: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)

    @classmethod
    def from_docs(cls, chunks: list[tuple[int, Any, int]]) -> TokenTable:
        """``chunks``: (offset in the input, Doc, segment index); each chunk a sentence."""
        return cls.from_arrays(TokenArrays.of(chunks))

    @classmethod
    def from_arrays(cls, tokens: TokenArrays) -> TokenTable:
        keep = ~tokens.space
        if keep.all():
            keep = slice(None)  # type: ignore[assignment]
        return cls(lower=tokens.lower[keep].tolist(), start=tokens.start[keep].tolist(),
                   end=tokens.end[keep].tolist(), sentence=tokens.chunk[keep].tolist(),
                   segment=tokens.segment[keep].tolist())

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Token indices [i, j) of the tokens a character span touches."""
        i = bisect_right(self.end, start)
        j = max(i, bisect_left(self.start, end))
        return i, j


def word_hash(word: str) -> int:
    """The hash spaCy gives a lower-case word (what ``TokenTable.lower`` holds)."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    return int(hash_string(word.lower()))


@dataclass(frozen=True)
class Evidence:
    """A replacement another candidate proposes, at the tokens it would replace."""

    i: int
    j: int
    text: str  # lower case, single-spaced


def normalise(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _scope_bounds(table: TokenTable, i: int, j: int, scope: str) -> tuple[int, int]:
    """[lo, hi): the tokens a candidate at tokens [i, j) may look at. Sentence and segment
    numbers never decrease along the table, so a scope's ends are found by bisection."""
    if scope == "document" or not table.lower:
        return 0, len(table.lower)
    ids = table.sentence if scope == "sentence" else table.segment
    own = ids[min(i, len(ids) - 1)]
    return bisect_left(ids, own), max(j, bisect_right(ids, own))


class PhraseSet:
    """Near/not-near phrases as token hashes, filed under their first token, so a window of
    tokens is searched only at tokens that start one of them."""

    def __init__(self, phrases: Sequence[tuple[int, ...]]) -> None:
        self.single = frozenset(p[0] for p in phrases if len(p) == 1)
        self.longer: dict[int, list[tuple[int, ...]]] = {}
        for p in phrases:
            if len(p) > 1:
                self.longer.setdefault(p[0], []).append(p)

    def found(self, words: list[int]) -> bool:
        """Whether one of the phrases lies wholly inside ``words``."""
        if not self.single.isdisjoint(words):
            return True
        if not self.longer or self.longer.keys().isdisjoint(words):
            return False
        return any(tuple(words[k:k + len(p)]) == p for k, w in enumerate(words)
                   for p in self.longer.get(w, ()))


@dataclass(frozen=True)
class _Prepared:
    """What ``holds`` needs of one ``Conditions``: its words hashed, its phrases filed."""

    before: frozenset[int] | None
    not_before: frozenset[int] | None
    after: frozenset[int] | None
    not_after: frozenset[int] | None
    near: PhraseSet
    not_near: PhraseSet
    wanted: frozenset[str]  # the near phrases as evidence texts

    @classmethod
    def of(cls, cond: Conditions, tokenise: dict[str, tuple[int, ...]]) -> _Prepared:
        def hashed(words: frozenset[str]) -> frozenset[int] | None:
            return frozenset(word_hash(w) for w in words) if words else None

        return cls(hashed(cond.before), hashed(cond.not_before), hashed(cond.after),
                   hashed(cond.not_after), PhraseSet([tokenise[p] for p in cond.near]),
                   PhraseSet([tokenise[p] for p in cond.not_near]),
                   frozenset(normalise(p) for p in cond.near))


class ConditionChecker:
    """Judges candidates against their rules' conditions for one document.

    ``tokenise`` maps each near/not-near phrase to the hashes of its lower-case tokens;
    ``prepared`` is a cache the caller may keep across documents (one per set of rules).
    """

    def __init__(self, table: TokenTable, tokenise: dict[str, tuple[int, ...]],
                 prepared: dict[int, tuple[Conditions, _Prepared]] | None = None) -> None:
        self.table = table
        self.tokenise = tokenise
        self._prepared = {} if prepared is None else prepared

    def _prepare(self, cond: Conditions) -> _Prepared:
        found = self._prepared.get(id(cond))
        if found is None or found[0] is not cond:  # keyed by identity: rules are long-lived
            found = self._prepared[id(cond)] = (cond, _Prepared.of(cond, self.tokenise))
        return found[1]

    def holds(self, cond: Conditions, i: int, j: int, topic_ok: bool,
              evidence: Sequence[Evidence] = ()) -> bool:
        if cond.topic and not topic_ok:
            return False
        c = self._prepare(cond)
        lower = self.table.lower
        lo, hi = _scope_bounds(self.table, i, j, cond.scope)
        if c.before is not None or c.not_before is not None:
            prev = lower[i - 1] if i > lo else None
            if c.before is not None and prev not in c.before:
                return False
            if prev is not None and c.not_before is not None and prev in c.not_before:
                return False
        if c.after is not None or c.not_after is not None:
            nxt = lower[j] if j < hi else None
            if c.after is not None and nxt not in c.after:
                return False
            if nxt is not None and c.not_after is not None and nxt in c.not_after:
                return False
        if not (cond.near or cond.not_near):
            return True
        w_lo, w_hi = max(lo, i - cond.within), min(hi, j + cond.within)
        left, right = lower[w_lo:i], lower[j:w_hi]
        if cond.not_near and (c.not_near.found(left) or c.not_near.found(right)):
            return False
        if not cond.near:
            return True
        if c.near.found(left) or c.near.found(right):
            return True
        return any(e.text in c.wanted and e.j > w_lo and e.i < w_hi and (e.i, e.j) != (i, j)
                   for e in evidence)
