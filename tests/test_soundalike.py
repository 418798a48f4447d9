"""Sound-alike glossary matching: the pronouncer, the phonetic score, and the engine stage.

A user's glossary (``Cleaner(glossaries=[...])`` / ``cleaner clean --glossary``) makes the
cleaner listen for spans of 1-4 words that *sound like* a glossary term. Caution is the
design: ordinary English that merely resembles a term must be left alone, so most of the
tests here are negative. Cleaners are built once per module (building one costs ~1.5 s).

Tests marked ``xfail(strict=True, reason="BUG: ...")`` or ``"FALSE FLAG: ..."`` document
behaviour judged wrong at the time of writing; strict, so they fail loudly once fixed.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.glossary import load_glossary
from cleaner.pronounce import (CONSONANTS, VOWELS, Pronouncer, coarse_key, fine_key,
                               letter_to_sound, number_words, spoken_words)
from cleaner.soundalike import phonetic_similarity

from .conftest import ROOT

GLOSSARY = ROOT / "samples" / "ml-glossary.txt"
DATA = ROOT / "tests" / "data" / "glossary"
TINY = DATA / "tiny.txt"            # one made-up term: switches the sound-alike stage on
DEMO_PACK = DATA / "demo-pack.yaml"  # a pack with a topic and a glossary
ARPABET = sorted(VOWELS) + list(CONSONANTS)
SOUNDALIKE_RULES = {"glossary.soundalike", "transcript.soundalike"}


@pytest.fixture(scope="module")
def pron() -> Pronouncer:
    return Pronouncer()


@pytest.fixture(scope="module")
def glossary_cleaner() -> Cleaner:
    """Only the sound-alike stage: no shipped packs, the sample ML glossary."""
    return Cleaner(default_rules=False, glossaries=[GLOSSARY])


@pytest.fixture(scope="module")
def tiny_cleaner() -> Cleaner:
    """The stage switched on by a one-term glossary nothing in the tests sounds like."""
    return Cleaner(default_rules=False, glossaries=[TINY])


@pytest.fixture(scope="module")
def sample_result(glossary_cleaner, sample_text):
    return glossary_cleaner.clean(sample_text)


def splice(text: str, edits) -> str:
    """Apply edits by hand (independent of cleaner.render)."""
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        assert e.start >= pos
        out.append(text[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


# == 1. The pronouncer ==================================================================

def test_dictionary_word(pron):
    assert pron.known("flow") and pron.known("FLOW")
    assert pron.word("flow") == ("F", "L", "OW")
    assert pron.phrase("tensor") == ("T", "EH", "N", "S", "ER")


@pytest.mark.parametrize("word, first", [("Pelo", "P"), ("Zqxlorb", "Z"), ("Keras", "K"),
                                         ("caffe", "K"), ("Jupyter", "JH"), ("Bengio", "B")])
def test_unknown_words_get_letter_to_sound(pron, word, first):
    assert not pron.known(word)
    phonemes = pron.word(word)
    assert phonemes, word
    assert phonemes[0] == first
    assert set(phonemes) <= set(ARPABET)
    assert any(p in VOWELS for p in phonemes)


def test_letter_to_sound_documented_cases():
    assert letter_to_sound("pelo") == ("P", "EH", "L", "OW")
    assert letter_to_sound("caffe") == ("K", "AE", "F", "EY")  # Italian-style final e


def test_letter_to_sound_digraphs_with_c(pron):
    assert pron.word("Chainer")[0] == "CH"          # a term of samples/ml-glossary.txt
    assert letter_to_sound("zorch")[-1] == "CH"
    assert letter_to_sound("blick") == ("B", "L", "IH", "K")


def test_letter_to_sound_sc_is_one_s():
    assert letter_to_sound("scikit")[:2] != ("S", "S")


@pytest.mark.parametrize("written, said", [
    ("TensorFlow", ["tensor", "flow"]),
    ("PaddlePaddle", ["paddle", "paddle"]),
    ("Caffe2", ["caffe", "two"]),
    ("CIFAR-10", ["CIFAR", "ten"]),
    ("GPT-3", ["GPT", "three"]),
    ("word2vec", ["word", "two", "vec"]),
    ("MXNet", ["MX", "net"]),
    ("ResNet50", ["res", "net", "fifty"]),
    ("deep learning", ["deep", "learning"]),
    ("++", []),
])
def test_spoken_words(written, said):
    assert spoken_words(written) == said


def test_camel_case_phrase_is_its_parts(pron):
    assert pron.phrase("TensorFlow") == pron.word("tensor") + pron.word("flow")
    assert pron.phrase("PaddlePaddle") == pron.word("paddle") * 2
    assert pron.phrase("Caffe2")[-2:] == ("T", "UW")            # ... "two"
    assert pron.phrase("CIFAR-10")[-3:] == ("T", "EH", "N")     # ... "ten"


def test_acronym_missing_from_dictionary_is_spelled(pron):
    assert not pron.known("GPU")
    assert pron.phrase("GPU") == ("JH", "IY", "P", "IY", "Y", "UW")
    assert pron.phrase("TPU") == ("T", "IY", "P", "IY", "Y", "UW")
    # A lower-case word is not an acronym: it is read, not spelled.
    assert pron.phrase("gpu") != pron.phrase("GPU")


def test_acronym_in_dictionary_is_read_as_the_dictionary_says(pron):
    assert pron.phrase("NASA") == ("N", "AE", "S", "AH")       # said as a word


def test_nothing_to_say(pron):
    assert pron.phrase("++") == ()
    assert pron.phrase("") == ()


@pytest.mark.parametrize("digits, words", [
    ("0", ["zero"]), ("2", ["two"]), ("10", ["ten"]), ("13", ["thirteen"]),
    ("19", ["nineteen"]), ("20", ["twenty"]), ("42", ["forty", "two"]),
    ("99", ["ninety", "nine"]), ("101", ["one", "zero", "one"]),
    ("2017", ["two", "zero", "one", "seven"]),
])
def test_number_words(digits, words):
    assert number_words(digits) == words


def test_number_words_leading_zero():
    assert number_words("05") == ["zero", "five"]


@pytest.mark.parametrize("written", ["TensorFlow", "GPU", "cafe too", "Pelo-Pelo", "Zqxlorb",
                                     "CIFAR-10", "attention flow"])
def test_keys_have_one_character_per_phoneme(pron, written):
    phonemes = pron.phrase(written)
    assert len(fine_key(phonemes)) == len(phonemes) == len(coarse_key(phonemes))
    assert len(set(fine_key(tuple(ARPABET)))) == len(ARPABET)  # fine keys tell all apart


def test_coarse_key_merges_voicing_pairs_and_vowels():
    assert coarse_key(("P", "AE")) == coarse_key(("B", "IY"))
    assert fine_key(("P", "AE")) != fine_key(("B", "IY"))
    assert coarse_key(("P",)) != coarse_key(("K",))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(ARPABET), max_size=12).map(tuple))
def test_keys_property(phonemes):
    assert len(fine_key(phonemes)) == len(coarse_key(phonemes)) == len(phonemes)


@pytest.mark.parametrize("word", ["GDP", "HIV", "Aalborg"])
def test_dictionary_phonemes_are_arpabet(pron, word):
    assert set(pron.word(word)) <= set(ARPABET)


# == 2. phonetic_similarity =============================================================

def test_identical_is_one(pron):
    for w in ("Caffe2", "TensorFlow", "Pelo", "GPU"):
        p = pron.phrase(w)
        assert phonetic_similarity(p, p) == 1.0
    assert phonetic_similarity((), ("K",)) == 0.0


def test_symmetric_on_real_pairs(pron):
    for a, b in [("cafe too", "Caffe2"), ("attention flow", "TensorFlow"), ("Pelo", "paddle")]:
        pa, pb = pron.phrase(a), pron.phrase(b)
        assert phonetic_similarity(pa, pb) == pytest.approx(phonetic_similarity(pb, pa))


def test_ranking_makes_sense(pron):
    close = phonetic_similarity(pron.phrase("cafe too"), pron.phrase("Caffe2"))
    far = phonetic_similarity(pron.phrase("cafe"), pron.phrase("TensorFlow"))
    assert close > 0.9
    assert far < 0.6
    assert close > far
    # A voicing pair costs less than an unrelated consonant.
    assert phonetic_similarity(("P", "AE", "T"), ("B", "AE", "T")) > \
        phonetic_similarity(("P", "AE", "T"), ("S", "AE", "T"))


phoneme_tuples = st.lists(st.sampled_from(ARPABET), max_size=10).map(tuple)


@settings(max_examples=200, deadline=None)
@given(phoneme_tuples, phoneme_tuples)
def test_similarity_bounded_and_symmetric(a, b):
    s = phonetic_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == pytest.approx(phonetic_similarity(b, a), abs=1e-9)
    if a and a == b:
        assert s == 1.0


# == 3. Acceptance on the real sample ===================================================

# (context occurring once in the sample, the misheard span inside it, acceptable fixes);
# contexts are those of ../shared/eval/heroes-yuanqing-lin.gold.yaml.
GOLD = [
    ("deep learning framework like Pelo Pelo.", "Pelo Pelo", ["PaddlePaddle"]),
    ("we have a really good Pelo-Pelo.", "Pelo-Pelo", ["PaddlePaddle"]),
    ("It's always like attention flow , a cafe.", "attention flow", ["TensorFlow"]),
    ("attention flow , a cafe.", "cafe", ["Caffe"]),
    ("Now they call it cafe too, right?", "cafe too", ["Caffe2", "Caffe 2"]),
]
# Words right as transcribed (the gold file's `keep`) that no edit may touch.
KEEP = ["Dan Lee", "UPenn", "NEC", "ImageNet Challenge", "AlexNet", "Baidu", "PCA", "LDA",
        "Yuanqing", "machine learning", "computer vision", "positive loop", "laser",
        "open-source frameworks"]


def gold_spans(text: str) -> list[tuple[int, int, list[str]]]:
    spans = []
    for context, span, fixes in GOLD:
        assert text.count(context) == 1, context
        start = text.index(context) + context.index(span)
        spans.append((start, start + len(span), fixes))
    return spans


def covers(edit, start: int, end: int, fixes: list[str]) -> bool:
    return (edit.start <= start and end <= edit.end and edit.end - edit.start <= end - start + 4
            and any(f.lower() in edit.replacement.lower() for f in fixes))


def test_sample_finds_the_misheard_framework_names(sample_text, sample_result):
    spans = gold_spans(sample_text)
    found = [(s, e) for s, e, fixes in spans
             if any(covers(ed, s, e, fixes) for ed in sample_result.edits)]
    assert len(found) >= 4, [sample_text[s:e] for s, e in found]


def test_sample_applies_nothing_outside_the_gold_spans(sample_text, sample_result):
    spans = gold_spans(sample_text)
    for e in sample_result.applied:
        assert any(s <= e.start and e.end <= end for s, end, _ in spans), e


def test_sample_edits_are_soundalike_and_well_formed(sample_text, sample_result):
    assert sample_result.edits
    for e in sample_result.edits:
        assert e.category == "soundalike"
        assert e.rule in SOUNDALIKE_RULES
        assert sample_text[e.start:e.end] == e.original
        assert e.replacement != e.original
        assert 0.0 <= e.confidence <= 1.0
        assert e.message
    assert {e.rule for e in sample_result.edits} >= {"glossary.soundalike"}


def test_sample_keeps_the_words_that_are_right(sample_text, sample_result):
    for word in KEEP:
        pos = sample_text.find(word)
        assert pos >= 0, word
        while pos >= 0:
            end = pos + len(word)
            touching = [e for e in sample_result.edits if e.start < end and pos < e.end]
            assert not touching, (word, touching)
            pos = sample_text.find(word, end)


def test_sample_cleaned_is_the_applied_edits(sample_text, sample_result):
    assert sample_result.cleaned == splice(sample_text, sample_result.applied)


# == 4. Ordinary English is left alone ==================================================

# (sentence, reason the glossary cleaner APPLIES something, reason it FLAGS something)
NEGATIVES = [
    ("We met at the cafe too.", None, None),
    ("The river's flow was strong.", None, None),
    ("Grab a paddle and paddle out.", None, None),
    ("New laws of the state were passed.", None, None),
    ("There was tension in the room.", None, None),
    ("The coffee was great.", None, None),
    ("She lit a torch and walked on.", None, None),
    ("He bought a pair of gloves.", None, None),
    ("The deepening crisis worried everyone.", None, None),
    ("That is a common line of argument.", None, None),
    ("The phrase recognition task in parsing is hard.", None, None),
    ("He carries the bags upstairs.", None, None),
    ("We ate apple pie at the cafe.", None, None),
    ("The cash flow looked healthy.", None, None),
    ("Bye bye, see you tomorrow.", None, None),
    ("It was very very cold.", None, None),
    ("The paddle boat drifted.", None, None),
    ("Keep calm and carry on.", None, None),
    ("We drank coffee too.", None, None),
    ("The gentle flow of the river.", None, None),
    ("He wore a glove on one hand.", None, None),
    ("A transformer blew up on our street.", None, None),
    ("Since its inception, the club has grown.", None, None),
    ("Bert and Ernie are friends.", None, None),
    ("The kids were hugging face to face.", None, None),
    # The shipped ml-terms pack lists this very sentence as one to leave unchanged.
    ("Just keep going, paddle paddle paddle, and breathe.", None, None),
    ("Politicians pander to voters.", None, None),
    ("His resonant voice filled the hall.", None, None),
]
assert len(NEGATIVES) >= 15


def _params(which: int):
    out = []
    for case in NEGATIVES:
        reason = case[which]
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(case[0], marks=marks, id=case[0][:32]))
    return out


@pytest.mark.parametrize("sentence", _params(1))
def test_ordinary_sentence_gets_no_applied_edit(glossary_cleaner, sentence):
    result = glossary_cleaner.clean(sentence)
    assert result.applied == [], [(e.original, e.replacement, e.rule) for e in result.applied]
    assert result.cleaned == sentence


@pytest.mark.parametrize("sentence", _params(2))
def test_ordinary_sentence_gets_no_flag(glossary_cleaner, sentence):
    result = glossary_cleaner.clean(sentence)
    assert result.flagged == [], [(e.original, e.replacement, e.rule) for e in result.flagged]


@pytest.mark.parametrize("sentence", [case[0] for case in NEGATIVES])
def test_ordinary_sentence_untouched_by_shipped_ml_terms(default_cleaner, sentence):
    result = default_cleaner.clean(sentence)
    bad = [e for e in result.applied
           if e.rule.startswith("ml-terms.") or e.category == "soundalike"]
    assert bad == [], [(e.original, e.replacement, e.rule) for e in bad]


def test_ordinary_sentences_in_one_document(glossary_cleaner):
    """Together they still mention no glossary term as written: nothing ordinary applies."""
    ordinary = [s for s, applied, _ in NEGATIVES if applied is None]
    result = glossary_cleaner.clean("\n".join(ordinary) + "\n")
    assert result.applied == []


# == 5. Invariants over random glossary-ish text ========================================

WORDS = ["Pelo", "pelo", "tensor", "flow", "cafe", "too", "two", "attention", "deep",
         "learning", "deepening", "graphic", "model", "Caffe", "Caffe2", "TensorFlow",
         "tensorflow", "paddle", "Paddle", "torch", "glove", "common", "line", "positive",
         "loop", "move", "the", "a", "we", "framework", "GPU", "Zqxlorb", "zqxlorp", "é",
         "naïve", "[inaudible]", "it's", "2", "10"]
SEPARATORS = [" ", " ", " ", "-", "\n", ", ", ". ", " , ", "? ", "\n\n", "  "]
glossaryish = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)),
                       max_size=30).map(lambda pairs: "".join(w + s for w, s in pairs))


@settings(max_examples=150, deadline=None)
@given(text=glossaryish)
def test_glossary_edits_are_consistent(glossary_cleaner, text):
    result = glossary_cleaner.clean(text)
    terms = {t.text.lower() for t in load_glossary(GLOSSARY)}
    previous_end = -1
    for e in sorted(result.edits, key=lambda e: (e.start, e.end)):
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == e.original
        assert e.start >= previous_end, "overlapping edits"
        previous_end = e.end
        assert e.category == "soundalike" and e.rule in SOUNDALIKE_RULES
        assert e.action in ("applied", "flagged")
        if e.rule == "glossary.soundalike":
            assert e.replacement.lower() in terms
    assert result.cleaned == splice(text, result.applied)


# == 6. The transcript as its own glossary ==============================================

LOOP3 = ("We want a positive loop here. The positive loop grows with data. "
         "More users give a positive loop again. ")


def test_repeated_phrase_flags_its_near_miss(tiny_cleaner):
    text = LOOP3 + "So this is a very good, positive move."
    result = tiny_cleaner.clean(text)
    assert len(result.edits) == 1, result.edits
    edit = result.edits[0]
    assert edit.original == "positive move"
    assert edit.start == text.index("positive move")
    assert edit.replacement == "positive loop"
    assert edit.rule == "transcript.soundalike"
    assert edit.category == "soundalike"
    assert edit.action == "flagged"
    assert "positive loop" in edit.message


def test_repeated_phrase_is_never_applied(tiny_cleaner):
    text = LOOP3 + "A positive loup."
    result = tiny_cleaner.clean(text)
    assert result.applied == []
    assert result.cleaned == text


@pytest.mark.parametrize("text", [
    "We want a positive loop here. So this is a very good, positive move.",          # once
    "A positive loop here. The positive loop grows. So this is a good, positive move.",  # twice
])
def test_phrases_said_fewer_than_three_times_are_not_a_glossary(tiny_cleaner, text):
    assert tiny_cleaner.clean(text).edits == []


def test_no_glossary_no_sound_stage():
    """Without any glossary the stage does not run, repeated phrases or not."""
    text = LOOP3 + "So this is a very good, positive move."
    assert Cleaner(default_rules=False).clean(text).edits == []


@pytest.mark.xfail(strict=True, reason="FALSE FLAG: 'positive news' flagged as 'positive "
                   "loop' (similarity 0.80): near_repeat scores the whole phrase, so the shared "
                   "word 'positive' carries a one-word difference whose own sound is far "
                   "('news' ~ 'loop' 0.33, same as 'move' ~ 'loop'); also 'positive step', "
                   "'positive mood', 'positive group'")
def test_repeated_phrase_needs_the_odd_word_to_sound_alike(tiny_cleaner):
    result = tiny_cleaner.clean(LOOP3 + "That was a positive news story.")
    assert [e for e in result.edits if e.rule == "transcript.soundalike"] == []


# == Pack glossaries: "<pack>.soundalike", only when the document is about the topic ====

@pytest.fixture(scope="module")
def demo_cleaner() -> Cleaner:
    return Cleaner(rules=[DEMO_PACK], default_rules=False)


def test_pack_glossary_heard_when_topic_is_on(demo_cleaner):
    text = "We talked about zorbling and quuxing, in a framework like Pelo Pelo."
    result = demo_cleaner.clean(text)
    assert [(e.original, e.replacement, e.rule, e.action) for e in result.edits] == [
        ("Pelo Pelo", "PaddlePaddle", "demo.soundalike", "flagged")]


def test_pack_glossary_silent_off_topic(demo_cleaner):
    text = "We talked in a framework like Pelo Pelo."
    assert demo_cleaner.clean(text).edits == []
    assert demo_cleaner.clean(text, topic=False).edits == []
    assert [e.rule for e in demo_cleaner.clean(text, topic=True).edits] == ["demo.soundalike"]


def test_pack_term_with_auto_false_is_only_flagged(demo_cleaner):
    result = demo_cleaner.clean("We use zqxlorb daily.", topic=True)
    assert [(e.original, e.replacement, e.action) for e in result.edits] == [
        ("zqxlorb", "Zqxlorb", "flagged")]


def test_shipped_pack_glossary_needs_the_topic(default_cleaner):
    text = "We trained the model with attension flow and Keras."
    assert [e for e in default_cleaner.clean(text, topic=False).edits
            if e.category == "soundalike"] == []
    on = [e for e in default_cleaner.clean(text, topic=True).edits if e.category == "soundalike"]
    assert [(e.original, e.replacement, e.rule) for e in on] == [
        ("attension flow", "TensorFlow", "ml-terms.soundalike")]


# == Robustness: words whose CMUdict entry carries a comment ============================

CMUDICT_COMMENT = ("BUG: KeyError '#' from coarse_key: CMUdict entries with inline comments "
                   "(gdp, hiv, aalborg, ...) keep '#', 'abbrev' as phonemes, so any span "
                   "such as 'GDP growth' or 'HIV rates' crashes Cleaner.clean when a glossary "
                   "is active")


@pytest.mark.parametrize("text", ["The GDP growth was slow.", "HIV rates fell.",
                                  "We flew to Aalborg last year."])
def test_glossary_cleaner_survives_commented_dictionary_words(tiny_cleaner, text):
    assert tiny_cleaner.clean(text).edits == []


def test_default_cleaner_on_topic_survives_commented_dictionary_words(default_cleaner):
    text = "Deep learning models now screen HIV tests."
    assert [e for e in default_cleaner.clean(text, topic=True).edits
            if e.category == "soundalike"] == []


# == Variants: same letters, other case or spacing ======================================

def test_variant_spelling_in_context_is_fixed(glossary_cleaner):
    text = "We compared PyTorch with tensorflow on the GPU."
    result = glossary_cleaner.clean(text)
    assert [(e.original, e.replacement) for e in result.edits] == [("tensorflow", "TensorFlow")]
    assert result.cleaned == "We compared PyTorch with TensorFlow on the GPU."


def test_term_as_written_is_left_alone(glossary_cleaner):
    text = "We compared PyTorch, TensorFlow, Caffe2 and PaddlePaddle on a GPU."
    assert glossary_cleaner.clean(text).edits == []


_PRONOUNCER = Pronouncer()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(r"[A-Za-z][a-z]{0,9}", fullmatch=True),
                 st.text(alphabet="aAbBcCkKpPsSeEiI2'-\u00e9", min_size=1, max_size=8)))
def test_the_short_way_to_a_word_key_agrees_with_the_long_way(word):
    """``Pronouncer.coarse`` (a plain dictionary word read straight from its entry) gives
    what pronouncing the written word and keying the phonemes gives."""
    p = _PRONOUNCER
    assert p.coarse(word) == coarse_key(p.phrase(word))


def test_another_form_of_a_terms_word_is_not_a_mishearing(glossary_cleaner):
    """A lecture about regularization says "regularizing" and means it: a written form of
    the term's own word (same first six letters or more) is neither fixed nor flagged."""
    text = ("We train the model with PyTorch and TensorFlow on GPUs. "
            "Dropout has a small regularizing effect, and weight decay is regularization too.")
    assert [e.original for e in glossary_cleaner.clean(text).edits
            if e.rule == "glossary.soundalike"] == []


def test_a_term_with_words_left_out_is_not_a_mishearing(glossary_cleaner):
    """"convolutional network" is how many say "convolutional neural network"."""
    text = ("We train the model with PyTorch and TensorFlow on GPUs. "
            "AlexNet was a deep convolutional network trained on two GPUs.")
    assert [e.original for e in glossary_cleaner.clean(text).edits
            if e.rule == "glossary.soundalike"] == []
