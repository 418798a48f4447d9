"""A JSON reader that keeps where every string literal sits in the file.

``json`` gives values but not positions. The file is first checked with ``json.loads``
(so errors are Python's own, with line and column); this reader then walks the valid text
once more and returns the same structure, with each string replaced by a :class:`Lit`
holding the offsets of the characters between its quotes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
import json.decoder
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_CONSTANTS = {"true": True, "false": False, "null": None, "NaN": float("nan"),
              "Infinity": float("inf"), "-Infinity": float("-inf")}


scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]


def _ws_end(text: str, pos: int) -> int:
    """The end of the white space at ``pos``."""
    m = _WS.match(text, pos)
    return m.end() if m else pos


@dataclass(frozen=True)
class Lit:
    """A JSON string: its decoded ``value`` and the raw ``text[start:end]`` inside the quotes."""

    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Obj:
    """A JSON object and the offset of its ``{``."""

    items: dict[str, Any]
    at: int


@dataclass(frozen=True)
class Arr:
    """A JSON array and the offset of its ``[``."""

    items: list[Any]
    at: int


def parse(text: str) -> Any:
    """Parse valid JSON ``text`` into ``Obj``/``Arr``/``Lit`` and plain numbers and constants.

    >>> doc = parse('{"text": "a\\\\"b", "n": [1, 2.5]}')
    >>> lit = doc.items["text"]
    >>> lit.value, (lit.start, lit.end), doc.items["n"].items
    ('a"b', (10, 14), [1, 2.5])
    """
    value, _ = _value(text, _ws_end(text, 0))
    return value


def _value(text: str, i: int) -> tuple[Any, int]:
    c = text[i]
    if c == '"':
        s, j = scanstring(text, i + 1)
        return Lit(s, i + 1, j - 1), j
    if c == "{":
        items: dict[str, Any] = {}
        at, i = i, _ws_end(text, i + 1)
        if text[i] == "}":
            return Obj(items, at), i + 1
        while True:
            key, i = scanstring(text, i + 1)
            i = _ws_end(text, i) + 1  # the colon
            items[key], i = _value(text, _ws_end(text, i))
            i = _ws_end(text, i)
            if text[i] == "}":
                return Obj(items, at), i + 1
            i = _ws_end(text, i + 1)  # past the comma
    if c == "[":
        values: list[Any] = []
        at, i = i, _ws_end(text, i + 1)
        if text[i] == "]":
            return Arr(values, at), i + 1
        while True:
            value, i = _value(text, i)
            values.append(value)
            i = _ws_end(text, i)
            if text[i] == "]":
                return Arr(values, at), i + 1
            i = _ws_end(text, i + 1)
    for word, constant in _CONSTANTS.items():
        if text.startswith(word, i):
            return constant, i + len(word)
    m = _NUMBER.match(text, i)
    assert m is not None, f"not valid JSON at {i}; check with json.loads first"
    number = float(m.group()) if m.group(1) or m.group(2) else int(m.group())
    return number, m.end()
