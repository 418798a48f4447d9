"""Learning from review decisions: ``cleaner learn`` turns them into a user rule pack.

An accepted or edited spot becomes a phrase rule (its sentence is the rule's example); a
rejected one becomes an entry of the pack's ``keep:`` list, or removes the pack's own
learned rule that made it. The pack keeps its comments and layout (ruamel.yaml), and it is
loaded and its examples run before it is written. The decisions file itself is
``review.py``'s.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .errors import CleanerError
from .review import SPOT_ONLY_RULES, Decisions, Item, check_input, chosen_words


@dataclass
class Lesson:
    """One thing a decision teaches: ``fix`` a phrase, or ``keep`` it as it is."""

    kind: str                   # fix | keep
    phrase: str
    words: str                  # the correction (fix)
    rules: list[str]            # the rules whose suggestion was rejected (keep)
    spots: list[tuple[int, int, int, int]]   # (sentence start, end, spot start, end)
    items: list[Item]


@dataclass
class LearnReport:
    pack: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.pack}: {len(self.added)} rules added, {len(self.updated)} updated, "
                f"{len(self.removed)} removed, {len(self.kept)} phrases kept")


def keep_supported() -> bool:
    """Whether this version's packs take a ``keep:`` list (the engine honours it)."""
    from . import packs
    return "keep" in getattr(packs, "PACK_KEYS", ())


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


_EDGE = " \t\r\n,.;:!?"


def lessons_from(d: Decisions, text: str, segments: Sequence[Any],
                 warnings: list[str]) -> list[Lesson]:
    """Turn decisions into lessons, leaving out what a phrase rule cannot say: markers,
    spots about the audio, punctuation and spacing, and phrases decided both ways."""
    found: dict[str, list[tuple[str, str, Item]]] = {}
    for item in d.edits:
        if item.decision is None:
            continue
        kind, words = chosen_words(item)
        if item.category == "marker" or item.rule in SPOT_ONLY_RULES:
            continue
        if kind in ("accepted", "edited") and words is not None:
            phrase = item.original
            if words == "":
                phrase = phrase.strip(_EDGE)
            elif phrase != phrase.strip():
                lead = len(phrase) - len(phrase.lstrip())
                trail = len(phrase) - len(phrase.rstrip())
                if words[:lead].strip() or (trail and words[-trail:].strip()):
                    phrase = ""
                else:
                    words = words[lead:len(words) - trail if trail else None]
                    phrase = phrase.strip()
            lesson = ("fix", words)
        elif kind == "rejected" or (kind == "accepted" and words is None):
            phrase = item.original.strip(_EDGE)
            lesson = ("keep", "")
        else:
            continue
        if not any(ch.isalnum() for ch in phrase):
            warnings.append(f"not learned: {item.original!r} (edit {item.id}): punctuation and "
                            "spacing are not phrases")
            continue
        found.setdefault(_norm(phrase), []).append((lesson[0], lesson[1], item))
    lessons = []
    for key, group in found.items():
        kinds = {(k, w) for k, w, _ in group}
        if len(kinds) > 1:
            told = "; ".join(sorted(f"{'kept' if k == 'keep' else repr(w)} at {it.start}"
                                    for k, w, it in group))
            warnings.append(f"not learned: {group[0][2].original!r} was decided differently "
                            f"at different places ({told}); a phrase rule cannot tell them "
                            "apart: write a rule with `when:` context instead")
            continue
        kind, words = next(iter(kinds))
        items = [it for _, _, it in group]
        phrase = items[0].original.strip(_EDGE) if kind == "keep" or words == "" \
            else items[0].original.strip()
        spots = [_sentence(text, segments, it.start, it.end) for it in items]
        rules = sorted({it.rule for it in items})
        if kind == "fix" and all(s == a for a, _, s, _ in spots):
            words = _positional_capital(phrase, words)
        lessons.append(Lesson(kind, phrase, words, rules, spots, items))
    return lessons


def _positional_capital(original: str, words: str) -> str:
    """A capital that only marks a sentence start is not learned: "No" -> "Know" at the
    start of a sentence is learned as "know" (the engine capitalises it again where a
    capital is due), unless the word is not common English (a name such as "Caffe")."""
    first = words.split(" ", 1)[0]
    if not (original[:1].isupper() and first[:1].isupper() and first[1:] == first[1:].lower()
            and first[1:]):
        return words
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - a dependency of the package
        return words
    if zipf_frequency(first.lower(), "en") < 3.0:
        return words
    return words[:1].lower() + words[1:]


def _sentence(text: str, segments: Sequence[Any], start: int, end: int
              ) -> tuple[int, int, int, int]:
    from .segments import sentence_chunks

    starts = [s.start for s in segments]
    k = bisect_right(starts, start) - 1
    if k >= 0 and segments[k].end >= end:
        a, b = segments[k].start, segments[k].end
    else:
        a = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
        b = min([x for x in (text.find("\n", end), text.find("\r", end)) if x >= 0]
                or [len(text)])
    chunks = [(x, y) for x, y in sentence_chunks(text, a, b) if x < max(end, start + 1)
              and y > start] or [(a, b)]
    return chunks[0][0], max(chunks[-1][1], end), start, end


class _PackFile:
    """A rule pack edited in place with ruamel.yaml: comments and layout are kept."""

    def __init__(self, path: Path) -> None:
        try:
            from ruamel.yaml import YAML
        except ImportError:  # pragma: no cover - a dependency of the package
            raise CleanerError("learning needs the ruamel.yaml package (pip install "
                               "ruamel.yaml)", file=str(path)) from None
        self.path = path
        self.yaml = YAML()
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096
        self.yaml.allow_unicode = True
        self.yaml.indent(mapping=2, sequence=4, offset=2)
        self.data = self._load()

    def _load(self) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        text = self.text_of_file() if self.path.exists() else ""
        if not text.strip():
            name = re.sub(r"[^A-Za-z0-9_-]+", "-", self.path.name.split(".")[0]).strip("-_")
            data = CommentedMap()
            data["pack"] = _q(name or "learned")
            data["description"] = _q("Corrections learned from reviews: accepted and edited "
                                     "spots become phrase rules (cleaner learn).")
            data["rules"] = CommentedSeq()
            return data
        self.check(text)
        try:
            data = self.yaml.load(text)
        except Exception as exc:  # ruamel's errors have no common base worth naming
            raise CleanerError(f"cannot read the pack: {str(exc).splitlines()[0]}",
                               file=str(self.path)) from None
        if isinstance(data, list):
            data = CommentedMap([("rules", data)])
        if data.get("rules") is None:
            data["rules"] = CommentedSeq()
        return data

    def text_of_file(self) -> str:
        try:
            return self.path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise CleanerError(f"cannot read rule pack: {exc.strerror or exc}",
                               file=str(self.path)) from None
        except UnicodeDecodeError:
            raise CleanerError("rule pack is not UTF-8 text", file=str(self.path)) from None

    def check(self, text: str) -> None:
        """The pack must load and its examples pass before anything is learned into it."""
        from .examples import run_examples
        from .packs import parse_pack

        pack = parse_pack(text, str(self.path), self.path.name.split(".")[0])
        for outcome in run_examples([pack]):
            if not outcome.ok:
                raise CleanerError(f"the pack's own example fails ({outcome.problem}); fix it "
                                   "before learning into it", file=str(self.path),
                                   line=outcome.example.line, rule=outcome.rule.full_id)

    def dump(self) -> str:
        import io
        buf = io.StringIO()
        self.yaml.dump(self.data, buf)
        return buf.getvalue()

    @property
    def name(self) -> str:
        return str(self.data.get("pack") or self.path.name.split(".")[0])

    @property
    def rules(self) -> Any:
        return self.data["rules"]

    def rule_for(self, phrase: str) -> Any:
        key = _norm(phrase)
        for rule in self.rules:
            match = rule.get("match") if isinstance(rule, dict) else None
            phrases = match.get("phrases") if isinstance(match, dict) else None
            if isinstance(phrases, str):
                phrases = [phrases]
            if isinstance(phrases, list) and any(isinstance(p, str) and _norm(p) == key
                                                 for p in phrases):
                return rule
        return None

    def new_id(self, phrase: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", phrase.lower()).strip("-") or "learned"
        taken = {str(r.get("id")) for r in self.rules if isinstance(r, dict)}
        rid, n = base, 2
        while rid in taken:
            rid, n = f"{base}-{n}", n + 1
        return rid

    def keep_list(self, create: bool) -> Any:
        from ruamel.yaml.comments import CommentedSeq
        if self.data.get("keep") is None and create:
            self.data["keep"] = CommentedSeq()
        found = self.data.get("keep")
        return found if found is not None else []

    def keep_entry(self, phrase: str) -> Any:
        for entry in self.keep_list(create=False):
            if isinstance(entry, dict) and _norm(str(entry.get("phrase", ""))) == _norm(phrase):
                return entry
        return None

    def drop_keep(self, phrase: str) -> bool:
        entry = self.keep_entry(phrase)
        if entry is None:
            return False
        self.data["keep"].remove(entry)
        return True


def _q(value: Any) -> Any:
    """Strings learned into a pack are double-quoted: ruamel.yaml writes YAML 1.2, where a
    plain ``no`` or ``on`` is text, but the packs are read as YAML 1.1, where it is a boolean."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    return DoubleQuotedScalarString(value) if isinstance(value, str) else value


def _flow(mapping: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap
    m = CommentedMap((k, _q(v)) for k, v in mapping.items())
    m.fa.set_flow_style()
    return m


def _flow_list(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    s = CommentedSeq(_q(v) for v in items)
    s.fa.set_flow_style()
    return s


MAX_EXAMPLES = 3


def learn(d: Decisions, raw: bytes, text: str, input_name: str, pack_path: str | Path,
          fmt: str | None = None, confidence: float | None = None) -> LearnReport:
    """Learn the decisions into a user pack (created when missing):

    - an accepted or edited spot becomes a phrase rule ``{id, match: {phrases: [original]},
      replace: words, examples: [{text: sentence, fixed: sentence fixed}]}``;
    - a rejected spot becomes an entry of the pack's ``keep:`` list (``{phrase, rules,
      example}``: these rules do not touch this phrase) when the engine supports it; a
      rejected spot of one of the pack's own learned rules removes that rule.

    ``confidence`` is written into new rules (below the auto threshold they suggest
    instead of fixing). The pack is checked (it loads and every example passes) before it
    is written.
    """
    from . import formats
    from .engine import Cleaner
    from .packs import parse_pack, shipped_pack_paths
    from .render import apply_edits

    check_input(d, raw, text, input_name)
    path = Path(pack_path)
    pack = _PackFile(path)
    from ruamel.yaml.comments import CommentedMap

    if pack.name in {p.name.split(".")[0] for p in shipped_pack_paths()}:
        raise CleanerError(f"pack name '{pack.name}' is a shipped pack's; learn into a file "
                           "with another name (e.g. learned.yaml)", file=str(path), key="pack")
    report = LearnReport(str(path))
    doc = formats.read(input_name, text, fmt or d.format)
    lessons = lessons_from(d, text, doc.segments, report.warnings)
    can_keep = keep_supported()
    new_fixes: dict[str, Lesson] = {}   # rule id -> lesson whose examples are still to do
    for lesson in lessons:
        rule = pack.rule_for(lesson.phrase)
        if lesson.kind == "fix":
            if pack.drop_keep(lesson.phrase):
                report.warnings.append(f"{lesson.phrase!r} was kept as it is before; now it "
                                       f"is corrected to {lesson.words!r}")
            if rule is not None:
                phrases = rule["match"]["phrases"]
                if isinstance(phrases, list) and len(phrases) > 1 and \
                        rule.get("replace") != lesson.words:
                    report.warnings.append(
                        f"not learned: {lesson.phrase!r} -> {lesson.words!r}: rule "
                        f"{pack.name}.{rule.get('id')} already corrects it (with other "
                        "phrases) to something else; edit that rule by hand")
                    continue
                if rule.get("replace") != lesson.words:
                    report.warnings.append(f"rule {pack.name}.{rule.get('id')}: "
                                           f"{lesson.phrase!r} now becomes {lesson.words!r} "
                                           f"(was {rule.get('replace')!r})")
                    rule["replace"] = _q(lesson.words)
                    rule["examples"] = []
                report.updated.append(f"{pack.name}.{rule.get('id')}")
                new_fixes[str(rule.get("id"))] = lesson
                continue
            rid = pack.new_id(lesson.phrase)
            entry = CommentedMap()
            entry["id"] = _q(rid)
            entry["match"] = _flow({"phrases": _flow_list([lesson.phrase])})
            entry["replace"] = _q(lesson.words)
            if confidence is not None:
                entry["confidence"] = confidence
            elif any(it.action == "applied" and it.confidence >= 0.9 for it in lesson.items):
                entry["confidence"] = 1.0  # must win over the rule whose fix was edited
            entry["message"] = _q(f"learned in review of {d.source or input_name}")
            pack.rules.append(entry)
            report.added.append(f"{pack.name}.{rid}")
            new_fixes[rid] = lesson
            continue
        # keep: the reviewer said these words are right as they are
        own = [r for r in lesson.rules if r.startswith(pack.name + ".")]
        if rule is not None:
            pack.rules.remove(rule)
            report.removed.append(f"{pack.name}.{rule.get('id')}")
        if own and len(own) == len(lesson.rules):
            continue  # rejecting our own learned rule: removing it is the whole lesson
        if not can_keep:
            report.warnings.append(
                f"not learned: keep {lesson.phrase!r} ({', '.join(lesson.rules)}): this "
                "version of cleaner cannot stop a rule of another pack at one phrase (it needs "
                "the engine's pack `keep:` list)")
            continue
        example = text[lesson.spots[0][0]:lesson.spots[0][1]]
        old = pack.keep_entry(lesson.phrase)
        if old is not None:
            rules = list(old.get("rules") or [])
            old["rules"] = _flow_list(sorted(set(rules) | set(lesson.rules)))
        else:
            pack.keep_list(create=True).append(_flow({
                "phrase": lesson.phrase, "rules": _flow_list(lesson.rules),
                "example": example}))
        report.kept.append(lesson.phrase)
    # Examples: what the learned rule does to each reviewed sentence, checked to be the
    # decision (a phrase rule matches whole words only: a spot inside a word cannot be).
    if new_fixes:
        loaded = parse_pack(pack.dump(), str(path), path.name.split(".")[0])
        cleaner = Cleaner([loaded])
        for rid, lesson in new_fixes.items():
            rule = next(r for r in pack.rules if isinstance(r, dict) and str(r.get("id")) == rid)
            examples = [] if rule.get("examples") is None else list(rule["examples"])
            problem = ""
            for a, b, s, e in lesson.spots:
                sentence = text[a:b]
                mine = [x for x in cleaner.clean(sentence).edits
                        if x.rule == f"{loaded.name}.{rid}"]
                hit = [x for x in mine if x.start <= s - a and x.end >= e - a and (
                    (x.replacement.lower() == lesson.words.lower() and x.start == s - a
                     and x.end == e - a) or (lesson.words == "" and x.replacement == ""))]
                if not hit:
                    problem = (f"a phrase rule for {lesson.phrase!r} does not change it into "
                               f"{lesson.words!r} in {sentence!r}")
                    break
                if hit[0].action == "applied":
                    example = {"text": sentence, "fixed": apply_edits(
                        sentence, [x for x in mine if x.action == "applied"])}
                else:  # a rule below the auto threshold suggests the fix
                    example = {"text": sentence, "flagged": hit[0].original}
                if not any(isinstance(x, dict) and x.get("text") == sentence for x in examples):
                    examples.append(_flow(example))
            if problem:
                pack.rules.remove(rule)
                label = f"{pack.name}.{rid}"
                for bucket in (report.added, report.updated):
                    if label in bucket:
                        bucket.remove(label)
                report.warnings.append(f"not learned: {problem}")
                continue
            rule["examples"] = _flow_seq_block(examples[-MAX_EXAMPLES:])
    final = _verified(pack, report)
    from .files import write_atomic
    write_atomic(path, final.encode("utf-8"))
    return report


def _flow_seq_block(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    return CommentedSeq(items)


def _verified(pack: _PackFile, report: LearnReport) -> str:
    """The pack's text once it loads and all its examples pass; a learned rule whose
    example fails is taken out again (with a warning)."""
    from .examples import run_examples
    from .packs import parse_pack

    for _ in range(len(pack.rules) + 1):
        text = pack.dump()
        loaded = parse_pack(text, str(pack.path), pack.path.name.split(".")[0])
        failing = {o.rule.id: o.problem for o in run_examples([loaded]) if not o.ok}
        learned = {label.split(".", 1)[1] for label in report.added + report.updated}
        bad = [rid for rid in failing if rid in learned]
        if not failing:
            return text
        if not bad:
            rid, problem = next(iter(failing.items()))
            raise CleanerError(f"after learning, rule {pack.name}.{rid}'s example fails "
                               f"({problem}); the pack was not changed", file=str(pack.path))
        for rid in bad:
            rule = next(r for r in pack.rules if isinstance(r, dict) and str(r.get("id")) == rid)
            pack.rules.remove(rule)
            for bucket in (report.added, report.updated):
                if f"{pack.name}.{rid}" in bucket:
                    bucket.remove(f"{pack.name}.{rid}")
            report.warnings.append(f"not learned: rule {pack.name}.{rid} ({failing[rid]})")
    raise CleanerError("could not learn a pack whose examples pass", file=str(pack.path))
