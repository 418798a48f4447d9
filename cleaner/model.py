"""The records every other module passes around: edits, rules, packs, results.

Offsets are code points into the whole decoded input, half-open, computed once on the
original text; every edit satisfies ``text[start:end] == original``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES = ("term", "soundalike", "filler", "repeat", "punctuation", "casing", "spacing",
              "marker", "custom")
STYLES = ("clean", "verbatim")
SCOPES = ("document", "segment", "sentence")


@dataclass(frozen=True)
class Edit:
    """One change (``applied``) or one spot for a person to check (``flagged``)."""

    start: int
    end: int
    original: str
    replacement: str
    action: str  # "applied" | "flagged"
    confidence: float
    rule: str
    category: str
    message: str
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "original": self.original,
                "replacement": self.replacement, "action": self.action,
                "confidence": self.confidence, "rule": self.rule, "category": self.category,
                "message": self.message}


@dataclass(frozen=True)
class Conditions:
    """Context a candidate must be in before a rule may act (all optional)."""

    near: tuple[str, ...] = ()        # one of these phrases within `within` tokens
    not_near: tuple[str, ...] = ()    # none of these within `within` tokens
    within: int = 10
    scope: str = "document"           # how far the window may reach
    topic: bool = False               # the document must be about the pack's topic
    before: frozenset[str] = frozenset()      # the token just before must be one of these
    not_before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()       # the token just after must be one of these
    not_after: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """Whether these are the default conditions (asked for every candidate: no ``==``)."""
        return not (self.near or self.not_near or self.topic or self.before or
                    self.not_before or self.after or self.not_after) and \
            self.within == 10 and self.scope == "document"


@dataclass(frozen=True)
class Example:
    """An embedded test case: text that must be fixed, flagged, or left unchanged."""

    text: str
    fixed: str | None = None
    flagged: str | bool | None = None
    unchanged: bool = False
    topic: bool | None = None  # force the document topic on/off; None: judge the text
    line: int = 0


@dataclass(frozen=True)
class Rule:
    """A compiled rule. ``kind`` picks the matcher: phrases, tokens or regex."""

    pack: str
    id: str
    kind: str
    patterns: tuple[Any, ...]
    replace: str | None            # None: flag only, with no suggestion (or a transform)
    confidence: float
    auto: bool                     # may be applied without review
    category: str
    message: str
    when: Conditions = field(default_factory=Conditions)
    styles: tuple[str, ...] = STYLES
    case_sensitive: bool = False
    transform: str | None = None   # upper | lower | capitalize: the match, re-cased
    needs: str | None = None       # regex only: "repeated-word", searched only where one is
    examples: tuple[Example, ...] = ()
    source: str = ""
    line: int = 0

    @property
    def full_id(self) -> str:
        return f"{self.pack}.{self.id}"


@dataclass(frozen=True)
class Keep:
    """Words a reviewer decided are right as they are: the listed rules (every rule, when
    none is listed) propose nothing on exactly these words."""

    phrase: str
    rules: tuple[str, ...] = ()   # full rule ids, pack names or patterns (as --disable takes)
    example: str = ""             # the sentence where it was decided
    line: int = 0


@dataclass(frozen=True)
class Pack:
    name: str
    description: str
    rules: tuple[Rule, ...]
    topic: tuple[str, ...] = ()
    topic_min: int = 2
    source: str = ""
    glossary: tuple[Any, ...] = ()  # glossary.Term entries the pack listens for
    keep: tuple[Keep, ...] = ()     # phrases reviewers rejected a rule's edit on

    def glossary_terms(self) -> list[Any]:
        """The pack's glossary plus every term its rules correct to."""
        from .glossary import Term

        terms = list(self.glossary)
        known = {t.text.lower() for t in terms}
        for rule in self.rules:
            if (rule.category == "term" and rule.kind != "regex" and rule.replace
                    and rule.replace.lower() not in known):
                known.add(rule.replace.lower())
                # A term whose rule needs context is not matched by sound on real words: the
                # sound stage cannot check that context.
                guarded = not rule.when.empty or not rule.auto
                terms.append(Term(rule.replace, (rule.replace,), not guarded, self.name,
                                  rule.line, guarded))
        return terms


@dataclass
class Result:
    """The outcome of cleaning one text: the input, every edit, and the cleaned text."""

    text: str
    edits: list[Edit]

    @property
    def applied(self) -> list[Edit]:
        return [e for e in self.edits if e.action == "applied"]

    @property
    def flagged(self) -> list[Edit]:
        return [e for e in self.edits if e.action == "flagged"]

    @property
    def cleaned(self) -> str:
        from .render import apply_edits
        return apply_edits(self.text, self.applied)

    def annotated(self) -> str:
        from .render import critic_markup
        return critic_markup(self.text, self.edits)
