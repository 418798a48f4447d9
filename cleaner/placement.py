"""Turn a match into the exact span and text to write: case, deletions, templates.

Pure functions over the original text; offsets never leave the original's coordinates.
"""
from __future__ import annotations

from typing import Any

_SPACE = " \t"
_CLAUSE_END = ".?!;:)"


def match_case(original: str, replacement: str) -> str:
    """Carry a capital at the start of the original onto an all-lower-case replacement.

    A replacement whose first word has capitals of its own is a name written its own way
    and stays so.

    >>> match_case("Common line", "command line")
    'Command line'
    >>> match_case("attention flow", "TensorFlow")
    'TensorFlow'
    >>> match_case("Spacy", "spaCy")
    'spaCy'
    >>> match_case("Naive bayes", "naive Bayes")
    'Naive Bayes'
    """
    first = replacement.split(" ", 1)[0]
    if original[:1].isupper() and first.islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def expand_template(template: str, groups: Any) -> str:
    """Fill ``\\1`` / ``\\g<name>`` in a regex rule's replacement from its match."""
    if groups is None or "\\" not in template:
        return template
    return str(groups.expand(template))


def widen_deletion(text: str, start: int, end: int, seg_start: int,
                   seg_end: int) -> tuple[int, int, int | None]:
    """Grow a deletion so the words around it stay well spaced and punctuated.

    Returns ``(start, end, capital)``: delete ``text[start:end]``; when the deleted word
    began a sentence, ``capital`` is the offset of the letter that takes over its capital
    (applied as its own one-letter edit, so it can give way to a fix of the next word).

    >>> def show(t, s, e):
    ...     a, b, cap = widen_deletion(t, s, e, 0, len(t))
    ...     return t[:a] + (t[b].upper() + t[b + 1:] if cap == b else t[b:])
    >>> show("we, um, did it", 4, 6)
    'we, did it'
    >>> show("we did it, um.", 11, 13)
    'we did it.'
    >>> show("Um, so we did", 0, 2)
    'So we did'
    """
    after = end
    if after < seg_end and text[after] == ",":
        after += 1
    spaced = after
    while spaced < seg_end and text[spaced] in _SPACE:
        spaced += 1
    if spaced > after and spaced < seg_end and text[spaced] not in _CLAUSE_END + ",":
        # words follow: take the filler, its comma and the space after it
        new_start, new_end = start, spaced
    else:
        # end of a clause or segment: take the space (and a comma) before it instead
        new_start, new_end = start, end
        while new_start > seg_start and text[new_start - 1] in _SPACE:
            new_start -= 1
        if new_start > seg_start and text[new_start - 1] == "," and (
                new_end >= seg_end or text[new_end] in _CLAUSE_END + ","):
            new_start -= 1
        if new_start == seg_start:  # nothing before it on the line: take what follows
            new_end = spaced
    capital = None
    # A capitalised filler started the sentence: the next word takes over the capital.
    if text[start:start + 1].isupper() and new_end < seg_end and text[new_end].islower():
        capital = new_end
    return new_start, new_end, capital
