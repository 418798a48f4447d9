"""A document's words as arrays, and what is known about each written word, once per process.

The sound-alike stage considers every run of one to four words. Doing that word by word in
Python cost 17x what tokenising the text did. Here the words of a document become numpy
arrays built from ``Doc.to_array``, and the facts about a written word (its coarse sound
key, its letters, whether it is a stopword) are worked out the first time the process meets
it and then looked up by number, so spans are filtered with array operations.

A *word* is a token with a letter or digit in it; a clitic ("'s") joins the word before it,
a hyphen joins the words around it ("Pelo-Pelo"), any other punctuation (and a sentence
boundary) ends a *run*. Spans never cross runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .tokens import TokenArrays

_ALNUM = re.compile(r"[^\W_]")
_LETTER = re.compile(r"[a-z]")
_NOT_LETTER = re.compile(r"[^0-9a-z]")
WORD, JOINER, CLITIC, BREAK = 0, 1, 2, 3  # JOINER: white space and hyphens


def token_kind(text: str) -> int:
    """How a token takes part in runs of words.

    >>> [token_kind(t) for t in ("Pelo", "-", "'s", ",", " ", "n't")]
    [0, 1, 2, 3, 1, 0]
    """
    if text == "-" or text.isspace():
        return JOINER
    if text[0] == "'":
        return CLITIC
    return WORD if _ALNUM.search(text) else BREAK


class _Column:
    """A numpy array that grows by doubling (facts are appended one word at a time)."""

    def __init__(self, dtype: Any) -> None:
        self.data = np.zeros(1024, dtype=dtype)
        self.size = 0

    def append(self, value: Any) -> None:
        if self.size == len(self.data):
            self.data = np.concatenate([self.data, np.zeros_like(self.data)])
        self.data[self.size] = value
        self.size += 1

    @property
    def values(self) -> np.ndarray:
        return self.data[:self.size]


class WordFacts:
    """Facts about each distinct written word met so far, numbered in order of meeting."""

    def __init__(self, coarse_key: Callable[[str], str], stopwords: frozenset[str],
                 known: Callable[[str], bool] = lambda word: True) -> None:
        self._coarse_key = coarse_key
        self._known_word = known
        self._stopwords = stopwords
        self._by_text: dict[str, int] = {}
        self._by_orth: dict[int, tuple[int, int]] = {}  # ORTH hash -> (kind, fact or -1)
        self._lower_ids: dict[str, int] = {}
        self._lower_texts: list[str] = []
        self.text: list[str] = []
        self.lower: list[str] = []
        self.coarse: list[str] = []
        self.letters: list[str] = []
        self._stop = _Column(np.bool_)
        self._lower_id = _Column(np.int64)
        self._has_letter = _Column(np.bool_)
        self._known = _Column(np.bool_)
        self._derived: dict[str, _Column] = {}

    def __len__(self) -> int:
        return len(self.text)

    # Per word, as arrays for numpy indexing.
    @property
    def stop(self) -> np.ndarray:
        return self._stop.values

    @property
    def lower_id(self) -> np.ndarray:
        """The number of the word's lower-case form."""
        return self._lower_id.values

    @property
    def has_letter(self) -> np.ndarray:
        return self._has_letter.values

    @property
    def known(self) -> np.ndarray:
        """Whether each word is a real word (in the pronouncing dictionary)."""
        return self._known.values

    def of_text(self, text: str) -> int:
        found = self._by_text.get(text)
        if found is None:
            found = self._by_text[text] = len(self.text)
            lower = text.lower()
            self.text.append(text)
            self.lower.append(lower)
            self.coarse.append(self._coarse_key(text))
            self.letters.append(_NOT_LETTER.sub("", lower))
            self._stop.append(lower in self._stopwords)
            lower_id = self._lower_ids.get(lower)
            if lower_id is None:
                lower_id = self._lower_ids[lower] = len(self._lower_texts)
                self._lower_texts.append(lower)
            self._lower_id.append(lower_id)
            self._has_letter.append(_LETTER.search(lower) is not None)
            self._known.append(self._known_word(text))
        return found

    @property
    def lower_count(self) -> int:
        """How many distinct lower-case words (ids run from 0 to this)."""
        return len(self._lower_texts)

    def derived(self, name: str, work_out: Callable[[int], bool]) -> np.ndarray:
        """A yes/no column named ``name``: ``work_out(fact)`` for every word, worked out once
        per word (the caller keeps ``work_out`` the same for a name)."""
        column = self._derived.setdefault(name, _Column(np.bool_))
        for fact in range(column.size, len(self.text)):
            column.append(work_out(fact))
        return column.values

    def lower_text(self, lower_id: int) -> str:
        return self._lower_texts[lower_id]

    def met_lower_ids(self, words: Sequence[str]) -> list[int]:
        """The ids of those lower-case ``words`` that have been met."""
        get = self._lower_ids.get
        return [i for i in map(get, words) if i is not None]

    def lower_ids(self, words: Sequence[str]) -> list[int] | None:
        """The ids of lower-case words, or None if one was never met (so cannot occur)."""
        found = [self._lower_ids.get(w) for w in words]
        return None if None in found else found  # type: ignore[return-value]

    def kinds_and_facts(self, orths: np.ndarray, strings: Any) -> tuple[np.ndarray, np.ndarray]:
        """For an array of spaCy ORTH hashes: each token's ``token_kind`` and, for a word,
        its fact number (-1 for other tokens). One look-up per distinct token; new words
        are numbered in the order of their hashes."""
        distinct, inverse = np.unique(orths, return_inverse=True)
        kinds, facts = [], []
        info = self._by_orth
        for orth in distinct.tolist():
            found = info.get(orth)
            if found is None:
                written = strings[orth]
                kind = token_kind(written)
                found = info[orth] = (kind, self.of_text(written) if kind == WORD else -1)
            kinds.append(found[0])
            facts.append(found[1])
        at = inverse.reshape(-1)
        return np.asarray(kinds, dtype=np.int8)[at], np.asarray(facts, dtype=np.int64)[at]


_SEED = np.uint64(0xCBF29CE484222325)
_MIX = np.uint64(0x100000001B3)


def sequence_hashes(ids: np.ndarray, first: np.ndarray, offsets: Sequence[int]) -> np.ndarray:
    """A 64-bit hash of ``ids[first + k] for k in offsets``, for every start in ``first``.

    Used to find in arrays the few n-grams worth looking at in Python; whoever uses it
    checks what it finds, so a collision costs a look, never a wrong answer.
    """
    h = np.full(len(first), _SEED, dtype=np.uint64)
    for k in offsets:
        h = (h ^ ids[first + k].astype(np.uint64)) * _MIX
    return h


def sequence_hash(ids: Sequence[int]) -> int:
    """``sequence_hashes`` of one sequence (the same arithmetic, modulo 2**64, in Python).

    >>> ids = np.array([7, 3, 9])
    >>> sequence_hash([3, 9]) == int(sequence_hashes(ids, np.array([1]), [0, 1])[0])
    True
    """
    h = int(_SEED)
    for x in ids:
        h = ((h ^ x) * int(_MIX)) & 0xFFFFFFFFFFFFFFFF
    return h


@dataclass
class Words:
    """The words of one document in order: offsets, run number and fact number."""

    start: np.ndarray
    end: np.ndarray
    run: np.ndarray
    fact: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def document_words(text: str, tokens: TokenArrays, facts: WordFacts, strings: Any) -> Words:
    """The words of a document (see the module docstring for words and runs)."""
    start, end, chunk = tokens.start, tokens.end, tokens.chunk
    kind, fact = facts.kinds_and_facts(tokens.orth, strings)
    keep = kind != JOINER
    start, end, chunk, kind, fact = start[keep], end[keep], chunk[keep], kind[keep], fact[keep]
    n = len(kind)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Words(empty, empty, empty, empty)
    new_chunk = np.ones(n, dtype=bool)
    new_chunk[1:] = chunk[1:] != chunk[:-1]
    run = np.cumsum((kind == BREAK) | new_chunk)
    is_word = kind == WORD
    # A clitic joins the last word of its run, if the run has one.
    last_word = np.maximum.accumulate(np.where(is_word, np.arange(n), -1))
    clitic = np.nonzero((kind == CLITIC) & (last_word >= 0))[0]
    clitic = clitic[run[last_word[clitic]] == run[clitic]]
    end = end.copy()
    if len(clitic):
        np.maximum.at(end, last_word[clitic], end[clitic])
    fact = fact[is_word]
    word_start, word_end = start[is_word], end[is_word]
    if len(clitic):  # a word that took a clitic is another written word ("it's")
        widened = np.isin(np.nonzero(is_word)[0], last_word[clitic])
        for k in np.nonzero(widened)[0].tolist():
            fact[k] = facts.of_text(text[word_start[k]:word_end[k]])
    return Words(word_start, word_end, run[is_word], fact)
