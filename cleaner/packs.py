"""Load and validate YAML rule packs.

A pack is data, checked strictly at load: an unknown key, a wrong type, a duplicate id or a
bad pattern is an error naming the file, the line, the rule id and the key. Loading never
needs spaCy; patterns are compiled by ``matching``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import regex

from .errors import CleanerError
from .glossary import parse_entries
from .model import CATEGORIES, SCOPES, STYLES, Conditions, Example, Keep, Pack, Rule
from .yamlsource import Located

PACK_KEYS = {"pack", "description", "topic", "topic_min", "category", "rules", "glossary", "keep"}
KEEP_KEYS = {"phrase", "rules", "example"}
TRANSFORMS = ("upper", "lower", "capitalize")
RULE_KEYS = {"id", "match", "replace", "transform", "action", "confidence", "category", "message", "when",
             "styles", "examples"}
MATCH_KINDS = ("phrases", "tokens", "regex")
MATCH_KEYS = set(MATCH_KINDS) | {"case", "needs"}
NEEDS = ("repeated-word",)  # what a regex rule may say a segment needs before a search
WHEN_KEYS = {"near", "not_near", "within", "scope", "topic", "before", "not_before", "after",
             "not_after"}
EXAMPLE_KEYS = {"text", "fixed", "flagged", "unchanged", "topic"}
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
DEFAULT_CONFIDENCE = 0.9
# Strings a backtracking pattern may choke on: a pattern slower than this on them is
# rejected at load, and every run-time search has a timeout as well.
_PROBES = ("a" * 3000 + "!", "a " * 1500 + "!", "x" * 3000, "1" * 3000 + "a", "-" * 3000 + "x")
_PROBE_SECONDS = 0.25
_GROUP_REF = re.compile(r"\\(\d+)|\\g<(\w+)>")


def shipped_rules_dir() -> Path:
    """Where the shipped packs are: inside the installed package (``cleaner/rules``), or
    the top-level ``rules/`` folder of a source checkout or editable install."""
    here = Path(__file__).resolve().parent
    for folder in (here / "rules", here.parent / "rules"):
        if folder.is_dir() and any(folder.glob("*.yaml")):
            return folder
    raise CleanerError("the shipped rule packs are missing from this installation; "
                       "reinstall cleaner", file=str(here / "rules"))


def shipped_pack_paths() -> list[Path]:
    """The packs installed with the package, in a stable order."""
    return sorted(shipped_rules_dir().glob("*.yaml"), key=lambda p: p.name)


def load_packs(paths: list[Path | str]) -> list[Pack]:
    packs = [load_pack(p) for p in paths]
    seen: dict[str, str] = {}
    for pack in packs:
        if pack.name in seen:
            raise CleanerError(f"pack name '{pack.name}' is already used by {seen[pack.name]}",
                               file=pack.source, key="pack")
        seen[pack.name] = pack.source
    return packs


def load_pack(path: Path | str) -> Pack:
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise CleanerError("is a directory, not a rule pack", file=source) from None
    except OSError as exc:
        raise CleanerError(f"cannot read rule pack: {exc.strerror or exc}", file=source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CleanerError("rule pack is not UTF-8 text", file=source) from None
    return parse_pack(text, source, default_name=Path(path).name.split(".")[0])


def parse_pack(text: str, source: str = "<pack>", default_name: str = "custom") -> Pack:
    doc = Located(text, source)
    data = doc.data
    if isinstance(data, list):  # a bare list of rules is a pack named after its file
        data = {"rules": data}
        doc._lines[id(data)] = 1
    if not isinstance(data, dict):
        raise CleanerError("a rule pack is a mapping with a 'rules' list", file=source, line=1)
    pack = _PackReader(doc, source).read(data, default_name)
    doc.check_duplicates()  # anywhere the reader did not look at key by key
    return pack


class _PackReader:
    def __init__(self, doc: Located, source: str) -> None:
        self.doc, self.source = doc, source

    def fail(self, msg: str, obj: Any = None, key: str | None = None,
             rule: str | None = None) -> CleanerError:
        return CleanerError(msg, file=self.source, line=self.doc.line(obj, key) if obj is not None
                            else None, rule=rule, key=key)

    def unknown_keys(self, obj: dict[str, Any], allowed: set[str], rule: str | None,
                     where: str) -> None:
        duplicate = self.doc.duplicate(obj)
        if duplicate is not None:
            key, line = duplicate
            raise CleanerError(f"duplicate key in {where}", file=self.source, line=line,
                               rule=rule, key=key)
        for key in obj:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                raise self.fail(f"unknown key in {where} (allowed: {hint})", obj, str(key), rule)

    def read(self, data: dict[str, Any], default_name: str) -> Pack:
        self.unknown_keys(data, PACK_KEYS, None, "pack")
        name = data.get("pack", default_name)
        if not isinstance(name, str) or not ID_RE.match(name):
            raise self.fail("pack name must be letters, digits, '-' or '_'", data, "pack")
        description = self.text(data, "description", None, default="")
        topic = tuple(self.strings(data, "topic", None))
        topic_min = data.get("topic_min", 2)
        if not isinstance(topic_min, int) or isinstance(topic_min, bool) or topic_min < 1:
            raise self.fail("topic_min must be a whole number >= 1", data, "topic_min")
        category = data.get("category", "term")
        if category not in CATEGORIES:
            raise self.fail(f"category must be one of {', '.join(CATEGORIES)}", data, "category")
        rules_raw = data.get("rules")
        if not isinstance(rules_raw, list):
            raise self.fail("a pack needs a 'rules' list", data, "rules")
        rules: list[Rule] = []
        seen: set[str] = set()
        for raw in rules_raw:
            if not isinstance(raw, dict):
                raise self.fail("each rule is a mapping", rules_raw)
            rule = self.rule(raw, name, category)
            if rule.id in seen:
                raise self.fail("duplicate rule id", raw, "id", f"{name}.{rule.id}")
            seen.add(rule.id)
            rules.append(rule)
        glossary = data.get("glossary", [])
        if not isinstance(glossary, list):
            raise self.fail("glossary must be a list of terms", data, "glossary")
        terms = parse_entries(glossary, self.doc, name)
        return Pack(name=name, description=description, rules=tuple(rules), topic=topic,
                    topic_min=topic_min, source=self.source, glossary=tuple(terms),
                    keep=self.keep(data))

    def keep(self, data: dict[str, Any]) -> tuple[Keep, ...]:
        items = data.get("keep", [])
        if not isinstance(items, list):
            raise self.fail("keep must be a list of {phrase, rules, example}", data, "keep")
        out = []
        for raw in items:
            if not isinstance(raw, dict):
                raise self.fail("each keep entry is a mapping with 'phrase'", items, "keep")
            self.unknown_keys(raw, KEEP_KEYS, None, "keep entry")
            phrase = raw.get("phrase")
            if not isinstance(phrase, str) or not phrase.strip():
                raise self.fail("a keep entry needs a non-empty 'phrase'", raw, "phrase")
            example = self.text(raw, "example", None, default="")
            if example and " ".join(phrase.lower().split()) not in " ".join(example.lower().split()):
                raise self.fail("a keep entry's example must contain its phrase", raw, "example")
            out.append(Keep(phrase, tuple(self.strings(raw, "rules", None)), example,
                            self.doc.line(raw) or 0))
        return tuple(out)

    # -- one rule ----------------------------------------------------------------------
    def rule(self, raw: dict[str, Any], pack: str, default_category: str) -> Rule:
        rid = raw.get("id")
        if not isinstance(rid, str) or not ID_RE.match(rid):
            raise self.fail("every rule needs an 'id' of letters, digits, '-' or '_'", raw, "id")
        full = f"{pack}.{rid}"
        self.unknown_keys(raw, RULE_KEYS, full, "rule")
        kind, patterns, case_sensitive = self.match(raw, full)
        needs = self.needs(raw["match"], kind, full)
        replace = raw.get("replace")
        if replace is not None and not isinstance(replace, str):
            raise self.fail("replace must be a string ('' deletes)", raw, "replace", full)
        transform = raw.get("transform")
        if transform is not None and (transform not in TRANSFORMS or replace is not None):
            raise self.fail(f"transform is one of {', '.join(TRANSFORMS)}, and replaces "
                            "'replace'", raw, "transform", full)
        fixes = replace is not None or transform is not None
        action = raw.get("action", "fix" if fixes else "flag")
        if action not in ("fix", "flag"):
            raise self.fail("action must be 'fix' or 'flag'", raw, "action", full)
        if action == "fix" and not fixes:
            raise self.fail("a 'fix' rule needs 'replace' or 'transform'", raw, "action", full)
        confidence = raw.get("confidence", DEFAULT_CONFIDENCE)
        if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not (
                0.0 <= confidence <= 1.0):
            raise self.fail("confidence must be a number from 0 to 1", raw, "confidence", full)
        category = raw.get("category", default_category)
        if category not in CATEGORIES:
            raise self.fail(f"category must be one of {', '.join(CATEGORIES)}", raw, "category",
                            full)
        message = self.text(raw, "message", full, default="")
        if not message:
            message = (f"likely mis-recognition of '{replace}'" if replace
                       else f"change to {transform} case" if transform else "check this spot")
        styles = tuple(self.strings(raw, "styles", full)) or STYLES
        for style in styles:
            if style not in STYLES:
                raise self.fail(f"styles must be among {', '.join(STYLES)}", raw, "styles", full)
        return Rule(pack=pack, id=rid, kind=kind, patterns=patterns, replace=replace,
                    confidence=float(confidence), auto=action == "fix", category=category,
                    message=message, when=self.when(raw, full), styles=styles,
                    case_sensitive=case_sensitive, transform=transform, needs=needs,
                    examples=self.examples(raw, full),
                    source=self.source, line=self.doc.line(raw) or 0)

    def match(self, raw: dict[str, Any], full: str) -> tuple[str, tuple[Any, ...], bool]:
        match = raw.get("match")
        if not isinstance(match, dict):
            raise self.fail("every rule needs 'match' with one of: phrases, tokens, regex", raw,
                            "match", full)
        self.unknown_keys(match, MATCH_KEYS, full, "match")
        kinds = [k for k in MATCH_KINDS if k in match]
        if len(kinds) != 1:
            raise self.fail("'match' takes exactly one of: phrases, tokens, regex", match,
                            "match", full)
        kind = kinds[0]
        case = match.get("case", "insensitive")
        if case not in ("sensitive", "insensitive"):
            raise self.fail("case must be 'sensitive' or 'insensitive'", match, "case", full)
        value = match[kind]
        if kind == "phrases":
            phrases = self.strings(match, "phrases", full)
            if not phrases or any(not p.strip() for p in phrases):
                raise self.fail("phrases must be a list of non-empty strings", match, "phrases",
                                full)
            return kind, tuple(phrases), case == "sensitive"
        if kind == "tokens":
            # one pattern (a list of token dicts) or a list of such patterns
            pats = value if value and isinstance(value[0], list) else [value]
            if not value or not all(isinstance(p, list) and p and all(isinstance(t, dict)
                                                                      for t in p) for p in pats):
                raise self.fail("tokens must be a spaCy Matcher pattern (a list of token "
                                "dicts) or a list of them", match, "tokens", full)
            return kind, tuple(pats), case == "sensitive"
        if not isinstance(value, str) or not value:
            raise self.fail("regex must be a non-empty string", match, "regex", full)
        flags = 0 if case == "sensitive" else regex.IGNORECASE
        try:
            compiled = regex.compile(value, flags | regex.VERSION0)
        except regex.error as exc:
            raise self.fail(f"invalid regex: {exc}", match, "regex", full) from None
        if compiled.fullmatch("") is not None:
            raise self.fail("regex can match the empty string", match, "regex", full)
        for probe in _PROBES:
            try:
                compiled.search(probe, timeout=_PROBE_SECONDS)
            except TimeoutError:
                raise self.fail("regex backtracks catastrophically (timed out on a probe "
                                "string); simplify nested repeats", match, "regex",
                                full) from None
        replace = raw.get("replace")
        if isinstance(replace, str):
            for ref in _GROUP_REF.findall(replace):
                name = ref[0] or ref[1]
                known = (int(name) <= compiled.groups if name.isdigit()
                         else name in compiled.groupindex)
                if not known:
                    raise self.fail(f"replace refers to group '{name}', which the regex does "
                                    "not have", raw, "replace", full)
        return kind, (compiled,), case == "sensitive"

    def needs(self, match: dict[str, Any], kind: str, full: str) -> str | None:
        needs = match.get("needs")
        if needs is None:
            return None
        if kind != "regex" or needs not in NEEDS:
            raise self.fail(f"needs is for regex rules and is one of: {', '.join(NEEDS)}",
                            match, "needs", full)
        return str(needs)

    def when(self, raw: dict[str, Any], full: str) -> Conditions:
        when = raw.get("when")
        if when is None:
            return Conditions()
        if not isinstance(when, dict):
            raise self.fail("'when' must be a mapping", raw, "when", full)
        self.unknown_keys(when, WHEN_KEYS, full, "when")
        within = when.get("within", 10)
        if isinstance(within, bool) or not isinstance(within, int) or within < 1:
            raise self.fail("within must be a whole number of tokens >= 1", when, "within", full)
        scope = when.get("scope", "document")
        if scope not in SCOPES:
            raise self.fail(f"scope must be one of {', '.join(SCOPES)}", when, "scope", full)
        topic = when.get("topic", False)
        if not isinstance(topic, bool):
            raise self.fail("topic must be true or false", when, "topic", full)

        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in self.strings(when, key, full))

        return Conditions(
            near=tuple(p.lower() for p in self.strings(when, "near", full)),
            not_near=tuple(p.lower() for p in self.strings(when, "not_near", full)),
            within=within, scope=scope, topic=topic, before=words("before"),
            not_before=words("not_before"), after=words("after"), not_after=words("not_after"))

    def examples(self, raw: dict[str, Any], full: str) -> tuple[Example, ...]:
        items = raw.get("examples", [])
        if not isinstance(items, list):
            raise self.fail("examples must be a list", raw, "examples", full)
        out = []
        for ex in items:
            if not isinstance(ex, dict):
                raise self.fail("each example is a mapping with 'text'", items, "examples", full)
            self.unknown_keys(ex, EXAMPLE_KEYS, full, "example")
            text = ex.get("text")
            if not isinstance(text, str):
                raise self.fail("an example needs 'text'", ex, "text", full)
            expects = [k for k in ("fixed", "flagged", "unchanged") if k in ex]
            if len(expects) != 1:
                raise self.fail("an example needs exactly one of: fixed, flagged, unchanged", ex,
                                "text", full)
            fixed, flagged, unchanged = ex.get("fixed"), ex.get("flagged"), ex.get("unchanged")
            if "fixed" in ex and not isinstance(fixed, str):
                raise self.fail("'fixed' must be the expected text", ex, "fixed", full)
            if "flagged" in ex and not isinstance(flagged, (str, bool)):
                raise self.fail("'flagged' must be the flagged words or true", ex, "flagged", full)
            if "unchanged" in ex and unchanged is not True:
                raise self.fail("'unchanged' must be true", ex, "unchanged", full)
            topic = ex.get("topic")
            if topic is not None and not isinstance(topic, bool):
                raise self.fail("topic must be true or false", ex, "topic", full)
            out.append(Example(text=text, fixed=fixed, flagged=flagged,
                               unchanged=bool(unchanged), topic=topic,
                               line=self.doc.line(ex) or 0))
        return tuple(out)

    # -- small typed getters -----------------------------------------------------------
    def text(self, obj: dict[str, Any], key: str, rule: str | None, default: str) -> str:
        value = obj.get(key, default)
        if not isinstance(value, str):
            raise self.fail(f"{key} must be a string", obj, key, rule)
        return value.strip()

    def strings(self, obj: dict[str, Any], key: str, rule: str | None) -> list[str]:
        value = obj.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key} must be a string or a list of strings", obj, key, rule)
        return value
