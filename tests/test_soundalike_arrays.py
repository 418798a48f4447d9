"""The sound-alike stage's array shortcuts against the obvious word-by-word loops."""
from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.nlp import pipeline
from cleaner.segments import line_segments, sentence_chunks
from cleaner.soundalike import DISTINCT_ZIPF, STOPWORDS, zipf
from cleaner.soundalike_stage import _occurrences, _repeated
from cleaner.tokens import TokenArrays
from cleaner.wordtable import WordFacts, document_words

VOCAB = ["positive", "loop", "look", "the", "a", "of", "paddle", "Paddle", "deep", "learning",
         "2", "it's", "flow", ",", ".", "and"]


def reference_repeated(words, minimum=3):
    """Each 2-3 word phrase (lower case) said ``minimum`` times, not starting or ending with
    a stopword, every word with a letter, one word rarer than DISTINCT_ZIPF."""
    lowered = [w.lower() for w in words]
    counts: Counter = Counter()
    for n in (2, 3):
        for i in range(len(lowered) - n + 1):
            gram = tuple(lowered[i:i + n])
            if gram[0] in STOPWORDS or gram[-1] in STOPWORDS:
                continue
            if any(not re.search(r"[a-z]", w) for w in gram):
                continue
            counts[gram] += 1
    return sorted(" ".join(g) for g, c in counts.items()
                  if c >= minimum and any(zipf(w) < DISTINCT_ZIPF for w in g))


def words_of(text):
    nlp = pipeline()
    chunks = [(a, nlp.make_doc(text[a:b]), k) for k, s in enumerate(line_segments(text))
              for a, b in sentence_chunks(text, s.start, s.end)]
    facts = WordFacts(lambda w: w.lower(), STOPWORDS)
    return facts, document_words(text, TokenArrays.of(chunks), facts, nlp.vocab.strings)


texts = st.lists(st.sampled_from(VOCAB), max_size=60).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(texts)
def test_repeated_phrases_equal_the_word_by_word_count(text):
    facts, words = words_of(text)
    found = [t.text for t in _repeated(facts, words, facts.lower_id[words.fact])]
    written = [text[a:b] for a, b in zip(words.start.tolist(), words.end.tolist())]
    assert found == reference_repeated(written)


def test_a_phrase_said_three_times_is_found():
    facts, words = words_of("a positive loop and this positive loop then strong positive loop")
    assert [t.text for t in _repeated(facts, words, facts.lower_id[words.fact])] == \
        ["positive loop"]


@settings(max_examples=100, deadline=None)
@given(texts, st.sets(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=4)
                      .map(lambda ws: " ".join(ws).lower()), max_size=6))
def test_occurrences_equal_the_word_by_word_search(text, phrases):
    facts, words = words_of(text)
    lowered = [facts.lower[f] for f in words.fact.tolist()]
    run = words.run.tolist()
    expected = sorted((i, n) for n in range(1, 5) for i in range(len(lowered) - n + 1)
                      if run[i] == run[i + n - 1] and " ".join(lowered[i:i + n]) in phrases)
    got = _occurrences(words, facts, set(phrases), range(1, 5))
    assert sorted(got) == expected


def test_the_word_table_starts_afresh_between_documents_when_full(monkeypatch):
    import cleaner.soundalike_stage as stage
    from cleaner import Cleaner

    glossary = Path(__file__).resolve().parent.parent / "samples" / "ml-glossary.txt"
    cleaner = Cleaner(default_rules=False, glossaries=[glossary])
    monkeypatch.setattr(stage, "MAX_FACTS", 5)
    text = "we trained it with Pelo Pelo and pelo-pelo, then with tensor flow"
    first = cleaner.clean(text).edits
    table = cleaner._sounds.facts
    assert len(table) > 5  # one document may pass the limit...
    assert cleaner.clean(text).edits == first
    assert cleaner._sounds.facts is not table  # ...and the next one starts afresh
    assert first  # the documents have sound-alike edits to compare


@functools.cache
def glossary_index():
    from cleaner.glossary import load_glossary
    from cleaner.pronounce import Pronouncer
    from cleaner.soundalike import GlossaryIndex

    glossary = Path(__file__).resolve().parent.parent / "samples" / "ml-glossary.txt"
    return GlossaryIndex(load_glossary(glossary), Pronouncer())


def shortlist(index, keys):
    """Each key's shortlist, in order, from the index's kept shortlists."""
    kept = index.kept_shortlists(keys)
    return [kept[k] for k in keys]


# Coarse keys near the glossary's (a class changed, one added or dropped) and random ones.
coarse_keys = st.one_of(
    st.text(alphabet="aptkfscnlrwh", min_size=1, max_size=14),
    st.tuples(st.sampled_from([f.coarse for f in glossary_index().forms]),
              st.integers(0, 20), st.sampled_from(["", "a", "t", "s"]), st.booleans()).map(
        lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + t[3]:]))


@settings(max_examples=100, deadline=None)
@given(st.lists(coarse_keys, max_size=30), st.integers(1, 40))
def test_kept_shortlists_are_those_worked_out_afresh(keys, limit):
    """Shortlists kept per process (and dropped past the limit) answer as a new
    comparison does, key for key, in the order asked."""
    import cleaner.soundalike as soundalike

    index = glossary_index()
    index.forget_shortlists()  # the index is shared between examples
    fresh = index._compare(keys)
    old_limit = soundalike.SHORTLISTS_KEPT
    soundalike.SHORTLISTS_KEPT = limit
    try:
        assert shortlist(index, keys) == fresh
        assert shortlist(index, list(reversed(keys))) == list(reversed(fresh))
        assert len(index._shortlists) <= max(limit, len(set(keys)))
    finally:
        soundalike.SHORTLISTS_KEPT = old_limit


def test_near_keys_have_shortlists():
    index = glossary_index()
    assert all(shortlist(index, [f.coarse])[0] for f in index.forms if len(f.coarse) >= 3)


def test_what_is_kept_per_process_does_not_change_any_edit(monkeypatch):
    """A Cleaner that has cleaned other texts first (its word table, shortlists, closest
    terms and verdicts kept, and started afresh on the way, the limits set low) edits each
    text exactly as one that keeps nothing."""
    import cleaner.soundalike as soundalike
    import cleaner.soundalike_stage as stage
    from cleaner import Cleaner

    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8") for p in sorted(
        [*root.glob("samples/*.txt"), *root.glob("tests/data/negative/*.txt")])]
    texts += [t.lower() for t in texts[:2]]
    # The same misspelt terms where the glossary vouches for the text (applied) and where
    # nothing does (flagged).
    texts += ["then we tried pytorche and scypy yesterday",
              "We use PyTorch, Keras and GloVe; then we tried pytorche and scypy yesterday"]
    cleaner = Cleaner(glossaries=[root / "samples" / "ml-glossary.txt"])
    sounds = cleaner._sounds

    class Forgetful(dict):
        def __setitem__(self, key, value):
            pass  # nothing kept, not even within one text

    def from_nothing(text):
        sounds._facts = None
        sounds.index.forget_shortlists()
        return cleaner.clean(text).edits

    sounds._matches, sounds._verdicts, sounds._near_scores = Forgetful(), Forgetful(), Forgetful()
    alone = [from_nothing(t) for t in texts]
    sounds._matches, sounds._verdicts, sounds._near_scores = {}, {}, {}
    assert any(e.rule.endswith("soundalike") for edits in alone for e in edits)
    monkeypatch.setattr(stage, "MAX_FACTS", 3000)
    monkeypatch.setattr(stage, "MATCHES_KEPT", 300)
    monkeypatch.setattr(soundalike, "SHORTLISTS_KEPT", 2000)
    for _ in range(2):
        assert [cleaner.clean(t).edits for t in reversed(texts)] == alone[::-1]
