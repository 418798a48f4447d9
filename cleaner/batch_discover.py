"""Finding a batch's inputs: files, folders (recursively) and glob patterns.

The output tree mirrors the input tree: a file found under folder ``in/`` at ``a/b/talk.srt``
writes ``OUT/a/b/talk.clean.srt``; a file named on the command line writes at the top of
``OUT``; a glob's matches are placed relative to the pattern's folder part (``in/**/*.srt``:
relative to ``in``).
"""
from __future__ import annotations

import glob
import os
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterator

from .batch_worker import Task
from .errors import CleanerError

SUPPORTED = (".txt", ".md", ".srt", ".vtt", ".webvtt", ".json")
# cleaner's own outputs, and reference transcripts (`cleaner eval` pairs them), are not inputs
OWN_OUTPUTS = ("*.clean.*", "*.annotated.md", "*.edits.json", "*.reference.*")
_MAGIC = re.compile(r"[*?[]")


def wanted(name: str) -> bool:
    """Is a file met in a folder or by a glob a transcript to clean?

    >>> [wanted(n) for n in ("talk.srt", "talk.clean.srt", "talk.edits.json", "x.yaml")]
    [True, False, False, False]
    """
    low = name.lower()
    if low.startswith(".") or not low.endswith(SUPPORTED):
        return False
    return not any(fnmatchcase(low, p) for p in OWN_OUTPUTS)


def stem(name: str) -> str:
    """The NAME of NAME.EXT that output files are named after (as ``files.Source.stem``)."""
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def discover(inputs: list[str], out_dir: Path) -> tuple[list[Task], list[dict[str, str]]]:
    """The tasks, sorted by output path, and the inputs refused before cleaning (two inputs
    that would write the same outputs: the first in path order is kept).

    Raises ``CleanerError`` (bad usage) when an input does not exist or nothing is found.
    """
    out_root = out_dir.resolve()
    found: dict[str, tuple[str, str]] = {}  # absolute path -> (display, rel); first wins
    for arg in inputs:
        if arg == "-":
            raise CleanerError("batch reads files, not standard input; use `cleaner clean -`",
                               key="INPUT")
        for display, rel in _expand(arg, out_root):
            found.setdefault(os.path.abspath(display), (display, rel))
    if not found:
        raise CleanerError(f"no transcripts found in {', '.join(inputs)} (looked for "
                           f"{' '.join('*' + s for s in SUPPORTED)})", key="INPUT")
    tasks, refused = [], []
    owners: dict[tuple[str, str], str] = {}
    for path, (display, rel) in sorted(found.items(), key=lambda kv: kv[1][1]):
        parent, name = rel.rpartition("/")[::2]
        key = (parent, stem(name))
        if key in owners:
            refused.append({"input": display, "rel": rel, "reason":
                            f"{display}: would write the same outputs as {owners[key]} "
                            f"({stem(name)}.annotated.md, {stem(name)}.edits.json); rename one"})
            continue
        owners[key] = display
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0  # reading it will say what is wrong
        tasks.append(Task(path, display, rel, str(out_root.joinpath(*rel.split("/")[:-1])),
                          size))
    return tasks, refused


def _expand(arg: str, out_root: Path) -> Iterator[tuple[str, str]]:
    path = Path(arg)
    if path.is_dir():
        yield from _walk(arg, out_root)
    elif path.exists():
        if path.resolve().is_relative_to(out_root) and not wanted(path.name):
            return  # one of our own outputs, met through a shell glob: not an input
        yield arg, path.name
    elif _MAGIC.search(arg):
        parts = path.parts
        k = next(i for i, p in enumerate(parts) if _MAGIC.search(p))
        base = str(Path(*parts[:k])) if k else "."
        matches = sorted(glob.glob(arg, recursive=True))
        if not matches:
            raise CleanerError("no file matches this pattern", file=arg)
        for match in matches:
            if os.path.isdir(match):
                for display, rel in _walk(match, out_root):
                    yield display, Path(os.path.relpath(display, base)).as_posix()
            elif wanted(os.path.basename(match)) and not _inside(match, out_root):
                yield match, Path(os.path.relpath(match, base)).as_posix()
    else:
        raise CleanerError("no such file or folder", file=arg)


def _inside(path: str, root: Path) -> bool:
    return Path(path).resolve().is_relative_to(root)


def _walk(top: str, out_root: Path) -> Iterator[tuple[str, str]]:
    """Transcripts under ``top``, recursively: not hidden folders or files, not the output
    folder when it lies inside ``top``."""
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and Path(folder, d).resolve() != out_root)
        for name in sorted(files):
            if wanted(name):
                display = os.path.join(folder, name)
                yield display, Path(os.path.relpath(display, top)).as_posix()
