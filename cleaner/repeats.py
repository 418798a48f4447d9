"""Where words repeat ("the the", "to, um, to"): the stretches a rule with
``needs: repeated-word`` is searched in.

Scanning a line for repeats with a back-reference costs the regex engine about 1 us a word,
and the two repeat rules were the costliest regexes of the shipped packs. Reading the words
with one ``findall`` and comparing neighbours in a list costs a fraction of that; offsets
come from a table of letters and numpy, not word by word.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

import regex

from .regex_prefilter import fold

_LETTER_RUN = regex.compile(r"[^\W\d_]+", regex.VERSION0)  # a word, as the repeat rules read one
# Fillers are ASCII: the standard library's engine reads them alike, and faster.
_FILLER = re.compile(r"um+|uh+|uhm|erm?|hmm+")
_FILLER_IN_LIST = re.compile(r"(?:^|\0)(?:um+|uh+|uhm|erm?|hmm+)(?:\0|$)")


def repeat_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where in ``text[start:end]`` a word repeats: each stretch from a run of letters to the
    last of the runs after it that read the same, case aside, with nothing but fillers
    between them, plus one character (so a closing ``\\b`` reads what follows). What a rule
    with ``needs: repeated-word`` needs: it is searched in these stretches only.

    >>> t = "we went to, um, To the lab and the lab"
    >>> [t[a:b] for a, b in repeat_windows(t, 0, len(t))]
    ['to, um, To ']
    """
    words = _LETTER_RUN.findall(text, start, end)
    if len(words) < 2:
        return []
    joined = "\0".join(words)  # folded in one call: folding works letter by letter
    keys = fold(joined).split("\0")
    pairs = [(k, k + 1) for k in range(len(keys) - 1) if keys[k] == keys[k + 1]]
    if _FILLER_IN_LIST.search(joined.casefold()):  # "to, um, to": fillers may come between
        last = None  # the last word that is not a filler
        for k, key in enumerate(keys):
            if _FILLER.fullmatch(key):
                continue
            if last is not None and last < k - 1 and keys[last] == key:
                pairs.append((last, k))
            last = k
        pairs.sort()
    if not pairs:
        return []
    starts, ends = _word_bounds(text, start, end)
    return [(starts[a], min(ends[b] + 1, end)) for a, b in _chains(pairs)]


def _chains(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """[first, last] word numbers of each run of repeats, from sorted pairs of words that
    read the same."""
    chains: list[list[int]] = []
    for a, b in pairs:
        if chains and a <= chains[-1][1]:
            chains[-1][1] = max(chains[-1][1], b)
        else:
            chains.append([a, b])
    return chains


def repeat_windows_per_segment(text: str, segments: Sequence[Any]) -> list[list[tuple[int, int]]]:
    """``repeat_windows`` of each of ``segments`` (objects with ``start`` and ``end``, in
    text order): the same windows, found for the whole text at once. Per segment, reading
    the words cost about 20 us a line, more than the rules searched in the windows; here
    neighbouring words are compared in arrays by length and by their first, second and last
    folded letters, and only pairs alike in all four are compared as strings.

    >>> from types import SimpleNamespace as S
    >>> t = "the the lab\\nlab work, um, work"
    >>> [[t[a:b] for a, b in w] for w in repeat_windows_per_segment(t, [S(start=0, end=11),
    ...                                                               S(start=12, end=30)])]
    [['the the '], ['work, um, work']]
    """
    import numpy as np

    if not segments:
        return []
    folded = fold(text)
    seg_start = np.fromiter((s.start for s in segments), dtype=np.int64, count=len(segments))
    seg_end = np.fromiter((s.end for s in segments), dtype=np.int64, count=len(segments))
    letter = _letter_flags(text) if len(folded) == len(text) else None
    if letter is None or (letter[seg_start] & letter[seg_start + 1]).any() or \
            (letter[seg_end] & letter[seg_end + 1]).any():
        # Folding changed the offsets ("ß" -> "ss"), a character lies beyond the letter
        # table, or a segment begins or ends inside a word (which it reads as a shorter
        # word): segment by segment.
        return [repeat_windows(text, s.start, s.end) for s in segments]
    starts, ends = _runs(letter)
    k = np.searchsorted(seg_start, starts, side="right") - 1  # the segment of each word
    segment_of = np.where((k >= 0) & (ends <= seg_end[np.maximum(k, 0)]), k, -1)
    folded_codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    in_segment = segment_of >= 0
    # Fillers ("um", "uh", "erm", "hmm") are read as strings among the words that begin
    # with u, e or h and end with m, h or r.
    first, last = folded_codes[starts], folded_codes[ends - 1]
    maybe = np.flatnonzero(((first == 117) | (first == 101) | (first == 104))
                           & ((last == 109) | (last == 104) | (last == 114)) & in_segment)
    filler = np.zeros(len(starts), dtype=bool)
    filler[[n for n, a, b in zip(maybe.tolist(), starts[maybe].tolist(), ends[maybe].tolist())
            if _FILLER.fullmatch(folded[a:b])]] = True
    # A word repeats the word before it, or the last word before it that is no filler
    # when only fillers come between ("to, um, to"), within one segment.
    spoken = np.flatnonzero(~filler & in_segment)
    spoken_gap = np.diff(spoken) > 1
    left = np.concatenate((np.arange(len(starts) - 1), spoken[:-1][spoken_gap]))
    right = np.concatenate((np.arange(1, len(starts)), spoken[1:][spoken_gap]))
    # Pairs of the same length, first, second and last letter are compared as strings.
    length, second = ends - starts, folded_codes[np.minimum(starts + 1, ends - 1)]
    candidates = np.flatnonzero((length[left] == length[right]) & (first[left] == first[right])
                                & (last[left] == last[right]) & (second[left] == second[right])
                                & in_segment[left] & (segment_of[left] == segment_of[right]))
    pairs = sorted((a, b) for a, b, a_start, a_end, b_start, b_end in zip(
        left[candidates].tolist(), right[candidates].tolist(),
        starts[left[candidates]].tolist(), ends[left[candidates]].tolist(),
        starts[right[candidates]].tolist(), ends[right[candidates]].tolist())
        if folded[a_start:a_end] == folded[b_start:b_end])
    out: list[list[tuple[int, int]]] = [[] for _ in segments]
    for a, b in _chains(pairs):  # pairs lie within one segment, so chains do too
        n = int(segment_of[a])
        out[n].append((int(starts[a]), min(int(ends[b]) + 1, segments[n].end)))
    return out


@lru_cache(maxsize=1)
def _letter_table() -> Any:
    """For every character of the Basic Multilingual Plane, whether it is a letter as
    ``_LETTER_RUN`` reads one (built once, about 10 ms)."""
    import numpy as np

    table = np.zeros(0x10000, dtype=bool)
    plane = "".join(map(chr, range(0x10000)))
    for m in _LETTER_RUN.finditer(plane):
        table[m.start():m.end()] = True
    return table


def _word_bounds(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Start and end offsets of every run of letters in ``text[start:end]`` (the runs
    ``_LETTER_RUN.findall`` gives, in order), found with arrays, not word by word."""
    letter = _letter_flags(text[start:end])
    if letter is None:  # beyond the table: read word by word
        found = list(_LETTER_RUN.finditer(text, start, end))
        return [m.start() for m in found], [m.end() for m in found]
    starts, ends = _runs(letter)
    return (starts + start).tolist(), (ends + start).tolist()


def _letter_flags(text: str) -> Any:
    """Whether each character of ``text`` is a letter, padded with False at both ends (so
    character ``i`` is at ``i + 1``); None for a text with a character beyond the table."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(codes) and int(codes.max()) > 0xFFFF:
        return None
    return np.concatenate(([False], _letter_table()[codes], [False]))


def _runs(letter: Any) -> tuple[Any, Any]:
    """Start and end offsets of the runs of letters that ``_letter_flags`` marks."""
    import numpy as np

    edges = np.flatnonzero(np.diff(letter.view(np.int8)))
    return edges[0::2], edges[1::2]
