"""One vocabulary file for before and after recognition: a recogniser prompt, and checks.

``vocabulary_prompt`` ranks terms by how unlikely a recogniser is to know them (rare words
first) and trims the list to a token budget, for Whisper's ``initial_prompt`` or a vendor's
custom vocabulary. ``check_glossary`` reports terms the pronouncer can only guess, and
pairs of terms that sound too alike to tell apart.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from .glossary import Term
from .pronounce import Pronouncer, spoken_words
from .soundalike import phonetic_similarity, zipf

TOO_ALIKE = 0.85


def estimated_tokens(text: str) -> int:
    """A deliberately generous count of BPE tokens (Whisper's tokenizer is not shipped
    offline): a word of n letters is about n/4 tokens, each symbol or digit one.

    >>> estimated_tokens("TensorFlow"), estimated_tokens("GPT-3")
    (3, 3)
    """
    count = 0
    for piece in re.findall(r"[A-Za-z]+|\d|[^\sA-Za-z\d]", text):
        count += max(1, math.ceil(len(piece) / 4)) if piece.isalpha() else 1
    return count


def rarity(term: Term) -> float:
    """Lower is rarer: the least common of the words a term is said as."""
    return min((zipf(w.lower()) for w in spoken_words(term.text)), default=0.0)


def vocabulary_prompt(terms: Sequence[Term], max_tokens: int = 224) -> list[str]:
    """Terms for a recogniser's prompt, rarest first, within ``max_tokens`` (with ", ")."""
    ranked = sorted(dict.fromkeys(t.text for t in terms),
                    key=lambda text: (rarity(Term(text, (text,))), text.lower()))
    chosen, used = [], 0
    for text in ranked:
        cost = estimated_tokens(text) + (1 if chosen else 0)
        if used + cost > max_tokens:
            continue
        chosen.append(text)
        used += cost
    return chosen


@dataclass(frozen=True)
class GlossaryReport:
    guessed: list[tuple[Term, list[str]]]     # terms with words CMUdict lacks
    silent: list[Term]                        # terms with nothing to pronounce
    alike: list[tuple[Term, Term, float]]     # pairs that sound too alike

    @property
    def problems(self) -> int:
        return len(self.silent) + len(self.alike)


def check_glossary(terms: Sequence[Term], pronouncer: Pronouncer | None = None) -> GlossaryReport:
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from .pronounce import coarse_key

    pronouncer = pronouncer or Pronouncer()
    guessed, silent, sounds = [], [], []
    for term in terms:
        phonemes = pronouncer.phrase(term.forms[-1] if len(term.forms) > 1 else term.text)
        if not phonemes:
            silent.append(term)
            continue
        unknown = [w for w in spoken_words(term.text)
                   if not w.isupper() and not pronouncer.known(w)]
        if unknown and len(term.forms) == 1:
            guessed.append((term, unknown))
        sounds.append((term, phonemes))
    alike = []
    keys = [coarse_key(p) for _, p in sounds]
    if keys:
        scores = process.cdist(keys, keys, scorer=Levenshtein.normalized_similarity,
                               score_cutoff=0.75)
        for i, j in zip(*scores.nonzero()):
            a, b = sounds[i][0].text.lower(), sounds[j][0].text.lower()
            if i < j and a not in b and b not in a:  # "supervised" in "unsupervised" is fine
                score = phonetic_similarity(sounds[i][1], sounds[j][1])
                if score >= TOO_ALIKE:
                    alike.append((sounds[i][0], sounds[j][0], round(score, 2)))
    return GlossaryReport(guessed, silent, sorted(alike, key=lambda a: -a[2]))
