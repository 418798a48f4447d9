"""Evaluation: word error rate before and after cleaning, and what each rule did to it (the
rule-quality report over a corpus is ``rules_report.py``).

**Normalisation.** Both sides are reduced to words the same way before anything is
compared; each step has a switch (``Normalisation`` here, ``--keep-...`` on the CLI):

- ``lower`` (``--keep-case`` turns it off): words are lower-cased, so "Deep Learning" and
  "deep learning" match;
- ``punctuation`` (``--keep-punctuation``): punctuation is removed; words joined by a hyphen,
  dash or slash count as separate words ("Pelo-Pelo" is two words, like "Pelo Pelo"); an
  apostrophe inside a word stays ("don't"), a point between digits stays ("3.5"), a comma
  between digits goes ("2,000" is "2000"), "&" and symbols stay ("R&D", "$"). With the switch off, each
  punctuation mark is a word of its own, so a missing or extra comma is an error but a space
  before a comma is not;
- ``fillers`` (``--keep-fillers``): the hesitations in ``FILLERS`` (um, uh, er, erm, hmm,
  mm and their spellings umm, uhm, uhh, hm, mmm) are dropped, whatever their case;
- ``numbers`` (``--no-number-words``): a number from 0 to 99 written in digits (no leading
  zero) is read as words, so "2" matches "two" and "21" matches "twenty-one"; other numbers
  stay as written.

**WER** is computed by ``jiwer`` on the normalised words: (substitutions + deletions +
insertions) / reference words, for the raw hypothesis and for the cleaned text.

**Judging an edit.** The raw words are aligned with the reference (jiwer's minimum-edit
alignment). For one edit, take the raw words it touches plus ``CONTEXT`` (3) words on each
side, and the reference words aligned with that window (reference words missing from the
raw text inside the window included). The edit is

- ``right`` when applying it alone lowers the word edit distance between the window and its
  reference words, ``wrong`` when it raises it, ``neutral`` when the distance is unchanged
  (a casing fix while case is ignored, a space before a comma, a filler while fillers are
  dropped, or words that are wrong either way).

``delta`` is the number of errors the edit removes (negative: adds). Applied edits are judged
on what they did; flagged edits on what applying their suggestion would have done (a flag with
no suggestion, such as a ``[inaudible]`` marker, is ``neutral``). A rule's ``precision`` is
right / (right + wrong) over its applied edits, ``flag_precision`` the same over its flags;
neither is defined (``None``) when the rule had no right or wrong edit.

>>> words("Um, we used 2 GPUs with Tensor-Flow for R&D.")
['we', 'used', 'two', 'gpus', 'with', 'tensor', 'flow', 'for', 'r&d']
>>> words("Um, we used 2 GPUs.", Normalisation(lower=False, fillers=False, numbers=False,
...                                          punctuation=False))
['Um', ',', 'we', 'used', '2', 'GPUs', '.']
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import CleanerError
from .model import Edit

CONTEXT = 3  # raw words on each side of an edit that take part in judging it
FILLERS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "mm", "mmm"})
TRANSCRIPT_EXTENSIONS = (".txt", ".srt", ".vtt", ".webvtt", ".json")
# A file named NAME.ROLE.EXT pairs with NAME.EXT, NAME.OTHER-ROLE.EXT in the other folder.
ROLES = frozenset({"asr", "hyp", "hypothesis", "raw", "ref", "reference", "gold", "truth"})
# cleaner's own outputs and companions are never transcripts to evaluate or report on.
_NOT_TRANSCRIPTS = re.compile(r"\.(?:clean\.[^.]+|annotated\.md|edits\.json|review\.ya?ml)$",
                              re.I)

REFERENCE_NAME = re.compile(r"\.(?:ref|reference|gold|truth)\.[^.]+$", re.I)

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SMALL_NUMBER = re.compile(r"0|[1-9][0-9]?")
_PIECE = re.compile(r"\S+")
_JOINERS = re.compile(r"[-\u2010-\u2015/]+")  # hyphens, dashes and slashes separate words


def _punctuation_patterns() -> tuple[Any, Any]:
    import regex

    # Remove every punctuation mark except "&", an apostrophe between letters or digits and
    # a point between digits.
    drop = regex.compile(r"(?<![\p{L}\p{N}])'|'(?![\p{L}\p{N}])|(?<!\p{N})\.|\.(?!\p{N})"
                         r"|(?!['.&])\p{P}")
    # With punctuation kept: words (inner apostrophes, points and & included) and marks.
    tokens = regex.compile(r"[\p{L}\p{N}\p{M}_&]+(?:['.][\p{L}\p{N}\p{M}_&]+)*|\S")
    return drop, tokens


_PATTERNS: tuple[Any, Any] | None = None


def _patterns() -> tuple[Any, Any]:
    global _PATTERNS
    if _PATTERNS is None:
        _PATTERNS = _punctuation_patterns()
    return _PATTERNS


# -- normalisation ---------------------------------------------------------------------

@dataclass(frozen=True)
class Normalisation:
    """How text becomes the words WER counts (see the module's docstring)."""

    lower: bool = True
    punctuation: bool = True   # remove punctuation
    fillers: bool = True       # drop um, uh, ...
    numbers: bool = True       # 0-99 in digits read as words

    def describe(self) -> str:
        """One line for a report.

        >>> Normalisation(lower=False).describe()
        'case kept, punctuation removed, fillers removed, numbers 0-99 as words'
        """
        return ", ".join([
            "lower-cased" if self.lower else "case kept",
            "punctuation removed" if self.punctuation else "punctuation kept",
            "fillers removed" if self.fillers else "fillers kept",
            "numbers 0-99 as words" if self.numbers else "numbers as written"])

    def to_dict(self) -> dict[str, bool]:
        return {"lower": self.lower, "punctuation": self.punctuation,
                "fillers": self.fillers, "numbers": self.numbers}


@dataclass(frozen=True)
class Token:
    """A normalised word and the span of the text it comes from."""

    text: str
    start: int
    end: int


def number_words(digits: str) -> list[str]:
    """0-99 as words; anything else as it is.

    >>> number_words("7"), number_words("21"), number_words("40"), number_words("2017")
    (['seven'], ['twenty', 'one'], ['forty'], ['2017'])
    """
    if not _SMALL_NUMBER.fullmatch(digits):
        return [digits]
    n = int(digits)
    if n < 20:
        return [_ONES[n]]
    tens, ones = divmod(n, 10)
    return [_TENS[tens - 2]] + ([_ONES[ones]] if ones else [])


def tokenize(text: str, norm: Normalisation = Normalisation(), start: int = 0,
             end: int | None = None) -> list[Token]:
    """The normalised words of ``text[start:end]``, with offsets into ``text``.

    >>> [(t.text, t.start, t.end) for t in tokenize("Pelo-Pelo, um 2")]
    [('pelo', 0, 4), ('pelo', 5, 10), ('two', 14, 15)]
    """
    end = len(text) if end is None else end
    drop, marks = _patterns()
    out: list[Token] = []
    for piece in _PIECE.finditer(text, start, end):
        p0 = piece.start()
        raw = piece.group().replace("\u2019", "'")
        if norm.punctuation:
            parts, pos = [], 0
            for sep in _JOINERS.finditer(raw):
                parts.append((pos, raw[pos:sep.start()]))
                pos = sep.end()
            parts.append((pos, raw[pos:]))
            pieces = [(p0 + at, p0 + at + len(part), drop.sub("", part)) for at, part in parts]
        else:
            pieces = [(p0 + m.start(), p0 + m.end(), m.group()) for m in marks.finditer(raw)]
        for s, e, word in pieces:
            if not word:
                continue
            if norm.fillers and word.lower() in FILLERS:
                continue
            if norm.lower:
                word = word.lower()
            for w in (number_words(word) if norm.numbers and word.isdigit() else [word]):
                out.append(Token(w, s, e))
    return out


def words(text: str, norm: Normalisation = Normalisation()) -> list[str]:
    """The normalised words of ``text``."""
    return [t.text for t in tokenize(text, norm)]


def word_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two word lists.

    >>> word_distance("a b c".split(), "a x c d".split())
    2
    """
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


# -- WER -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measures:
    """Word-level counts of a hypothesis against a reference."""

    hits: int = 0
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0

    @property
    def reference_words(self) -> int:
        return self.hits + self.substitutions + self.deletions

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        return self.errors / self.reference_words if self.reference_words else 0.0

    def __add__(self, other: Measures) -> Measures:
        return Measures(self.hits + other.hits, self.substitutions + other.substitutions,
                        self.deletions + other.deletions, self.insertions + other.insertions)

    def to_dict(self) -> dict[str, Any]:
        return {"wer": round(self.wer, 6), "hits": self.hits,
                "substitutions": self.substitutions, "deletions": self.deletions,
                "insertions": self.insertions, "errors": self.errors,
                "reference_words": self.reference_words}


def align(reference: Sequence[str], hypothesis: Sequence[str]) -> tuple[Measures, list[Any]]:
    """jiwer's counts and alignment chunks for two word lists (the reference not empty)."""
    import jiwer

    out = jiwer.process_words(" ".join(reference), " ".join(hypothesis))
    return (Measures(out.hits, out.substitutions, out.deletions, out.insertions),
            out.alignments[0])


def _reference_positions(chunks: Iterable[Any], n: int) -> tuple[list[int], list[int]]:
    """For each hypothesis word, the reference words ``[lo, hi)`` aligned with it (empty, at
    the insertion point, for an inserted word)."""
    lo, hi = [0] * n, [0] * n
    for c in chunks:
        hyp_len = c.hyp_end_idx - c.hyp_start_idx
        ref_len = c.ref_end_idx - c.ref_start_idx
        for k in range(hyp_len):
            h = c.hyp_start_idx + k
            lo[h] = c.ref_start_idx + min(k, ref_len)
            hi[h] = c.ref_end_idx if k == hyp_len - 1 else c.ref_start_idx + min(k + 1, ref_len)
    return lo, hi


# -- one file --------------------------------------------------------------------------

@dataclass(frozen=True)
class JudgedEdit:
    """An edit and what it did (applied) or would have done (flagged) to the error count."""

    edit: Edit
    outcome: str           # right | wrong | neutral
    delta: int             # errors removed in the edit's window (negative: added)
    before: tuple[str, ...]
    after: tuple[str, ...]
    reference: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        e = self.edit
        return {"id": e.id, "rule": e.rule, "action": e.action, "start": e.start, "end": e.end,
                "original": e.original, "replacement": e.replacement, "outcome": self.outcome,
                "delta": self.delta, "words": " ".join(self.before),
                "words_after": " ".join(self.after), "reference": " ".join(self.reference)}


class _Aligned:
    """The raw text's words aligned with the reference, ready to judge edits."""

    def __init__(self, text: str, tokens: list[Token], reference: list[str],
                 chunks: list[Any], norm: Normalisation) -> None:
        self.text, self.tokens, self.reference, self.norm = text, tokens, reference, norm
        self.starts = [t.start for t in tokens]
        self.ends = [t.end for t in tokens]
        self.lo, self.hi = _reference_positions(chunks, len(tokens))

    def _ref_start(self, h: int) -> int:
        return 0 if h == 0 else (self.lo[h] if h < len(self.tokens) else len(self.reference))

    def _ref_end(self, h: int) -> int:
        return len(self.reference) if h == len(self.tokens) else (self.hi[h - 1] if h else 0)

    def judge(self, edit: Edit) -> JudgedEdit:
        tokens, n = self.tokens, len(self.tokens)
        i0 = bisect_left(self.ends, edit.start)     # first word ending at or after the edit
        i1 = bisect_right(self.starts, edit.end)    # first word starting after it
        if i0 < i1:  # words the edit touches: re-read them with the edit applied
            a, b = min(edit.start, tokens[i0].start), max(edit.end, tokens[i1 - 1].end)
        else:
            a, b = edit.start, edit.end
        changed = self.text[a:edit.start] + edit.replacement + self.text[edit.end:b]
        middle = [t.text for t in tokenize(changed, self.norm)]
        w0, w1 = max(0, i0 - CONTEXT), min(n, i1 + CONTEXT)
        before = [t.text for t in tokens[w0:w1]]
        after = before[:i0 - w0] + middle + before[i1 - w0:]
        ref = self.reference[self._ref_start(w0):self._ref_end(w1)]
        delta = word_distance(before, ref) - word_distance(after, ref)
        # The reference words aligned with the words the edit touches, with any reference
        # words missing from the raw text just before or after them.
        r0 = self.hi[i0 - 1] if i0 else 0
        r1 = self.lo[i1] if i1 < n else len(self.reference)
        outcome = "right" if delta > 0 else "wrong" if delta < 0 else "neutral"
        return JudgedEdit(edit, outcome, delta, tuple(before[i0 - w0:i1 - w0]),
                          tuple(middle), tuple(self.reference[r0:r1]))


@dataclass
class FileEvaluation:
    """One hypothesis against its reference: WER before and after, and every edit judged."""

    hypothesis: str
    reference: str
    format: str
    raw: Measures
    cleaned: Measures
    edits: list[JudgedEdit]

    def to_dict(self) -> dict[str, Any]:
        return {"hypothesis": self.hypothesis, "reference": self.reference,
                "format": self.format, "raw": self.raw.to_dict(),
                "cleaned": self.cleaned.to_dict(), "change": _change(self.raw, self.cleaned),
                "edits": [j.to_dict() for j in self.edits]}


def _change(raw: Measures, cleaned: Measures) -> dict[str, Any]:
    return {"wer": round(cleaned.wer - raw.wer, 6), "errors": cleaned.errors - raw.errors}


def within_spans(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    k = bisect_right([s for s, _ in spans], start) - 1
    return k >= 0 and spans[k][1] >= end


def evaluate_text(cleaner: Any, hypothesis: str, reference: str,
                  norm: Normalisation = Normalisation(), *, name: str = "hypothesis",
                  reference_name: str = "reference", fmt: str = "text",
                  edits: Sequence[Edit] | None = None,
                  spans: Sequence[tuple[int, int]] | None = None,
                  reference_spans: Sequence[tuple[int, int]] | None = None) -> FileEvaluation:
    """Clean ``hypothesis`` (unless its ``edits`` are given) and compare raw and cleaned with
    ``reference``. ``spans`` limit the words read to the transcript's text (a format's
    segments; default: all of it).

    >>> from cleaner.model import Edit
    >>> fix = Edit(3, 12, "tensor fo", "TensorFlow", "applied", 1.0, "p.tf", "term", "")
    >>> ev = evaluate_text(None, "in tensor fo now", "in TensorFlow now", edits=[fix])
    >>> ev.raw.wer, ev.cleaned.wer, ev.edits[0].outcome
    (0.6666666666666666, 0.0, 'right')
    """
    spans = list(spans) if spans is not None else [(0, len(hypothesis))]
    ref_spans = list(reference_spans) if reference_spans is not None else [(0, len(reference))]
    ref_words = [t.text for s, e in ref_spans for t in tokenize(reference, norm, s, e)]
    if not ref_words:
        raise CleanerError("the reference has no words (after normalisation: "
                           f"{norm.describe()})", file=reference_name)
    if edits is None:
        edits = cleaner.clean(hypothesis).edits
    edits = [e for e in edits if within_spans(spans, e.start, e.end)]
    tokens = [t for s, e in spans for t in tokenize(hypothesis, norm, s, e)]
    raw, chunks = align(ref_words, [t.text for t in tokens])
    from .render import apply_edits

    applied = [e for e in edits if e.action == "applied"]
    cleaned_words = []
    for s, e in spans:
        inside = [_shift(x, -s) for x in applied if s <= x.start and x.end <= e]
        cleaned_words.extend(words(apply_edits(hypothesis[s:e], inside), norm))
    cleaned, _ = align(ref_words, cleaned_words)
    aligned = _Aligned(hypothesis, tokens, ref_words, chunks, norm)
    judged = [aligned.judge(e) for e in sorted(edits, key=lambda e: (e.start, e.end))]
    return FileEvaluation(name, reference_name, fmt, raw, cleaned, judged)


def _shift(e: Edit, by: int) -> Edit:
    from dataclasses import replace
    return replace(e, start=e.start + by, end=e.end + by)


def segment_spans(name: str, text: str, fmt: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    """The format and the text spans (cue text, lines) of a transcript; the whole text when
    ``cleaner.formats`` is not available."""
    try:
        from . import formats
    except ImportError:  # plain text only
        return "text", [(0, len(text))]
    doc = formats.read(name, text, fmt)
    return doc.format, [(s.start, s.end) for s in doc.segments]


def evaluate_pair(cleaner: Any, hypothesis: str, reference: str,
                  norm: Normalisation = Normalisation(),
                  encoding: str = "utf-8") -> FileEvaluation:
    """Evaluate the file ``hypothesis`` against the file ``reference`` (same format)."""
    from .files import read_source

    check_same_format(hypothesis, reference)
    ref = read_source(reference, encoding)
    if not ref.text.strip():
        raise CleanerError("the reference is empty", file=reference)
    hyp = read_source(hypothesis, encoding)
    try:
        from .api import clean_source
    except ImportError:
        fmt, result = "text", cleaner.clean(hyp.text)
    else:
        done = clean_source(cleaner, hyp)
        fmt, result = done.format, done.result
    _, spans = segment_spans(hypothesis, hyp.text, fmt)
    _, ref_spans = segment_spans(reference, ref.text)
    return evaluate_text(cleaner, hyp.text, ref.text, norm, name=hypothesis,
                         reference_name=reference, fmt=fmt, edits=result.edits, spans=spans,
                         reference_spans=ref_spans)


def check_same_format(hypothesis: str, reference: str) -> None:
    h, r = Path(hypothesis).suffix.lower(), Path(reference).suffix.lower()
    if h != r:
        raise CleanerError(f"the reference is in a different format ({r or 'no extension'}) "
                           f"from the hypothesis {hypothesis} ({h or 'no extension'}); give a "
                           "reference in the same format", file=reference)


# -- pairs of files --------------------------------------------------------------------

def pair_key(name: str) -> str:
    """What pairs a hypothesis with its reference: the file name without its extension and
    without a role word (asr, hyp, ref, reference, gold, ...) before it.

    >>> pair_key("talk.asr.txt"), pair_key("talk.reference.txt"), pair_key("a.b.srt")
    ('talk', 'talk', 'a.b')
    """
    base = Path(name).name
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    head, _, role = stem.rpartition(".")
    return head if head and role.lower() in ROLES else stem


def transcript_files(folder: Path) -> list[Path]:
    """The transcripts in a folder (not its subfolders): known extensions, not hidden, not
    cleaner's own outputs."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise CleanerError(f"cannot read the folder: {exc.strerror or exc}",
                           file=str(folder)) from None
    return [p for p in entries if p.is_file() and not p.name.startswith(".")
            and p.suffix.lower() in TRANSCRIPT_EXTENSIONS and not _NOT_TRANSCRIPTS.search(p.name)]


def pair_files(hypothesis: str, reference: str) -> list[tuple[str, str]]:
    """(hypothesis, reference) file pairs: two files, or two folders paired by ``pair_key``."""
    hyp, ref = Path(hypothesis), Path(reference)
    for path in (hyp, ref):
        if not path.exists():
            raise CleanerError("no such file or folder", file=str(path))
    if hyp.is_dir() != ref.is_dir():
        folder, other = (hyp, ref) if hyp.is_dir() else (ref, hyp)
        raise CleanerError(f"is a folder but {other} is a file; give two files or two folders",
                           file=str(folder))
    if not hyp.is_dir():
        return [(hypothesis, reference)]
    hyps, refs = _keyed(hyp), _keyed(ref)
    if not hyps:
        raise CleanerError("no transcripts in this folder (extensions: "
                           f"{', '.join(TRANSCRIPT_EXTENSIONS)})", file=str(hyp))
    no_ref = sorted(p.name for k, p in hyps.items() if k not in refs)
    no_hyp = sorted(p.name for k, p in refs.items() if k not in hyps)
    if no_ref or no_hyp:
        parts = []
        if no_ref:
            parts.append(f"no reference for {', '.join(no_ref)}")
        if no_hyp:
            parts.append(f"no hypothesis for {', '.join(no_hyp)}")
        raise CleanerError("; ".join(parts) + " (files pair by name: talk.asr.txt with "
                           "talk.txt or talk.reference.txt)", file=str(ref))
    pairs = [(str(hyps[k]), str(refs[k])) for k in sorted(hyps)]
    for h, r in pairs:
        check_same_format(h, r)
    return pairs


def _keyed(folder: Path) -> dict[str, Path]:
    keyed: dict[str, Path] = {}
    for path in transcript_files(folder):
        key = pair_key(path.name)
        if key in keyed:
            raise CleanerError(f"{keyed[key].name} and {path.name} pair with the same name "
                               f"'{key}'; keep one of them in this folder", file=str(folder))
        keyed[key] = path
    return keyed


# -- over many files -------------------------------------------------------------------

@dataclass
class RuleOutcome:
    """What one rule's edits did, over every file evaluated."""

    rule: str
    fired: int = 0
    applied: Counter = field(default_factory=Counter)   # right / wrong / neutral
    flagged: Counter = field(default_factory=Counter)
    net: int = 0  # errors its applied edits removed, minus those they added

    @staticmethod
    def _precision(c: Counter) -> float | None:
        judged = c["right"] + c["wrong"]
        return c["right"] / judged if judged else None

    @property
    def precision(self) -> float | None:
        return self._precision(self.applied)

    @property
    def flag_precision(self) -> float | None:
        return self._precision(self.flagged)

    def add(self, j: JudgedEdit) -> None:
        self.fired += 1
        if j.edit.action == "applied":
            self.applied[j.outcome] += 1
            self.net += j.delta
        else:
            self.flagged[j.outcome] += 1

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "fired": self.fired,
                "applied": sum(self.applied.values()),
                "applied_right": self.applied["right"], "applied_wrong": self.applied["wrong"],
                "applied_neutral": self.applied["neutral"],
                "flagged": sum(self.flagged.values()),
                "flags_right": self.flagged["right"], "flags_wrong": self.flagged["wrong"],
                "flags_neutral": self.flagged["neutral"], "net_errors_removed": self.net,
                "precision": _round(self.precision),
                "flag_precision": _round(self.flag_precision)}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass
class Evaluation:
    """Every file evaluated, the totals, and each rule's outcomes."""

    files: list[FileEvaluation]
    normalisation: Normalisation
    loaded_rules: list[str]

    @property
    def raw(self) -> Measures:
        return sum((f.raw for f in self.files), Measures())

    @property
    def cleaned(self) -> Measures:
        return sum((f.cleaned for f in self.files), Measures())

    def rules(self) -> list[RuleOutcome]:
        by_rule: dict[str, RuleOutcome] = {}
        for f in self.files:
            for j in f.edits:
                by_rule.setdefault(j.edit.rule, RuleOutcome(j.edit.rule)).add(j)
        return sorted(by_rule.values(), key=lambda r: (-r.fired, r.rule))

    def never_fired(self) -> list[str]:
        fired = {j.edit.rule for f in self.files for j in f.edits}
        return [r for r in self.loaded_rules if r not in fired]

    def to_dict(self) -> dict[str, Any]:
        return {"normalisation": self.normalisation.to_dict(),
                "files": [f.to_dict() for f in self.files],
                "total": {"raw": self.raw.to_dict(), "cleaned": self.cleaned.to_dict(),
                          "change": _change(self.raw, self.cleaned)},
                "rules": [r.to_dict() for r in self.rules()],
                "never_fired": self.never_fired(),
                "loaded_rules": len(self.loaded_rules)}


def evaluate(cleaner: Any, hypothesis: str, reference: str,
             norm: Normalisation = Normalisation(), encoding: str = "utf-8") -> Evaluation:
    """Evaluate a file against a file, or a folder against a folder (pairs by name)."""
    pairs = pair_files(hypothesis, reference)
    files = [evaluate_pair(cleaner, h, r, norm, encoding) for h, r in pairs]
    return Evaluation(files, norm, [r.full_id for r in cleaner.rules])


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _measure_row(label: str, m: Measures) -> str:
    return (f"{label:<9} {_pct(m.wer):>8} {m.errors:>7} {m.substitutions:>5} {m.deletions:>5} "
            f"{m.insertions:>5} {m.hits:>6}")


def _ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def format_evaluation(ev: Evaluation, never_fired_shown: int = 12) -> str:
    """The report ``cleaner eval`` prints."""
    lines = [f"normalisation: {ev.normalisation.describe()}"]
    header = f"{'':<9} {'WER':>8} {'errors':>7} {'sub':>5} {'del':>5} {'ins':>5} {'hits':>6}"
    blocks = [(f.hypothesis + " vs " + f.reference, f.raw, f.cleaned) for f in ev.files]
    if len(ev.files) > 1:
        blocks.append((f"total ({len(ev.files)} files)", ev.raw, ev.cleaned))
    for title, raw, cleaned in blocks:
        change = cleaned.wer - raw.wer
        lines += ["", f"{title} ({raw.reference_words} reference words)", header,
                  _measure_row("raw", raw), _measure_row("cleaned", cleaned),
                  f"{'change':<9} {100 * change:>+7.2f}  {cleaned.errors - raw.errors:>+6}"
                  "   (WER in points, errors in words)"]
    outcomes = ev.rules()
    lines += ["", "per rule (applied: right/wrong/neutral; flags: what applying the suggestion "
                  "would have done)"]
    if outcomes:
        lines.append(f"{'rule':<44} {'fired':>5} {'applied r/w/n':>14} {'precision':>9} "
                     f"{'flags r/w/n':>12} {'flag prec':>9}")
        for r in outcomes:
            a, f = r.applied, r.flagged
            lines.append(f"{r.rule:<44} {r.fired:>5} "
                         f"{a['right']:>6}/{a['wrong']}/{a['neutral']:<3} "
                         f"{_ratio(r.precision):>9} "
                         f"{f['right']:>6}/{f['wrong']}/{f['neutral']:<3} "
                         f"{_ratio(r.flag_precision):>9}")
    else:
        lines.append("(no rule fired)")
    never = ev.never_fired()
    shown = ", ".join(never[:never_fired_shown])
    more = f", ... ({len(never) - never_fired_shown} more with --json)" \
        if len(never) > never_fired_shown else ""
    lines += ["", f"never fired: {len(never)} of {len(ev.loaded_rules)} loaded rules"
                  + (f": {shown}{more}" if never else "")]
    return "\n".join(lines)
