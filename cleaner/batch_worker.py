"""What a batch worker runs: the settings it is given, its Cleaner, and one file's work.

The settings carry the *contents* of every rule pack and glossary (the shipped packs
included), read once by the process that starts the batch. A worker builds its Cleaner from
those bytes, so a worker on another machine needs cleaner installed but not the pack files
at the same paths, and the settings hash recorded in the manifest is the hash of exactly
the rules the workers used. A worker builds its Cleaner once per settings (``worker_cleaner``
caches it); a forked pool worker inherits the one the parent built to validate the packs.

Nothing here imports spaCy at import time: a worker process pays for it when it builds.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from . import __version__
from .errors import CleanerError



@dataclass(frozen=True)
class Settings:
    """Everything that decides a file's outputs, apart from the file itself."""

    packs: tuple[tuple[str, bytes], ...]       # (path as given, contents); shipped first
    user_packs: int                            # how many of ``packs`` (at the end) are --rules
    glossaries: tuple[tuple[str, bytes], ...]  # (path as given, contents)
    style: str = "clean"
    auto_threshold: float = 0.8
    encoding: str = "utf-8"
    format: str | None = None
    flag_below: float | None = None
    disable: tuple[str, ...] = ()
    version: str = __version__

    def describe(self) -> dict[str, Any]:
        """The settings as JSON: file names and content hashes, then the option values."""
        return {
            "cleaner": self.version,
            "packs": [{"path": p, "sha256": _sha(b)} for p, b in self.packs],
            "glossaries": [{"path": g, "sha256": _sha(b)} for g, b in self.glossaries],
            "style": self.style, "auto_threshold": self.auto_threshold,
            "encoding": self.encoding, "format": self.format, "flag_below": self.flag_below,
            "disable": list(self.disable)}

    @property
    def key(self) -> str:
        """sha256 of what decides the outputs: pack and glossary contents (with their file
        names, which name a pack without ``pack:``), their order, and every option."""
        described = self.describe()
        for entry in (*described["packs"], *described["glossaries"]):
            entry["path"] = Path(entry["path"]).name
        blob = json.dumps(described, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise CleanerError(f"is a directory, not a {what}", file=str(path)) from None
    except OSError as exc:
        raise CleanerError(f"cannot read {what}: {exc.strerror or exc}", file=str(path)) from None


def read_settings(rules: Sequence[Path], default_rules: bool, glossaries: Sequence[Path], *,
                  style: str = "clean", auto_threshold: float = 0.8, encoding: str = "utf-8",
                  fmt: str | None = None, flag_below: float | None = None,
                  disable: Sequence[str] = ()) -> Settings:
    """Read every pack and glossary once (the shipped packs too when ``default_rules``)."""
    from .packs import shipped_pack_paths

    shipped = list(shipped_pack_paths()) if default_rules else []
    packs = tuple((str(p), _read(Path(p), "rule pack")) for p in [*shipped, *rules])
    terms = tuple((str(g), _read(Path(g), "glossary")) for g in glossaries)
    return Settings(packs, len(rules), terms, style, float(auto_threshold), encoding, fmt,
                    flag_below, tuple(disable))


def build_cleaner(settings: Settings, verify: bool = False) -> Any:
    """A Cleaner from the settings' pack and glossary contents.

    ``verify`` (the process starting the batch) also runs the examples of the user's packs,
    as ``cleaner clean`` does, and reads glossaries from their own paths so that an error
    names the user's file.
    """
    from .engine import Cleaner
    from .packs import parse_pack

    if settings.version != __version__:
        raise CleanerError(f"this worker has cleaner {__version__} but the batch was started "
                           f"with {settings.version}; install the same version everywhere")
    packs = []
    seen: dict[str, str] = {}
    for path, raw in settings.packs:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CleanerError("rule pack is not UTF-8 text", file=path) from None
        pack = parse_pack(text, path, default_name=Path(path).name.split(".")[0])
        if pack.name in seen:
            raise CleanerError(f"pack name '{pack.name}' is already used by {seen[pack.name]}",
                               file=path, key="pack")
        seen[pack.name] = path
        packs.append(pack)
    if verify and settings.user_packs:
        from .examples import verify_examples
        verify_examples(packs[len(packs) - settings.user_packs:])
    options = dict(style=settings.style, auto_threshold=settings.auto_threshold,
                   disable=settings.disable)
    if verify or not settings.glossaries:
        return Cleaner(packs, glossaries=[g for g, _ in settings.glossaries], **options)
    with tempfile.TemporaryDirectory(prefix="cleaner-glossaries-") as tmp:
        paths = []
        for n, (name, raw) in enumerate(settings.glossaries):
            path = Path(tmp, str(n), Path(name).name)  # the name's suffix says plain or YAML
            path.parent.mkdir()
            path.write_bytes(raw)
            paths.append(path)
        return Cleaner(packs, glossaries=paths, **options)


_CLEANERS: dict[str, Any] = {}


def worker_cleaner(settings: Settings, verify: bool = False, warm: bool = True) -> Any:
    """This process's Cleaner for ``settings``, built on first use (one kept at a time) and
    warmed up (``warm_up``) unless ``warm`` is false."""
    key = settings.key
    cleaner = _CLEANERS.get(key)
    if cleaner is None:
        cleaner = build_cleaner(settings, verify)
        _CLEANERS.clear()
        _CLEANERS[key] = cleaner
    if warm and not getattr(cleaner, "_batch_warm", False):
        warm_up(cleaner)
    return cleaner


WARM_UP = ("So we trained a neural network model with tensor flow and pie torch on the GPU "
           "cluster, um, yesterday. [inaudible] The data set was large .")


def warm_up(cleaner: Any) -> None:
    """Clean one short text with every topic on, so that what the engine loads on first use
    (the pronouncing dictionary, word frequencies, the glossary index) is loaded now: before
    a pool forks (the workers share it) rather than inside every worker's first file."""
    try:
        cleaner.clean(WARM_UP, topic=True)
        sounds = getattr(cleaner, "_sounds", None)
        if sounds is not None:  # whatever parts of the stage the warm-up text reached
            sounds.load()
    except Exception:  # a warm-up must never fail a batch; the first file will say why
        pass
    cleaner._batch_warm = True
    # What is loaded now lives as long as the process. Frozen, the garbage collector stops
    # walking its ~100,000 objects on every full collection (in a first pass over new text
    # those cost a fifth of the cleaning time), and forked workers stop copying the pages
    # it would touch (the use the gc.freeze documentation gives).
    gc.freeze()


@dataclass(frozen=True)
class Task:
    """One input file and where its outputs go."""

    path: str      # absolute: a worker may run in another folder (or on another machine)
    display: str   # as the user would write it, for messages
    rel: str       # posix path of the input under the output folder ("a/b/talk.srt")
    out_dir: str   # absolute folder of its outputs
    size: int


class _Counting:
    """A Cleaner stand-in that also counts the words inside the format's segments."""

    def __init__(self, cleaner: Any) -> None:
        self.cleaner = cleaner
        self.words = 0

    def __getattr__(self, name: str) -> Any:  # anything else is the Cleaner's
        return getattr(self.cleaner, name)

    def clean(self, text: str, segments: Any = None, topic: Any = None) -> Any:
        from .segments import line_segments

        spans = segments if segments is not None else line_segments(text)
        self.words += sum(len(text[s.start:s.end].split()) for s in spans)
        return self.cleaner.clean(text, segments=segments, topic=topic)


def run_task(task: Task, settings: Settings, cleaner: Any) -> dict[str, Any]:
    """Clean one file and write its three outputs (each atomically). Never raises for a
    file's problem: the result says ``failed`` with the reason."""
    from .api import clean_source, write_cleaned
    from .files import read_source

    started = time.perf_counter()
    out: dict[str, Any] = {"rel": task.rel, "input": task.display, "status": "failed"}
    try:
        try:
            source = read_source(task.path, settings.encoding)
        except CleanerError as exc:
            if exc.file != task.path:
                raise
            raise CleanerError(exc.detail, file=task.display, line=exc.line, rule=exc.rule,
                               key=exc.key) from None
        source = replace(source, name=task.display)
        counting = _Counting(cleaner)
        done = clean_source(counting, source, settings.format, settings.flag_below)
        folder = Path(task.out_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CleanerError(f"cannot create output folder: {exc.strerror or exc}",
                               file=str(folder)) from None
        paths = write_cleaned(done, folder)
        rules: dict[str, list[int]] = {}
        for e in done.result.edits:
            rules.setdefault(e.rule, [0, 0])[0 if e.action == "applied" else 1] += 1
        out.update(status="ok", format=done.format, sha256=_sha(source.raw),
                   words=counting.words, applied=len(done.result.applied),
                   flagged=len(done.result.flagged), rules=rules,
                   warnings=done.warnings(),
                   outputs={p.name: os.stat(p).st_size for p in paths})
    except CleanerError as exc:
        out["reason"] = str(exc)
    except MemoryError:
        out["reason"] = f"{task.display}: out of memory while cleaning it"
    except Exception as exc:  # a bug must not end the batch: report it with the file
        out["reason"] = f"{task.display}: internal error: {type(exc).__name__}: {exc}"
    out["seconds"] = round(time.perf_counter() - started, 4)
    return out


# -- the process pool -----------------------------------------------------------------------

_POOL: dict[str, Any] = {}


def init_pool_worker(settings: Settings, parent: int) -> None:
    """Process-pool initializer: die with the parent, leave Ctrl-C to it, build the Cleaner
    (a forked worker finds the parent's already built)."""
    import signal

    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool on Ctrl-C
    _POOL["settings"] = settings
    _POOL["cleaner"] = worker_cleaner(settings)  # forked: already built and warm


def pool_task(task: Task) -> dict[str, Any]:
    return run_task(task, _POOL["settings"], _POOL["cleaner"])


def dask_task(task: Task, settings: Settings) -> dict[str, Any]:
    """The function Dask workers run: the Cleaner is built once per worker process."""
    try:
        cleaner = worker_cleaner(settings)
    except CleanerError as exc:
        return {"rel": task.rel, "input": task.display, "status": "failed",
                "reason": f"{task.display}: worker cannot build its cleaner: {exc}",
                "seconds": 0.0}
    return run_task(task, settings, cleaner)


def _die_with_parent(parent: int) -> None:
    """A worker whose parent is killed (kill -9) must not go on writing outputs."""
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="cleaner-parent-watch", daemon=True).start()
