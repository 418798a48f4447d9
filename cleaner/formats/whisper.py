"""Whisper JSON (openai-whisper's ``--output_format json``, faster-whisper/whisperX dumps).

Segments are the characters inside the ``"text"`` string literals of ``segments[]`` (a
top-level array of segment objects is read too), past a speaker label. JSON escapes are not
text: a segment stops at ``\\"``, ``\\n``, ``\\u2019``..., and a word spelled with an escaped
letter (``na\\u00efve``, as ``json.dump`` writes non-ASCII by default) is left out whole, so
no rule sees half a word.

The top-level ``"text"`` repeats the segments' text. It is not a segment of its own (its
corrections would be counted twice and could disagree with the segments'); instead each
applied correction in a segment is copied to the same words in the top-level text
(``Document.mirrors``), so both say the same. ``words[]`` is the recogniser's record of what
it heard, with timings: it is left as recognised. Word probabilities (``probability``, or
whisperX's ``score``) are located in the segment text for ``--flag-below``.
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from ..errors import CleanerError
from ..segments import Segment
from . import Document, Mirror, Word, looks_like
from .common import Lines, Note, after_label, pieces
from .jsonspans import Arr, Lit, Obj, parse

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")
_TOKEN = re.compile(r"[^\s\\]*(?:\\(?:u[0-9a-fA-F]{4}|.)[^\s\\]*)+|[^\s\\]+")


def sniff(text: str) -> bool:
    head = text.lstrip()[:2000]
    if head.startswith("{"):
        return '"segments"' in text
    return head.startswith("[") and head[1:].lstrip().startswith("{") and '"text"' in head


def read(text: str, name: str) -> Document:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        hint = looks_like(text, "whisper-json") if exc.pos == 0 else ""
        raise CleanerError(f"not valid JSON: {exc.msg} (column {exc.colno}){hint}", file=name,
                           line=exc.lineno) from None
    except RecursionError:
        raise CleanerError("JSON nested too deeply", file=name) from None
    numbers = Lines(text)
    root = parse(text)
    items = _segment_list(root, name, numbers)
    doc = Document("whisper-json", [], escape=_escaper(text))
    for n, item in enumerate(items):
        if not isinstance(item, Obj) or not isinstance(item.items.get("text"), Lit):
            at = getattr(item, "at", None)
            raise CleanerError(f"segments[{n}] has no \"text\" string; not Whisper JSON",
                               file=name, line=numbers.of(at) if at is not None else None)
        lit = item.items["text"]
        doc.segments.extend(_text_segments(text, lit))
        words = item.items.get("words")
        if isinstance(words, Arr):
            _locate_words(text, lit, words, doc)
    if isinstance(root, Obj) and isinstance(root.items.get("text"), Lit):
        _mirror(text, root.items["text"], [i.items["text"] for i in items], doc, numbers)
    return doc


def _segment_list(root: Any, name: str, numbers: Lines) -> list[Any]:
    if isinstance(root, Arr):
        return list(root.items)
    if isinstance(root, Obj) and isinstance(root.items.get("segments"), Arr):
        return list(root.items["segments"].items)
    raise CleanerError("no \"segments\" list: not Whisper JSON (give --format to read it "
                       "another way)", file=name, line=1)


def _text_segments(text: str, lit: Lit) -> list[Segment]:
    """The literal's text past a speaker label, cut around escapes; a word with an
    escaped letter is left out whole."""
    skip_spans = []
    for token in _TOKEN.finditer(text, lit.start, lit.end):
        escapes = list(_ESCAPE.finditer(text, token.start(), token.end()))
        if any(_is_letter(e.group()) for e in escapes):
            skip_spans.append((token.start(), token.end()))
        else:
            skip_spans.extend((e.start(), e.end()) for e in escapes)
    out, pos = [], after_label(text, lit.start, lit.end)
    for s, e in skip_spans:
        if e <= pos:
            continue
        out.extend(pieces(text, pos, max(pos, s), None))
        pos = max(pos, e)
    out.extend(pieces(text, pos, lit.end, None))
    return out


def _is_letter(escape: str) -> bool:
    if not escape.startswith("\\u"):
        return False
    return unicodedata.category(chr(int(escape[2:], 16)))[0] in "LMN"


def _locate_words(text: str, lit: Lit, words: Arr, doc: Document) -> None:
    """Find each of ``words[]`` in the segment's text, in order."""
    pos = lit.start
    for w in words.items:
        if not isinstance(w, Obj) or not isinstance(w.items.get("word"), Lit):
            continue
        p = w.items.get("probability", w.items.get("score"))
        if not isinstance(p, (int, float)) or isinstance(p, bool):
            continue
        doc.has_probabilities = True
        raw = text[w.items["word"].start:w.items["word"].end].strip()
        if not raw:
            continue
        k = text.find(raw, pos, lit.end)
        if k < 0:
            doc.notes.append(Note(None, f"word '{raw}' is not in its segment's text; its "
                                        "probability is not used"))
            continue
        doc.words.append(Word(k, k + len(raw), float(p)))
        pos = k + len(raw)


def _mirror(text: str, top: Lit, parts: list[Lit], doc: Document, numbers: Lines) -> None:
    """Where each segment's text reappears in the top-level text."""
    pos = top.start
    for n, lit in enumerate(parts):
        raw = text[lit.start:lit.end]
        core = raw.strip()
        if not core:
            continue
        k = text.find(core, pos, top.end)
        if k < 0:
            doc.notes.append(Note(numbers.of(top.start), f"the top-level text does not "
                                  f"contain segments[{n}]'s text; its corrections are not "
                                  "copied there"))
            continue
        lead = len(raw) - len(raw.lstrip())
        doc.mirrors.append(Mirror(lit.start + lead, lit.start + lead + len(core), k))
        pos = k + len(core)


def _escaper(text: str) -> Any:
    ascii_only = text.isascii()  # json.dump's default: keep writing \\u escapes

    def escape(replacement: str) -> str:
        """A replacement as the inside of a JSON string literal."""
        return json.dumps(replacement, ensure_ascii=ascii_only)[1:-1]
    return escape
