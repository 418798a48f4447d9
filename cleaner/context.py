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
        import numpy as np
        from spacy.attrs import IDX, IS_SPACE, LENGTH, LOWER

        if not chunks:
            return cls()
        arrays, sentences, segments = [], [], []
        for n, (offset, doc, segment) in enumerate(chunks):
            a = doc.to_array([LOWER, IDX, LENGTH, IS_SPACE]).astype(np.uint64, copy=False)
            a = a[a[:, 3] == 0]
            a[:, 1] += np.uint64(offset)
            arrays.append(a)
            sentences.append(np.full(len(a), n, dtype=np.int64))
            segments.append(np.full(len(a), segment, dtype=np.int64))
        table = np.concatenate(arrays) if arrays else np.zeros((0, 4), dtype=np.uint64)
        starts = table[:, 1].astype(np.int64)
        return cls(lower=table[:, 0].tolist(), start=starts.tolist(),
                   end=(starts + table[:, 2].astype(np.int64)).tolist(),
                   sentence=np.concatenate(sentences).tolist(),
                   segment=np.concatenate(segments).tolist())

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
    if scope == "document" or not table.lower:
        return 0, len(table.lower)
    ids = table.sentence if scope == "sentence" else table.segment
    anchor = min(i, len(ids) - 1)
    lo = anchor
    while lo > 0 and ids[lo - 1] == ids[anchor]:
        lo -= 1
    hi = max(j, anchor + 1)
    while hi < len(ids) and ids[hi] == ids[anchor]:
        hi += 1
    return lo, hi


def _has_phrase(words: list[int], phrase: tuple[int, ...]) -> bool:
    n = len(phrase)
    first = phrase[0]
    for k in range(len(words) - n + 1):
        if words[k] == first and tuple(words[k:k + n]) == phrase:
            return True
    return False


class ConditionChecker:
    """Judges candidates against their rules' conditions for one document."""

    def __init__(self, table: TokenTable, tokenise: dict[str, tuple[int, ...]]) -> None:
        self.table = table
        self.tokenise = tokenise  # near/not-near phrase -> hashes of its lower-case tokens
        self._words: dict[frozenset[str], frozenset[int]] = {}

    def _hashed(self, words: frozenset[str]) -> frozenset[int]:
        found = self._words.get(words)
        if found is None:
            found = self._words[words] = frozenset(word_hash(w) for w in words)
        return found

    def holds(self, cond: Conditions, i: int, j: int, topic_ok: bool,
              evidence: Sequence[Evidence] = ()) -> bool:
        if cond.topic and not topic_ok:
            return False
        t = self.table
        lo, hi = _scope_bounds(t, i, j, cond.scope)
        if cond.before or cond.not_before:
            prev = t.lower[i - 1] if i > lo else None
            if cond.before and prev not in self._hashed(cond.before):
                return False
            if prev is not None and prev in self._hashed(cond.not_before):
                return False
        if cond.after or cond.not_after:
            nxt = t.lower[j] if j < hi else None
            if cond.after and nxt not in self._hashed(cond.after):
                return False
            if nxt is not None and nxt in self._hashed(cond.not_after):
                return False
        if not (cond.near or cond.not_near):
            return True
        left = t.lower[max(lo, i - cond.within):i]
        right = t.lower[j:min(hi, j + cond.within)]
        for phrase in cond.not_near:
            words = self.tokenise[phrase]
            if _has_phrase(left, words) or _has_phrase(right, words):
                return False
        if not cond.near:
            return True
        for phrase in cond.near:
            words = self.tokenise[phrase]
            if _has_phrase(left, words) or _has_phrase(right, words):
                return True
        w_lo, w_hi = max(lo, i - cond.within), min(hi, j + cond.within)
        wanted = {normalise(p) for p in cond.near}
        return any(e.text in wanted and e.j > w_lo and e.i < w_hi and (e.i, e.j) != (i, j)
                   for e in evidence)
