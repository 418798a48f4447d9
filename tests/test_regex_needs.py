"""``needs: repeated-word``: a regex rule searched only in segments where a word repeats."""
from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.errors import CleanerError
from cleaner.repeats import repeat_windows
from cleaner.packs import load_packs, parse_pack, shipped_pack_paths


@functools.lru_cache(maxsize=1)
def repeat_rules():
    return tuple(r for p in load_packs(list(shipped_pack_paths())) for r in p.rules
                 if r.needs == "repeated-word")


def test_the_shipped_repeat_rules_say_what_they_need():
    assert sorted(r.full_id for r in repeat_rules()) == [
        "fillers.repeat", "fillers.repeat-ambiguous"]


# Words and separators the repeat rules read, with letters whose case folding is unusual
# (Kelvin sign, long s, dotted and dotless i, sharp s, final sigma, a combining accent).
WORDS = ["the", "The", "THE", "to", "I", "i", "\u0130", "\u0131", "it", "kappa", "Kappa",
         "\u212a", "k", "\u017f", "s", "S", "stra\xdfe", "STRASSE", "\u03c3", "\u03c2",
         "\u03a3", "cafe\u0301", "Cafe\u0301", "um", "Um", "uh", "erm", "hmm", "very", "is",
         "had", "that", "3d", "x_y"]
GAPS = [" ", "  ", ", ", ",", "\t", "-", ". ", "'", "\n"]


def in_windows(pattern, text, start, end):
    return [(m.start(), m.end()) for a, b in repeat_windows(text, start, end)
            for m in pattern.finditer(text, a, b)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), max_size=12),
       st.data())
def test_searching_the_windows_finds_what_searching_the_segment_finds(pieces, data):
    text = "".join(w + g for w, g in pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for rule in repeat_rules():
        pattern = rule.patterns[0]
        whole = [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]
        assert in_windows(pattern, text, start, end) == whole, (rule.full_id, text)


def test_the_windows_read_case_and_fillers_as_the_rules_do():
    t = "We went to, um, TO the lab, it it it works"
    assert [t[a:b] for a, b in repeat_windows(t, 0, len(t))] == ["to, um, TO ", "it it it "]
    rule = next(r for r in repeat_rules() if r.id == "repeat-ambiguous")
    for same in ("wa\u017f, was", "wa\u0130, wai", "wa\u212a, wak", "wa\u03c2, wa\u03c3"):
        assert rule.patterns[0].search(same)  # long s, dotted I, Kelvin, final sigma
        assert in_windows(rule.patterns[0], same, 0, len(same)), same
    assert repeat_windows("the theory", 0, 10) == []
    assert repeat_windows("the lab the", 0, 11) == []
    assert repeat_windows("the the", 0, 5) == []  # the segment ends before the repeat


def test_a_segment_without_a_repeat_skips_the_rules_and_one_with_keeps_them():
    cleaner = Cleaner()
    assert cleaner.clean("we went to the the lab").cleaned == "we went to the lab"
    assert cleaner.clean("we went to the lab").edits == []


@pytest.mark.parametrize("match, error", [
    ("{phrases: [the the], needs: repeated-word}", "needs is for regex rules"),
    ("{regex: 'a', needs: doubled}", "needs is for regex rules and is one of: repeated-word"),
])
def test_needs_is_checked_at_load(match, error):
    text = f"pack: p\nrules:\n  - id: a\n    match: {match}\n    action: flag\n"
    with pytest.raises(CleanerError) as info:
        parse_pack(text, "p.yaml")
    assert error in str(info.value) and "p.a" in str(info.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.data())
def test_word_bounds_are_the_letter_runs(text, data):
    from cleaner.repeats import _LETTER_RUN, _word_bounds

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    found = list(_LETTER_RUN.finditer(text, start, end))
    assert _word_bounds(text, start, end) == ([m.start() for m in found],
                                              [m.end() for m in found])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS + ["\r\n", "\n\n"])),
                max_size=16), st.lists(st.integers(0, 60), max_size=4))
def test_windows_of_all_segments_at_once_are_those_of_each(pieces, cuts):
    """``repeat_windows_per_segment`` (words read once for the whole text) gives each
    segment the windows ``repeat_windows`` gives it, also where a segment starts or ends
    inside a word (a pragma region cut there)."""
    from cleaner.repeats import repeat_windows_per_segment
    from cleaner.segments import line_segments, subtract

    text = "".join(w + g for w, g in pieces)
    segments = subtract(line_segments(text), [(c, c + 3) for c in sorted(set(cuts))])
    assert repeat_windows_per_segment(text, segments) == [
        repeat_windows(text, s.start, s.end) for s in segments]
