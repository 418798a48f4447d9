"""Batch processing: many transcripts, in parallel, resumable, with progress and a summary.

``run_batch(BatchOptions(...))`` is what ``cleaner batch`` calls:

1. find the inputs (``batch_discover``: files, folders recursively, globs) and check every
   option, pack and glossary: a mistake there is exit 2 before anything is written;
2. lock the output folder, read its manifest (``batch_manifest``) and skip the files whose
   input bytes, settings and outputs are unchanged (``force`` cleans them all again);
3. clean the rest on a process pool or a Dask cluster (``batch_engines``); each worker has
   one Cleaner, each file's three outputs are written atomically where the input's path
   puts them, and the manifest records each file once its outputs are in place;
4. report: progress while running, a summary table and ``--report`` JSON at the end
   (``batch_report``). Exit 0, or 1 when any file failed (the others are done).

A file is never split across workers: the engine judges a document's topic, ``near``
windows of ``scope: document`` rules and the transcript's own repeated phrases over the
whole file, so cleaning parts separately could change the outputs. Files are taken largest
first instead, so one big file does not end the run alone.
"""
from __future__ import annotations

import codecs
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from .batch_discover import discover
from .batch_manifest import Manifest, file_sha256
from .batch_report import Display, Tally, print_summary, write_report
from .batch_worker import Settings, Task, read_settings, worker_cleaner
from .errors import CleanerError

ENGINES = ("pool", "dask")


@dataclass
class BatchOptions:
    inputs: list[str]
    out_dir: Path
    rules: list[Path] = field(default_factory=list)
    default_rules: bool = True
    glossaries: list[Path] = field(default_factory=list)
    style: str = "clean"
    auto_threshold: float = 0.8
    encoding: str = "utf-8"
    fmt: str | None = None
    flag_below: float | None = None
    disable: list[str] = field(default_factory=list)
    jobs: int | None = None          # default: os.cpu_count()
    engine: str = "pool"
    scheduler: str | None = None     # a Dask scheduler's address (engine "dask")
    force: bool = False
    report: Path | None = None
    quiet: bool = False


def check_options(opts: BatchOptions) -> int:
    """Raise ``CleanerError`` for a bad option; return the number of jobs."""
    from .formats import FORMATS

    if opts.fmt is not None and opts.fmt not in FORMATS:
        raise CleanerError(f"unknown format '{opts.fmt}' (choose from {', '.join(FORMATS)})",
                           key="format")
    try:
        codecs.lookup(opts.encoding)
    except LookupError:
        raise CleanerError(f"unknown encoding '{opts.encoding}'", key="encoding") from None
    if opts.engine not in ENGINES:
        raise CleanerError(f"unknown engine '{opts.engine}' (choose from {', '.join(ENGINES)})",
                           key="engine")
    if opts.scheduler and opts.engine != "dask":
        raise CleanerError("--scheduler goes with --engine dask", key="scheduler")
    jobs = opts.jobs if opts.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise CleanerError("must be at least 1", key="jobs")
    if opts.report is not None:
        folder = opts.report.parent
        if not folder.is_dir():
            raise CleanerError("the report's folder does not exist", file=str(opts.report))
        if opts.report.is_dir():
            raise CleanerError("is a folder; give a file name for the report",
                               file=str(opts.report))
    return jobs


def prepare(opts: BatchOptions) -> tuple[int, Settings, list[Task], list[dict[str, str]]]:
    """Everything that can fail as bad usage, before the first output is written."""
    from .files import prepare_out_dir

    jobs = check_options(opts)
    if opts.out_dir.exists() and not opts.out_dir.is_dir():
        raise CleanerError("--out-dir exists and is not a folder", file=str(opts.out_dir))
    tasks, refused = discover(opts.inputs, opts.out_dir)
    settings = read_settings(opts.rules, opts.default_rules, opts.glossaries, style=opts.style,
                             auto_threshold=opts.auto_threshold, encoding=opts.encoding,
                             fmt=opts.fmt, flag_below=opts.flag_below, disable=opts.disable)
    worker_cleaner(settings, verify=True, warm=False)  # bad packs, glossaries: exit 2 here
    prepare_out_dir(opts.out_dir)
    return jobs, settings, tasks, refused


def run_batch(opts: BatchOptions) -> int:
    """Run a batch; 0 when every file is cleaned or up to date, 1 when any failed."""
    started = time.monotonic()
    jobs, settings, tasks, refused = prepare(opts)
    manifest = Manifest(opts.out_dir)
    manifest.open()
    try:
        return _run(opts, jobs, settings, tasks, refused, manifest, started)
    finally:
        manifest.close()


def _run(opts: BatchOptions, jobs: int, settings: Settings, tasks: list[Task],
         refused: list[dict[str, str]], manifest: Manifest, started: float) -> int:
    key = settings.key
    manifest.sweep_temporaries()
    manifest.settings = {"sha256": key, **settings.describe()}
    tally = Tally(keep_files=opts.report is not None)
    if manifest.warning and not opts.quiet:
        print(f"cleaner: warning: {manifest.warning}", flush=True, file=_stderr())
    todo = []
    for task in tasks:
        entry = None if opts.force else manifest.up_to_date(task.rel, file_sha256(task.path), key)
        if entry is None:
            todo.append(task)
        else:
            tally.add({"rel": task.rel, "input": task.display, "status": "skipped",
                       **{k: entry.get(k) for k in ("format", "words", "applied", "flagged")}})
    meta = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "out_dir": str(opts.out_dir), "engine": opts.engine, "jobs": jobs,
            "settings": manifest.settings}
    prepared = time.monotonic()
    display = Display(opts.quiet, len(todo) + len(refused), sum(t.size for t in todo))
    workers = min(jobs, len(todo))
    display.say(f"cleaner: {len(todo)} of {len(tasks) + len(refused)} files to clean "
                f"({tally.skipped} up to date, skipped) into {opts.out_dir}"
                + (f" with {workers} worker process{'es' if workers > 1 else ''}"
                   if opts.engine == "pool" and todo else " on Dask" if todo else ""))
    previous = _sigterm_as_interrupt()
    ready = prepared
    try:  # on Ctrl-C or kill (SIGTERM) the engine's exit stops the workers at once
        with _engine(opts, settings, jobs, todo) as engine, display:
            ready = time.monotonic()
            for item in refused:
                result = {**item, "status": "failed"}
                tally.add(result)
                display.advance(result, 0)
            sizes = {t.rel: t.size for t in todo}
            for result in engine.run(todo):
                tally.add(result)
                display.advance(result, sizes.pop(result["rel"], 0))
                if result["status"] == "ok":
                    manifest.record(result, key)
                else:
                    manifest.forget(result["rel"])
                manifest.maybe_flush()
    finally:
        _restore_sigterm(previous)
        manifest.flush()
    seconds = time.monotonic() - started
    # start-up (options, packs, Cleaner, discovery, hashing); the engine's start (the
    # warm-up, which loads the tables the first file would, and the workers' start); then
    # the first file to the last
    meta["phases"] = {"prepare_seconds": round(prepared - started, 3),
                      "start_seconds": round(ready - prepared, 3),
                      "clean_seconds": round(time.monotonic() - ready, 3)}
    print_summary(tally, seconds, opts.out_dir, opts.quiet)
    if opts.report is not None:
        write_report(opts.report, tally, seconds, meta)
    return 1 if tally.failed else 0


def _engine(opts: BatchOptions, settings: Settings, jobs: int, todo: list[Task]) -> Any:
    if not todo:
        return _NoWork()
    if opts.engine == "dask":
        from .batch_engines import DaskEngine

        return DaskEngine(settings, jobs, opts.scheduler)
    from .batch_engines import PoolEngine

    worker_cleaner(settings)  # warm up once, before the pool forks: the workers share it
    return PoolEngine(settings, min(jobs, len(todo)))


class _NoWork:
    """The engine of a run with nothing to clean: no pool, no cluster."""

    def __enter__(self) -> _NoWork:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def run(self, tasks: list[Task]) -> Iterator[dict[str, Any]]:
        return iter(())


def _sigterm_as_interrupt() -> Any:
    """``kill`` (SIGTERM) stops a batch the way Ctrl-C does: workers stopped, manifest saved."""
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave SIGTERM alone
        return signal.getsignal(signal.SIGTERM)


def _restore_sigterm(previous: Any) -> None:
    try:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
    except ValueError:
        pass


def _stderr() -> Any:
    import sys

    return sys.stderr
