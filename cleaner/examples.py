"""Run the examples embedded in rule packs: every example is a test case.

An example is judged on its own rule's edits, with the rule's whole pack loaded (so other
rules of the pack can vouch for it, as in a real run):

- ``fixed: TEXT``: applying this rule's applied edits to ``text`` gives ``TEXT``;
- ``flagged: WORDS`` (or ``true``): this rule flags ``WORDS`` (or anything);
- ``unchanged: true``: this rule neither changes nor flags anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from .engine import Cleaner
from .model import Example, Pack, Rule
from .render import apply_edits


@dataclass(frozen=True)
class ExampleOutcome:
    rule: Rule
    index: int          # 1-based within the rule
    example: Example
    problem: str        # "" when the example passes

    @property
    def test_id(self) -> str:
        return f"{self.rule.full_id}-{self.index}"

    @property
    def ok(self) -> bool:
        return not self.problem


def check_example(cleaner: Cleaner, rule: Rule, example: Example) -> str:
    """Return what is wrong with one example, or "" when it passes."""
    result = cleaner.clean(example.text, topic=example.topic)
    mine = [e for e in result.edits if e.rule == rule.full_id]
    applied = [e for e in mine if e.action == "applied"]
    flagged = [e for e in mine if e.action == "flagged"]
    if example.fixed is not None:
        got = apply_edits(example.text, applied)
        if got != example.fixed:
            extra = f" (it flagged {[e.original for e in flagged]})" if flagged else ""
            return f"expected {example.fixed!r}, got {got!r}{extra}"
    elif example.flagged is not None:
        if example.flagged is True:
            if not flagged:
                return "expected a flag, got none" + (
                    f" (it applied {[e.original for e in applied]})" if applied else "")
        elif not any(e.original == example.flagged for e in flagged):
            return f"expected {example.flagged!r} flagged, got flags on " \
                   f"{[e.original for e in flagged]} and changes to {[e.original for e in applied]}"
    elif mine:
        return f"expected no edit, got {[(e.original, e.replacement, e.action) for e in mine]}"
    return ""


def run_examples(packs: Sequence[Pack], style: str | None = None) -> Iterator[ExampleOutcome]:
    """Check every example of every rule, each rule in a style it is active in."""
    for pack in packs:
        cleaners: dict[str, Cleaner] = {}
        for rule in pack.rules:
            rule_style = style if style in rule.styles else rule.styles[0]
            if rule_style not in cleaners:
                cleaners[rule_style] = Cleaner([pack], style=rule_style)
            for n, example in enumerate(rule.examples, 1):
                yield ExampleOutcome(rule, n, example,
                                     check_example(cleaners[rule_style], rule, example))


def verify_examples(packs: Sequence[Pack]) -> None:
    """Raise a load error for the first failing example (used for user packs at load)."""
    from .errors import CleanerError

    for outcome in run_examples(packs):
        if not outcome.ok:
            raise CleanerError(f"example {outcome.index} fails: {outcome.problem}",
                               file=outcome.rule.source, line=outcome.example.line,
                               rule=outcome.rule.full_id, key="examples")
