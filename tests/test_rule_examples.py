"""Every example embedded in a shipped pack is a test case: `pytest -k caffe` runs one rule's."""
from __future__ import annotations

from functools import lru_cache

import pytest

from cleaner.engine import Cleaner
from cleaner.examples import check_example
from cleaner.packs import load_packs, shipped_pack_paths

PACKS = load_packs(shipped_pack_paths())
CASES = [(pack, rule, example)
         for pack in PACKS for rule in pack.rules for example in rule.examples]


@lru_cache(maxsize=None)
def cleaner_for(pack_name: str, style: str) -> Cleaner:
    pack = next(p for p in PACKS if p.name == pack_name)
    return Cleaner([pack], style=style)


@pytest.mark.parametrize(
    "pack,rule,example", CASES,
    ids=[f"{r.full_id}-{r.examples.index(e) + 1}" for _, r, e in CASES])
def test_example(pack, rule, example):
    problem = check_example(cleaner_for(pack.name, rule.styles[0]), rule, example)
    assert not problem, f"{rule.source}:{example.line}: {problem}"


@pytest.mark.parametrize("rule", [r for p in PACKS for r in p.rules], ids=lambda r: r.full_id)
def test_every_rule_has_a_positive_example(rule):
    """Each rule shows at least one text it must fix or flag."""
    assert any(e.fixed is not None or e.flagged is not None for e in rule.examples), \
        f"{rule.full_id} ({rule.source}:{rule.line}) has no example it must fix or flag"


def test_shipped_packs_are_the_four_documented():
    assert {p.name for p in PACKS} >= {"ml-terms", "fillers", "punctuation", "markers"}


@pytest.mark.parametrize("rule", [r for p in PACKS for r in p.rules if not r.when.empty],
                         ids=lambda r: r.full_id)
def test_every_conditional_rule_shows_where_it_stays_quiet(rule):
    """A rule needs conditions because its words are ordinary: it must show them left alone."""
    assert any(e.unchanged for e in rule.examples), \
        f"{rule.full_id} ({rule.source}:{rule.line}) has conditions but no unchanged example"
