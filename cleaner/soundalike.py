"""Sound-alike matching: spans that sound like a glossary term ("Pelo Pelo" ~ PaddlePaddle).

A span (1-4 words inside a sentence) is compared with glossary terms by how they sound
(a weighted phoneme edit distance) and how they are spelled (rapidfuzz). The glossary is
indexed by coarse phoneme keys in length buckets, so each span is compared only with terms
of a similar length and sound, not with every term.

Caution is the design: a false positive is much worse than a miss. Short terms need near
exact matches; spans of ordinary English words need more evidence; when two terms are
nearly as close, both are offered and nothing is applied; by default a match is flagged,
and applied only when the evidence is strong and the glossary entry allows it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from .glossary import Term
from .pronounce import CONSONANTS, VOWELS, Pronouncer, coarse_key, spoken_words

MAX_WORDS = 4
COMMON_ZIPF = 4.0       # a word at least this frequent (wordfreq's Zipf scale) is ordinary
DISTINCT_ZIPF = 5.0     # a repeated phrase needs a word rarer than this to be a term
CLOSE_SECOND = 0.03     # two terms this close: offer both, apply neither
APPLY_SCORE = 0.92
PREFILTER = 0.75        # coarse-key similarity a term needs before it is scored in full
SHORTLISTS_KEPT = 200_000  # coarse keys whose shortlist is kept (GlossaryIndex.kept_shortlists)

STOPWORDS = frozenset("""a an the and or but if so as of to in on at by for with from into onto
about over under than then that this these those there here what which who whom whose when
where why how i me my mine we us our ours you your yours he him his she her hers it its they
them their theirs is am are was were be been being do does did done have has had having will
would shall should can could may might must not no nor yes yeah okay ok oh uh um like just
very really also some any all each every both either neither such own same other another
up down out off again once more most much many few lot lots kind sort well now s t don't it's
i'm that's there's we're they're you're i've we've i'd i'll let let's get got go going""".split())


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """How common an English word is (0 unknown .. 8 "the")."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


_NOT_LETTER = re.compile(r"[^0-9a-z]")


def letters(text: str) -> str:
    return _NOT_LETTER.sub("", text.lower())


_SIMILAR_VOWELS = {frozenset(p) for p in (("AH", "AE"), ("AH", "EH"), ("AH", "IH"), ("AH", "ER"),
                                          ("AA", "AO"), ("AA", "AH"), ("IH", "IY"),
                                          ("UH", "UW"), ("EH", "AE"), ("EY", "EH"),
                                          ("OW", "AO"), ("OW", "UW"))}


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in VOWELS and b in VOWELS:
        return 0.25 if frozenset((a, b)) in _SIMILAR_VOWELS else 0.45
    if coarse_key((a,)) == coarse_key((b,)):
        return 0.4  # a voicing pair or a near neighbour (P/B, S/SH, M/N)
    return 1.0


def _indel_cost(p: str) -> float:
    if p == "AH":
        return 0.35  # a schwa comes and goes
    if p in VOWELS:
        return 0.6
    return 0.6 if p in ("D", "T", "L", "R", "N", "HH", "Y", "W") else 0.8


# The costs as tables indexed by phoneme number: the edit distance below is the hot loop.
_PHONEMES = sorted(VOWELS) + CONSONANTS
_NUMBER = {p: n for n, p in enumerate(_PHONEMES)}
_SUB = [[_sub_cost(a, b) for b in _PHONEMES] for a in _PHONEMES]
_INDEL = [_indel_cost(p) for p in _PHONEMES]


@lru_cache(maxsize=200_000)
def phonetic_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """1 - weighted edit distance / the longer length; vowels and voicing pairs cost less.

    >>> round(phonetic_similarity(("K", "AE", "F"), ("K", "AE", "F")), 2)
    1.0
    >>> phonetic_similarity(("F", "L", "OW"), ("T", "EH", "N", "S", "ER")) < 0.3
    True
    """
    if not a or not b:
        return 0.0
    xs = [_NUMBER[p] for p in a]
    ys = [_NUMBER[q] for q in b]
    indel, sub = _INDEL, _SUB
    prev = [0.0]
    for y in ys:
        prev.append(prev[-1] + indel[y])
    for x in xs:
        cost_x, sub_x = indel[x], sub[x]
        row = [prev[0] + cost_x]
        left = row[0]
        for j, y in enumerate(ys, 1):
            left = min(prev[j] + cost_x, left + indel[y], prev[j - 1] + sub_x[y])
            row.append(left)
        prev = row
    return max(0.0, 1.0 - prev[-1] / max(len(a), len(b)))


def spelling_similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(letters(a), letters(b))) / 100.0


@dataclass(frozen=True)
class _Form:
    term: Term
    text: str
    phonemes: tuple[str, ...]
    coarse: str
    letters: str
    half: tuple[str, ...] | None  # one half of a reduplicated term ("Paddle" of PaddlePaddle)


@dataclass(frozen=True)
class SoundMatch:
    """The best term for a span, with the evidence for it."""

    term: Term
    score: float
    span_sounds: tuple[str, ...]
    term_sounds: tuple[str, ...]
    variant: bool             # same letters, other spacing or case ("tensor flow")
    reduplicated: bool        # "Pelo Pelo" ~ PaddlePaddle, compared half with half
    alternatives: tuple[str, ...] = ()


class GlossaryIndex:
    """Glossary terms indexed by coarse phoneme key and length."""

    def __init__(self, terms: Iterable[Term], pronouncer: Pronouncer) -> None:
        self.pronouncer = pronouncer
        self.forms: list[_Form] = []
        self.exact: dict[str, Term] = {}
        for term in terms:
            for form in term.forms:
                phonemes = pronouncer.phrase(form)
                if not phonemes:
                    continue
                words = spoken_words(form)
                half = None
                if len(words) == 2 and words[0].lower() == words[1].lower():
                    half = pronouncer.phrase(words[0])
                self.forms.append(_Form(term, form, phonemes, coarse_key(phonemes),
                                        letters(form), half))
                self.exact.setdefault(form.lower(), term)
                self.exact.setdefault(term.text.lower(), term)
        self.by_letters = {f.letters: f for f in self.forms if f.letters}
        self.twins = [f for f in self.forms if f.half is not None]
        # The index: forms bucketed by the length of their coarse key.
        self._buckets: dict[int, list[int]] = {}
        for n, f in enumerate(self.forms):
            self._buckets.setdefault(len(f.coarse), []).append(n)
        self._window: dict[int, tuple[list[int], list[bytes]]] = {}
        self._shortlists: dict[str, tuple[int, ...]] = {}  # see kept_shortlists

    def __len__(self) -> int:
        return len(self.forms)

    def _near_length(self, length: int) -> tuple[list[int], list[bytes]]:
        """Forms whose coarse key is long enough and short enough to reach ``PREFILTER``
        similarity with a key of ``length``: the distance is at least the difference in
        length, so ``|a - b| <= (1 - PREFILTER) * max(a, b)``."""
        found = self._window.get(length)
        if found is None:
            slack = 1.0 - PREFILTER + 1e-9
            ids = [n for size in range(int(length * PREFILTER), int(length / PREFILTER) + 2)
                   if abs(size - length) <= slack * max(size, length)
                   for n in self._buckets.get(size, ())]
            # bytes: rapidfuzz compares them about 2x faster than str
            found = self._window[length] = (ids, [self.forms[n].coarse.encode() for n in ids])
        return found

    def kept_shortlists(self, coarse_keys: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """For each span's coarse key, the forms worth a closer look (best first), in the
        mapping of all shortlists kept so far (the caller must not change it).

        One ``rapidfuzz.process.cdist`` call per length bucket compares every new key with
        every term of a similar length in C, in blocks, instead of span by span in Python.
        Answers are kept per process (words and short phrases recur from file to file), up
        to ``SHORTLISTS_KEPT`` keys, then the store starts afresh.
        """
        kept = self._shortlists
        distinct = list(dict.fromkeys(coarse_keys))
        new = [k for k in distinct if k not in kept]
        if new:
            if len(kept) + len(new) > SHORTLISTS_KEPT:
                kept.clear()
                new = distinct
            kept.update(zip(new, self._compare(new)))
        return kept

    def forget_shortlists(self) -> None:
        self._shortlists.clear()

    def _compare(self, coarse_keys: Sequence[str]) -> list[tuple[int, ...]]:
        import numpy as np
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        out: list[list[tuple[float, int]]] = [[] for _ in coarse_keys]
        by_length: dict[int, list[int]] = {}
        for q, key in enumerate(coarse_keys):
            by_length.setdefault(len(key), []).append(q)
        for length, queries in by_length.items():
            ids, choices = self._near_length(length)
            if not choices:
                continue
            for block in range(0, len(queries), 512):
                rows = queries[block:block + 512]
                scores = process.cdist([coarse_keys[q].encode() for q in rows], choices,
                                       scorer=Levenshtein.normalized_similarity,
                                       score_cutoff=PREFILTER, dtype=np.float32)
                for r, c in zip(*(a.tolist() for a in np.nonzero(scores))):
                    out[rows[r]].append((float(scores[r, c]), ids[c]))
        # Tuples, and one shared empty one: most keys have no term near, and these are kept.
        return [tuple(n for _, n in sorted(hits, reverse=True)[:3]) if hits else ()
                for hits in out]

    @staticmethod
    def _keep(scored: dict[str, SoundMatch], match: SoundMatch) -> None:
        old = scored.get(match.term.text)
        if old is None or match.score >= old.score:
            scored[match.term.text] = match

    def _twins(self, scored: dict[str, SoundMatch], word: str, sounds: tuple[str, ...]) -> None:
        """A doubled word ("Pelo Pelo") against terms that are a doubled word (PaddlePaddle),
        half against half: the doubling itself is the evidence."""
        half = self.pronouncer.phrase(word)
        for form in self.twins:
            if abs(len(form.half or ()) - len(half)) > 2:
                continue
            score = 0.75 * phonetic_similarity(half, form.half or ()) + \
                0.25 * spelling_similarity(word, spoken_words(form.text)[0])
            self._keep(scored, SoundMatch(form.term, score, sounds, form.phonemes, False, True))

    def prepare(self, span: str) -> tuple[str, ...] | None | SoundMatch:
        """What a span needs before the shortlist: its sounds, or a verdict without them."""
        plain = letters(span)
        same = self.by_letters.get(plain)
        if same is not None and same.text != span:
            if same.text == same.text.lower():
                return None  # "Deep Learning", "large scale": a title or a spelling, not an error
            return SoundMatch(same.term, 1.0, (), same.phonemes, True, False)
        if len(plain) > 3 and plain.endswith("s") and (
                plain[:-1] in self.by_letters or plain.endswith("es") and plain[:-2] in
                self.by_letters):
            return None  # a plural of a term ("PCAs", "computer visions") is not a mishearing
        if re.fullmatch(r"[A-Z0-9]{2,6}s?", span):
            return None  # an acronym: the recogniser heard letters; another acronym is another thing
        sounds = self.pronouncer.phrase(span)
        return sounds if len(sounds) >= 3 else None

    def score(self, span: str, words: Sequence[str], sounds: tuple[str, ...],
              shortlist: Sequence[int]) -> SoundMatch | None:
        """The closest term to ``span`` among its shortlist (and doubled-word terms)."""
        scored: dict[str, SoundMatch] = {}
        plain = letters(span)
        for n in shortlist:
            form = self.forms[n]
            if plain in form.letters:
                continue  # part of the term ("normalization" of "batch normalization")
            score = 0.75 * phonetic_similarity(sounds, form.phonemes) + \
                0.25 * spelling_similarity(span, form.text)
            self._keep(scored, SoundMatch(form.term, score, sounds, form.phonemes, False, False))
        if len(words) == 2 and words[0].lower() == words[1].lower():
            self._twins(scored, words[0], sounds)
        if not scored:
            return None
        ranked = sorted(scored.values(), key=lambda m: (-m.score, m.term.text))
        best = ranked[0]
        close = tuple(m.term.text for m in ranked[1:] if best.score - m.score <= CLOSE_SECOND)
        if close:
            best = SoundMatch(best.term, best.score, best.span_sounds, best.term_sounds,
                              False, best.reduplicated, close)
        return best

    def best(self, span: str, words: Sequence[str],
             shortlist: Sequence[int]) -> SoundMatch | None:
        """The closest term to a span, given the span's ``shortlist`` (see ``shortlist``:
        the sound-alike stage works those out for all of a document's spans at once)."""
        prepared = self.prepare(span)
        if isinstance(prepared, tuple):
            return self.score(span, words, prepared, shortlist)
        return prepared


@dataclass(frozen=True)
class Verdict:
    apply: bool
    confidence: float


def judge(match: SoundMatch, words: Sequence[str], context_ok: bool,
          known: Callable[[str], bool] = lambda w: False) -> Verdict | None:
    """Decide whether a sound match is worth showing, and whether it may be applied.

    ``context_ok``: the term's source vouches for the document (a user's own glossary, or a
    pack whose topic the document is about). ``known``: whether a word is in the
    pronouncing dictionary, i.e. a real word.
    """
    real_words = all(known(w) for w in words)
    if match.term.guarded and real_words:
        return None  # its rule needs context for real words; sound alone cannot supply it
    if real_words and not context_ok:
        return None  # real English words, and nothing says the document is about these terms
    # The term's own words, in another form ("regularizing" for regularization) or with some
    # left out ("convolutional network"), written as real words (CMUdict lacks many, so any
    # word frequency counts): said that way, not misheard.
    term_words = match.term.text.lower().split()
    if (len(words) == 1 and _same_stem(words[0], match.term.text)
            or len(words) < len(term_words) and all(w.lower() in term_words for w in words)) \
            and (real_words or all(zipf(w.lower()) > 0 for w in words)):
        return None
    ordinary = all(zipf(w.lower()) >= COMMON_ZIPF for w in words)
    if match.variant:
        # Same letters, other spacing or case: "pytorch", "Paddlepaddle". Real words are
        # English first ("glue" for GLUE, "hugging face" for Hugging Face): shown, not applied.
        if ordinary or (len(words) == 1 and real_words):
            return None
        apply = match.term.auto and not real_words
        return Verdict(apply, 0.9 if apply else 0.6)
    length = max(len(match.span_sounds), len(match.term_sounds))
    if match.reduplicated:
        if any(zipf(w.lower()) >= 3.5 for w in words) or match.score < 0.55:
            return None  # "bye bye", "very very": ordinary doubles
        return Verdict(False, round(0.3 + 0.4 * match.score, 2))
    if length <= 3:
        return None  # too short to judge by sound
    need = 0.86 if length <= 5 else 0.78 if length <= 9 else 0.74
    if ordinary:  # ordinary words need more: a single one much more
        need += 0.12 if len(words) == 1 else 0.04
    elif real_words:  # real but rarer words ("resonant", "pander") need a little more
        need += 0.06 if len(words) == 1 else 0.02
    if match.score < need:
        return None
    apply = (match.term.auto and context_ok and not ordinary and not match.alternatives
             and match.score >= APPLY_SCORE)
    return Verdict(apply, 0.85 if apply else round(0.3 + 0.4 * match.score, 2))


STEM = 6  # letters a word and a one-word term share at the start to be forms of one word


def _same_stem(word: str, term: str) -> bool:
    """Whether ``word`` and a one-word ``term`` begin with the same ``STEM`` letters or more:
    "regularizing" and "regularization", "normalisation" and "normalization"; not
    "deepening" and "deep learning".

    >>> _same_stem("regularizing", "regularization"), _same_stem("Caffe", "cafe")
    (True, False)
    """
    a, b = word.lower(), term.lower()
    return " " not in b and a != b and len(os.path.commonprefix([a, b])) >= STEM


def _first_vowel(phonemes: tuple[str, ...]) -> str:
    return next((p for p in phonemes if p in VOWELS), "")


def near_repeat(span_words: Sequence[str], phrase: Term, pronouncer: Pronouncer) -> float:
    """Similarity of a span to a repeated phrase it differs from in exactly one word."""
    target = phrase.text.split()
    lowered = [w.lower() for w in span_words]
    if len(target) != len(lowered) or lowered == target:
        return 0.0
    differing = [i for i, (a, b) in enumerate(zip(lowered, target)) if a != b]
    if len(differing) != 1 or lowered[differing[0]] in STOPWORDS:
        return 0.0
    said, meant = (pronouncer.phrase(w[differing[0]]) for w in (lowered, target))
    if _first_vowel(said) != _first_vowel(meant):
        return 0.0  # a mishearing keeps the vowel more often than the consonants
    return phonetic_similarity(pronouncer.phrase(" ".join(span_words)),
                               pronouncer.phrase(phrase.text))
