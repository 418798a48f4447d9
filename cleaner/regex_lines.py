"""Which line-break characters a regex can read, so it can search many lines in one call.

Plain-text segments are lines, and a regex searched line by line pays the engine's start-up
cost once per line: for a short rule that is most of its cost. Searching a run of lines in
one call (``pos`` at the first line's start, ``endpos`` at the last one's end) finds the
same matches within each line when nothing in the pattern can match the line break
between them and the pattern has no end anchor:

* reading a line-break character then fails exactly as reading past ``endpos`` fails, so
  no match, lookahead or class behaves differently at a line's end;
* ``\\b`` and ``\\B`` see a non-word character either way;
* ``^`` and ``\\A`` never match at ``pos`` in the ``regex`` module, and a lookbehind reads
  before ``pos`` in both searches;
* ``$``, ``\\Z`` and ``\\z`` do differ (they match at ``endpos``), so a pattern with one
  gives ``None``.

``line_breaks_read(pattern, flags)`` reads the pattern with the standard library's parser
(as ``regex_prefilter`` does, with the same guards for syntax ``regex`` reads differently)
and returns the set of ``"\\n"`` and ``"\\r"`` that some part of it can match, or ``None``
when it cannot tell.

>>> sorted(line_breaks_read(r"(?<=\\S)[ ]{2,}(?=\\S)", 0))
[]
>>> sorted(line_breaks_read(r"a\\s+b", 0))
['\\n', '\\r']
>>> sorted(line_breaks_read(r"a.b", 0))  # "." reads a carriage return, not a line feed
['\\r']
>>> line_breaks_read(r"end$", 0) is None
True
>>> sorted(line_breaks_read(r"[.?!] +\\K[a-z]", 0))  # regex's \\K reads nothing
[]
"""
from __future__ import annotations

import functools
import re
from typing import Any

from .regex_prefilter import _c, _parse

__all__ = ["line_breaks_read", "BREAKS"]

BREAKS = frozenset("\n\r")
_DOTALL = _c.SRE_FLAG_DOTALL
_VERBOSE = _c.SRE_FLAG_VERBOSE
# Zero-width assertions that read the same at endpos as before a line break.
_SAME_AT_END = {_c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_BOUNDARY, _c.AT_NON_BOUNDARY}
# Which line-break characters each class escape (\s, \d, \w and their negations) matches.
_CATEGORY_READS = {
    _c.CATEGORY_SPACE: BREAKS, _c.CATEGORY_NOT_SPACE: frozenset(),
    _c.CATEGORY_DIGIT: frozenset(), _c.CATEGORY_NOT_DIGIT: BREAKS,
    _c.CATEGORY_WORD: frozenset(), _c.CATEGORY_NOT_WORD: BREAKS,
}


# regex's \K (keep out: the match reported starts here) reads nothing; the standard parser
# does not know it, so it is dropped before parsing (a backslash pair is kept as it is).
_KEEP_OUT = re.compile(r"\\[\\K]")


def _drop_keep_out(m: re.Match[str]) -> str:
    return "" if m.group() == "\\K" else m.group()


class _Unsupported(Exception):
    """Syntax this reading does not vouch for."""


@functools.lru_cache(maxsize=4096)
def line_breaks_read(pattern: str, flags: int) -> frozenset[str] | None:
    """The line-break characters (of ``"\\n"``, ``"\\r"``) some part of ``pattern``, compiled
    by ``regex`` with ``flags``, can match or test; ``None`` if it cannot be told or the
    pattern has an end anchor."""
    if "[:" in pattern or flags & _VERBOSE:  # POSIX classes; verbose layout
        return None
    try:
        tree = _parse(_KEEP_OUT.sub(_drop_keep_out, pattern))
        if tree.state.flags & _VERBOSE:
            return None
        return frozenset(_sequence(tree, bool((flags | tree.state.flags) & _DOTALL)))
    except Exception:  # _Unsupported, re.error, RecursionError, warnings, ...
        return None


def _sequence(items: Any, dotall: bool) -> set[str]:
    found: set[str] = set()
    for op, av in items:
        found |= _node(op, av, dotall)
    return found


def _char(code: int) -> set[str]:
    if code in (ord("{"), ord("}")):
        raise _Unsupported("braces")  # {e<=1} and the like are fuzzy constraints in regex
    ch = chr(code)
    return {ch} if ch in BREAKS else set()


def _node(op: Any, av: Any, dotall: bool) -> set[str]:
    if op is _c.LITERAL:
        return _char(av)
    if op is _c.NOT_LITERAL:
        return set(BREAKS - {chr(av)})
    if op is _c.ANY:
        return set(BREAKS) if dotall else {"\r"}
    if op is _c.IN:
        return _in_set(av)
    if op is _c.AT:
        if av not in _SAME_AT_END:
            raise _Unsupported("end anchor")
        return set()
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if (add_flags | del_flags) & _VERBOSE:
            raise _Unsupported("verbose")
        if add_flags & _DOTALL:
            dotall = True
        if del_flags & _DOTALL:
            dotall = False
        return _sequence(sub, dotall)
    if op is _c.ATOMIC_GROUP:
        return _sequence(av, dotall)
    if op is _c.BRANCH:
        return set().union(*(_sequence(b, dotall) for b in av[1]))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        return _sequence(av[2], dotall)
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return _sequence(av[1], dotall)
    if op is _c.GROUPREF:
        return set()  # it matches what its group matched, which is read above
    if op is _c.GROUPREF_EXISTS:
        _group, yes, no = av
        return _sequence(yes, dotall) | (_sequence(no, dotall) if no is not None else set())
    raise _Unsupported(str(op))


def _in_set(items: Any) -> set[str]:
    """The line-break characters a character class matches."""
    negate = False
    hit: set[str] = set()
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            hit |= _char(av)
        elif op is _c.RANGE:
            lo, hi = av
            hit |= {ch for ch in BREAKS if lo <= ord(ch) <= hi}
        elif op is _c.CATEGORY and av in _CATEGORY_READS:
            hit |= _CATEGORY_READS[av]
        else:
            raise _Unsupported(str(op))
    return set(BREAKS - hit) if negate else hit
