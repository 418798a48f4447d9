"""WebVTT, read by hand: ``webvtt-py`` gives cue text but not where it sits in the file.

The ``WEBVTT`` header block, ``NOTE``, ``STYLE`` and ``REGION`` blocks, cue ids, timing lines
and cue settings are never segments. In cue payloads, tags (``<v Bob>``, ``<i>``,
``<c.x>``, ``<00:01.000>``) and character references (``&amp;``) are not text: segments are
the pieces between them, past a ``Name:``/``>>`` speaker label at the start of a line.

Errors: no ``WEBVTT`` first line, a bad timing line, a cue id with no timing line, a timing
line inside a cue's text (a missing blank line: cue ids are free text, so where the next cue
starts cannot be guessed). A cue with no text is valid WebVTT and is kept.
"""
from __future__ import annotations

import re

from ..errors import CleanerError
from . import Document, looks_like
from .common import Lines, Note, line_segments_of, lines, snippet

_HEADER = re.compile(r"WEBVTT(?=[ \t]|$)")
_TS = r"(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}"
_TIMING = re.compile(rf"[ \t]*({_TS})[ \t]+-->[ \t]+({_TS})(?:[ \t]+[^\r\n]*)?")
_BLOCKS_SKIPPED = re.compile(r"(?:NOTE|STYLE|REGION)(?=[ \t]|$)")
SKIP = re.compile(r"<[^<>\r\n]*>|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")


def sniff(text: str) -> bool:
    return _HEADER.match(text.split("\n", 1)[0].rstrip("\r")) is not None


def read(text: str, name: str) -> Document:
    numbers = Lines(text)
    all_lines = list(lines(text))
    if not all_lines or not _HEADER.match(text, *all_lines[0]):
        raise CleanerError("not WebVTT: the first line must be WEBVTT" + looks_like(text, "vtt"),
                           file=name, line=1)
    notes: list[Note] = []
    segments = []
    solid: list[tuple[int, int]] = []
    cue = 0
    for block in _blocks(text, all_lines[1:], name):
        first_start, first_end = block[0]
        if _BLOCKS_SKIPPED.match(text, first_start, first_end):
            continue
        timing = 0 if "-->" in text[first_start:first_end] else 1
        cue += 1
        if timing >= len(block) or "-->" not in text[slice(*block[timing])]:
            raise CleanerError(f"cue {cue}: '{snippet(text[first_start:first_end])}' is "
                               "followed by no timing line (expected "
                               "HH:MM:SS.mmm --> HH:MM:SS.mmm)",
                               file=name, line=numbers.of(first_start))
        ts, te = block[timing]
        m = _TIMING.fullmatch(text, ts, te)
        if m is None or not all(_valid(t) for t in m.groups()):
            raise CleanerError(f"cue {cue}: bad timing line '{snippet(text[ts:te])}' "
                               "(expected HH:MM:SS.mmm --> HH:MM:SS.mmm [settings])",
                               file=name, line=numbers.of(ts))
        if _seconds(m.group(2)) < _seconds(m.group(1)):
            notes.append(Note(numbers.of(ts), f"cue {cue} ends before it starts; read as it is"))
        for ls, le in block[timing + 1:]:
            if "-->" in text[ls:le]:
                raise CleanerError(f"cue {cue}: a timing line inside the cue's text (is a "
                                   "blank line missing before it?)",
                                   file=name, line=numbers.of(ls))
            segments.extend(line_segments_of(text, ls, le, SKIP))
            solid.append((ls, le))
    return Document("vtt", segments, notes, escape=escape, solid_lines=solid)


def _blocks(text: str, spans: list[tuple[int, int]], name: str) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines after the header (the lines up to the first blank one)."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    in_header = True
    for ls, le in spans:
        if in_header and "-->" in text[ls:le]:
            raise CleanerError("a blank line must end the WEBVTT header before the first cue",
                               file=name, line=Lines(text).of(ls))
        if text[ls:le].strip():
            current.append((ls, le))
            continue
        if not in_header and current:
            blocks.append(current)
        in_header = False
        current = []
    if current and not in_header:
        blocks.append(current)
    return blocks


def _valid(stamp: str) -> bool:
    return all(int(f) < 60 for f in stamp.split(".")[0].split(":")[-2:])


def _seconds(stamp: str) -> float:
    total = 0.0
    for part in stamp.split(":"):
        total = total * 60 + float(part)
    return total


def escape(replacement: str) -> str:
    """Write a replacement as cue text: ``&``, ``<`` and ``>`` become references.

    >>> escape("R&D <b>")
    'R&amp;D &lt;b&gt;'
    """
    if "\n" in replacement or "\r" in replacement:
        raise ValueError("a line break inside a cue's text could end the cue")
    return replacement.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
