"""Compile every rule of every pack into one matching pass.

Phrases go to a ``PhraseMatcher`` (one for case-insensitive, one for case-sensitive
phrases), token patterns to one ``Matcher``, regexes are searched per segment with a
timeout. Each match key maps back to the index of the rule that produced it, so adding
rules barely adds cost: ten thousand phrase rules cost about twice what ten do.

Regexes are skipped where they cannot match (``regex_prefilter``): ``active_regexes``
keeps, for one document, the regexes one of whose required literals occurs in it (and all
those without literals), and ``in_segment`` skips a regex on a segment that lacks every
literal the regex must read within the segment; a rule with ``needs: repeated-word`` is
searched only where a word repeats (``repeats``). ``in_segments`` searches a run of lines
in one call with each regex that cannot read a line break (``regex_lines``): per line,
the engine's start-up cost was most of a short rule's cost. None of this changes any match.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import regex

from .errors import CleanerError
from .model import Rule
from .regex_lines import line_breaks_read
from .regex_prefilter import fold, required_literals
from .repeats import repeat_windows, repeat_windows_per_segment

REGEX_TIMEOUT = 2.0  # seconds for one rule over one segment
SEGMENT_LITERALS_MAX = 16  # more literals than this cost more to look for than they save

# Flags under which the pattern string reads as the standard parser reads it, and under
# which the literal analysis holds (anything else, e.g. VERBOSE or VERSION1: no literals).
_PREFILTER_FLAGS = (regex.IGNORECASE | regex.UNICODE | regex.VERSION0 | regex.MULTILINE
                    | regex.DOTALL | regex.ASCII)


def _readable_flags(pattern: Any) -> int | None:
    """A compiled regex's flags if the standard parser reads its pattern as ``regex`` does
    (what ``regex_prefilter`` and ``regex_lines`` need), else None."""
    flags = getattr(pattern, "flags", None)
    if not isinstance(getattr(pattern, "pattern", None), str) or flags is None \
            or flags & ~_PREFILTER_FLAGS or (flags & regex.VERSION1):
        return None
    return int(flags)


def _literals(pattern: Any, **options: Any) -> tuple[frozenset[str] | None, bool]:
    """A compiled regex's required literals, and whether they are case-insensitive."""
    flags = _readable_flags(pattern)
    if flags is None:
        return None, False
    ignorecase = bool(flags & regex.IGNORECASE)
    return required_literals(pattern.pattern, ignorecase, **options), ignorecase


def _breaks_read(pattern: Any) -> frozenset[str] | None:
    flags = _readable_flags(pattern)
    return None if flags is None else line_breaks_read(pattern.pattern, flags)


def _by_rule(match: Match) -> int:
    return match.rule


def _line_runs(text: str, segments: Sequence[Any]) -> list[tuple[int, int]]:
    """(first, last) segment numbers of each run of segments that only line breaks (one or
    more) separate."""
    runs = []
    first = 0
    for k in range(1, len(segments)):
        gap = text[segments[k - 1].end:segments[k].start]
        if not gap or gap.strip("\r\n"):
            runs.append((first, k - 1))
            first = k
    runs.append((first, len(segments) - 1))
    return runs


def _common_part(literals: frozenset[str]) -> str | None:
    """The longest string in all of ``literals`` (3 characters or more), or None.

    A text without it has none of the literals, and one look for it is cheaper than many:
    >>> _common_part(frozenset({"mark of chain", "mark off chain", "mark ov chain"}))
    'mark o'
    """
    if len(literals) < 2:
        return None
    shortest = min(literals, key=len)
    for size in range(len(shortest), 2, -1):
        for at in range(len(shortest) - size + 1):
            part = shortest[at:at + size]
            if all(part in lit for lit in literals):
                return part
    return None


@dataclass(frozen=True)
class Match:
    rule: int          # index into the compiled rule list
    start: int         # character offsets into the whole input
    end: int
    groups: Any = None  # the regex match, for replacement templates


def phrase_variants(phrase: str) -> list[str]:
    """A phrase matches whether its words are joined by spaces or by hyphens.

    >>> phrase_variants("pelo pelo")
    ['pelo pelo', 'pelo-pelo']
    >>> phrase_variants("Caffe")
    ['Caffe']
    """
    words = phrase.split()
    variants = [" ".join(words)]
    if len(words) > 1:
        variants.append("-".join(words))
    return variants


class Matchers:
    """All compiled matchers for a list of rules."""

    def __init__(self, rules: list[Rule], nlp: Any, pattern_nlp: Any) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.vocab = nlp.vocab
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.tokens = Matcher(nlp.vocab, validate=True)
        self.regexes: list[tuple[int, Any]] = []
        self.key_to_rule: dict[int, int] = {}
        for index, rule in enumerate(rules):
            key = f"r{index}"
            self.key_to_rule[nlp.vocab.strings.add(key)] = index
            if rule.kind == "phrases":
                docs = [pattern_nlp.make_doc(v) for p in rule.patterns for v in phrase_variants(p)]
                (self.exact if rule.case_sensitive else self.lower).add(key, docs)
            elif rule.kind == "tokens":
                try:
                    self.tokens.add(key, [list(p) for p in rule.patterns])
                except Exception as exc:  # spaCy raises several types for bad patterns
                    first = str(exc).strip().splitlines()
                    detail = " ".join(line.strip() for line in first if line.strip())[:300]
                    raise CleanerError(f"invalid token pattern: {detail}", file=rule.source,
                                       line=rule.line, rule=rule.full_id, key="tokens") from None
            else:
                self.regexes.append((index, rule.patterns[0]))
        self.rules = rules
        # Per regex: literals one of which the document must contain, and those one of which
        # the segment itself must contain (lookbehinds may read before a segment's start,
        # so their contents do not count there); each with "check against fold(text)".
        self._document_literals: list[tuple[int, Any, str | None, frozenset[str] | None,
                                            bool]] = []
        self._segment_literals: dict[int, tuple[tuple[str, ...], bool]] = {}
        for index, pattern in self.regexes:
            literals, folded = _literals(pattern)
            common = _common_part(literals) if literals is not None else None
            self._document_literals.append((index, pattern, common, literals, folded))
            literals, folded = _literals(pattern, lookbehind=False, min_length=1)
            if literals is not None and len(literals) <= SEGMENT_LITERALS_MAX:
                self._segment_literals[index] = (tuple(sorted(literals, key=len)), folded)
        # Per regex: the line-break characters it can read (None: unknown), to tell whether a
        # run of lines may be searched in one call (``regex_lines``).
        self._breaks = {index: _breaks_read(pattern) for index, pattern in self.regexes}
        self._folded: tuple[str, str | None] = ("", "")  # (text, its fold if offsets agree)
        self.has_phrases = len(self.lower) > 0 or len(self.exact) > 0
        self.has_tokens = len(self.tokens) > 0

    def in_doc(self, doc: Any, offset: int) -> Iterator[Match]:
        """Phrase and token matches in one tokenised chunk starting at ``offset``."""
        found: list[tuple[int, int, int]] = []
        if self.has_phrases:
            found.extend(self.lower(doc))
            found.extend(self.exact(doc))
        if self.has_tokens:
            found.extend(self.tokens(doc))
        for key, ts, te in found:
            span = doc[ts:te]
            yield Match(self.key_to_rule[key], offset + span.start_char, offset + span.end_char)

    def active_regexes(self, text: str) -> list[tuple[int, Any]]:
        """The regexes (rule index, pattern) that may match somewhere in ``text``.

        A regex whose required literals all miss the document cannot match in any of its
        segments; regexes without literals are always active. Order is kept.
        """
        folded: str | None = None
        active: list[tuple[int, Any]] = []
        for index, pattern, common, literals, case_insensitive in self._document_literals:
            if literals is not None:
                if case_insensitive:
                    if folded is None:
                        folded = fold(text)
                    haystack = folded
                else:
                    haystack = text
                if common is not None and common not in haystack:
                    continue
                if not any(literal in haystack for literal in literals):
                    continue
            active.append((index, pattern))
        return active

    def _folded_text(self, text: str) -> str | None:
        """``fold(text)`` if its offsets are those of ``text``, else None (cached per text)."""
        cached, folded = self._folded
        if cached is not text:
            folded = fold(text)
            # fold maps each character to one or more, so equal lengths mean equal offsets
            self._folded = (text, folded if len(folded) == len(text) else None)
        return self._folded[1]

    def _has_literal(self, text: str, start: int, end: int, index: int) -> bool:
        """Whether ``text[start:end]`` has one of the literals regex ``index`` must read
        there (True for a regex without any)."""
        check = self._segment_literals.get(index)
        if check is None:
            return True
        literals, case_insensitive = check
        if not case_insensitive:
            return any(text.find(lit, start, end) >= 0 for lit in literals)
        folded = self._folded_text(text)
        if folded is None:  # folding moved the offsets: fold just this stretch
            piece = fold(text[start:end])
            return any(lit in piece for lit in literals)
        return any(folded.find(lit, start, end) >= 0 for lit in literals)

    def in_segments(self, text: str, segments: Sequence[Any],
                    regexes: Sequence[tuple[int, Any]] | None = None) -> list[list[Match]]:
        """Regex matches within each of ``segments`` (objects with ``start`` and ``end``, in
        text order): the same matches, in the same order, as ``in_segment`` on each.

        Lines that only line breaks separate are searched in one call by each regex that
        cannot read those breaks (see ``regex_lines``); the others, line by line.
        """
        found: list[list[Match]] = [[] for _ in segments]
        if not segments:
            return found
        runs = _line_runs(text, segments)
        has_cr = "\r" in text
        one_by_one = []
        for index, pattern in (self.regexes if regexes is None else regexes):
            breaks = self._breaks[index]
            if breaks is None or "\n" in breaks or (has_cr and "\r" in breaks) \
                    or self.rules[index].needs == "repeated-word":
                one_by_one.append((index, pattern))
                continue
            for first, last in runs:
                try:
                    self._search_run(text, segments, first, last, index, pattern, found)
                except TimeoutError:  # line by line, so the error names the line
                    for hits in found:
                        hits[:] = [m for m in hits if m.rule != index]
                    one_by_one.append((index, pattern))
                    break
        if one_by_one:
            windows = (repeat_windows_per_segment(text, segments) if any(
                self.rules[i].needs == "repeated-word" for i, _ in one_by_one) else None)
            for k, seg in enumerate(segments):
                found[k].extend(self.in_segment(text, seg.start, seg.end, one_by_one,
                                                repeats=windows[k] if windows else None))
            for hits in found:  # rule order, as a search line by line gives them
                hits.sort(key=_by_rule)
        return found

    def _search_run(self, text: str, segments: Sequence[Any], first: int, last: int,
                    index: int, pattern: Any, found: list[list[Match]]) -> None:
        """Search segments ``first`` to ``last`` (separated by line breaks only) at once."""
        start, end = segments[first].start, segments[last].end
        if not self._has_literal(text, start, end, index):
            return
        k = first
        hits: list[tuple[int, Match]] = []
        for m in pattern.finditer(text, start, end,
                                  timeout=REGEX_TIMEOUT * (last - first + 1)):
            a, b = m.span()
            while k < last and a > segments[k].end:
                k += 1
            if segments[k].start <= a and b <= segments[k].end:
                hits.append((k, Match(index, a, b, m)))
            # else: an empty match between two lines, which no line's search reaches
        for k, match in hits:
            found[k].append(match)

    def in_segment(self, text: str, start: int, end: int,
                   regexes: Sequence[tuple[int, Any]] | None = None, *,
                   repeats: list[tuple[int, int]] | None = None) -> Iterator[Match]:
        """Regex matches within ``text[start:end]``, each search bounded in time.

        ``regexes`` (default: all) is normally ``active_regexes(text)`` for the whole
        ``text``, computed once per document; ``repeats``, the segment's
        ``repeat_windows`` if they are known.
        """
        for index, pattern in (self.regexes if regexes is None else regexes):
            windows = [(start, end)]
            if self.rules[index].needs == "repeated-word":
                if repeats is None:
                    repeats = repeat_windows(text, start, end)
                windows = repeats
            if not self._has_literal(text, start, end, index):
                continue
            try:
                for a, b in windows:
                    for m in pattern.finditer(text, a, b, timeout=REGEX_TIMEOUT):
                        yield Match(index, m.start(), m.end(), m)
            except TimeoutError:
                rule = self.rules[index]
                raise CleanerError(f"regex took longer than {REGEX_TIMEOUT:g} s on one segment "
                                   f"(at offset {start}); simplify the pattern",
                                   file=rule.source, line=rule.line, rule=rule.full_id,
                                   key="regex") from None
