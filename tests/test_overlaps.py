"""Overlap resolution with sorted spans against the plain all-pairs reading."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.engine import Proposal, _carry_capital, _is_capital, _overlap, _sort_key
from cleaner.engine import resolve_overlaps
from cleaner.model import Rule

RULES = [Rule(pack="p", id=f"r{k}", kind=kind, patterns=(), replace="x", confidence=conf,
              auto=True, category=cat, message="")
         for k, (kind, conf, cat) in enumerate([("phrases", 0.9, "term"),
                                                ("regex", 0.5, "casing"),
                                                ("soundalike", 0.9, "soundalike"),
                                                ("phrases", 0.95, "marker")])]


def reference(proposals, text):
    """resolve_overlaps as first written: every candidate tested against every chosen one."""
    markers = [p for p in proposals if p.rule.category == "marker"]
    if markers:
        proposals = markers + [p for p in proposals if p.rule.category != "marker" and not any(
            _overlap(p.start, p.end, m.start, m.end) for m in markers)]
    chosen, capitals = [], []
    for p in sorted(proposals, key=_sort_key):
        if not any(_overlap(p.start, p.end, c.start, c.end) for c in chosen):
            chosen.append(p)
        elif _is_capital(p):
            capitals.append(p)
    for cap in capitals:
        chosen = _carry_capital(chosen, cap, text)
    return sorted(chosen, key=lambda p: (p.start, p.end))


@st.composite
def proposals(draw):
    text = "abcdefghij klmnopqrst uvwxyz" * 2
    found = []
    for group in range(draw(st.integers(0, 25))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 6)))
        rule = draw(st.sampled_from(RULES))
        replacement = draw(st.sampled_from(["", "X", "Word"]))
        found.append(Proposal(start, end, replacement, draw(st.sampled_from(["applied",
                                                                             "flagged"])),
                              rule, RULES.index(rule), group))
    return found, text


@settings(max_examples=500, deadline=None)
@given(proposals())
def test_sorted_spans_choose_what_all_pairs_choose(case):
    found, text = case
    assert resolve_overlaps(found, text) == reference(found, text)


def test_an_insertion_clashes_only_inside_a_span_or_with_another_insertion():
    rule = RULES[0]
    spans = [Proposal(2, 5, "x", "applied", rule, 0, 0), Proposal(5, 5, "y", "applied", rule, 0, 1),
             Proposal(3, 3, "z", "applied", rule, 0, 2), Proposal(5, 5, "w", "flagged", rule, 0, 3)]
    kept = [(p.start, p.end, p.replacement) for p in resolve_overlaps(spans, "abcdefgh")]
    assert kept == [(2, 5, "x"), (5, 5, "y")]
