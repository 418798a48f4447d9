"""YAML that remembers where each mapping and key came from, so errors can name a line.

PyYAML's C parser is several times faster than the pure-Python one on large packs; the
line-recording constructor runs on either.
"""
from __future__ import annotations

from typing import Any

import yaml

from .errors import CleanerError

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}
        self.key_lines: dict[int, dict[str, int]] = {}
        self.duplicates: dict[int, tuple[str, int]] = {}
        self.item_lines: dict[int, list[int]] = {}


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data: dict[Any, Any] = {}
    loader.lines[id(data)] = node.start_mark.line + 1
    keys: dict[str, int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in keys:  # PyYAML would silently keep the last one
                loader.duplicates.setdefault(id(data), (key_node.value,
                                                        key_node.start_mark.line + 1))
            else:
                keys[key_node.value] = key_node.start_mark.line + 1
    loader.key_lines[id(data)] = keys
    yield data
    data.update(loader.construct_mapping(node))


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    data: list[Any] = []
    loader.lines[id(data)] = node.start_mark.line + 1
    loader.item_lines[id(data)] = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class Located:
    """A parsed YAML document plus the line of every mapping, list and key in it."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        loader = _LineLoader(text)
        try:
            self.data = loader.get_single_data()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise CleanerError(f"invalid YAML: {problem}", file=source, line=line) from None
        finally:
            loader.dispose()
        self._lines = loader.lines
        self._key_lines = loader.key_lines
        self._duplicates = loader.duplicates
        self._item_lines = loader.item_lines
        # Keep every constructed container alive so ids stay unique while we look them up.
        self._keep = self.data

    def item_line(self, seq: Any, index: int) -> int | None:
        """The line of the ``index``-th item of a YAML list."""
        lines = self._item_lines.get(id(seq), [])
        return lines[index] if index < len(lines) else self._lines.get(id(seq))

    def duplicate(self, obj: Any) -> tuple[str, int] | None:
        """The first key given twice in this mapping, with its line."""
        return self._duplicates.get(id(obj))

    def check_duplicates(self) -> None:
        if self._duplicates:
            key, line = min(self._duplicates.values(), key=lambda d: d[1])
            raise CleanerError("duplicate key", file=self.source, line=line, key=key)

    def line(self, obj: Any, key: str | None = None) -> int | None:
        if key is not None:
            found = self._key_lines.get(id(obj), {}).get(key)
            if found:
                return found
        return self._lines.get(id(obj))
