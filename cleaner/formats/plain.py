"""Plain text: every non-empty line is a segment (paragraphs and line endings kept)."""
from __future__ import annotations

from ..segments import line_segments
from . import Document


def read(text: str, name: str) -> Document:
    return Document("text", line_segments(text))
