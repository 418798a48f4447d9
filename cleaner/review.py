"""Review decisions: the ``NAME.review.yaml`` file and applying it (learning from it is
``review_learn.py``).

The decisions file lists the spots a person should decide on (every flagged edit; with
``--all`` every applied edit as well) and records each decision. It is written in one fixed
layout (by ``render_decisions`` here and, byte for byte, by the HTML review page's export),
read back with any YAML reader, and checked strictly: an unknown key or decision, a span
that does not match the input, or decisions made for another input are one-line errors.

Layout::

    ## cleaner review decisions ...           (lines starting with '##' are regenerated)
    cleaner-review: 1
    source: "talk.txt"
    format: text
    sha256: "<of the input bytes>"
    edits:

      - id: r5c1e0b3a7d2
        rule: "ml-terms.face-recognition-heard"
        action: flagged
        start: 6135
        end: 6153
        original: "phrase recognition"
        suggestions: ["face recognition"]
        confidence: 0.6
        category: term
        message: "maybe face recognition, misheard"
        context: "... to, like, a [[phrase recognition]], surveillance, ..."
        decision: reject
        text:
    applied:
      - {id: r0d9..., rule: "ml-terms.caffe", start: 8937, end: 8941, original: "cafe", ...}

``decision`` is empty (undecided), ``accept`` (the first suggestion, or the one named in
``text``), ``reject`` (keep the words as they are) or ``edit`` (write ``text`` instead).
``applied`` holds the edits the rules applied that are not under review, so applying the
decisions needs nothing but the input and this file.

Comments survive a rewrite: a comment line is kept above the key (or entry) it precedes and
a comment at the end of a line stays on that key's line. Lines starting with ``##`` are the
file's own header and are written afresh each time.

Ids are stable: ``r`` + 10 hex digits of a hash of rule, start, end and original, so the same
spot of the same input has the same id in every run, in the terminal and in the HTML page.
"""
from __future__ import annotations

import ast
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .errors import CleanerError
from .model import Edit
from .render import mark

VERSION = 1
DECISIONS = ("accept", "reject", "edit")
TOP_KEYS = ("cleaner-review", "source", "format", "sha256", "edits", "applied")
ITEM_KEYS = ("id", "rule", "action", "start", "end", "original", "suggestions", "confidence",
             "category", "message", "context", "decision", "text")
APPLIED_KEYS = ("id", "rule", "start", "end", "original", "replacement", "confidence",
                "category", "message")
ACTIONS = ("applied", "flagged")
# Rules whose spots are about one place in the audio, not about a phrase: never learned.
SPOT_ONLY_RULES = ("whisper.low-probability",)
_CONTEXT_CHARS = 60


# -- the records -------------------------------------------------------------------------

@dataclass
class Item:
    """One spot in the decisions file: an edit under review, or one applied by the rules."""

    id: str
    rule: str
    action: str                 # applied | flagged (what the rules did)
    start: int
    end: int
    original: str
    suggestions: list[str]      # [] when the rule only points at the spot
    confidence: float
    category: str
    message: str
    context: str = ""
    decision: str | None = None
    text: str | None = None
    line: int = 0               # where the entry is in the decisions file (0: not read)
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def replacement(self) -> str:
        """What the rule wrote or suggested (the original when it suggested nothing)."""
        return self.suggestions[0] if self.suggestions else self.original

    def where(self, key: str | None = None) -> int | None:
        return (self.key_lines.get(key) if key else None) or self.line or None


@dataclass
class Comments:
    """Comment lines of a decisions file, keyed by (section, entry id, key)."""

    before: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    eol: dict[tuple[str, str, str], str] = field(default_factory=dict)


@dataclass
class Decisions:
    """A decisions file in memory."""

    source: str
    format: str | None
    sha256: str
    edits: list[Item]           # the spots under review, in text order
    applied: list[Item] = field(default_factory=list)  # applied by the rules, not reviewed
    comments: Comments = field(default_factory=Comments)
    path: str = ""
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def decided(self) -> int:
        return sum(1 for it in self.edits if it.decision is not None)

    def all_items(self) -> list[Item]:
        return sorted(self.edits + self.applied, key=lambda it: (it.start, it.end))

    def review_all(self) -> None:
        """Bring the applied edits under review too (``--all``)."""
        if self.applied:
            self.edits = sorted(self.edits + self.applied, key=lambda it: (it.start, it.end))
            self.applied = []


def edit_id(rule: str, start: int, end: int, original: str) -> str:
    """A stable id for a spot: the same rule at the same place of the same input.

    >>> edit_id("ml-terms.caffe", 8937, 8941, "cafe") == edit_id("ml-terms.caffe", 8937, 8941, "cafe")
    True
    >>> len(edit_id("r", 0, 1, "a")), edit_id("r", 0, 1, "a")[0]
    (11, 'r')
    """
    key = f"{rule}\x1f{start}\x1f{end}\x1f{original}".encode("utf-8", "surrogatepass")
    return "r" + hashlib.sha1(key).hexdigest()[:10]


_QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_ALTERNATIVES = re.compile(rf"; or ((?:{_QUOTED})(?:, (?:{_QUOTED}))*)\s*$")


def suggestions_for(edit: Edit) -> list[str]:
    """The edit's replacement, then the alternatives a sound-alike message names.

    >>> e = Edit(0, 9, "Pelo Pelo", "PaddlePaddle", "flagged", 0.6, "g.soundalike",
    ...          "soundalike", "sounds like 'PaddlePaddle' (0.81: ...); or 'Paddle', 'Pelican'")
    >>> suggestions_for(e)
    ['PaddlePaddle', 'Paddle', 'Pelican']
    """
    out = [] if edit.replacement == edit.original else [edit.replacement]
    m = _ALTERNATIVES.search(edit.message or "")
    if m:
        for literal in re.findall(_QUOTED, m.group(1)):
            try:
                value = ast.literal_eval(literal)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, str) and value not in out and value != edit.original:
                out.append(value)
    return out


def context_line(text: str, start: int, end: int, chars: int = _CONTEXT_CHARS) -> str:
    """The spot in one line of its surroundings, marked ``[[like this]]``.

    >>> context_line("one two three four five", 8, 13, chars=5)
    '...two [[three]] four...'
    """
    a, b = _window(text, start, end, chars, lines=0)
    pre = "..." if a > 0 and text[a - 1] not in "\r\n" else ""
    post = "..." if b < len(text) and text[b] not in "\r\n" else ""
    shown = pre + text[a:start] + "[[" + text[start:end] + "]]" + text[end:b] + post
    return re.sub(r"[\r\n\t]+", " ", shown)


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1


def _line_end(text: str, pos: int) -> int:
    found = [k for k in (text.find("\n", pos), text.find("\r", pos)) if k >= 0]
    return min(found) if found else len(text)


def _window(text: str, start: int, end: int, chars: int, lines: int) -> tuple[int, int]:
    """Bounds of about ``chars`` characters each side of a spot, cut at spaces, reaching
    at most ``lines`` lines above and below the spot's own."""
    lo, hi = _line_start(text, start), _line_end(text, end)
    for _ in range(lines):
        if lo > 0:
            p = lo - 1
            if text[p] == "\n" and p > 0 and text[p - 1] == "\r":
                p -= 1
            lo = _line_start(text, p)
        if hi < len(text):
            p = hi + (2 if text[hi:hi + 2] == "\r\n" else 1)
            hi = _line_end(text, p)
    a, b = max(lo, start - chars), min(hi, end + chars)
    if a > lo and text[a - 1] not in " \t":
        cut = text.find(" ", a, start)
        a = cut + 1 if cut >= 0 else a
    if b < hi and text[b] not in " \t":
        cut = text.rfind(" ", end, b)
        b = cut if cut >= 0 else b
    return a, b


def items_from_edits(text: str, edits: Iterable[Edit], all_edits: bool
                     ) -> tuple[list[Item], list[Item]]:
    """(under review, applied and not under review) for a list of edits."""
    review, applied = [], []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        item = Item(id=edit_id(e.rule, e.start, e.end, e.original), rule=e.rule,
                    action=e.action, start=e.start, end=e.end, original=e.original,
                    suggestions=suggestions_for(e) if e.action == "flagged" else [e.replacement],
                    confidence=e.confidence, category=e.category, message=e.message)
        if e.action == "flagged" or all_edits:
            item.context = context_line(text, e.start, e.end)
            review.append(item)
        else:
            applied.append(item)
    return review, applied


def build_decisions(source_name: str, text: str, edits: Iterable[Edit], sha256: str,
                    fmt: str | None = None, all_edits: bool = False) -> Decisions:
    """A fresh decisions file for ``edits`` of ``text``. Whisper's copies of segment edits
    in its top-level text are left out: applying the decisions makes them again."""
    edits = list(edits)
    doc = _document(source_name, text, fmt)
    if doc is not None and doc.mirrors:
        from .api import inside_segments
        edits = inside_segments(text, edits, doc, [])  # the notes were given at clean time
    review, applied = items_from_edits(text, edits, all_edits)
    return Decisions(source=Path(source_name).name if source_name != "-" else "stdin",
                     format=doc.format if doc is not None else fmt, sha256=sha256,
                     edits=review, applied=applied)


def _document(name: str, text: str, fmt: str | None) -> Any:
    from . import formats
    try:
        return formats.read(name, text, fmt)
    except CleanerError:
        return None


# -- writing -----------------------------------------------------------------------------

_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff"
                           "\ud800-\udfff]")
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_str(s: str) -> str:
    """A YAML double-quoted scalar (the HTML page's export quotes the same way).

    >>> yaml_str('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    out = []
    for ch in s:
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif _NEEDS_ESCAPE.match(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _num(x: float | int) -> str:
    return str(x) if isinstance(x, int) else format(x, "g")


def header_lines(source: str) -> list[str]:
    return [
        f"## cleaner review decisions for {source}.",
        "## For each spot fill in `decision:` with accept (the first suggestion, or the one",
        "## written in `text:`), reject (keep the words as they are) or edit (write the words",
        "## in `text:`); leave it empty to decide later. Then:",
        f"##   cleaner apply {source} --decisions THIS-FILE --out-dir DIR",
        "## Your own comments (lines starting with one '#') are kept when this file is rewritten.",
    ]


def entry_head(item: Item) -> list[str]:
    """The lines of a review entry before ``decision:`` (``- id:`` line first)."""
    return [
        f"  - id: {item.id}",
        f"    rule: {yaml_str(item.rule)}",
        f"    action: {item.action}",
        f"    start: {item.start}",
        f"    end: {item.end}",
        f"    original: {yaml_str(item.original)}",
        f"    suggestions: [{', '.join(yaml_str(s) for s in item.suggestions)}]",
        f"    confidence: {_num(item.confidence)}",
        f"    category: {yaml_str(item.category)}",
        f"    message: {yaml_str(item.message)}",
        f"    context: {yaml_str(item.context)}",
    ]


def decision_lines(decision: str | None, text: str | None) -> list[str]:
    return ["    decision:" + (f" {decision}" if decision else ""),
            "    text:" + (f" {yaml_str(text)}" if text is not None else "")]


def applied_line(item: Item) -> str:
    return (f"  - {{id: {item.id}, rule: {yaml_str(item.rule)}, start: {item.start}, "
            f"end: {item.end}, original: {yaml_str(item.original)}, "
            f"replacement: {yaml_str(item.replacement)}, confidence: {_num(item.confidence)}, "
            f"category: {yaml_str(item.category)}, message: {yaml_str(item.message)}}}")


def top_lines(d: Decisions) -> list[tuple[str, str]]:
    """(key, line) of the top-level scalars."""
    return [("cleaner-review", f"cleaner-review: {VERSION}"),
            ("source", f"source: {yaml_str(d.source)}"),
            ("format", f"format: {d.format}" if d.format else "format:"),
            ("sha256", f"sha256: {yaml_str(d.sha256)}")]


def render_decisions(d: Decisions) -> str:
    """The decisions file's text, with the comments the file had kept in place."""
    c = d.comments
    out: list[str] = list(header_lines(d.source))

    def emit(line: str, before: tuple[str, str, str], eol: tuple[str, str, str] | None = None,
             indent: str = "") -> None:
        for comment in c.before.get(before, ()):
            out.append(indent + comment)
        note = c.eol.get(eol or before)
        out.append(line + (f"  {note}" if note else ""))

    for key, line in top_lines(d):
        emit(line, ("top", "", key))
    emit("edits:" if d.edits else "edits: []", ("top", "", "edits"))
    for item in d.edits:
        out.append("")
        head = entry_head(item)
        emit(head[0], ("edits", item.id, "-"), ("edits", item.id, "id"), "  ")
        for line in head[1:] + decision_lines(item.decision, item.text):
            key = line.strip().split(":", 1)[0]
            emit(line, ("edits", item.id, key), indent="    ")
    emit("applied:" if d.applied else "applied: []", ("top", "", "applied"))
    for item in d.applied:
        emit(applied_line(item), ("applied", item.id, "-"), indent="  ")
    for comment in c.before.get(("end", "", ""), ()):
        out.append(comment)
    return "\n".join(out) + "\n"


def export_parts(d: Decisions) -> tuple[str, list[str], str]:
    """A fresh file (no comments) in three parts, for a writer elsewhere (the HTML page):
    the text before the first entry, each entry up to its ``decision:`` line, and the text
    after the entries. ``head + "".join("\\n" + entry + decision_lines...) + tail`` is
    exactly ``render_decisions`` of the same decisions."""
    head = "\n".join(header_lines(d.source) + [line for _, line in top_lines(d)]
                      + ["edits:" if d.edits else "edits: []"]) + "\n"
    entries = ["\n".join(entry_head(item)) + "\n" for item in d.edits]
    tail = "\n".join(["applied:" if d.applied else "applied: []"]
                     + [applied_line(item) for item in d.applied]) + "\n"
    return head, entries, tail


def save_decisions(d: Decisions, path: str | Path) -> None:
    """Write the decisions file atomically (a temporary file renamed into place)."""
    from .files import write_atomic
    write_atomic(Path(path), render_decisions(d).encode("utf-8"))


# -- comments ----------------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?(?P<key>[A-Za-z_][\w-]*)[ \t]*:"
                       r"(?P<rest>.*)$")
_FLOW_ITEM = re.compile(r"^[ \t]*-[ \t]*\{")
_FLOW_ID = re.compile(r"[{,][ \t]*id[ \t]*:[ \t]*[\"']?([\w-]+)")


def eol_comment(rest: str) -> str:
    """The ``# comment`` ending a YAML line (outside quotes), or "".

    >>> eol_comment(' accept  # looks right'), eol_comment(' "a # b"'), eol_comment(" it's # x")
    ('# looks right', '', '# x')
    """
    quote = ""
    prev = " "
    i = 0
    while i < len(rest):
        ch = rest[i]
        if quote == '"':
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = ""
        elif quote == "'":
            if ch == "'" and rest[i + 1:i + 2] == "'":
                i += 1
            elif ch == "'":
                quote = ""
        elif ch in "\"'" and prev in " \t:[{,":
            quote = ch
        elif ch == "#" and prev in " \t":
            return rest[i:].rstrip()
        prev = rest[i]
        i += 1
    return ""


def scan_comments(text: str) -> Comments:
    """Where each comment of a decisions file belongs (see ``render_decisions``)."""
    c = Comments()
    section, current = "top", ""
    pending: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if not stripped.startswith("##"):
                pending.append(stripped)
            continue
        if _FLOW_ITEM.match(raw):
            m = _FLOW_ID.search(raw)
            target = eol_at = (section, m.group(1) if m else "", "-")
            rest = raw.split("-", 1)[1]
        else:
            m = _KEY_LINE.match(raw)
            if m is None:
                continue  # the rest of a value written over several lines
            key, rest = m.group("key"), m.group("rest")
            if not m.group("indent") and not m.group("dash"):
                section = key if key in ("edits", "applied") else "top"
                current = ""
                target = eol_at = ("top", "", key)
            elif m.group("dash"):
                if key == "id":
                    current = rest.split("#", 1)[0].strip().strip("\"'")
                target, eol_at = (section, current, "-"), (section, current, key)
            else:
                target = eol_at = (section, current, key)
        if pending:
            c.before.setdefault(target, []).extend(pending)
            pending = []
        note = eol_comment(rest)
        if note:
            c.eol[eol_at] = note
    if pending:
        c.before[("end", "", "")] = pending
    return c


# -- reading -----------------------------------------------------------------------------

_SHA = re.compile(r"^[0-9a-f]{64}$")


class _Reader:
    def __init__(self, doc: Any, name: str) -> None:
        self.doc, self.name = doc, name

    def fail(self, msg: str, obj: Any = None, key: str | None = None,
             line: int | None = None) -> CleanerError:
        if line is None and obj is not None:
            line = self.doc.line(obj, key)
        return CleanerError(msg, file=self.name, line=line, key=key)

    def keys(self, obj: dict[str, Any], allowed: Sequence[str], what: str) -> None:
        duplicate = self.doc.duplicate(obj)
        if duplicate is not None:
            raise CleanerError(f"duplicate key in {what}", file=self.name, line=duplicate[1],
                               key=duplicate[0])
        for key in obj:
            if key not in allowed:
                raise self.fail(f"unknown key in {what} (allowed: {', '.join(allowed)})", obj,
                                str(key))

    def string(self, obj: dict[str, Any], key: str, what: str, required: bool = True,
               default: str = "") -> str:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(f"{what} needs '{key}'", obj, key if key in obj else None)
            return default
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(f"'{key}' of {what} must be text (write it in quotes)", obj, key)
        return str(value)

    def integer(self, obj: dict[str, Any], key: str, what: str) -> int:
        value = obj.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"'{key}' of {what} must be a whole number >= 0", obj,
                            key if key in obj else None)
        return value

    def number(self, obj: dict[str, Any], key: str, what: str) -> float:
        value = obj.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"'{key}' of {what} must be a number", obj, key)
        return float(value)

    def entry(self, obj: Any, seq: list[Any], index: int, section: str) -> Item:
        if not isinstance(obj, dict):
            raise self.fail(f"each entry of '{section}' is a mapping with id, start, end, ...",
                            line=self.doc.item_line(seq, index))
        allowed = ITEM_KEYS if section == "edits" else APPLIED_KEYS
        ident = self.string(obj, "id", f"an entry of '{section}'")
        what = f"edit {ident}"
        self.keys(obj, allowed, what)
        start, end = self.integer(obj, "start", what), self.integer(obj, "end", what)
        if end < start:
            raise self.fail(f"{what}: end ({end}) is before start ({start})", obj, "end")
        original = self.string(obj, "original", what, required=False)
        if section == "applied":
            suggestions = [self.string(obj, "replacement", what)]
            action, decision, text = "applied", None, None
        else:
            action = self.string(obj, "action", what, required=False, default="flagged")
            if action not in ACTIONS:
                raise self.fail(f"{what}: action is 'applied' or 'flagged', not '{action}'", obj,
                                "action")
            raw = obj.get("suggestions", [])
            if raw is None:
                raw = []
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                raise self.fail(f"{what}: suggestions must be a list of texts", obj,
                                "suggestions")
            suggestions = list(raw)
            decision = obj.get("decision")
            if decision is not None and decision not in DECISIONS:
                raise self.fail(f"{what}: unknown decision {decision!r} (use accept, reject or "
                                "edit, or leave it empty)", obj, "decision")
            text = None if obj.get("text") is None else self.string(obj, "text", what)
            if decision == "edit" and text is None:
                raise self.fail(f"{what}: decision 'edit' needs the new words in 'text:'", obj,
                                "decision")
            if decision is None and text is not None:
                raise self.fail(f"{what}: 'text' is given but no decision; write "
                                "'decision: edit' to use it", obj, "text")
        return Item(id=ident, rule=self.string(obj, "rule", what), action=action, start=start,
                    end=end, original=original, suggestions=suggestions,
                    confidence=self.number(obj, "confidence", what),
                    category=self.string(obj, "category", what, required=False,
                                         default="custom"),
                    message=self.string(obj, "message", what, required=False),
                    context=self.string(obj, "context", what, required=False)
                    if section == "edits" else "",
                    decision=decision, text=text, line=self.doc.line(obj) or 0,
                    key_lines={k: self.doc.line(obj, k) or 0 for k in obj})


def parse_decisions(text: str, name: str = "<decisions>") -> Decisions:
    """Read a decisions file's text; every problem is a ``CleanerError`` naming the line."""
    from .formats import FORMATS
    from .yamlsource import Located

    doc = Located(text, name)
    data = doc.data
    if not isinstance(data, dict) or "sha256" not in data:
        raise CleanerError("not a decisions file (a mapping with sha256 and edits, as written "
                           "by cleaner review or the HTML page's export)", file=name, line=1)
    r = _Reader(doc, name)
    r.keys(data, TOP_KEYS, "the decisions file")
    version = data.get("cleaner-review", VERSION)
    if version != VERSION:
        raise r.fail(f"written by another version of cleaner (cleaner-review: {version!r}; "
                     f"this one reads {VERSION})", data, "cleaner-review")
    sha = data.get("sha256")
    if not isinstance(sha, str) or not _SHA.match(sha):
        raise r.fail("sha256 must be the 64 hex digits of the input's hash", data, "sha256")
    fmt = data.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise r.fail(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})", data, "format")
    sections: dict[str, list[Item]] = {}
    for section in ("edits", "applied"):
        seq = data.get(section) or []
        if not isinstance(seq, list):
            raise r.fail(f"'{section}' must be a list", data, section)
        sections[section] = [r.entry(obj, seq, k, section) for k, obj in enumerate(seq)]
    seen: dict[str, Item] = {}
    for item in sections["edits"] + sections["applied"]:
        if item.id in seen:
            raise CleanerError(f"edit {item.id} is listed twice (also at line "
                               f"{seen[item.id].line})", file=name, line=item.line or None,
                               key="id")
        seen[item.id] = item
    return Decisions(source=r.string(data, "source", "the decisions file", required=False),
                     format=fmt, sha256=sha,
                     edits=sorted(sections["edits"], key=lambda it: (it.start, it.end)),
                     applied=sorted(sections["applied"], key=lambda it: (it.start, it.end)),
                     comments=scan_comments(text), path=name,
                     key_lines={k: doc.line(data, k) or 0 for k in data})


def load_decisions(path: str | Path) -> Decisions:
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise CleanerError("no such decisions file (make one with cleaner review or the "
                           "HTML page's export)", file=name) from None
    except IsADirectoryError:
        raise CleanerError("is a directory, not a decisions file", file=name) from None
    except OSError as exc:
        raise CleanerError(f"cannot read: {exc.strerror or exc}", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CleanerError("not UTF-8 text", file=name,
                           line=raw[:exc.start].count(b"\n") + 1) from None
    return parse_decisions(text, name)


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def check_input(d: Decisions, raw: bytes, text: str, input_name: str) -> None:
    """Refuse decisions made for another input, and spans that do not match it."""
    sha = sha256_of(raw)
    if sha != d.sha256:
        raise CleanerError(f"made for another input: {input_name} has sha256 {sha[:12]}..., "
                           f"the decisions are for {d.sha256[:12]}... (review {input_name} "
                           "again, or give the file the decisions were made on)",
                           file=d.path or None, line=d.key_lines.get("sha256") or None)
    for item in d.all_items():
        if item.end > len(text) or text[item.start:item.end] != item.original:
            raise CleanerError(f"edit {item.id}: the input has "
                               f"{text[item.start:item.end]!r} at {item.start}-{item.end}, "
                               f"not {item.original!r}", file=d.path or None,
                               line=item.where("original"), key="original")
    spans = sorted(d.all_items(), key=lambda it: (it.start, it.end))
    for a, b in zip(spans, spans[1:]):
        if b.start < a.end:
            raise CleanerError(f"edits {a.id} and {b.id} overlap ({a.start}-{a.end} and "
                               f"{b.start}-{b.end})", file=d.path or None, line=b.where(),
                               key="start")


# -- applying ----------------------------------------------------------------------------

KINDS = ("applied", "accepted", "edited", "rejected", "open")


@dataclass(frozen=True)
class Outcome:
    """What happens to one spot: ``kind`` is one of ``KINDS``; ``written`` the text put in
    its place (as the file's format writes it), or None when the words stay."""

    item: Item
    kind: str
    written: str | None
    chosen: str | None = None   # the words decided on, before format escaping


def chosen_words(item: Item) -> tuple[str, str | None]:
    """(kind, the words decided on or None when the original stays) for one item."""
    if item.decision is None:
        return ("applied", item.replacement) if item.action == "applied" else ("open", None)
    if item.decision == "reject":
        return "rejected", None
    if item.decision == "edit":
        words = item.text if item.text is not None else item.original
        return ("edited", words) if words != item.original else ("rejected", None)
    words = item.text if item.text is not None else (item.suggestions[0] if item.suggestions
                                                     else None)
    if words is None or words == item.original:
        return "accepted", None
    return ("accepted" if words in item.suggestions else "edited"), words


def outcomes(d: Decisions, escape: Callable[[str], str] = lambda s: s) -> list[Outcome]:
    out = []
    for item in d.all_items():
        kind, words = chosen_words(item)
        written = None
        if words is not None:
            if words == item.replacement:
                written = words  # the rule's own replacement is already in the file's form
            else:
                try:
                    written = escape(words)
                except ValueError as exc:
                    raise CleanerError(f"edit {item.id}: {words!r} cannot be written into "
                                       f"this format: {exc}", file=d.path or None,
                                       line=item.where("text"), key="text") from None
        out.append(Outcome(item, kind, written, words))
    return out


@dataclass
class Applied:
    """The result of applying decisions to an input."""

    cleaned: str
    annotated: str
    edits: list[Edit]           # the final edits (NAME.edits.json)
    counts: Counter
    notes: list[str]
    format: str

    def summary(self) -> str:
        parts = [f"{self.counts[k]} {'applied by the rules' if k == 'applied' else k}"
                 for k in KINDS if self.counts[k] or k in ("applied", "open")]
        return ", ".join(parts).replace(" open", " undecided")


def apply_decisions(d: Decisions, raw: bytes, text: str, input_name: str,
                    fmt: str | None = None) -> Applied:
    """Check the decisions against the input and make the final cleaned text, annotated
    text and edits. Raises ``CleanerError`` (nothing is written) on any problem."""
    from . import formats
    from .api import mirrored, no_blank_lines
    from .render import apply_edits

    check_input(d, raw, text, input_name)
    doc = formats.read(input_name, text, fmt or d.format)
    notes_raw: list[Any] = []
    results = outcomes(d, doc.escape)
    changes = [o for o in results if o.written is not None]
    as_edits = [_edit(o.item, o.written, "applied") for o in changes]
    held = no_blank_lines(text, as_edits, doc, notes_raw)
    final: list[tuple[Edit, str, Outcome]] = []
    for o, e in zip(changes, held):
        if e.action == "flagged":  # would blank a cue line: held back, as `clean` does
            final.append((e, "open", o))
            continue
        final.append((e, o.kind, o))
        for copy in mirrored(text, [e], doc, notes_raw):
            final.append((copy, o.kind, o))
    for o in results:
        if o.written is None:
            e = _edit(o.item, o.item.replacement, "flagged")
            final.append((e, o.kind, o))
    final.sort(key=lambda f: (f[0].start, f[0].end))
    applied = [e for e, _, _ in final if e.action == "applied"]
    kept = [replace(e, id=f"e{n}") for n, e in enumerate(
        (e for e, kind, _ in final if e.action == "applied" or kind == "open"), 1)]
    counts = Counter(o.kind for o in results)
    notes = [f"{input_name}{f':{n.line}' if n.line else ''}: {n.message}"
             for n in list(doc.notes) + notes_raw]
    return Applied(apply_edits(text, applied), annotated_with_decisions(text, final), kept,
                   counts, notes, doc.format)


def _edit(item: Item, replacement: str, action: str) -> Edit:
    return Edit(start=item.start, end=item.end, original=item.original,
                replacement=replacement, action=action, confidence=item.confidence,
                rule=item.rule, category=item.category, message=item.message, id=item.id)


_WHO = {"applied": "applied by the rule", "accepted": "accepted in review",
        "edited": "edited in review", "rejected": "rejected in review",
        "open": "not reviewed"}


def annotated_with_decisions(text: str, final: Sequence[tuple[Edit, str, Outcome]]) -> str:
    """CriticMarkup of the decided text; each comment says who decided what:
    ``{~~cafe~>Caffe~~}{>>ml-terms.caffe 0.85: accepted in review<<}``. Reading the markup
    one way gives the input, the other way the cleaned output."""
    out, pos = [], 0
    for e, kind, o in sorted(final, key=lambda f: (f[0].start, f[0].end)):
        out.append(text[pos:e.start])
        out.append(mark(e))
        note = f"{e.rule} {e.confidence:g}: {_WHO[kind]}"
        item = o.item
        if kind == "edited" and item.suggestions and item.suggestions[0] != e.replacement:
            note += f" (suggested {item.suggestions[0]!r})"
        elif kind == "rejected" and item.suggestions:
            note = f"{item.suggestions[0]}? {note}" + (
                " (the rule had applied it)" if item.action == "applied" else "")
        elif kind == "open":
            suggestion = f"{item.suggestions[0]}? " if item.suggestions else ""
            note = f"{suggestion}{note}; {item.message}"
        elif kind == "accepted" and e.action == "flagged":
            note += " (kept as it is)"
        out.append("{>>" + note.replace("<<}", "<< }") + "<<}")
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
