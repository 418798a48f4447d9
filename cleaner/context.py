"""Context conditions: what lets a rule correct an ordinary word without wrecking other texts.

A candidate is judged on the tokens around it (near / not near within N tokens, the token
just before or after), limited to its sentence, segment or the whole document, and on the
document's topic. Other candidates count as evidence for ``near``: once "attention flow" is
read as TensorFlow, a "cafe" beside it may be Caffe.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .model import Conditions


@dataclass
class TokenTable:
    """Every non-space token of a document, in order, with where it sits."""

    lower: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)

    def add(self, lower: str, start: int, end: int, sentence: int, segment: int) -> None:
        self.lower.append(lower)
        self.start.append(start)
        self.end.append(end)
        self.sentence.append(sentence)
        self.segment.append(segment)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Token indices [i, j) of the tokens a character span touches."""
        i = bisect_right(self.end, start)
        j = max(i, bisect_left(self.start, end))
        return i, j


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


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    first = phrase[0]
    for k in range(len(words) - n + 1):
        if words[k] == first and tuple(words[k:k + n]) == phrase:
            return True
    return False


class ConditionChecker:
    """Judges candidates against their rules' conditions for one document."""

    def __init__(self, table: TokenTable, tokenise: dict[str, tuple[str, ...]]) -> None:
        self.table = table
        self.tokenise = tokenise  # near/not-near phrase -> its lower-case tokens

    def holds(self, cond: Conditions, i: int, j: int, topic_ok: bool,
              evidence: list[Evidence] = ()) -> bool:  # type: ignore[assignment]
        if cond.topic and not topic_ok:
            return False
        t = self.table
        lo, hi = _scope_bounds(t, i, j, cond.scope)
        if cond.before or cond.not_before:
            prev = t.lower[i - 1] if i > lo else ""
            if cond.before and prev not in cond.before:
                return False
            if prev and prev in cond.not_before:
                return False
        if cond.after or cond.not_after:
            nxt = t.lower[j] if j < hi else ""
            if cond.after and nxt not in cond.after:
                return False
            if nxt and nxt in cond.not_after:
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
