"""Transcript formats: read a file into the segments rules may look at.

Every reader returns offsets into the whole decoded input; nothing is ever re-serialised.
The cleaned file is ``apply_edits(text, applied)``, so timings, cue numbers, tags, headers
and JSON outside the segments come through byte for byte.

| format | segments (where rules look) |
| --- | --- |
| ``text`` | every non-empty line |
| ``timestamped`` | each line past its ``[0:03]``-style timestamp and ``Name:`` label |
| ``srt`` | cue text lines, past speaker labels, between ``<i>``/``{\\an8}`` tags |
| ``vtt`` | cue payload lines, between tags (``<v Bob>``, ``<c.x>``, ``<00:01.000>``) and entities |
| ``whisper-json`` | the insides of ``segments[].text`` string literals, around escapes |

A format is chosen by ``detect``: the extension when it names one (``.srt``, ``.vtt``,
``.json``), else a clear signature in the content (a ``WEBVTT`` header, an SRT cue, a JSON
document with segments), else timestamped lines when enough lines start with one, else
plain text. ``--format`` overrides it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..segments import Segment
from .common import Note

FORMATS = ("text", "timestamped", "srt", "vtt", "whisper-json")
EXTENSIONS = {"text": ".txt", "timestamped": ".txt", "srt": ".srt", "vtt": ".vtt",
              "whisper-json": ".json"}
_BY_EXTENSION = {".srt": "srt", ".vtt": "vtt", ".webvtt": "vtt", ".json": "whisper-json"}


@dataclass(frozen=True)
class Word:
    """A recognised word located in a segment's text, with the recogniser's probability."""

    start: int
    end: int
    probability: float


@dataclass(frozen=True)
class Mirror:
    """``text[start:end]`` (in a segment) is repeated at ``copy`` (Whisper's top-level text)."""

    start: int
    end: int
    copy: int


def _keep(replacement: str) -> str:
    return replacement


@dataclass
class Document:
    """A transcript read in one format."""

    format: str
    segments: list[Segment]
    notes: list[Note] = field(default_factory=list)
    # How a replacement is written into this format (JSON escapes, VTT entities); raises
    # ValueError for one the format cannot hold (a line break inside an SRT cue).
    escape: Callable[[str], str] = _keep
    words: list[Word] = field(default_factory=list)
    has_probabilities: bool = False
    mirrors: list[Mirror] = field(default_factory=list)
    # Cue text lines that must not end up blank: in SRT and WebVTT a blank line ends a cue.
    solid_lines: list[tuple[int, int]] = field(default_factory=list)


def _readers() -> dict[str, Callable[[str, str], Document]]:
    from . import plain, subrip, timestamped, vtt, whisper
    return {"text": plain.read, "timestamped": timestamped.read, "srt": subrip.read,
            "vtt": vtt.read, "whisper-json": whisper.read}


def by_extension(name: str) -> str | None:
    """The format a file name suggests, or None (``.txt``, ``.md``, stdin: look inside)."""
    if name == "-":
        return None
    return _BY_EXTENSION.get(Path(name).suffix.lower())


def sniff(text: str) -> str | None:
    """The format the content clearly is, from its first lines, or None."""
    from . import subrip, vtt, whisper
    if vtt.sniff(text):
        return "vtt"
    if subrip.sniff(text):
        return "srt"
    if whisper.sniff(text):
        return "whisper-json"
    return None


def detect(name: str, text: str) -> str:
    """The format of ``text`` read from file ``name``.

    >>> detect("talk.txt", "WEBVTT\\n\\n00:01.000 --> 00:02.000\\nhi\\n")
    'vtt'
    >>> detect("talk.txt", "[0:03] hello\\n[0:07] there\\n")
    'timestamped'
    >>> detect("talk.srt", "")
    'srt'
    >>> detect("-", "just words\\n")
    'text'
    """
    from . import timestamped
    found = by_extension(name) or sniff(text)
    if found:
        return found
    return "timestamped" if timestamped.sniff(text) else "text"


def looks_like(text: str, fmt: str) -> str:
    """A hint for an error: what else ``text`` seems to be, when not ``fmt``."""
    other = sniff(text)
    return f" (it looks like {other}: give --format {other})" if other and other != fmt else ""


def read(name: str, text: str, fmt: str | None = None) -> Document:
    """Read ``text`` (the decoded file ``name``) as ``fmt``, or as the detected format.

    Malformed input raises ``CleanerError`` naming the file and line; what is read anyway
    comes back as ``Document.notes``.
    """
    chosen = fmt or detect(name, text)
    if chosen not in FORMATS:
        from ..errors import CleanerError
        raise CleanerError(f"unknown format '{chosen}' (known: {', '.join(FORMATS)})",
                           key="format")
    return _readers()[chosen](text, name)


__all__ = ["Document", "EXTENSIONS", "FORMATS", "Mirror", "Note", "Word", "by_extension",
           "detect", "looks_like", "read", "sniff"]
