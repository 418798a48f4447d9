"""Glossaries: a user's vocabulary (names, products, jargon), one term per entry.

A plain file has one term per line (``#`` at the start or after a space starts a comment,
so ``C#`` is a term). A YAML file is a list whose
items are a term, or a mapping::

    - PaddlePaddle
    - {term: Caffe, sounds: [caffe, cafe], auto: false}
    - {term: R&D, aliases: [R and D]}

``sounds``: how the term is said, in ordinary words (for terms whose spelling misleads);
``aliases``: other written forms that mean the term; ``auto: false``: never apply, only flag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .errors import CleanerError
from .yamlsource import Located

ENTRY_KEYS = {"term", "sounds", "aliases", "auto"}
_COMMENT = re.compile(r"(?:^|\s)#")


@dataclass(frozen=True)
class Term:
    text: str                    # the written form a correction produces
    forms: tuple[str, ...]       # what to compare spans with: the term, sounds, aliases
    auto: bool = True
    source: str = "glossary"     # the pack name, or "glossary" for a user's file
    line: int = 0
    guarded: bool = False        # its rule needs context: real words are not matched by sound


def load_glossary(path: str | Path) -> list[Term]:
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except IsADirectoryError:
        raise CleanerError("is a directory, not a glossary", file=name) from None
    except UnicodeDecodeError:
        raise CleanerError("glossary is not UTF-8 text", file=name) from None
    except OSError as exc:
        raise CleanerError(f"cannot read glossary: {exc.strerror or exc}", file=name) from None
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        doc = Located(text, name)
        if not isinstance(doc.data, list):
            raise CleanerError("a YAML glossary is a list of terms", file=name, line=1)
        return parse_entries(doc.data, doc, "glossary")
    terms = []
    for n, line in enumerate(text.splitlines(), 1):
        term = _COMMENT.split(line, 1)[0].strip()  # "C#" is a term; " # note" a comment
        if term:
            terms.append(Term(term, (term,), True, "glossary", n))
    return terms


def parse_entries(items: Iterable[Any], doc: Located, source: str) -> list[Term]:
    """Read glossary entries (strings or mappings) from a YAML list."""
    terms = []
    for index, item in enumerate(items):
        if isinstance(item, str) and item.strip():
            terms.append(Term(item.strip(), (item.strip(),), True, source,
                              doc.item_line(items, index) or 0))
            continue
        if not isinstance(item, dict):
            raise CleanerError("a glossary entry is a term or a mapping with 'term'",
                               file=doc.source, line=doc.item_line(items, index))
        line = doc.line(item)
        for key in item:
            if key not in ENTRY_KEYS:
                raise CleanerError(f"unknown key in glossary entry (allowed: "
                                   f"{', '.join(sorted(ENTRY_KEYS))})", file=doc.source,
                                   line=doc.line(item, key), key=str(key))
        term = item.get("term")
        if not isinstance(term, str) or not term.strip():
            raise CleanerError("a glossary entry needs 'term'", file=doc.source, line=line,
                               key="term")
        forms = [term.strip()]
        for key in ("sounds", "aliases"):
            value = item.get(key, [])
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise CleanerError(f"{key} must be a string or a list of strings",
                                   file=doc.source, line=doc.line(item, key), key=key)
            forms.extend(v.strip() for v in value if v.strip())
        auto = item.get("auto", True)
        if not isinstance(auto, bool):
            raise CleanerError("auto must be true or false", file=doc.source,
                               line=doc.line(item, "auto"), key="auto")
        terms.append(Term(term.strip(), tuple(dict.fromkeys(forms)), auto, source, line or 0))
    return terms
