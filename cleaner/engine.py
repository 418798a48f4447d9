"""The pipeline: segments -> matches -> context conditions -> placement -> overlaps -> edits.

Build a ``Cleaner`` once (it compiles every rule of every pack into one matching pass) and
call ``clean`` on as many texts as you like.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .context import ConditionChecker, Evidence, TokenTable, normalise, word_hash
from .errors import CleanerError
from .matching import Match, Matchers
from .model import STYLES, Edit, Pack, Result, Rule
from .nlp import pattern_pipeline, pipeline
from .packs import load_packs, shipped_pack_paths
from .placement import expand_template, match_case, widen_deletion
from .segments import Segment, line_segments, pragma_regions, sentence_chunks, subtract
from .glossary import load_glossary
from .soundalike_stage import SoundAlikeStage
from .tokens import TokenArrays

DEFAULT_AUTO_THRESHOLD = 0.8
def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


_TRANSFORMS: dict[str, Callable[[str], str]] = {"upper": str.upper, "lower": str.lower,
                                                "capitalize": _capitalize}


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
    group: int  # the candidate it came from (a deletion may bring a capital with it)


class Cleaner:
    """Rule packs compiled once; ``clean(text)`` returns a :class:`Result`.

    >>> c = Cleaner(rules=[], default_rules=True)          # doctest: +SKIP
    >>> c.clean("we used tensor flow").cleaned             # doctest: +SKIP
    'we used TensorFlow'
    """

    def __init__(self, packs: Sequence[Pack] | None = None, *,
                 rules: Iterable[str | Path] = (), default_rules: bool = True,
                 glossaries: Iterable[str | Path] = (), style: str = "clean",
                 auto_threshold: float = DEFAULT_AUTO_THRESHOLD,
                 disable: Iterable[str] = ()) -> None:
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
        off = self._off = list(disable)
        self.rules = [r for p in self.packs for r in p.rules
                      if style in r.styles and not _disabled(r, off)]
        self._order = {id(r): k for k, r in enumerate(self.rules)}
        self._keep: dict[str, list[tuple[str, ...]]] = {}
        for pack in self.packs:
            for keep in pack.keep:
                self._keep.setdefault(normalise(keep.phrase), []).append(keep.rules)
        nlp, pattern_nlp = pipeline(), pattern_pipeline()
        self._nlp = nlp
        self._matchers = Matchers(self.rules, nlp, pattern_nlp)
        self._near_tokens = {
            phrase: tuple(word_hash(t.text) for t in pattern_nlp.make_doc(phrase))
            for r in self.rules for phrase in (*r.when.near, *r.when.not_near)}
        self._prepared_conditions: dict[int, Any] = {}  # ConditionChecker's cache
        self._topic = _TopicCounter(self.packs, nlp, pattern_nlp)
        user_terms = [t for g in glossaries for t in load_glossary(g)]
        # A pack's glossary listens only in documents about the pack's topic: a pack with no
        # topic (a generated contract pack) has none worth indexing.
        pack_terms = [t for p in self.packs if p.topic and p.name not in off
                      for t in p.glossary_terms()]
        self._sounds = (SoundAlikeStage(user_terms, pack_terms)
                        if user_terms or pack_terms else None)

    @classmethod
    def from_settings(cls, settings: Any) -> Cleaner:
        """A cleaner from ``config.Settings`` (files, environment and options merged)."""
        return cls(rules=settings["rules"], default_rules=settings["default_rules"],
                   glossaries=settings["glossary"], style=settings["style"],
                   auto_threshold=settings["auto_threshold"], disable=settings["disable"])

    def clean(self, text: str, segments: Sequence[Segment] | None = None,
              topic: bool | None = None) -> Result:
        """Clean ``text``. ``segments`` limits where rules look (default: every line);
        ``topic`` forces every pack's topic test on or off (default: judge the text)."""
        chosen = merge_groups(resolve_overlaps(self.propose(text, segments, topic), text))
        return Result(text, _to_edits(text, chosen))

    def propose(self, text: str, segments: Sequence[Segment] | None = None,
                topic: bool | None = None) -> list[Proposal]:
        """Every edit the rules and the glossary propose, before overlaps are resolved
        (what ``cleaner rules report`` uses to show rules competing for the same words)."""
        segments = list(segments) if segments is not None else line_segments(text)
        if "cleaner:" in text:
            segments = subtract(segments, pragma_regions(text))
        chunks, matches = self._match(text, segments)
        topics = self._topic.judge(chunks, force=topic)
        doc = _Document(chunks)
        candidates = [_Candidate(m, self.rules[m.rule], seg) for m, seg in matches]
        if self._keep:
            candidates = [c for c in candidates
                          if not self._kept(text[c.match.start:c.match.end], c.rule)]
        passed = _join_deletions(self._check_context(candidates, doc, topics), text)
        proposals = [p for n, c in enumerate(passed) for p in self._place(text, c, n)]
        proposals.extend(self._sound_proposals(text, doc, topics, len(passed)))
        return proposals

    # -- stages ------------------------------------------------------------------------
    def _match(self, text: str, segments: Sequence[Segment]) -> tuple[list[Any], list[Any]]:
        chunks: list[tuple[int, Any, int]] = []  # (offset, doc, segment index)
        matches: list[tuple[Match, Segment]] = []
        make_doc = self._nlp.make_doc
        regexes = self._matchers.active_regexes(text) if self._matchers.regexes else []
        by_segment = self._matchers.in_segments(text, segments, regexes) if regexes else None
        for s_index, seg in enumerate(segments):
            for cs, ce in sentence_chunks(text, seg.start, seg.end):
                doc = make_doc(text[cs:ce])
                chunks.append((cs, doc, s_index))
                matches.extend((m, seg) for m in self._matchers.in_doc(doc, cs))
            if by_segment:
                matches.extend((m, seg) for m in by_segment[s_index])
        return chunks, matches

    def _check_context(self, candidates: list[_Candidate], doc: _Document,
                       topics: _Topics) -> list[_Candidate]:
        passed = [c for c in candidates if c.rule.when.empty]
        waiting = [c for c in candidates if not c.rule.when.empty]
        if not waiting:
            return passed
        table = TokenTable.from_arrays(doc.tokens)
        checker = ConditionChecker(table, self._near_tokens, self._prepared_conditions)
        for c in candidates:
            c.i, c.j = table.span(c.match.start, c.match.end)
        evidence = [self._evidence(c) for c in passed if self._is_evidence(c)]
        for e in evidence:
            topics.add_fix(e.text)
        while waiting:  # a fixpoint: a candidate that passes may vouch for another
            still = []
            for c in waiting:
                if checker.holds(c.rule.when, c.i, c.j, topics.on(c.rule.pack), evidence):
                    passed.append(c)
                    if self._is_evidence(c):
                        evidence.append(self._evidence(c))
                        topics.add_fix(evidence[-1].text)
                else:
                    still.append(c)
            if len(still) == len(waiting):
                break
            waiting = still
        return passed

    def _sound_proposals(self, text: str, doc: _Document, topics: _Topics,
                         first_group: int) -> list[Proposal]:
        if self._sounds is None or not self._sounds.active(topics.on) or not doc.chunks:
            return []
        found = self._sounds.find(text, doc.tokens, self._nlp.vocab.strings, topics.on)
        order = len(self.rules)  # after every written rule when all else is equal
        out = []
        for n, c in enumerate(found, first_group):
            if self._off and _disabled(c.rule, self._off):
                continue
            if self._keep and self._kept(text[c.start:c.end], c.rule):
                continue
            original = text[c.start:c.end]
            replacement = match_case(original, c.rule.replace or original)
            if replacement == original:
                continue
            applies = c.rule.auto and c.rule.confidence >= self.auto_threshold
            out.append(Proposal(c.start, c.end, replacement, "applied" if applies else "flagged",
                                c.rule, order, n))
        return out

    def _kept(self, span: str, rule: Rule) -> bool:
        """Whether a pack's ``keep:`` list says ``rule`` must leave these words alone."""
        found = self._keep.get(normalise(span))
        return found is not None and any(not rules or _disabled(rule, list(rules))
                                         for rules in found)

    def _is_evidence(self, c: _Candidate) -> bool:
        return bool(c.rule.replace) and c.rule.auto and c.rule.confidence >= self.auto_threshold

    @staticmethod
    def _evidence(c: _Candidate) -> Evidence:
        return Evidence(c.i, c.j, normalise(expand_template(c.rule.replace or "",
                                                            c.match.groups)))

    def _place(self, text: str, c: _Candidate, group: int) -> list[Proposal]:
        rule, m = c.rule, c.match
        start, end = m.start, m.end
        original = text[start:end]
        action = "applied" if rule.auto and rule.confidence >= self.auto_threshold else "flagged"
        order = self._order[id(rule)]
        extra: list[Proposal] = []
        if rule.transform is not None:
            replacement = _TRANSFORMS[rule.transform](original)
        elif rule.replace is None:
            replacement = original
        elif rule.replace == "" and rule.kind != "regex":
            start, end, capital = widen_deletion(text, start, end, c.segment.start,
                                                 c.segment.end)
            replacement = ""
            if capital is not None:
                extra.append(Proposal(capital, capital + 1, text[capital].upper(), action, rule,
                                      order, group))
        else:
            replacement = match_case(original, expand_template(rule.replace, m.groups))
        if replacement == text[start:end] and (rule.replace is not None or rule.transform):
            return []  # already right: nothing to do, nothing to flag
        return [Proposal(start, end, replacement, action, rule, order, group), *extra]


class _Document:
    """A document's sentence chunks, and their token arrays once a stage needs them (read
    once for the context conditions and the sound-alike stage together)."""

    def __init__(self, chunks: list[tuple[int, Any, int]]) -> None:
        self.chunks = chunks

    @cached_property
    def tokens(self) -> TokenArrays:
        return TokenArrays.of(self.chunks)


def _disabled(rule: Rule, patterns: list[str]) -> bool:
    """``--disable`` takes a full rule id, a pack name, or a pattern such as ``ml-terms.caffe*``."""
    from fnmatch import fnmatchcase

    return any(p in (rule.full_id, rule.pack) or fnmatchcase(rule.full_id, p) for p in patterns)


def _join_deletions(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """Runs of one deleting rule ("um, uh, um") become one deletion, placed once."""
    deleting = sorted((c for c in candidates if c.rule.replace == "" and c.rule.kind != "regex"),
                      key=lambda c: (c.match.start, c.match.end))
    if len(deleting) < 2:
        return candidates
    others = [c for c in candidates if not (c.rule.replace == "" and c.rule.kind != "regex")]
    joined: list[_Candidate] = []
    for c in deleting:
        last = joined[-1] if joined else None
        if (last is not None and last.rule is c.rule and last.segment == c.segment
                and c.match.start >= last.match.end
                and not text[last.match.end:c.match.start].strip(" \t,")):
            joined[-1] = _Candidate(replace(last.match, end=c.match.end), c.rule, c.segment)
        else:
            joined.append(c)
    return others + joined


class _TopicCounter:
    """Counts, per pack, how many distinct topic terms a document mentions.

    Fixes count too: once "tensor flow" reads as TensorFlow, TensorFlow is a topic term the
    document mentions, so a second run over the cleaned text judges the topic the same way.
    """

    def __init__(self, packs: Sequence[Pack], nlp: Any, pattern_nlp: Any) -> None:
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.key_pack: dict[int, str] = {}
        self.by_text: dict[str, list[tuple[str, int]]] = {}
        self.minimum = {p.name: p.topic_min for p in packs}
        for pack in packs:
            for n, term in enumerate(pack.topic):
                name = f"topic:{pack.name}:{n}"
                key = nlp.vocab.strings.add(name)
                self.key_pack[key] = pack.name
                self.by_text.setdefault(normalise(term), []).append((pack.name, key))
                self.matcher.add(name, [pattern_nlp.make_doc(term)])

    def judge(self, chunks: list[Any], force: bool | None) -> _Topics:
        seen: dict[str, set[int]] = {name: set() for name in self.minimum}
        if force is None:
            for _, doc, _ in chunks:
                for key, _, _ in self.matcher(doc):
                    seen[self.key_pack[key]].add(key)
        return _Topics(self, seen, force)


class _Topics:
    def __init__(self, counter: _TopicCounter, seen: dict[str, set[int]],
                 force: bool | None) -> None:
        self.counter, self.seen, self.force = counter, seen, force

    def add_fix(self, replacement: str) -> None:
        for pack, key in self.counter.by_text.get(normalise(replacement), ()):
            self.seen[pack].add(key)

    def on(self, pack: str) -> bool:
        if self.force is not None:
            return self.force
        return len(self.seen.get(pack, ())) >= self.counter.minimum.get(pack, 1)


def _sort_key(p: Proposal) -> tuple[Any, ...]:
    return (p.action != "applied", -(p.end - p.start), p.rule.kind == "soundalike",
            -p.rule.confidence, p.order, p.start)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1 or b0 == b1:  # an insertion clashes only with a span strictly around it
        return (a0 == a1 == b0 == b1) or (b0 < a0 < b1) or (a0 < b0 < a1)
    return a0 < b1 and b0 < a1


class _Taken:
    """The spans chosen so far, sorted, so that a new span is tested against its neighbours
    only (testing it against every chosen span made a long transcript quadratic: 90 million
    tests for 18,000 edits)."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def clashes(self, start: int, end: int) -> bool:
        spans = self.spans
        # Spans starting at ``end`` or later cannot clash (an insertion at ``end`` only with
        # another insertion there).
        j = bisect_left(spans, (end, end + 1) if start == end else (end, -1))
        while j > 0:
            j -= 1
            s, e = spans[j]
            if _overlap(start, end, s, e):
                return True
            if s < e <= start:
                return False  # chosen spans never overlap: every span before ends before it
        return False

    def add(self, start: int, end: int) -> None:
        insort(self.spans, (start, end))


def resolve_overlaps(proposals: list[Proposal], text: str) -> list[Proposal]:
    """Choose a set of proposals of which no two overlap. The policy, in order:

    1. markers are protected: nothing that overlaps a marker survives;
    2. an edit that would be applied beats one that would only be flagged;
    3. a longer span beats a shorter one ("cafe too" -> Caffe2 beats "cafe" -> Caffe);
    4. a written rule beats a sound-alike guess;
    5. a higher confidence wins, then the rule listed first, then the earlier position.

    A one-letter capitalisation that loses its letter to another edit is carried into the
    winner (see ``_carry_capital``).
    """
    markers = [p for p in proposals if p.rule.category == "marker"]
    if markers:
        proposals = markers + [p for p in proposals if p.rule.category != "marker" and not any(
            _overlap(p.start, p.end, m.start, m.end) for m in markers)]
    chosen: list[Proposal] = []
    capitals: list[Proposal] = []
    taken = _Taken()
    for p in sorted(proposals, key=_sort_key):
        if not taken.clashes(p.start, p.end):
            chosen.append(p)
            taken.add(p.start, p.end)
        elif _is_capital(p):
            capitals.append(p)
    for cap in capitals:
        chosen = _carry_capital(chosen, cap, text)
    return sorted(chosen, key=lambda p: (p.start, p.end))


def _is_capital(p: Proposal) -> bool:
    return p.action == "applied" and p.end - p.start == 1 and p.replacement.isupper()


def _carry_capital(chosen: list[Proposal], cap: Proposal, text: str) -> list[Proposal]:
    """Give a capital that lost its letter to the edit that won it.

    The winner's replacement takes the capital ("common line" at a sentence start becomes
    "Command line"); a winner that deletes the word passes it to the next letter, so
    ". um so" becomes ". So", not ". so".
    """
    winner = next((w for w in chosen if w.start == cap.start and w.action == "applied"), None)
    if winner is None:
        return chosen
    if winner.replacement:
        if winner.replacement[:1].islower():
            return [replace(w, replacement=w.replacement[:1].upper() + w.replacement[1:])
                    if w is winner else w for w in chosen]
        return chosen
    nxt = winner.end
    if nxt >= len(text) or not text[nxt].islower():
        return chosen
    follower = next((w for w in chosen if w.start <= nxt < w.end or w.start == nxt), None)
    if follower is not None:
        return _carry_capital(chosen, replace(cap, start=nxt, end=nxt + 1), text)
    return [replace(w, end=nxt + 1, replacement=text[nxt].upper()) if w is winner else w
            for w in chosen]


def merge_groups(chosen: list[Proposal]) -> list[Proposal]:
    """Join touching proposals of one candidate into one edit ("Um, s" -> "S")."""
    merged: list[Proposal] = []
    for p in chosen:
        last = merged[-1] if merged else None
        if last is not None and last.group == p.group and last.end == p.start:
            merged[-1] = replace(last, end=p.end, replacement=last.replacement + p.replacement)
        else:
            merged.append(p)
    return merged


def _to_edits(text: str, chosen: list[Proposal]) -> list[Edit]:
    edits = []
    for n, p in enumerate(chosen, 1):
        r = p.rule
        edits.append(Edit(start=p.start, end=p.end, original=text[p.start:p.end],
                          replacement=p.replacement, action=p.action,
                          confidence=round(r.confidence, 3), rule=r.full_id, category=r.category,
                          message=r.message, id=f"e{n}"))
    return edits
