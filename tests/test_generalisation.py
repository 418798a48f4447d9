"""Out-of-field transcripts: no ml-terms rule may change their words; in-field ones whose
terms were said right keep them; intentional doubles ("gave her her keys") stay.

Each text in tests/data/negative/ (an earnings call, cooking, sports, court, hospital rounds,
a gym class, a data team's stand-up, lectures on fluid dynamics, neuroscience and
statistics...) is full of ordinary uses of words the ml-terms rules touch; some are written as punctuating recognisers write, some as raw
ones do (lower case, no punctuation). They are checked as written and as
a recogniser without punctuation or case would give them. Only plain capitalisation of a
name everyone shares with the field may change ("gpus" -> GPUs, "monte carlo" -> Monte
Carlo); a field's own spelling of an ordinary word ("roberta" -> RoBERTa) may not.
"""
from __future__ import annotations

import functools
import re

import pytest

from tests.conftest import ROOT

NEGATIVE = sorted((ROOT / "tests" / "data" / "negative").glob("*.txt"))


def _as_asr(text: str) -> str:
    return re.sub(r"[.,?!;:]", "", text.lower())


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.stem)
@pytest.mark.parametrize("form", ["written", "lower-no-punctuation"])
def test_no_ml_word_changes_outside_the_field(default_cleaner, path, form):
    text = path.read_text(encoding="utf-8")
    if form != "written":
        text = _as_asr(text)
    changed = [(e.original, e.replacement, e.rule) for e in default_cleaner.clean(text).applied
               if (e.rule.startswith("ml-terms") or e.category == "soundalike")
               and not _plain_capitalisation(e.original, e.replacement)]
    assert changed == []


def _plain_capitalisation(original: str, replacement: str) -> bool:
    """ "monte carlo" -> Monte Carlo, "bayes rule" -> Bayes rule, "gpu" -> GPU, "gpus" ->
    GPUs, and a word no dictionary has getting its own case ("numpy" -> NumPy); not
    "roberta" -> RoBERTa, an ordinary name spelt the field's way."""
    if original.lower() != replacement.lower():
        return False
    return all(new in (old, old.capitalize(), old.upper())
               or new.endswith("s") and new[:-1] == old[:-1].upper()
               or not _known(old)
               for old, new in zip(original.split(), replacement.split()))


@functools.lru_cache(maxsize=1)
def _pronouncer():
    from cleaner.pronounce import Pronouncer

    return Pronouncer()


def _known(word: str) -> bool:
    return _pronouncer().known(word)


def test_there_are_negative_texts():
    assert len(NEGATIVE) >= 6


@pytest.fixture(scope="module")
def glossary_cleaner():
    from cleaner import Cleaner

    return Cleaner(glossaries=[ROOT / "samples" / "ml-glossary.txt"])


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.stem)
@pytest.mark.parametrize("form", ["written", "lower-no-punctuation"])
def test_a_user_glossary_does_not_vouch_for_an_unrelated_text(glossary_cleaner, path, form):
    """An ordinary text says "glove", "torch", "Bert" and "pandas": none of that makes it a
    talk about GloVe, Torch, BERT or pandas, so real words in it ("deepening", "tension
    flow", "cafe too") are not read as the glossary's terms. A word no dictionary has may
    still be flagged ("envidia" ~ Nvidia), never applied."""
    text = path.read_text(encoding="utf-8")
    if form != "written":
        text = _as_asr(text)
    known = glossary_cleaner._sounds.pronouncer.known
    sound = [e for e in glossary_cleaner.clean(text).edits if e.rule == "glossary.soundalike"]
    assert [e.original for e in sound if e.action == "applied"] == []
    assert [e.original for e in sound if all(known(w) for w in re.findall(r"[\w']+",
                                                                          e.original))] == []


POSITIVE = sorted((ROOT / "tests" / "data" / "positive").glob("*.txt"))


@pytest.mark.parametrize("path", POSITIVE, ids=lambda p: p.stem)
@pytest.mark.parametrize("form", ["written", "lower-no-punctuation"])
def test_terms_said_right_keep_their_words(glossary_cleaner, path, form):
    """In-field transcripts whose terms were recognised right (tests/data/positive/: a
    reading group, a startup pitch, a podcast, lectures): written with capitals, no term
    rule touches them; lower-cased (as written, or by the recogniser), a term may get its
    case back ("pytorch" -> PyTorch), never other words ("loss function" and "Caffe" stay
    as they are)."""
    text = path.read_text(encoding="utf-8")
    if form != "written":
        text = _as_asr(text)
    cased = text != text.lower()
    changed = [(e.original, e.replacement, e.rule) for e in glossary_cleaner.clean(text).applied
               if e.rule.startswith(("ml-terms", "glossary", "transcript"))
               and (cased or e.original.lower() != e.replacement.lower())]
    assert changed == []


def test_there_are_positive_texts():
    assert len(POSITIVE) >= 4


# Doubles that grammar or speech makes on purpose, said in the raw-style (lower case,
# unpunctuated) test transcripts among real stutters.
INTENTIONAL_DOUBLES = {"her her", "was was", "is is", "had had", "that that", "in in", "on on",
                       "at at", "by by", "will will", "there there", "go go", "so so",
                       "can can", "me me", "no no", "very very", "bye bye", "walla walla",
                       "sing sing", "new new", "do do", "really really", "please please",
                       "why why", "fair fair"}


@pytest.mark.parametrize("path", NEGATIVE + POSITIVE, ids=lambda p: p.stem)
def test_intentional_doubles_are_not_cut(default_cleaner, path):
    text = path.read_text(encoding="utf-8")
    cut = [e.original for e in default_cleaner.clean(text).applied
           if e.rule == "fillers.repeat" and " ".join(e.original.lower().replace(",", " ").split()
                                                      ) in INTENTIONAL_DOUBLES]
    assert cut == []


PUNCTUATED = sorted((ROOT / "tests" / "data" / "punctuated").glob("*.txt"))


@pytest.mark.parametrize("path", PUNCTUATED, ids=lambda p: p.stem)
def test_careful_punctuation_is_left_alone(default_cleaner, path):
    """Transcripts punctuated with care (tests/data/punctuated/: a coding tutorial, a history
    seminar, a lab meeting) are full of dots that end no sentence ("e.g. the", "Fig. 3
    shows", "main.py", "J. R. R. Tolkien", "3 p.m. and") and of an "i" that is no pronoun
    ("for i in range", "World War I", "(i) first"): the punctuation pack changes nothing."""
    text = path.read_text(encoding="utf-8")
    changed = [(e.original, e.replacement, e.rule) for e in default_cleaner.clean(text).edits
               if e.rule.startswith("punctuation.")]
    assert changed == []


def test_there_are_punctuated_texts():
    assert len(PUNCTUATED) >= 3
