"""Literal strings that every match of a regex needs, to skip rules that cannot match.

``required_literals(pattern, ignorecase)`` reads the pattern with the standard library's
parser and returns a set of ASCII strings such that any match of the pattern, compiled
with the third-party ``regex`` module in V0 mode, in any text implies that one of them
occurs in ``fold(text)`` (case-insensitive patterns) or in ``text`` itself (case-sensitive
patterns). ``None`` means it cannot tell, and the rule must always run.

Case rule (one for the whole pattern, chosen by ``ignorecase``):

* ``ignorecase=True``: every literal character, whether in a case-insensitive part or in
  a ``(?-i:...)`` part, is lower-cased and the set is checked against ``fold(text)``.
  This is sound because ``fold`` maps every character that ``regex`` matches to an ASCII
  letter, case-insensitively, to that letter in lower case, one character for one, and
  ``fold`` works character by character, so a matched stretch stays contiguous.
* ``ignorecase=False``: literals come only from the case-sensitive parts, keep their case
  and are checked against the original text; a ``(?i:...)`` part gives nothing.

``fold`` is ``str.casefold`` plus one fix: ``regex`` matches ``i`` to U+0130 (dotted
capital I, whose casefold is two characters) and ``I`` to U+0131 (dotless i, whose
casefold is itself), so those two become ``i`` first. Only printable ASCII (and tab, CR,
LF) literals are kept; any other character ends a literal.

How the tree is read (in the manner of trigram indexes for regex search): each node gets
an *exact* set (all strings it can consume, when few), a *prefix* and a *suffix* set (the
text at its start begins with one of them, the text at its end ends with one of them) and
a *match* set (the text contains one of them). A sequence concatenates exact sets and joins
a suffix to the next prefix; an alternation unions each branch's sets; a repeat with a
minimum of 0 knows nothing; a positive lookahead gives a prefix and a lookbehind a suffix,
both zero-width; negative lookarounds, back references, classes, categories and ``.``
give nothing. The most selective candidate (longest shortest literal, then fewest
literals) wins. Patterns that the standard parser reads differently from ``regex`` (braces,
which may be fuzzy constraints, POSIX classes ``[:alpha:]``, possible nested sets, the
verbose flag) and patterns it rejects give ``None``.

>>> sorted(required_literals(r"\\bjupiter (notebooks?|lab|hub)\\b", True))
['jupiter hub', 'jupiter lab', 'jupiter notebook']
>>> sorted(required_literals(r"\\b(?:k|kay) (nearest neighbou?rs?)\\b", True))
['k nearest neighbor', 'k nearest neighbour', 'kay nearest neighbor', 'kay nearest neighbour']
>>> sorted(required_literals(r"\\b(over|under) (fit|fits)\\b", True))
['over fit', 'under fit']
>>> sorted(required_literals(r"Foo(?i:bar)", False)), sorted(required_literals(r"Foo(?i:bar)", True))
(['Foo'], ['foobar'])
>>> required_literals(r"(?:ab)?c", True) is None  # an optional part gives nothing, "c" is short
True
>>> required_literals(r"\\p{Ll}abc", True) is None  # regex-only syntax
True
>>> required_literals(r"(?:abc){e<=1}", True) is None  # fuzzy matching: braces give None
True
>>> required_literals(r"x(?=[ ]*(?:yes|no))", False) is None  # "no" is too short
True
>>> sorted(required_literals(r"x(?=[ ]*(?:yes|no))", False, min_length=1))
['no', 'yes']
>>> sorted(required_literals(r"(?<=abc)x", False)), required_literals(r"(?<=abc)x", False, lookbehind=False)
(['abcx'], None)
"""
from __future__ import annotations

import functools
import importlib
import warnings
from typing import Any, Callable, Iterable

try:  # Python 3.11+
    _c: Any = importlib.import_module("re._constants")
    _p: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python < 3.11
    _c = importlib.import_module("sre_constants")
    _p = importlib.import_module("sre_parse")

__all__ = ["required_literals", "fold", "MIN_LENGTH"]

MIN_LENGTH = 3   # literals shorter than this are not selective enough to be useful
_CAP = 64        # most strings kept in one set; larger sets are cut down or dropped
_MAX_EXPAND = 4  # a bounded repeat of an exact part is expanded up to this many times

_ALLOWED = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}
_NOTHING: frozenset[str] = frozenset({""})  # "contains the empty string": no information
_DOTTED_CAPITAL_I = "\u0130"
_DOTLESS_SMALL_I = "\u0131"


def fold(text: str) -> str:
    """The text that case-insensitive literals are looked for in.

    >>> fold("K\u212a\u017f\u0130\u0131 Stra\xdfe")
    'kksii strasse'
    """
    if _DOTTED_CAPITAL_I in text or _DOTLESS_SMALL_I in text:
        text = text.replace(_DOTTED_CAPITAL_I, "i").replace(_DOTLESS_SMALL_I, "i")
    return text.casefold()


class _Unsupported(Exception):
    """The standard parser may read this pattern differently from ``regex``."""


class _Info:
    """What is known about the text around one node of the parse tree."""

    __slots__ = ("exact", "prefix", "suffix", "match")

    def __init__(self, exact: frozenset[str] | None, prefix: frozenset[str] = _NOTHING,
                 suffix: frozenset[str] = _NOTHING, match: frozenset[str] = _NOTHING) -> None:
        self.exact = exact  # every string the node can consume, or None
        if exact is not None and len(exact) == 1 and prefix is suffix is match is _NOTHING:
            prefix = suffix = match = _NOTHING if "" in exact else exact  # the common case
        elif exact is not None:  # what the node consumes is also how its text starts and ends
            prefix = _best(prefix, _reduce(exact, "prefix"))
            suffix = _best(suffix, _reduce(exact, "suffix"))
            match = _best(match, _reduce(exact, "any"))
        self.prefix = prefix  # the text at the node's start begins with one of these
        self.suffix = suffix  # the text at the node's end ends with one of these
        self.match = match    # the text read by the node contains one of these

    def required(self) -> frozenset[str]:
        return _best(self.match, self.prefix, self.suffix)


def _score(s: frozenset[str]) -> tuple[int, int]:
    return (min(map(len, s)) if s else 0, -len(s))


def _best(*sets: frozenset[str]) -> frozenset[str]:
    return max(sets, key=_score)


def _reduce(s: frozenset[str] | None, kind: str) -> frozenset[str]:
    """Drop strings implied by shorter ones, then cut the set down to at most ``_CAP``."""
    if not s or "" in s:
        return _NOTHING
    if len(s) == 1:
        return s
    implied: Callable[[str, str], bool]  # (longer, shorter): a text with longer has shorter
    if kind == "prefix":
        implied = str.startswith
    elif kind == "suffix":
        implied = str.endswith
    else:
        implied = str.__contains__
    kept: list[str] = []
    for b in sorted(s, key=len):
        if not any(implied(b, a) for a in kept):
            kept.append(b)
    out = frozenset(kept)
    length = max(map(len, out))
    while len(out) > _CAP and length > 1:  # shorten the strings (still sound) until few
        length -= 1
        out = frozenset(x[-length:] if kind == "suffix" else x[:length] for x in out)
        if len(out) <= _CAP:
            return _reduce(out, kind)
    return out if len(out) <= _CAP else _NOTHING


def _cross(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _CAP:
        return None
    return frozenset(x + y for x in a for y in b)


def _concat(x: _Info, y: _Info) -> _Info:
    """``x`` followed by ``y``."""
    exact = _cross(x.exact, y.exact) if x.exact is not None and y.exact is not None else None
    # The text at x's start is what x consumes followed by the text at y's start.
    prefix = x.prefix
    if x.exact is not None:
        joined = _cross(x.exact, y.prefix)
        if joined is not None:
            prefix = _best(prefix, _reduce(joined, "prefix"))
    suffix = y.suffix
    if y.exact is not None:
        joined = _cross(x.suffix, y.exact)
        if joined is not None:
            suffix = _best(suffix, _reduce(joined, "suffix"))
    across = _cross(x.suffix, y.prefix)  # the text around the point where x ends, y starts
    match = _best(x.required(), y.required(),
                  _reduce(across, "any") if across is not None else _NOTHING)
    return _Info(exact, prefix, suffix, match)


def _alternate(infos: list[_Info]) -> _Info:
    """One of ``infos``."""
    exact: frozenset[str] | None = frozenset()
    for i in infos:
        exact = None if exact is None or i.exact is None else exact | i.exact
        if exact is not None and len(exact) > _CAP:
            exact = None

    def union(sets: Iterable[frozenset[str]], kind: str) -> frozenset[str]:
        out: set[str] = set()
        for s in sets:
            if "" in s:
                return _NOTHING
            out |= s
        return _reduce(frozenset(out), kind)

    return _Info(exact, union((i.prefix for i in infos), "prefix"),
                 union((i.suffix for i in infos), "suffix"),
                 union((i.required() for i in infos), "any"))


_EMPTY_INFO = _Info(frozenset({""}))
_UNKNOWN = _Info(None)


class _Walker:
    def __init__(self, fold_case: bool, lookbehind: bool) -> None:
        self.fold_case = fold_case      # literals are checked against fold(text)
        self.lookbehind = lookbehind    # lookbehind contents may be used

    def sequence(self, items: Any, ic: bool) -> _Info:
        info = _EMPTY_INFO
        run: list[str] = []  # adjacent literal characters, joined into one node (faster)
        for op, av in items:
            if op is _c.LITERAL:
                ch = self.char(av, ic)
                if ch is not None:
                    run.append(ch)
                    continue
            if run:
                info = _concat(info, _Info(frozenset({"".join(run)})))
                run = []
            info = _concat(info, self.node(op, av, ic))
        if run:
            info = _concat(info, _Info(frozenset({"".join(run)})))
        return info

    def char(self, code: int, ic: bool) -> str | None:
        if code == ord("{") or code == ord("}"):
            raise _Unsupported("braces")  # {e<=1} and the like are fuzzy constraints in regex
        if code not in _ALLOWED:
            return None
        ch = chr(code)
        if self.fold_case:
            return ch.lower()
        return None if ic and ch.lower() != ch.upper() else ch

    def node(self, op: Any, av: Any, ic: bool) -> _Info:
        if op is _c.LITERAL:
            ch = self.char(av, ic)
            return _Info(frozenset({ch})) if ch is not None else _UNKNOWN
        if op is _c.IN:
            chars: set[str] = set()
            for item_op, item_av in av:
                if item_op is not _c.LITERAL:
                    return _UNKNOWN
                ch = self.char(item_av, ic)
                if ch is None:
                    return _UNKNOWN
                chars.add(ch)
            return _Info(frozenset(chars)) if chars else _UNKNOWN
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if (add_flags | del_flags) & _c.SRE_FLAG_VERBOSE:
                raise _Unsupported("verbose")
            if add_flags & _c.SRE_FLAG_IGNORECASE:
                ic = True
            if del_flags & _c.SRE_FLAG_IGNORECASE:
                ic = False
            return self.sequence(sub, ic)
        if op is _c.ATOMIC_GROUP:
            return self.sequence(av, ic)
        if op is _c.BRANCH:
            return _alternate([self.sequence(b, ic) for b in av[1]])
        if op is _c.GROUPREF_EXISTS:
            _group, yes, no = av
            return _alternate([self.sequence(yes, ic),
                               self.sequence(no, ic) if no is not None else _EMPTY_INFO])
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            child = self.sequence(sub, ic)
            exact = None
            if child.exact is not None and hi <= _MAX_EXPAND:
                exact = frozenset({""}) if lo == 0 else None
                power: frozenset[str] | None = frozenset({""})
                for k in range(1, hi + 1):
                    power = _cross(power, child.exact) if power is not None else None
                    if power is None:
                        exact = None
                        break
                    if k >= lo:
                        exact = power if exact is None else exact | power
                        if len(exact) > _CAP:
                            exact = None
                            break
            if lo == 0:
                return _Info(exact)
            match = child.required()
            if lo >= 2:  # one repetition ends where the next begins
                across = _cross(child.suffix, child.prefix)
                if across is not None:
                    match = _best(match, _reduce(across, "any"))
            return _Info(exact, child.prefix, child.suffix, match)
        if op is _c.AT:
            return _EMPTY_INFO
        if op is _c.ASSERT:
            direction, sub = av
            inner = self.sequence(sub, ic)
            if direction > 0:  # the text here begins with what the lookahead reads
                return _Info(frozenset({""}), inner.prefix, _NOTHING, inner.required())
            if not self.lookbehind:
                return _EMPTY_INFO
            # the text here ends with what the lookbehind reads
            return _Info(frozenset({""}), _NOTHING, inner.suffix, inner.required())
        if op is _c.ASSERT_NOT:
            return _EMPTY_INFO
        # ANY, NOT_LITERAL, CATEGORY, GROUPREF, ranges and negated classes: no information.
        return _UNKNOWN


@functools.lru_cache(maxsize=1024)
def _parse(pattern: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "possible nested set" and the like
        return _p.parse(pattern)


@functools.lru_cache(maxsize=4096)
def required_literals(pattern: str, ignorecase: bool, *, lookbehind: bool = True,
                      min_length: int = MIN_LENGTH) -> frozenset[str] | None:
    """Strings one of which occurs in ``fold(text)`` (if ``ignorecase``, else in ``text``)
    whenever ``pattern`` matches anywhere in ``text``; ``None`` if that cannot be told.

    With ``lookbehind=False`` lookbehind contents are not used, so the literals lie within
    the stretch a search between ``pos`` and ``endpos`` may read (``regex`` lets a
    lookbehind read before ``pos``, but nothing reads past ``endpos``). Sets whose shortest
    literal is shorter than ``min_length`` give ``None``.
    """
    if "[:" in pattern:  # regex reads [[:alpha:]] and [a[:digit:]] as POSIX classes
        return None
    try:
        tree = _parse(pattern)
        flags = tree.state.flags
        if flags & _c.SRE_FLAG_VERBOSE:
            return None
        walker = _Walker(fold_case=ignorecase, lookbehind=lookbehind)
        found = walker.sequence(tree, ignorecase or bool(flags & _c.SRE_FLAG_IGNORECASE))
        result = found.required()
    except Exception:  # _Unsupported, re.error, RecursionError, warnings, ...
        return None
    if not result or min(map(len, result)) < max(min_length, 1):
        return None
    return result
