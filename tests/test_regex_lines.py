"""Searching a run of lines in one call finds exactly what a search line by line finds."""
from __future__ import annotations

import functools
from types import SimpleNamespace

import pytest
import regex
from hypothesis import assume, given
from hypothesis import strategies as st

from cleaner.matching import Matchers, _line_runs
from cleaner.nlp import pattern_pipeline, pipeline
from cleaner.packs import load_packs, shipped_pack_paths
from cleaner.regex_lines import line_breaks_read
from cleaner.segments import Segment, line_segments, subtract
from tests.test_regex_prefilter import SETTINGS, _compile, _patterns

@functools.cache
def _shipped(full_id: str):
    return next(r for p in load_packs(list(shipped_pack_paths())) for r in p.rules
                if r.full_id == full_id)


LINE_ALPHABET = "abkKsSiI \t,.\u0130\u212a"


def _matchers(patterns: list) -> Matchers:
    """Matchers over regex rules made from compiled ``patterns`` (no pack needed)."""
    rules = [SimpleNamespace(kind="regex", patterns=(p,), needs=None, source=None, line=None,
                             full_id=f"t.r{k}") for k, p in enumerate(patterns)]
    return Matchers(rules, pipeline(), pattern_pipeline())  # type: ignore[arg-type]


def _line_by_line(matchers: Matchers, text: str, segments) -> list[list[tuple]]:
    return [[(m.rule, m.start, m.end) for m in matchers.in_segment(text, s.start, s.end)]
            for s in segments]


def _at_once(matchers: Matchers, text: str, segments) -> list[list[tuple]]:
    return [[(m.rule, m.start, m.end) for m in hits]
            for hits in matchers.in_segments(text, segments)]


lines = st.lists(st.text(alphabet=LINE_ALPHABET, max_size=12), min_size=1, max_size=5)
breaks = st.sampled_from(["\n", "\r\n", "\n\n", "\r", "\n \n"])


@SETTINGS
@given(_patterns(), st.sampled_from([0, regex.IGNORECASE, regex.DOTALL, regex.MULTILINE]),
       lines, breaks, st.booleans())
def test_runs_find_what_lines_find(pattern, flags, parts, newline, cut):
    """Over generated patterns (lookarounds, anchors, classes, empty matches) and texts of
    several lines, with line breaks of every kind and segments cut by a pragma-like region,
    the matches per segment are the same, in the same order."""
    compiled = _compile(pattern, flags)
    assume(compiled is not None)
    text = newline.join(parts)
    segments = line_segments(text)
    if cut and len(text) > 4:
        segments = subtract(segments, [(2, 4)])
    assume(segments)
    matchers = _matchers([compiled, regex.compile(r"[a-z]+", regex.VERSION0)])
    try:
        expected = _line_by_line(matchers, text, segments)
    except Exception:  # a timeout is not what this test is about
        assume(False)
    assert _at_once(matchers, text, segments) == expected


@pytest.mark.parametrize("pattern, reads", [
    (r"(?<=\S)[ ]{2,}(?=\S)", ""),
    (r"\bword\b", ""),
    (r"[^\W\d_]+", ""),
    (r"a\s", "\n\r"),
    (r"a[^b]", "\n\r"),
    (r"a\W", "\n\r"),
    (r"a.", "\r"),
    (r"(?s:a.)", "\n\r"),
    (r"a(?=[\n])", "\n"),
    (r"(?<!\s)x", "\n\r"),
    (r"a[\x00-\x0c]", "\n"),
])
def test_line_breaks_read(pattern, reads):
    assert line_breaks_read(pattern, 0) == frozenset(reads)


@pytest.mark.parametrize("pattern", [r"a$", r"a\Z", r"(?m)a$", r"\p{Ll}", r"a{e<=1}",
                                     r"[[:alpha:]]", r"(?x) a"])
def test_line_breaks_read_gives_none_when_it_cannot_tell(pattern):
    assert line_breaks_read(pattern, 0) is None


def test_line_runs_split_where_more_than_line_breaks_lie_between():
    text = "ab\ncd\r\n\r\nef gh\nij"
    segments = [Segment(0, 2), Segment(3, 5), Segment(9, 11), Segment(12, 14), Segment(15, 17)]
    assert _line_runs(text, segments) == [(0, 2), (3, 4)]


def test_shipped_regexes_over_a_transcript_with_both_line_endings():
    rules = [r for p in load_packs(list(shipped_pack_paths())) for r in p.rules]
    matchers = Matchers(rules, pipeline(), pattern_pipeline())
    examples = [e.text for r in rules if r.kind == "regex" for e in r.examples]
    for text in ("\n".join(examples), "\r\n".join(examples), "\n\n".join(examples).lower()):
        segments = line_segments(text)
        assert _at_once(matchers, text, segments) == _line_by_line(matchers, text, segments)
    joined = {r.full_id for r, (i, p) in zip(
        [rules[i] for i, _ in matchers.regexes], matchers.regexes)
        if matchers._breaks[i] == frozenset()}
    assert "punctuation.sentence-start" in joined  # the costly no-literal rules join up


@SETTINGS
@given(st.text(alphabet="a. ,;\n\t!", max_size=20), st.integers(0, 20), st.integers(0, 20))
def test_space_before_punctuation_rewrite_is_the_same_rule(text, pos, endpos):
    """The shipped rule now ends in "(?!\\S)" instead of "(?:\\s|$)"; the same matches."""
    old = regex.compile(r"(?<=[^\W_]) +(?=[,;:?!]|\.(?!\.)(?:\s|$))", regex.VERSION0)
    new = _shipped("punctuation.space-before-punctuation").patterns[0]
    assert [m.span() for m in new.finditer(text, pos, endpos)] == \
        [m.span() for m in old.finditer(text, pos, endpos)]


# punctuation.sentence-start as it was: one lookbehind for the sentence end and the spaces.
OLD_SENTENCE_START = (
    "(?<=(?:(?<![\\w.'’])[a-z][a-z'’]+(?<!\\b(?:mm|cm|km|kg|mg|ml|lb|lbs|oz|ft|in|sec|s"
    'ecs|min|mins|hr|hrs|sq|dia|dept|approx|est|vol|no|vs|etc|cf|al|pp|ca|incl|misc|m'
    'ax|avg|govt|kc|mc|mph|rpm|yr|yrs|mo|wk|pt|qt|gal|tsp|tbsp|ch|fig|eq|ed|eds|op|ci'
    't|viz|mr|mrs|ms|dr|prof|st|sr|jr|sen|gov|gen|lt|col|capt|sgt|rev|rep|rd|ave|blvd'
    '|mt|co|corp|inc|ltd|bros|univ|nw|ne|sw|se|jan|feb|mar|apr|jun|jul|aug|sep|sept|o'
    "ct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun))[ \\t]?\\.|[\\w'’][ \\t]?[?!"
    "]+)[ \\t]+)[a-z](?=[a-z'’]*\\b)(?![a-z]*[A-Z])")

SENTENCE_PIECES = ["it", "works", "then", "we", "go", "mm", "dr", "Dr", "e", "g", "Ph", "D",
                   "U", "S", "iPhone", "i", "x", "ab", "don't", "it’s", "no", "vs", "Kan"]
SENTENCE_GAPS = [" ", " ", ". ", " . ", ".  ", ".\t", "? ", "?! ", "! ", " ? ", "... ", ", ",
                 ") ", "\" ", "' ", "’ ", ".", "\n", "'"]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(SENTENCE_PIECES), st.sampled_from(SENTENCE_GAPS)),
                max_size=10), st.integers(0, 60) | st.just(0), st.integers(0, 60) | st.just(99))
def test_sentence_start_rewrite_is_the_same_rule(pieces, pos, endpos):
    """The shipped rule consumes the sentence's end mark and drops it with \\K; it finds
    what the one-lookbehind form found, where it found it, in any search that starts where
    the engine starts one: at the start of a line, a cue or the text after a pragma, never
    between a sentence's end mark and the next word."""
    text = "".join(w + gap for w, gap in pieces)
    assume(pos == 0 or pos > len(text) or text[pos - 1] not in " \t.?!")
    old = regex.compile(OLD_SENTENCE_START, regex.VERSION0)
    new = _shipped("punctuation.sentence-start").patterns[0]
    assert [m.span() for m in new.finditer(text, pos, endpos)] == \
        [m.span() for m in old.finditer(text, pos, endpos)]


# The marker rules and punctuation.lowercase-i read "white space but no line break"
# ([^\S\r\n]) where they read \s, and "[^...\r\n]" where they read "[^...\n]", so that they
# search runs of lines in one call. Written the old way again, to compare.
REWRITTEN = ["markers.gap", "markers.sound", "markers.next-to-gap", "punctuation.lowercase-i"]
MARKER_PIECES = ["i", "I", "think", "am", "i'm", "we", "[", "]", "(", ")", "inaudible",
                 "INAUDIBLE", "music", "Music", "laughs", "crosstalk", "Lisa", "said", "♪",
                 "00:01", "la", "x"]
MARKER_GAPS = [" ", "  ", "\t", "\xa0", "\x0b", "\u2009", "", ", ", "\n", "\r\n", "\n\n", "\r"]


def _as_it_was(pattern):
    source = pattern.pattern.replace(r"[^\S\r\n]", r"\s").replace(r"\r\n]", r"\n]")
    return regex.compile(source, pattern.flags)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(MARKER_PIECES), st.sampled_from(MARKER_GAPS)),
                max_size=12))
def test_rules_without_line_breaks_find_what_they_found_line_by_line(pieces):
    rules = [_shipped(full_id) for full_id in REWRITTEN]
    text = "".join(w + gap for w, gap in pieces)
    segments = line_segments(text)
    new = _matchers([r.patterns[0] for r in rules])
    old = _matchers([_as_it_was(r.patterns[0]) for r in rules])
    assert all(new._breaks[i] == frozenset() for i, _ in new.regexes)  # runs, not lines
    assert _at_once(new, text, segments) == _line_by_line(old, text, segments)
