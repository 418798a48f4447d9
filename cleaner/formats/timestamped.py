"""Timestamped lines: ``[0:03] text``, ``**[0:03]** text``, ``00:01:02 Speaker Name: text``,
``[00:01:02.500] text``, ``(1:02:03) text``, ``[0:03 - 0:07] text``.

A line's segment is what follows its timestamp and speaker label. Lines without a timestamp
(a title, a continuation, a timestamp's text on the next line) are segments past their
speaker label. A line that starts with something shaped like a timestamp that is not one
(``[1:5]``, ``[0:75]``) is an error: it is more likely a typo than speech.
"""
from __future__ import annotations

import re

from ..errors import CleanerError
from . import Document
from .common import Lines, after_label, lines, pieces

_TIME = r"(?:\d{1,2}:)?\d{1,3}:\d{2}(?:[.,]\d{1,3})?"
_STAMP = re.compile(
    rf"[ \t]*(?P<bold>\*\*)?(?P<open>[\[(])?(?P<t1>{_TIME})"
    rf"(?:[ \t]*(?:-->|-|–)[ \t]*(?P<t2>{_TIME}))?(?P<close>[\])])?(?P=bold)?(?=[ \t]|$)")
# Anything that starts like a timestamp: digits joined by colons, maybe bracketed.
_SHAPED = re.compile(r"[ \t]*(?:\*\*)?[\[(]?\d+(?::\d+)+(?:[.,]\d+)?[\])]?(?:\*\*)?(?=[ \t]|$)")
_PAIRS = {None: None, "[": "]", "(": ")"}
_SNIFF_LINES = 200


def stamp_end(text: str, start: int, end: int) -> int | None:
    """The end of a valid timestamp at the start of ``text[start:end]``, else None."""
    m = _STAMP.match(text, start, end)
    if m is None or _PAIRS[m.group("open")] != m.group("close"):
        return None
    if not all(_valid(t) for t in (m.group("t1"), m.group("t2")) if t):
        return None
    return m.end()


def _valid(stamp: str) -> bool:
    fields = re.split(r"[:.,]", stamp)
    clock = fields[:3] if stamp.count(":") == 2 else fields[:2]
    return all(int(f) < 60 for f in clock[1:])


def sniff(text: str) -> bool:
    """At least a third of the first non-blank lines start with a timestamp."""
    stamped = total = 0
    for ls, le in lines(text):
        if text[ls:le].strip():
            total += 1
            stamped += stamp_end(text, ls, le) is not None
            if total >= _SNIFF_LINES:
                break
    return stamped > 0 and stamped * 3 >= total


def read(text: str, name: str) -> Document:
    numbers = Lines(text)
    segments = []
    for ls, le in lines(text):
        pos = stamp_end(text, ls, le)
        if pos is None:
            shaped = _SHAPED.match(text, ls, le)
            if shaped:
                raise CleanerError(
                    f"bad timestamp '{shaped.group().strip()}' (expected m:ss, h:mm:ss or "
                    "h:mm:ss.mmm, minutes and seconds below 60); if the file is not "
                    "timestamped, give --format text", file=name, line=numbers.of(ls))
            pos = ls
        words = pieces(text, after_label(text, pos, le), le, None)
        segments.extend(words)
    return Document("timestamped", segments, escape=_one_line)


def _one_line(replacement: str) -> str:
    if "\n" in replacement or "\r" in replacement:
        raise ValueError("a line break would start a line without a timestamp")
    return replacement
