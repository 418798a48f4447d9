"""The indexed context checks (cleaner/context.py) against the obvious slow way of reading
each condition: same answers for random token tables, conditions, spans and evidence."""
from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.context import ConditionChecker, Evidence, TokenTable, normalise, word_hash
from cleaner.model import Conditions

SETTINGS = settings(max_examples=int(os.environ.get("CLEANER_HYPOTHESIS_EXAMPLES", "300")),
                    deadline=None)

VOCAB = ["the", "flow", "tensor", "cafe", "deep", "model"]
HASH = {w: word_hash(w) for w in VOCAB}


# -- the reference: every condition read token by token, nothing cached ---------------------
def reference_holds(table: TokenTable, tokenise: dict[str, tuple[int, ...]], cond: Conditions,
                    i: int, j: int, topic_ok: bool, evidence: list[Evidence]) -> bool:
    if cond.topic and not topic_ok:
        return False
    n = len(table.lower)
    if cond.scope == "document" or n == 0:
        lo, hi = 0, n
    else:
        ids = table.sentence if cond.scope == "sentence" else table.segment
        anchor = min(i, n - 1)
        lo = anchor
        while lo > 0 and ids[lo - 1] == ids[anchor]:
            lo -= 1
        hi = max(j, anchor + 1)
        while hi < n and ids[hi] == ids[anchor]:
            hi += 1
    prev = table.lower[i - 1] if i > lo else None
    nxt = table.lower[j] if j < hi else None
    if cond.before and prev not in {word_hash(w) for w in cond.before}:
        return False
    if prev is not None and prev in {word_hash(w) for w in cond.not_before}:
        return False
    if cond.after and nxt not in {word_hash(w) for w in cond.after}:
        return False
    if nxt is not None and nxt in {word_hash(w) for w in cond.not_after}:
        return False
    if not cond.near and not cond.not_near:
        return True
    w_lo, w_hi = max(lo, i - cond.within), min(hi, j + cond.within)
    windows = [table.lower[w_lo:i], table.lower[j:w_hi]]

    def seen(phrase: str) -> bool:
        words = list(tokenise[phrase])
        return any(window[k:k + len(words)] == words
                   for window in windows for k in range(len(window)))

    if any(seen(p) for p in cond.not_near):
        return False
    if not cond.near:
        return True
    if any(seen(p) for p in cond.near):
        return True
    wanted = [normalise(p) for p in cond.near]
    for e in evidence:
        if e.text in wanted and e.j > w_lo and e.i < w_hi and (e.i, e.j) != (i, j):
            return True
    return False


# -- strategies ------------------------------------------------------------------------------
@st.composite
def tables(draw: st.DrawFn) -> TokenTable:
    words = draw(st.lists(st.sampled_from(VOCAB), max_size=40))
    n = len(words)
    # As the engine builds them: sentences in order, inside segments in order.
    sentence: list[int] = []
    segment: list[int] = []
    s = g = 0
    for _ in range(n):
        if sentence and draw(st.integers(0, 3)) == 0:
            s += 1
            g += draw(st.integers(0, 1))
        sentence.append(s)
        segment.append(g)
    start = [4 * k for k in range(n)]
    return TokenTable(lower=[HASH[w] for w in words], start=start, end=[s + 3 for s in start],
                      sentence=sentence, segment=segment)


phrases = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3).map(" ".join)
spaced = st.builds(lambda p, gap: p.replace(" ", gap), phrases, st.sampled_from([" ", "  "]))
word_sets = st.frozensets(st.sampled_from(VOCAB + ["Flow"]), max_size=3)
conditions = st.builds(
    Conditions, near=st.lists(spaced, max_size=6).map(tuple),
    not_near=st.lists(spaced, max_size=6).map(tuple), within=st.integers(1, 12),
    scope=st.sampled_from(["document", "sentence", "segment"]), topic=st.booleans(),
    before=word_sets, not_before=word_sets, after=word_sets, not_after=word_sets)


def tokenise_for(conds: list[Conditions]) -> dict[str, tuple[int, ...]]:
    return {p: tuple(word_hash(w) for w in p.split())
            for c in conds for p in (*c.near, *c.not_near)}


@st.composite
def cases(draw: st.DrawFn):
    table = draw(tables())
    n = len(table.lower)
    conds = draw(st.lists(conditions, min_size=1, max_size=4))
    spans = st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted)
    near = [p for c in conds for p in c.near] or ["cafe"]
    evidence = draw(st.lists(st.builds(
        lambda ij, text: Evidence(ij[0], ij[1], normalise(text)), spans,
        st.sampled_from(near) | phrases), max_size=6))
    # Few spans, asked about under several conditions: what one call caches, the next reads.
    pool = draw(st.lists(spans, min_size=1, max_size=4))
    calls = draw(st.lists(st.tuples(st.sampled_from(conds), st.sampled_from(pool),
                                    st.booleans()), min_size=1, max_size=12))
    return table, conds, evidence, calls


# -- properties --------------------------------------------------------------------------------
@SETTINGS
@given(case=cases())
def test_checker_agrees_with_the_reference(case):
    table, conds, evidence, calls = case
    tokenise = tokenise_for(conds)
    checker = ConditionChecker(table, tokenise)  # one per document: its caches see every call
    for cond, (i, j), topic_ok in calls:
        expected = reference_holds(table, tokenise, cond, i, j, topic_ok, evidence)
        assert checker.holds(cond, i, j, topic_ok, evidence) == expected, (cond, i, j)


def test_a_scope_ends_where_its_sentence_or_segment_ends():
    words = ["the", "flow", "cafe", "deep", "tensor", "model", "the"]
    table = TokenTable(lower=[HASH[w] for w in words], start=list(range(7)),
                       end=list(range(1, 8)), sentence=[0, 0, 1, 1, 1, 2, 2],
                       segment=[0, 0, 0, 0, 0, 1, 1])
    tokenise = {"model": (HASH["model"],), "tensor": (HASH["tensor"],)}
    checker = ConditionChecker(table, tokenise)
    assert checker.holds(Conditions(near=("tensor",), scope="segment"), 1, 2, True)
    assert not checker.holds(Conditions(near=("tensor",), scope="sentence"), 1, 2, True)
    assert not checker.holds(Conditions(near=("model",), scope="segment"), 1, 2, True)
    assert checker.holds(Conditions(near=("model",), scope="document"), 1, 2, True)
    assert not checker.holds(Conditions(after=frozenset({"model"}), scope="sentence"),
                             4, 5, True)
    assert checker.holds(Conditions(after=frozenset({"model"}), scope="document"), 4, 5, True)


def test_a_shared_cache_serves_many_documents():
    """The engine keeps one cache of prepared conditions for all its documents."""
    cond = Conditions(near=("tensor flow", "deep"), not_near=("cafe latte",))
    tokenise = tokenise_for([cond])
    cache: dict = {}
    for words, expected in [("we used tensor flow with the cafe".split(), True),
                            ("a cafe latte in the cafe".split(), False),
                            ("the cafe".split(), False)]:
        table = TokenTable(lower=[word_hash(w) for w in words], start=list(range(len(words))),
                           end=list(range(1, len(words) + 1)), sentence=[0] * len(words),
                           segment=[0] * len(words))
        cafe = len(words) - 1
        assert ConditionChecker(table, tokenise, cache).holds(cond, cafe, cafe + 1, True) \
            is expected
    assert len(cache) == 1


# -- the table -------------------------------------------------------------------------------
def reference_table(chunks) -> TokenTable:
    table = TokenTable()
    for n, (offset, doc, segment) in enumerate(chunks):
        for token in doc:
            if not token.is_space:
                table.lower.append(token.lower)
                table.start.append(offset + token.idx)
                table.end.append(offset + token.idx + len(token))
                table.sentence.append(n)
                table.segment.append(segment)
    return table


@pytest.fixture(scope="module")
def make_doc():
    import spacy

    return spacy.blank("en").make_doc


@SETTINGS
@given(pieces=st.lists(st.tuples(
    st.lists(st.sampled_from(VOCAB + ["Tensor", "  ", "\n", ",", "é", "don't", ""]),
             max_size=8).map(" ".join), st.booleans()), max_size=8))
def test_table_agrees_with_a_token_by_token_read(make_doc, pieces):
    chunks, offset, segment = [], 0, 0
    for text, new_segment in pieces:
        segment += new_segment
        chunks.append((offset, make_doc(text), segment))
        offset += len(text) + 1
    assert TokenTable.from_docs(chunks) == reference_table(chunks)


def test_conditions_empty():
    assert Conditions().empty
    assert Conditions(within=10, scope="document").empty
    for changed in [{"near": ("a",)}, {"not_near": ("a",)}, {"within": 3},
                    {"scope": "sentence"}, {"topic": True}, {"before": frozenset({"a"})},
                    {"not_before": frozenset({"a"})}, {"after": frozenset({"a"})},
                    {"not_after": frozenset({"a"})}]:
        assert not Conditions(**changed).empty, changed
