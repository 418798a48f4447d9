"""File-level helpers shared by the CLI and library users: clean a file, write its outputs."""
from __future__ import annotations

from pathlib import Path

from .engine import Cleaner
from .errors import CleanerError
from .files import Source, read_source, write_atomic
from .model import Result
from .render import edits_json

FORMAT = "text"


def clean_file(cleaner: Cleaner, name: str, encoding: str = "utf-8") -> tuple[Source, Result]:
    """Read and clean one file (``"-"`` for stdin)."""
    source = read_source(name, encoding)
    return source, cleaner.clean(source.text)


def output_paths(source: Source, out_dir: Path) -> tuple[Path, Path, Path]:
    """``NAME.clean.EXT``, ``NAME.annotated.md`` and ``NAME.edits.json`` in ``out_dir``."""
    stem = source.stem
    return (out_dir / f"{stem}.clean{source.suffix}", out_dir / f"{stem}.annotated.md",
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


def write_outputs(source: Source, result: Result, out_dir: Path) -> tuple[Path, Path, Path]:
    """Write the three outputs of one input, each atomically."""
    cleaned, annotated, edits = output_paths(source, out_dir)
    name = "stdin" if source.name == "-" else Path(source.name).name
    for path in (cleaned, annotated, edits):
        if source.name != "-" and path.resolve() == Path(source.name).resolve():
            raise_same(path)
    write_atomic(cleaned, source.encode(result.cleaned))
    write_atomic(annotated, result.annotated().encode("utf-8"))
    write_atomic(edits, edits_json(name, FORMAT, source.raw, result.edits).encode("utf-8"))
    return cleaned, annotated, edits


def raise_same(path: Path) -> None:
    raise CleanerError("an output would overwrite the input; choose another --out-dir",
                       file=str(path))
