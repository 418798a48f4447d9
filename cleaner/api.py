"""File-level helpers shared by the CLI and library users: clean a file, write its outputs.

``clean_path`` reads a file, picks its format (``cleaner.formats``), cleans only the
format's segments, and returns the result with the format's name and any notes about
tolerated malformations. Edits keep offsets into the whole decoded file, so the cleaned
file is ``apply_edits(text, applied)``: everything outside the segments is kept as it is.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import formats
from .engine import Cleaner
from .errors import CleanerError
from .files import Source, read_source, write_atomic
from .formats import Document, Note
from .model import Edit, Result
from .render import apply_edits, edits_json

FORMAT = "text"  # the format of plain text, kept for callers of the earlier API
LOW_PROBABILITY = "whisper.low-probability"


@dataclass
class Cleaned:
    """One cleaned input: the source, the format it was read as, the result, the notes."""

    source: Source
    format: str
    result: Result
    notes: list[Note] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """The notes as ``FILE[:LINE]: message`` lines."""
        name = display_name(self.source.name)
        return [f"{name}{f':{n.line}' if n.line else ''}: {n.message}" for n in self.notes]


def display_name(name: str) -> str:
    return "stdin" if name == "-" else name


def clean_path(cleaner: Cleaner, name: str, encoding: str = "utf-8", fmt: str | None = None,
               flag_below: float | None = None) -> Cleaned:
    """Read and clean one file (``"-"`` for stdin) as ``fmt`` (default: detected)."""
    return clean_source(cleaner, read_source(name, encoding), fmt, flag_below)


def clean_source(cleaner: Cleaner, source: Source, fmt: str | None = None,
                 flag_below: float | None = None) -> Cleaned:
    """Clean a decoded source; ``flag_below`` flags Whisper words less probable than it."""
    name = display_name(source.name)
    doc = formats.read(name, source.text, fmt)
    text = source.text
    result = cleaner.clean(text, segments=doc.segments)
    notes = list(doc.notes)
    edits = result.edits
    if doc.format != "text":
        edits = inside_segments(text, edits, doc, notes)
    edits = _escaped(text, edits, doc, name)
    edits = no_blank_lines(text, edits, doc, notes)
    if flag_below is not None:
        edits = _with_probabilities(text, edits, doc, flag_below, notes)
    edits = edits + mirrored(text, edits, doc, notes)
    edits = [replace(e, id=f"e{n}") for n, e in
             enumerate(sorted(edits, key=lambda e: (e.start, e.end)), 1)]
    return Cleaned(source, doc.format, Result(text, edits), notes)


def clean_file(cleaner: Cleaner, name: str, encoding: str = "utf-8") -> tuple[Source, Result]:
    """Read and clean one file in its detected format (see ``clean_path`` for more)."""
    cleaned = clean_path(cleaner, name, encoding)
    return cleaned.source, cleaned.result


def inside_segments(text: str, edits: list[Edit], doc: Document,
                     notes: list[Note]) -> list[Edit]:
    """Drop (with a note) any edit that would reach outside the text of one segment: the
    format's structure (timings, tags, JSON) is never touched."""
    starts = [s.start for s in doc.segments]
    kept = []
    for e in edits:
        k = bisect_right(starts, e.start) - 1
        if k >= 0 and doc.segments[k].end >= e.end:
            kept.append(e)
        else:
            notes.append(Note(text.count("\n", 0, e.start) + 1,
                              f"rule {e.rule}: an edit of '{e.original}' reaches outside the "
                              f"{doc.format} text; left out"))
    return kept


def no_blank_lines(text: str, edits: list[Edit], doc: Document,
                    notes: list[Note]) -> list[Edit]:
    """Flag instead of apply the edits that would blank a cue line (``um,`` alone on one):
    a blank line would end the cue there."""
    if not doc.solid_lines:
        return edits
    starts = [a for a, _ in doc.solid_lines]
    by_line: dict[int, list[int]] = {}
    for k, e in enumerate(edits):
        n = bisect_right(starts, e.start) - 1
        if e.action == "applied" and n >= 0 and e.end <= doc.solid_lines[n][1]:
            by_line.setdefault(n, []).append(k)
    held: set[int] = set()
    for n, ks in by_line.items():
        a, b = doc.solid_lines[n]
        line = apply_edits(text[a:b], [replace(edits[k], start=edits[k].start - a,
                                               end=edits[k].end - a) for k in ks])
        if not line.strip():
            held.update(ks)
            notes.append(Note(text.count("\n", 0, a) + 1, "a cue line would be left blank, "
                              "which ends the cue; its edits are flagged, not applied"))
    return [replace(e, action="flagged") if k in held else e for k, e in enumerate(edits)]


def _escaped(text: str, edits: list[Edit], doc: Document, name: str) -> list[Edit]:
    """Write replacements the way the format needs (JSON escapes, VTT references)."""
    out = []
    for e in edits:
        if e.replacement == e.original:
            out.append(e)
            continue
        try:
            written = doc.escape(e.replacement)
        except ValueError as exc:
            raise CleanerError(f"its replacement {e.replacement!r} cannot be written into "
                               f"{doc.format}: {exc}", file=name,
                               line=text.count("\n", 0, e.start) + 1, rule=e.rule) from None
        out.append(e if written == e.replacement else replace(e, replacement=written))
    return out


def mirrored(text: str, edits: list[Edit], doc: Document, notes: list[Note]) -> list[Edit]:
    """Copies of applied segment edits at the same words of Whisper's top-level text."""
    if not doc.mirrors:
        return []
    starts = [m.start for m in doc.mirrors]
    copies = []
    for e in edits:
        if e.action != "applied":
            continue
        k = bisect_right(starts, e.start) - 1
        m = doc.mirrors[k] if k >= 0 else None
        if m is None or e.start > m.end:
            continue  # a segment the top-level text does not repeat (noted when read)
        if e.end > m.end:
            notes.append(Note(None, f"rule {e.rule}: the correction of '{e.original}' is not "
                                    "copied to the top-level text (it reaches past the words "
                                    "the two share)"))
            continue
        at = m.copy + e.start - m.start
        copy = replace(e, start=at, end=at + e.end - e.start)
        assert text[copy.start:copy.end] == e.original
        copies.append(copy)
    return copies


def _with_probabilities(text: str, edits: list[Edit], doc: Document, threshold: float,
                        notes: list[Note]) -> list[Edit]:
    """Use Whisper's word probabilities: an edit over a word the recogniser was unsure of
    says so in its message; an unsure word no edit covers is flagged for review."""
    if not doc.has_probabilities:
        notes.append(Note(None, f"--flag-below: no word probabilities in this {doc.format} "
                                "input (Whisper JSON with words[]); nothing flagged"))
        return edits
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    ends = [e.end for e in edits]
    lowest: dict[int, float] = {}
    flags = []
    for w in doc.words:
        if w.probability >= threshold:
            continue
        word = text[w.start:w.end]
        if not any(c.isalnum() for c in word):
            continue
        covering = []
        k = bisect_right(ends, w.start)  # edits never overlap: sorted by start and by end
        while k < len(edits) and edits[k].start < w.end:
            covering.append(k)
            k += 1
        if covering:
            for k in covering:
                lowest[k] = min(lowest.get(k, 1.0), w.probability)
            continue
        flags.append(Edit(w.start, w.end, word, word, "flagged", round(1 - w.probability, 3),
                          LOW_PROBABILITY, "custom", f"the recogniser was unsure of this word "
                          f"(probability {w.probability:.2f}); listen to the audio"))
    marked = [replace(e, message=f"{e.message} (recogniser probability {lowest[k]:.2f})")
              if k in lowest else e for k, e in enumerate(edits)]
    return marked + flags


def output_paths(source: Source, out_dir: Path,
                 fmt: str | None = None) -> tuple[Path, Path, Path]:
    """``NAME.clean.EXT``, ``NAME.annotated.md`` and ``NAME.edits.json`` in ``out_dir``.

    ``EXT`` is the input's; stdin's is the format's usual one (``.srt``, ``.json``...).
    """
    stem = source.stem
    suffix = source.suffix
    if source.name == "-" and fmt is not None:
        suffix = formats.EXTENSIONS.get(fmt, suffix)
    return (out_dir / f"{stem}.clean{suffix}", out_dir / f"{stem}.annotated.md",
            out_dir / f"{stem}.edits.json")


def check_distinct_outputs(names: list[str]) -> None:
    """Refuse inputs that would write the same output names (a/talk.txt, b/talk.txt)."""
    seen: dict[str, str] = {}
    for name in names:
        stem = "stdin" if name == "-" else Path(name).name.rsplit(".", 1)[0]
        if stem in seen:
            raise CleanerError(f"{seen[stem]} and {name} would write the same outputs "
                               f"({stem}.*); clean them into different --out-dir folders",
                               file=name)
        seen[stem] = name


def write_outputs(source: Source, result: Result, out_dir: Path,
                  fmt: str | None = None) -> tuple[Path, Path, Path]:
    """Write the three outputs of one input, each atomically. ``fmt`` is the format the
    input was read as (default: detected again from its name and content)."""
    fmt = fmt or formats.detect(source.name, source.text)
    cleaned, annotated, edits = output_paths(source, out_dir, fmt)
    name = "stdin" if source.name == "-" else Path(source.name).name
    for path in (cleaned, annotated, edits):
        if source.name != "-" and path.resolve() == Path(source.name).resolve():
            raise_same(path)
    write_atomic(cleaned, source.encode(result.cleaned))
    write_atomic(annotated, result.annotated().encode("utf-8"))
    write_atomic(edits, edits_json(name, fmt, source.raw, result.edits).encode("utf-8"))
    return cleaned, annotated, edits


def write_cleaned(cleaned: Cleaned, out_dir: Path) -> tuple[Path, Path, Path]:
    """Write the outputs of a ``clean_path`` result."""
    return write_outputs(cleaned.source, cleaned.result, out_dir, cleaned.format)


def raise_same(path: Path) -> None:
    raise CleanerError("an output would overwrite the input; choose another --out-dir",
                       file=str(path))
