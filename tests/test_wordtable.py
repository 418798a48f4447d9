"""Words and runs as arrays (cleaner.wordtable) against the obvious token-by-token reading."""
from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.nlp import pipeline
from cleaner.segments import line_segments, sentence_chunks
from cleaner.soundalike import STOPWORDS
from cleaner.tokens import TokenArrays
from cleaner.wordtable import (WordFacts, document_words, sequence_hash, sequence_hashes,
                               token_kind)

_ALNUM = re.compile(r"[^\W_]")


def reference_runs(chunks):
    """Runs of (start, end) word spans, token by token: the reading the arrays must equal."""
    runs = []
    for offset, doc, _ in chunks:
        run = []
        for tok in doc:
            if tok.is_space:
                continue
            word = tok.text
            if word == "-" and run:
                continue
            if word[0] == "'" and run:
                run[-1] = (run[-1][0], offset + tok.idx + len(word))
            elif word[0] != "'" and _ALNUM.search(word):
                run.append((offset + tok.idx, offset + tok.idx + len(word)))
            else:
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def chunks_of(text):
    nlp = pipeline()
    return [(a, nlp.make_doc(text[a:b]), k) for k, seg in enumerate(line_segments(text))
            for a, b in sentence_chunks(text, seg.start, seg.end)]


def facts():
    return WordFacts(lambda w: w.lower()[:2], STOPWORDS)


def as_runs(words):
    runs: dict[int, list[tuple[int, int]]] = {}
    for s, e, r in zip(words.start.tolist(), words.end.tolist(), words.run.tolist()):
        runs.setdefault(r, []).append((s, e))
    return list(runs.values())


PIECES = ["Pelo", "pelo", "it", "'s", "don't", "can't", "gonna", "cannot", "-", ",", ".", "?",
          " ", "  ", "\n", "TensorFlow", "U.S.", "e.g.", "3.5", "'", "'em", "(", ")", "x",
          "GPT-3", "rock'n'roll", "Ph.D.", "—", "#1", "C++", "a"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_words_and_runs_equal_the_token_by_token_reading(pieces):
    text = " ".join(pieces)
    chunks = chunks_of(text)
    table = facts()
    words = document_words(text, TokenArrays.of(chunks), table, pipeline().vocab.strings)
    assert as_runs(words) == reference_runs(chunks)
    for s, e, f in zip(words.start.tolist(), words.end.tolist(), words.fact.tolist()):
        assert table.text[f] == text[s:e]  # each word's facts are its own written form


def test_a_clitic_joins_its_word_and_a_hyphen_joins_words():
    text = "it's Pelo-Pelo, ok"
    words = document_words(text, TokenArrays.of(chunks_of(text)), facts(), pipeline().vocab.strings)
    assert [text[s:e] for s, e in zip(words.start.tolist(), words.end.tolist())] == \
        ["it's", "Pelo", "Pelo", "ok"]
    assert words.run.tolist()[:3] == [words.run[0]] * 3 and words.run[3] != words.run[2]


def test_facts_are_worked_out_once_per_written_word():
    table = facts()
    text = "Pelo pelo Pelo. pelo"
    words = document_words(text, TokenArrays.of(chunks_of(text)), table, pipeline().vocab.strings)
    assert len(table) == 2 and table.text == ["Pelo", "pelo"]
    ids = words.fact.tolist()
    assert ids[0] == ids[2] and ids[1] == ids[3] and ids[0] != ids[1]
    assert table.lower_id[ids[0]] == table.lower_id[ids[1]]  # one lower-case word
    assert table.stop.tolist() == [False, False]


def test_token_kinds():
    assert [token_kind(t) for t in ("word", "-", "\n", "'s", "n't", "!", "3")] == \
        [0, 1, 1, 2, 0, 3, 0]


@given(st.lists(st.integers(0, 2**40), min_size=1, max_size=6))
def test_one_hash_equals_the_array_hash(ids):
    array = np.asarray(ids, dtype=np.int64)
    assert sequence_hash(ids) == int(sequence_hashes(array, np.array([0]), range(len(ids)))[0])


def test_different_sequences_hash_differently():
    assert sequence_hash([1, 2]) != sequence_hash([2, 1])
    assert sequence_hash([1, 2]) != sequence_hash([1, 2, 0])
