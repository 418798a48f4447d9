"""A document's tokens as arrays, read from its sentence chunks once.

The context conditions and the sound-alike stage both need every token's word, offsets and
sentence. ``Doc.to_array`` is cheap per token but costs a few microseconds per call, one call
per sentence chunk: reading the chunks once for both stages halves that.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np


@dataclass(frozen=True)
class TokenArrays:
    """Every token of every chunk in order (space tokens included, flagged)."""

    orth: np.ndarray      # spaCy hash of the token as written
    lower: np.ndarray     # ... and of its lower-case form
    start: np.ndarray     # character offsets into the whole input
    end: np.ndarray
    chunk: np.ndarray     # which chunk (sentence) it is in
    segment: np.ndarray   # which segment (line, cue) it is in
    space: np.ndarray     # a white-space token

    @classmethod
    def of(cls, chunks: Sequence[tuple[int, Any, int]]) -> TokenArrays:
        """``chunks``: (offset in the input, Doc, segment index), in order."""
        from spacy.attrs import IDX, IS_SPACE, LENGTH, LOWER, ORTH

        arrays = [doc.to_array([ORTH, LOWER, IDX, LENGTH, IS_SPACE]) for _, doc, _ in chunks]
        sizes = [len(a) for a in arrays]
        if not sum(sizes):
            ints, hashes = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
            return cls(hashes, hashes, ints, ints, ints, ints, np.zeros(0, dtype=bool))
        table = np.concatenate(arrays).astype(np.uint64, copy=False)
        start = table[:, 2].astype(np.int64)
        start += np.repeat(np.asarray([c[0] for c in chunks], dtype=np.int64), sizes)
        return cls(orth=table[:, 0], lower=table[:, 1], start=start,
                   end=start + table[:, 3].astype(np.int64),
                   chunk=np.repeat(np.arange(len(chunks), dtype=np.int64), sizes),
                   segment=np.repeat(np.asarray([c[2] for c in chunks], dtype=np.int64), sizes),
                   space=table[:, 4] != 0)
