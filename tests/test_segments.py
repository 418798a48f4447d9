"""Sentence chunks: the last-word abbreviation test equals searching the whole head."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import segments
from cleaner.segments import _ABBREVIATION, _SENTENCE_END, _cap_length, sentence_chunks


def reference_chunks(text, start, end):
    chunks, pos = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        if _ABBREVIATION.search(text[pos:m.start()]):
            continue
        stop = m.end() - len(m.group()) + len(m.group().rstrip())
        chunks.extend(_cap_length(text, pos, stop))
        pos = m.end()
    if pos < end:
        chunks.extend(_cap_length(text, pos, end))
    return chunks


PIECES = ["Dr.", "e.g.", "Ph.D.", "U.S.", "abcd.ef", "Mr", "no.", "ok.", "word", "x.y",
          ".", "!", "?", " ", "\t", "  ", "\"", ")", "Yes.", "vs.", "a.b.c.d.e"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.sampled_from(["", " ", "\t"]))
def test_chunks_equal_the_whole_head_search(pieces, joiner):
    text = joiner.join(pieces)
    assert sentence_chunks(text, 0, len(text)) == reference_chunks(text, 0, len(text))


def test_an_abbreviation_keeps_the_sentence_going():
    text = "I met Dr. Lin. Then we left."
    assert [text[a:b] for a, b in sentence_chunks(text, 0, len(text))] == \
        ["I met Dr. Lin.", "Then we left."]
    assert segments.MAX_CHUNK > 0
