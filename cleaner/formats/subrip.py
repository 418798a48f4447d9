"""SubRip (SRT): cues are recognised with the ``srt`` package's own pattern, so what it
accepts is what is read, and its match groups give the cue text's offsets in the file.

Segments are the cue text lines past a speaker label, between formatting tags (``<i>``,
``<font ...>``, ``{\\an8}``). Cue numbers and timing lines are never segments.

Tolerated, with a note, as the ``srt`` package and most players do: a missing blank line
before a numbered cue, a blank line inside a cue's text (so stray lines after a cue are read
as its text), a cue with no text, a cue that ends before it starts. Errors: a bad timing line
(also one that hides inside a cue's text), a timestamp with minutes or seconds of 60 or more,
anything before the first cue that is not a cue.
"""
from __future__ import annotations

import re

import srt as srtlib

from ..errors import CleanerError
from . import Document, looks_like
from .common import Lines, Note, line_segments_of, lines, snippet

TAGS = re.compile(r"<[^<>\r\n]*>|\{\\[^{}\r\n]*\}")
_START = re.compile(r"\s*\d+[ \t]*\r?\n[ \t]*\d+:\d+:\d+")  # 1 / 00:00:01,000 --> ...
_FIELDS = re.compile(r"[0-9]+")


def sniff(text: str) -> bool:
    """An SRT file starts with a cue: a number line, then an ``HH:MM:SS,mmm -->`` line.

    >>> sniff("1\\n00:00:01,000 --> 00:00:02,000\\nhi\\n"), sniff("1\\n00:01.000 --> 00:02.000\\n")
    (True, False)
    """
    head = text.lstrip()[:300]
    lines_ = head.split("\n", 2)
    return len(lines_) >= 2 and "-->" in lines_[1] and _START.match(head) is not None


def read(text: str, name: str) -> Document:
    numbers = Lines(text)
    notes: list[Note] = []
    segments = []
    solid: list[tuple[int, int]] = []
    expected = 0
    cue = 0
    for m in srtlib.SRT_REGEX.finditer(text):
        _contiguous(text, expected, m.start(), name, numbers, cue)
        cue += 1
        where = numbers.of(m.start(2))
        start, end = (_time(t, name, where, cue) for t in (m.group(2), m.group(3)))
        if end < start:
            notes.append(Note(where, f"cue {cue} ends before it starts; read as it is"))
        body_start, body_end = m.span(5)
        body = m.group(5)
        if not body.strip():
            notes.append(Note(where, f"cue {cue} has no text; kept as it is"))
        for ls, le in lines(text, body_start, body_end):
            if "-->" in text[ls:le]:
                raise CleanerError(f"cue {cue}: bad timing line '{snippet(text[ls:le])}' "
                                   "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
                                   file=name, line=numbers.of(ls))
            if ls == le and ls > body_start and body[:ls - body_start].strip():
                notes.append(Note(numbers.of(ls), f"blank line inside cue {cue}'s text; read "
                                                  "as part of the cue (is a cue number or "
                                                  "timing line missing?)"))
        segments.extend(line_segments_of(text, body_start, body_end, TAGS))
        solid.extend((a, b) for a, b in lines(text, body_start, body_end) if a < b)
        after = text[body_end:m.end()]
        if m.end() < len(text) and body and after.count("\n") < 2:
            notes.append(Note(numbers.of(m.end()), f"no blank line before cue {cue + 1}; "
                                                    "read as a new cue"))
        expected = m.end()
    _contiguous(text, expected, len(text), name, numbers, cue)
    return Document("srt", segments, notes, escape=_one_line, solid_lines=solid)


def _contiguous(text: str, expected: int, actual: int, name: str, numbers: Lines,
                cue: int) -> None:
    """Text between two cues that is not a cue: the file is not valid SRT there."""
    stray = text[expected:actual]
    if not stray.strip():
        return
    spans = [(a, b) for a, b in lines(text, expected, actual) if text[a:b].strip()]
    (first, first_end), rest = spans[0], spans[1:]
    timing = next(((a, b) for a, b in spans if "-->" in text[a:b]), None)
    if timing is None and text[first:first_end].strip().isdigit() and rest:
        timing = rest[0]  # a cue number, then what should have been its timing line
    if timing is not None:
        what = (f"bad timing line '{snippet(text[slice(*timing)])}' "
                "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)")
        first = timing[0]
    else:
        what = f"expected a cue number and a timing line, found '{snippet(text[first:first_end])}'"
    hint = looks_like(text, "srt") if cue == 0 else ""
    raise CleanerError(f"cue {cue + 1}: {what}{hint}", file=name, line=numbers.of(first))


def _time(stamp: str, name: str, line: int, cue: int) -> float:
    fields = [int(f) for f in _FIELDS.findall(stamp)]
    if any(f >= 60 for f in fields[1:3]):
        raise CleanerError(f"cue {cue}: bad timestamp '{stamp}' (minutes and seconds run "
                           "00-59)", file=name, line=line)
    try:
        return float(srtlib.srt_timestamp_to_timedelta(stamp).total_seconds())
    except (srtlib.TimestampParseError, ValueError):
        raise CleanerError(f"cue {cue}: bad timestamp '{stamp}'", file=name,
                           line=line) from None


def _one_line(replacement: str) -> str:
    if "\n" in replacement or "\r" in replacement:
        raise ValueError("a line break inside a cue's text could end the cue")
    return replacement
