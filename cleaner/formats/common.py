"""Helpers every format reader shares: lines, speaker labels, text between tags, notes.

Readers never copy or re-serialise text: they return offsets into the whole decoded file,
so whatever lies outside a segment (timings, cue numbers, tags, JSON) is kept byte for byte.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator, Pattern

from ..segments import Segment

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# ">>" turn marks, then "Name:" with up to four words, each capitalised or a number
# ("Andrew Ng:", "SPEAKER 1:", "Dr. Lin:", "Q:").
_TURN = re.compile(r"[ \t]*>>+[ \t]*")
_LABEL = re.compile(r"[ \t]*([^\W\d_][\w'’.-]*(?:[ \t]+[\w'’.-]+){0,3})[ \t]*:(?:[ \t]+|$)")
_MAX_LABEL = 40


@dataclass(frozen=True)
class Note:
    """A tolerated malformation: the input was read anyway, and the user is told so."""

    line: int | None
    message: str


class Lines:
    """Line numbers of offsets (1-based), for messages."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def lines(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every line in ``text[start:end]``, line endings excluded.

    >>> list(lines("ab\\r\\n\\ncd"))
    [(0, 2), (4, 4), (5, 7)]
    """
    end = len(text) if end is None else end
    pos = start
    while pos < end:
        m = _LINE.match(text, pos, end)
        assert m is not None  # the pattern matches the empty string
        body = m.group().rstrip("\r\n")
        yield pos, pos + len(body)
        if m.end() == pos:
            break
        pos = m.end()


def after_label(text: str, start: int, end: int) -> int:
    """Where the words start, past a ``>>`` turn mark, a ``Name:`` speaker label and spaces.

    >>> t = ">> Andrew Ng: so tell me"
    >>> t[after_label(t, 0, len(t)):]
    'so tell me'
    >>> t = "so I think: yes"
    >>> t[after_label(t, 0, len(t)):]
    'so I think: yes'
    """
    pos = start
    turn = _TURN.match(text, pos, end)
    if turn:
        pos = turn.end()
    label = _LABEL.match(text, pos, end)
    if label and _is_name(label.group(1)):
        pos = label.end()
    while pos < end and text[pos] in " \t":  # a rule must not eat the space after a label
        pos += 1
    return pos


def _is_name(words: str) -> bool:
    return len(words) <= _MAX_LABEL and all(w[0].isupper() or w[0].isdigit()
                                            for w in words.split())


def pieces(text: str, start: int, end: int, skip: Pattern[str] | None) -> list[Segment]:
    """The stretches of ``text[start:end]`` between matches of ``skip`` (tags, escapes)
    that hold something other than white space.

    >>> t = "<i>tensor</i> flow"
    >>> [t[s.start:s.end] for s in pieces(t, 0, len(t), re.compile("<[^>]*>"))]
    ['tensor', ' flow']
    """
    spans: list[Segment] = []
    pos = start
    if skip is not None:
        for m in skip.finditer(text, start, end):
            spans.append(Segment(pos, m.start()))
            pos = m.end()
    spans.append(Segment(pos, end))
    return [s for s in spans if text[s.start:s.end].strip()]


def line_segments_of(text: str, start: int, end: int, skip: Pattern[str] | None = None,
                     labels: bool = True) -> list[Segment]:
    """Segments of the lines in ``text[start:end]``: each line past its speaker label,
    cut around ``skip`` matches."""
    out: list[Segment] = []
    for ls, le in lines(text, start, end):
        found = pieces(text, ls, le, skip)
        if found and labels:
            first = found[0]
            found[0] = Segment(after_label(text, first.start, first.end), first.end)
            if not text[found[0].start:found[0].end].strip():
                found.pop(0)
        out.extend(found)
    return out


def snippet(text: str, limit: int = 40) -> str:
    """A short quotable piece of a line, for messages."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit - 3] + "..."
