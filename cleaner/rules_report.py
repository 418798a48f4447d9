"""The rule-quality report (``cleaner rules report``): over a corpus, what each rule
proposed, how often it won or lost against another rule on the same words, where it never
fired, and what reviewers decided about its edits (``*.review.yaml`` files beside the
transcripts). Pairs of files and WER are ``evaluate.py``'s.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import CleanerError
from .evaluate import (REFERENCE_NAME, TRANSCRIPT_EXTENSIONS, segment_spans, transcript_files,
                       within_spans)
from .model import Edit


def proposals_before_overlaps(cleaner: Any, text: str, segments: Sequence[Any] | None = None
                              ) -> list[tuple[str, int, int, str]] | None:
    """Every edit the rules proposed before overlaps were resolved, as (rule, start, end,
    action) (``Cleaner.propose``); ``None`` for a cleaner that cannot say."""
    propose = getattr(cleaner, "propose", None)
    if propose is None:
        return None
    return [(p.rule.full_id, p.start, p.end, p.action) for p in propose(text, segments)]


def _spans_overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1 or b0 == b1:
        return a0 == b0 or (b0 < a0 < b1) or (a0 < b0 < a1)
    return a0 < b1 and b0 < a1


@dataclass
class Competition:
    """Two rules that proposed overlapping edits: how often, and who ended in the output."""

    rules: tuple[str, str]
    times: int = 0
    wins: Counter = field(default_factory=Counter)  # rule id, "both" or "neither"

    def to_dict(self) -> dict[str, Any]:
        a, b = self.rules
        return {"rules": list(self.rules), "times": self.times,
                "kept": {a: self.wins[a], b: self.wins[b], "both": self.wins["both"],
                        "neither": self.wins["neither"]}}


@dataclass
class RuleStats:
    rule: str
    applied: int = 0
    flagged: int = 0
    files: int = 0
    decisions: Counter = field(default_factory=Counter)  # accept / reject / ... from reviews

    @property
    def fired(self) -> int:
        return self.applied + self.flagged

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "fired": self.fired, "applied": self.applied,
                "flagged": self.flagged, "files": self.files,
                "decisions": dict(sorted(self.decisions.items()))}


@dataclass
class RulesReport:
    """Rule quality over a corpus: fire counts, silent rules, rules competing for spans."""

    files: list[str]
    loaded_rules: list[str]
    stats: dict[str, RuleStats]
    competitions: list[Competition]
    method: str               # how competition was found (see ``rules_report``)
    review_files: list[str]

    def never_fired(self) -> list[str]:
        return [r for r in self.loaded_rules if r not in self.stats or not self.stats[r].fired]

    def to_dict(self) -> dict[str, Any]:
        return {"files": self.files, "review_files": self.review_files,
                "loaded_rules": len(self.loaded_rules),
                "rules": [s.to_dict() for s in sorted(self.stats.values(),
                                                      key=lambda s: (-s.fired, s.rule))],
                "never_fired": self.never_fired(), "overlap_method": self.method,
                "overlaps": [c.to_dict() for c in self.competitions]}


def read_decisions(path: Path) -> Counter:
    """(rule, decision) counts from a review file: YAML with ``edits:`` items that have
    ``rule`` and ``decision``; other items are skipped."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise CleanerError(f"not a readable review file: {str(exc).splitlines()[0]}",
                           file=str(path), line=line + 1 if line is not None else None) from None
    items = data.get("edits") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise CleanerError("a review file needs a list under 'edits:'", file=str(path))
    counts: Counter = Counter()
    for item in items:
        if isinstance(item, dict) and item.get("rule") and item.get("decision"):
            counts[(str(item["rule"]), str(item["decision"]))] += 1
    return counts


def _competitions(found: Iterable[tuple[str, int, int, str]], final: Sequence[Edit],
                  table: dict[tuple[str, str], Competition]) -> None:
    """Add every overlap between proposals of two different rules to ``table``."""
    props = sorted(set(found), key=lambda p: (p[1], p[2]))
    seen: set[tuple[str, str, int, int]] = set()
    for k, (ra, a0, a1, _) in enumerate(props):
        for rb, b0, b1, _ in props[k + 1:]:
            if b0 > a1:
                break
            if ra == rb or not _spans_overlap(a0, a1, b0, b1):
                continue
            key = tuple(sorted((ra, rb)))
            place = (key[0], key[1], min(a0, b0), max(a1, b1))
            if place in seen:  # one clash per pair and place
                continue
            seen.add(place)
            won = [r for r, s, e in ((ra, a0, a1), (rb, b0, b1))
                   if any(x.rule == r and _spans_overlap(s, e, x.start, x.end) for x in final)]
            c = table.setdefault(key, Competition(key))  # type: ignore[arg-type]
            c.times += 1
            c.wins[won[0] if len(won) == 1 else "both" if won else "neither"] += 1


def _per_pack_proposals(cleaner: Any, text: str, segments: Sequence[Any]
                        ) -> list[tuple[str, int, int, str]]:
    """The approximation used when the engine's stages are not available: each pack alone."""
    from .engine import Cleaner

    out = []
    for pack in cleaner.packs:
        alone = Cleaner([pack], style=cleaner.style, auto_threshold=cleaner.auto_threshold)
        out.extend((e.rule, e.start, e.end, e.action)
                   for e in alone.clean(text, segments=segments).edits)
    return out


def rules_report(cleaner: Any, paths: Sequence[str], encoding: str = "utf-8") -> RulesReport:
    """Clean every transcript under ``paths`` (folders: their transcripts, not subfolders,
    nor references named ``NAME.reference.EXT``, ``.ref``, ``.gold`` or ``.truth``) and report
    per rule; ``*.review.yaml`` files in the folders add reviewers' decisions.

    Competition is found on the proposals *before* overlap resolution (every rule's
    candidate edit that passed its context conditions), so a rule that always loses to
    another still shows. If the engine's stages cannot be reached, each pack is run alone
    and overlaps between packs are reported instead (competition inside one pack is then
    not seen); ``method`` says which was used.
    """
    from .api import clean_source
    from .files import read_source
    from .segments import Segment

    files: list[Path] = []
    reviews: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():  # references lying next to their transcripts are not counted
            files.extend(p for p in transcript_files(path)
                         if not REFERENCE_NAME.search(p.name))
            reviews.extend(sorted(p for p in path.iterdir()
                                  if re.search(r"\.review\.ya?ml$", p.name, re.I)))
        elif path.is_file():
            files.append(path)
        else:
            raise CleanerError("no such file or folder", file=name)
    if not files:
        raise CleanerError("no transcripts found (extensions: "
                           f"{', '.join(TRANSCRIPT_EXTENSIONS)})", file=", ".join(paths))
    stats: dict[str, RuleStats] = {}
    table: dict[tuple[str, str], Competition] = {}
    method = "candidates"
    for path in files:
        source = read_source(str(path), encoding)
        done = clean_source(cleaner, source)
        _, spans = segment_spans(str(path), source.text, done.format)
        segments = [Segment(s, e) for s, e in spans]
        edits = [e for e in done.result.edits if within_spans(spans, e.start, e.end)]
        touched = set()
        for e in edits:
            s = stats.setdefault(e.rule, RuleStats(e.rule))
            if e.action == "applied":
                s.applied += 1
            else:
                s.flagged += 1
            touched.add(e.rule)
        for rule in touched:
            stats[rule].files += 1
        found = proposals_before_overlaps(cleaner, source.text, segments) \
            if method == "candidates" else None
        if found is None:
            method = "per-pack"
            found = _per_pack_proposals(cleaner, source.text, segments)
        _competitions(found, edits, table)
    for review in reviews:
        for (rule, decision), n in read_decisions(review).items():
            stats.setdefault(rule, RuleStats(rule)).decisions[decision] += n
    competitions = sorted(table.values(), key=lambda c: (-c.times, c.rules))
    return RulesReport([str(p) for p in files], [r.full_id for r in cleaner.rules], stats,
                       competitions, method, [str(p) for p in reviews])


def format_rules_report(report: RulesReport) -> str:
    """The report ``cleaner rules report`` prints."""
    lines = [f"{len(report.files)} transcripts"
             + (f", {len(report.review_files)} review files" if report.review_files else "")]
    fired = sorted((s for s in report.stats.values() if s.fired),
                   key=lambda s: (-s.fired, s.rule))
    decided = sorted({d for s in report.stats.values() for d in s.decisions})
    lines += ["", f"{'rule':<44} {'fired':>5} {'applied':>7} {'flagged':>7} {'files':>5}"
              + "".join(f" {d:>8}" for d in decided)]
    shown = fired + sorted((s for s in report.stats.values() if not s.fired and s.decisions),
                           key=lambda s: s.rule)
    for s in shown:
        lines.append(f"{s.rule:<44} {s.fired:>5} {s.applied:>7} {s.flagged:>7} {s.files:>5}"
                     + "".join(f" {s.decisions[d]:>8}" for d in decided))
    never = report.never_fired()
    lines += ["", f"never fired: {len(never)} of {len(report.loaded_rules)} loaded rules"]
    lines += [f"  {r}" for r in never]
    how = ("proposals before overlap resolution" if report.method == "candidates"
           else "each pack run alone (overlaps inside one pack not seen)")
    lines += ["", f"competing for the same spans ({how}):"]
    if not report.competitions:
        lines.append("  none")
    for c in report.competitions:
        a, b = c.rules
        lines.append(f"  {a} / {b}: {c.times} time{'s' if c.times != 1 else ''}; "
                     f"kept {a} {c.wins[a]}, {b} {c.wins[b]}"
                     + (f", both {c.wins['both']}" if c.wins["both"] else "")
                     + (f", neither {c.wins['neither']}" if c.wins["neither"] else ""))
    return "\n".join(lines)
