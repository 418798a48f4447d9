"""Human-readable descriptions of rules, for ``cleaner rules explain``."""
from __future__ import annotations

from typing import Sequence

from .errors import CleanerError
from .model import Pack, Rule


def find_rule(packs: Sequence[Pack], rule_id: str) -> Rule:
    rules = [r for p in packs for r in p.rules]
    exact = [r for r in rules if r.full_id == rule_id]
    if exact:
        return exact[0]
    short = [r for r in rules if r.id == rule_id]
    if len(short) == 1:
        return short[0]
    if len(short) > 1:
        raise CleanerError(f"'{rule_id}' is in several packs: "
                           f"{', '.join(r.full_id for r in short)}", key="RULE")
    raise CleanerError(f"no rule '{rule_id}' (see `cleaner rules list`)", key="RULE")


def describe(rule: Rule) -> str:
    lines = [f"{rule.full_id}  ({rule.source}:{rule.line})", f"  {rule.message}"]
    if rule.kind == "regex":
        lines.append(f"  matches regex: {rule.patterns[0].pattern}")
    elif rule.kind == "phrases":
        case = "case-sensitive" if rule.case_sensitive else "any case, spaces or hyphens"
        lines.append(f"  matches phrases ({case}): {', '.join(rule.patterns)}")
    else:
        lines.append(f"  matches token patterns: {list(rule.patterns)}")
    if rule.replace is None:
        lines.append("  suggests: nothing (flag only)")
    else:
        what = "deletes it" if rule.replace == "" else f"replaces with {rule.replace!r}"
        mode = "applies when confident" if rule.auto else "flags for review"
        lines.append(f"  {what}; {mode}; confidence {rule.confidence:g}; category "
                     f"{rule.category}")
    if rule.styles != ("clean", "verbatim"):
        lines.append(f"  only in style: {', '.join(rule.styles)}")
    w = rule.when
    conds = []
    if w.topic:
        conds.append(f"the document is about the '{rule.pack}' pack's topic")
    if w.near:
        conds.append(f"one of {list(w.near)} within {w.within} tokens ({w.scope})")
    if w.not_near:
        conds.append(f"none of {list(w.not_near)} within {w.within} tokens ({w.scope})")
    for key in ("before", "not_before", "after", "not_after"):
        words = getattr(w, key)
        if words:
            conds.append(f"{key.replace('_', ' ')}: {sorted(words)}")
    lines.append("  when: " + ("; ".join(conds) if conds else "always"))
    for n, ex in enumerate(rule.examples, 1):
        if ex.fixed is not None:
            expect = f"-> {ex.fixed!r}"
        elif ex.flagged is not None:
            expect = "flagged" if ex.flagged is True else f"flags {ex.flagged!r}"
        else:
            expect = "unchanged"
        lines.append(f"  example {n}: {ex.text!r} {expect}")
    return "\n".join(lines)
