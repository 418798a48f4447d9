"""The pipeline: segments -> matches -> context conditions -> placement -> overlaps -> edits.

Build a ``Cleaner`` once (it compiles every rule of every pack into one matching pass) and
call ``clean`` on as many texts as you like.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from .context import ConditionChecker, Evidence, TokenTable, normalise
from .errors import CleanerError
from .matching import Match, Matchers
from .model import STYLES, Edit, Pack, Result, Rule
from .nlp import pattern_pipeline, pipeline
from .packs import load_packs, shipped_pack_paths
from .placement import expand_template, match_case, widen_deletion
from .segments import Segment, line_segments, sentence_chunks

DEFAULT_AUTO_THRESHOLD = 0.8
_TRANSFORMS = {"upper": str.upper, "lower": str.lower,
               "capitalize": lambda s: s[:1].upper() + s[1:]}


@dataclass
class _Candidate:
    match: Match
    rule: Rule
    segment: Segment
    i: int = 0  # token span, filled in when context is needed
    j: int = 0


@dataclass(frozen=True)
class Proposal:
    """A placed candidate, before overlaps are resolved."""

    start: int
    end: int
    replacement: str
    action: str
    rule: Rule
    order: int  # position of the rule in the packs, for deterministic ties


class Cleaner:
    """Rule packs compiled once; ``clean(text)`` returns a :class:`Result`.

    >>> c = Cleaner(rules=[], default_rules=True)          # doctest: +SKIP
    >>> c.clean("we used tensor flow").cleaned             # doctest: +SKIP
    'we used TensorFlow'
    """

    def __init__(self, packs: Sequence[Pack] | None = None, *,
                 rules: Iterable[str | Path] = (), default_rules: bool = True,
                 style: str = "clean", auto_threshold: float = DEFAULT_AUTO_THRESHOLD) -> None:
        if style not in STYLES:
            raise CleanerError(f"style must be one of {', '.join(STYLES)}, not '{style}'",
                               key="style")
        if not 0.0 <= auto_threshold <= 1.0:
            raise CleanerError("auto threshold must be from 0 to 1", key="auto-threshold")
        if packs is None:
            shipped: list[str | Path] = list(shipped_pack_paths()) if default_rules else []
            extra = list(rules)
            packs = load_packs(shipped + extra)
            if extra:  # a user's pack whose own examples fail does not load
                from .examples import verify_examples
                verify_examples(packs[len(shipped):])
        self.packs = list(packs)
        self.style = style
        self.auto_threshold = auto_threshold
        self.rules = [r for p in self.packs for r in p.rules if style in r.styles]
        self._order = {id(r): k for k, r in enumerate(self.rules)}
        nlp, pattern_nlp = pipeline(), pattern_pipeline()
        self._nlp = nlp
        self._matchers = Matchers(self.rules, nlp, pattern_nlp)
        self._near_tokens = {
            phrase: tuple(t.lower_ for t in pattern_nlp.make_doc(phrase))
            for r in self.rules for phrase in (*r.when.near, *r.when.not_near)}
        self._topic = _TopicCounter(self.packs, nlp, pattern_nlp)

    def clean(self, text: str, segments: Sequence[Segment] | None = None,
              topic: bool | None = None) -> Result:
        """Clean ``text``. ``segments`` limits where rules look (default: every line);
        ``topic`` forces every pack's topic test on or off (default: judge the text)."""
        segments = list(segments) if segments is not None else line_segments(text)
        chunks, matches = self._match(text, segments)
        topics = self._topic.judge(chunks, force=topic)
        candidates = [_Candidate(m, self.rules[m.rule], seg) for m, seg in matches]
        passed = self._check_context(candidates, chunks, topics)
        proposals = [p for c in passed if (p := self._place(text, c)) is not None]
        chosen = resolve_overlaps(proposals)
        return Result(text, _to_edits(text, chosen))

    # -- stages ------------------------------------------------------------------------
    def _match(self, text: str, segments: Sequence[Segment]) -> tuple[list[Any], list[Any]]:
        chunks: list[tuple[int, Any, int]] = []  # (offset, doc, segment index)
        matches: list[tuple[Match, Segment]] = []
        make_doc = self._nlp.make_doc
        for s_index, seg in enumerate(segments):
            for cs, ce in sentence_chunks(text, seg.start, seg.end):
                doc = make_doc(text[cs:ce])
                chunks.append((cs, doc, s_index))
                matches.extend((m, seg) for m in self._matchers.in_doc(doc, cs))
            if self._matchers.regexes:
                matches.extend((m, seg) for m in
                               self._matchers.in_segment(text, seg.start, seg.end))
        return chunks, matches

    def _check_context(self, candidates: list[_Candidate], chunks: list[Any],
                       topics: dict[str, bool]) -> list[_Candidate]:
        passed = [c for c in candidates if c.rule.when.empty]
        waiting = [c for c in candidates if not c.rule.when.empty]
        if not waiting:
            return passed
        table = _token_table(chunks)
        checker = ConditionChecker(table, self._near_tokens)
        for c in candidates:
            c.i, c.j = table.span(c.match.start, c.match.end)
        evidence = [self._evidence(c) for c in passed if self._is_evidence(c)]
        while waiting:  # a fixpoint: a candidate that passes may vouch for another
            still = []
            for c in waiting:
                if checker.holds(c.rule.when, c.i, c.j, topics.get(c.rule.pack, False),
                                 evidence):
                    passed.append(c)
                    if self._is_evidence(c):
                        evidence.append(self._evidence(c))
                else:
                    still.append(c)
            if len(still) == len(waiting):
                break
            waiting = still
        return passed

    def _is_evidence(self, c: _Candidate) -> bool:
        return bool(c.rule.replace) and c.rule.auto and c.rule.confidence >= self.auto_threshold

    @staticmethod
    def _evidence(c: _Candidate) -> Evidence:
        return Evidence(c.i, c.j, normalise(c.rule.replace or ""))

    def _place(self, text: str, c: _Candidate) -> Proposal | None:
        rule, m = c.rule, c.match
        start, end = m.start, m.end
        original = text[start:end]
        applies = rule.auto and rule.confidence >= self.auto_threshold
        if rule.transform is not None:
            replacement = _TRANSFORMS[rule.transform](original)
        elif rule.replace is None:
            replacement = original
        elif rule.replace == "" and rule.kind != "regex":
            start, end, replacement = widen_deletion(text, start, end, c.segment.start,
                                                     c.segment.end)
        else:
            replacement = match_case(original, expand_template(rule.replace, m.groups))
        if replacement == text[start:end] and (rule.replace is not None or rule.transform):
            return None  # already right: nothing to do, nothing to flag
        return Proposal(start, end, replacement, "applied" if applies else "flagged", rule,
                        self._order[id(rule)])


class _TopicCounter:
    """Counts, per pack, how many distinct topic terms a document mentions."""

    def __init__(self, packs: Sequence[Pack], nlp: Any, pattern_nlp: Any) -> None:
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.key_pack: dict[int, str] = {}
        self.minimum = {p.name: p.topic_min for p in packs}
        for pack in packs:
            for n, term in enumerate(pack.topic):
                key = f"topic:{pack.name}:{n}"
                self.key_pack[nlp.vocab.strings.add(key)] = pack.name
                self.matcher.add(key, [pattern_nlp.make_doc(term)])

    def judge(self, chunks: list[Any], force: bool | None) -> dict[str, bool]:
        if force is not None:
            return {name: force for name in self.minimum}
        if not self.key_pack:
            return {}
        seen: dict[str, set[int]] = {}
        for _, doc, _ in chunks:
            for key, _, _ in self.matcher(doc):
                seen.setdefault(self.key_pack[key], set()).add(key)
        return {name: len(seen.get(name, ())) >= need for name, need in self.minimum.items()}


def _token_table(chunks: list[Any]) -> TokenTable:
    table = TokenTable()
    for sentence, (offset, doc, segment) in enumerate(chunks):
        for tok in doc:
            if not tok.is_space:
                start = offset + tok.idx
                table.add(tok.lower_, start, start + len(tok.text), sentence, segment)
    return table


def _sort_key(p: Proposal) -> tuple[Any, ...]:
    return (p.action != "applied", -(p.end - p.start), -p.rule.confidence, p.order, p.start)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1 or b0 == b1:  # an insertion clashes only with a span strictly around it
        return (a0 == a1 == b0 == b1) or (b0 < a0 < b1) or (a0 < b0 < a1)
    return a0 < b1 and b0 < a1


def resolve_overlaps(proposals: list[Proposal]) -> list[Proposal]:
    """Choose a set of proposals of which no two overlap. The policy, in order:

    1. markers are protected: nothing that overlaps a marker survives;
    2. an edit that would be applied beats one that would only be flagged;
    3. a longer span beats a shorter one ("cafe too" -> Caffe2 beats "cafe" -> Caffe);
    4. a higher confidence wins, then the rule listed first, then the earlier position.

    A dropped casing edit that capitalised the first letter of a winning span is carried
    into the winner ("common line" at a sentence start becomes "Command line").
    """
    markers = [p for p in proposals if p.rule.category == "marker"]
    if markers:
        proposals = markers + [p for p in proposals if p.rule.category != "marker" and not any(
            _overlap(p.start, p.end, m.start, m.end) for m in markers)]
    chosen: list[Proposal] = []
    for p in sorted(proposals, key=_sort_key):
        clash = next((c for c in chosen if _overlap(p.start, p.end, c.start, c.end)), None)
        if clash is None:
            chosen.append(p)
        elif (p.rule.category == "casing" and p.action == "applied" and clash.action == "applied"
              and p.start == clash.start and p.replacement[:1].isupper()
              and clash.replacement[:1].islower()):
            chosen[chosen.index(clash)] = Proposal(
                clash.start, clash.end, clash.replacement[:1].upper() + clash.replacement[1:],
                clash.action, clash.rule, clash.order)
    return sorted(chosen, key=lambda p: (p.start, p.end))


def _to_edits(text: str, chosen: list[Proposal]) -> list[Edit]:
    edits = []
    for n, p in enumerate(chosen, 1):
        r = p.rule
        edits.append(Edit(start=p.start, end=p.end, original=text[p.start:p.end],
                          replacement=p.replacement, action=p.action,
                          confidence=round(r.confidence, 3), rule=r.full_id, category=r.category,
                          message=r.message, id=f"e{n}"))
    return edits
