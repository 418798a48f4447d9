"""Write a result out: the cleaned text, CriticMarkup, and the edits JSON.

The annotated file is CriticMarkup: ``{~~old~>new~~}`` substitution, ``{--old--}``
deletion, ``{++new++}`` insertion, ``{==spot==}`` a flagged spot; each is followed by a
comment ``{>>...<<}`` naming the rule and its confidence. Reading the markup one way gives
the original, the other way the cleaned text (``strip_markup``).
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Iterable

from .model import Edit


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to ``text``.

    >>> apply_edits("a cafe", [Edit(2, 6, "cafe", "Caffe", "applied", 1, "r", "term", "")])
    'a Caffe'
    """
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def _comment(e: Edit) -> str:
    note = f"{e.rule} {e.confidence:g}"
    if e.action == "flagged":
        suggestion = f"{e.replacement}? " if e.replacement != e.original else ""
        note = f"{suggestion}{note}: {e.message}"
    return "{>>" + note.replace("<<}", "<< }") + "<<}"


def mark(e: Edit) -> str:
    """One edit in CriticMarkup, without its comment.

    >>> mark(Edit(2, 6, "cafe", "Caffe", "applied", 1, "r", "term", ""))
    '{~~cafe~>Caffe~~}'
    """
    if e.action == "flagged":
        return "{==" + e.original + "==}"
    if not e.replacement:
        return "{--" + e.original + "--}"
    if not e.original:
        return "{++" + e.replacement + "++}"
    return "{~~" + e.original + "~>" + e.replacement + "~~}"


def critic_markup(text: str, edits: Iterable[Edit]) -> str:
    """The original text with every edit and flag marked up in CriticMarkup."""
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos:e.start])
        out.append(mark(e))
        out.append(_comment(e))
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


_MARKUP = re.compile(r"\{~~(.*?)~>(.*?)~~\}|\{--(.*?)--\}|\{\+\+(.*?)\+\+\}|\{==(.*?)==\}"
                     r"|\{>>.*?<<\}", re.S)


def strip_markup(annotated: str, side: str) -> str:
    """Read CriticMarkup back: ``side="original"`` or ``side="cleaned"``.

    >>> s = "a {~~cafe~>Caffe~~}{>>r 1<<} and {--um --}{>>f 1<<}so"
    >>> strip_markup(s, "original"), strip_markup(s, "cleaned")
    ('a cafe and um so', 'a Caffe and so')
    """
    new = side == "cleaned"

    def one(m: re.Match[str]) -> str:
        sub_old, sub_new, deleted, inserted, flagged = m.groups()
        if sub_old is not None:
            return sub_new if new else sub_old
        if deleted is not None:
            return "" if new else deleted
        if inserted is not None:
            return inserted if new else ""
        if flagged is not None:
            return flagged
        return ""

    return _MARKUP.sub(one, annotated)


def edits_document(source: str, fmt: str, raw: bytes, edits: Iterable[Edit]) -> dict[str, Any]:
    return {"source": source, "format": fmt, "sha256": hashlib.sha256(raw).hexdigest(),
            "edits": [e.to_dict() for e in edits]}


def edits_json(source: str, fmt: str, raw: bytes, edits: Iterable[Edit]) -> str:
    return json.dumps(edits_document(source, fmt, raw, edits), ensure_ascii=False, indent=1) + "\n"
