"""The one spaCy pipeline a process uses, built on first use and then reused.

Importing spaCy and building a blank English pipeline costs about 1.5 s, so nothing here
runs at import time: ``cleaner --help`` stays fast.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """Blank English: the tokenizer is all the rules need."""
    import spacy

    return spacy.blank("en")


@lru_cache(maxsize=1)
def pattern_pipeline() -> Any:
    """A second tokenizer sharing the vocab, for turning phrases into patterns.

    Tokenising patterns with the text's own tokenizer fills its cache and makes the text
    2.6x slower to tokenise afterwards.
    """
    import spacy

    return spacy.blank("en", vocab=pipeline().vocab)
