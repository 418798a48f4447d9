"""Cut a transcript into segments (lines, cues) and segments into sentence-sized chunks.

spaCy's tokenizer is about 9x slower on whole 2,000-word paragraphs than on sentences (it
stops caching after the first contraction), so text is split before tokenising. Chunks are
also the sentences that ``scope: sentence`` refers to. Offsets stay those of the input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """A stretch of the input that rules may read: a line of text, or a cue's text."""

    start: int
    end: int


_LINE = re.compile(r"[^\r\n]+")
# A sentence ends at . ! or ? followed by white space, unless the word before is an
# abbreviation such as "Dr." or "e.g." or "Ph.D." (an internal period).
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|vs|etc|approx|No|Fig|Inc|Ltd|"
                           r"Co|Corp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|"
                           r"\b[A-Za-z]{1,3}(?:\.[A-Za-z]{1,3})+)$")
# Without sentence punctuation (lower-case ASR output), cut long runs at a space anyway.
MAX_CHUNK = 400


def line_segments(text: str) -> list[Segment]:
    """Every non-empty line of a plain-text transcript, line endings excluded.

    >>> line_segments("one\\r\\n\\ntwo")
    [Segment(start=0, end=3), Segment(start=6, end=9)]
    """
    return [Segment(m.start(), m.end()) for m in _LINE.finditer(text)]


def sentence_chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentence-like chunks (offsets into ``text``).

    >>> t = "I did my Ph.D. at UPenn. Then NEC. Yes"
    >>> [t[a:b] for a, b in sentence_chunks(t, 0, len(t))]
    ['I did my Ph.D. at UPenn.', 'Then NEC.', 'Yes']
    """
    chunks: list[tuple[int, int]] = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        # An abbreviation has no space in it, so only the head's last word can end in one
        # (searching the whole head made long lines quadratic).
        last_word = max(pos, text.rfind(" ", pos, m.start()) + 1)
        if _ABBREVIATION.search(text[last_word:m.start()]):
            continue
        stop = m.end() - len(m.group()) + len(m.group().rstrip())
        chunks.extend(_cap_length(text, pos, stop))
        pos = m.end()
    if pos < end:
        chunks.extend(_cap_length(text, pos, end))
    return chunks


def _cap_length(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    while end - start > MAX_CHUNK:
        cut = text.rfind(" ", start + MAX_CHUNK // 2, start + MAX_CHUNK)
        if cut < 0:
            break
        out.append((start, cut))
        start = cut + 1
    out.append((start, end))
    return out


# In-text switches for a stretch that must not be touched (Markdown-like inputs):
#   <!-- cleaner: off --> ... <!-- cleaner: on -->   (an "off" with no "on" runs to the end)
_PRAGMA = re.compile(r"<!--\s*cleaner:\s*(off|on)\s*-->", re.IGNORECASE)


def pragma_regions(text: str) -> list[tuple[int, int]]:
    """Spans switched off by pragmas, the pragmas themselves included.

    >>> t = "a <!-- cleaner: off -->b<!-- cleaner: on --> c"
    >>> [t[a:b] for a, b in pragma_regions(t)]
    ['<!-- cleaner: off -->b<!-- cleaner: on -->']
    """
    regions, off_at = [], None
    for m in _PRAGMA.finditer(text):
        if m.group(1).lower() == "off" and off_at is None:
            off_at = m.start()
        elif m.group(1).lower() == "on" and off_at is not None:
            regions.append((off_at, m.end()))
            off_at = None
    if off_at is not None:
        regions.append((off_at, len(text)))
    return regions


def subtract(segments: list[Segment], regions: list[tuple[int, int]]) -> list[Segment]:
    """The parts of ``segments`` outside ``regions``.

    >>> subtract([Segment(0, 10)], [(3, 5)])
    [Segment(start=0, end=3), Segment(start=5, end=10)]
    """
    out: list[Segment] = []
    for seg in segments:
        pieces = [(seg.start, seg.end)]
        for a, b in regions:
            pieces = [p for s, e in pieces
                      for p in ((s, min(e, a)), (max(s, b), e)) if p[0] < p[1]] \
                if any(s < b and a < e for s, e in pieces) else pieces
        out.extend(Segment(s, e) for s, e in pieces)
    return out
