"""What a batch tells: progress while it runs, a summary at the end, the JSON report.

Everything goes to stderr: a rich progress bar (files, words, words/s, ETA) when stderr is
a terminal, one plain line per file otherwise (logs, CI), nothing with ``--quiet`` but the
failures. Figures are tallied as results stream in; per-file records are kept only when a
``--report`` was asked for.
"""
from __future__ import annotations

import heapq
import json
import sys
import time
from pathlib import Path
from typing import Any

from . import __version__
from .files import write_atomic

TOP_RULES = 10
SLOWEST = 5


class Tally:
    def __init__(self, keep_files: bool) -> None:
        self.ok = self.failed = self.skipped = 0
        self.words = self.applied = self.flagged = 0
        self.cleaning_seconds = 0.0
        self.rules: dict[str, list[int]] = {}  # rule -> [applied, flagged, files]
        self.slowest: list[tuple[float, str, int]] = []
        self.failures: list[tuple[str, str]] = []
        self.files: list[dict[str, Any]] | None = [] if keep_files else None

    def add(self, result: dict[str, Any]) -> None:
        status = result["status"]
        if status == "ok":
            self.ok += 1
            self.words += result["words"]
            self.applied += result["applied"]
            self.flagged += result["flagged"]
            self.cleaning_seconds += result["seconds"]
            for rule, (applied, flagged) in result["rules"].items():
                row = self.rules.setdefault(rule, [0, 0, 0])
                row[0] += applied
                row[1] += flagged
                row[2] += 1
            item = (result["seconds"], result["input"], result["words"])
            if len(self.slowest) < SLOWEST:
                heapq.heappush(self.slowest, item)
            else:
                heapq.heappushpop(self.slowest, item)
        elif status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append((result["input"], result["reason"]))
        if self.files is not None:
            self.files.append({k: result.get(k) for k in (
                "input", "rel", "status", "format", "words", "applied", "flagged", "seconds",
                "reason", "warnings") if result.get(k) not in (None, [])})

    def top_rules(self, n: int | None = TOP_RULES) -> list[tuple[str, list[int]]]:
        rows = sorted(self.rules.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
        return rows[:n] if n else rows


class Display:
    """Progress on stderr: a bar on a terminal, plain lines elsewhere, or nothing."""

    def __init__(self, quiet: bool, total_files: int, total_bytes: int) -> None:
        self.quiet = quiet
        self.total_files, self.total_bytes = total_files, total_bytes
        self.done = self.words = 0
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty() and not quiet
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Display:
        if self.tty and self.total_files:
            from rich.console import Console
            from rich.progress import (BarColumn, Progress, TaskProgressColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self._progress = Progress(
                TextColumn("cleaning"), BarColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[done]}/{task.fields[files]} files"),
                TextColumn("{task.fields[words]:,} words"),
                TextColumn("{task.fields[rate]:,.0f} words/s"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=False)
            self._task = self._progress.add_task(
                "batch", total=max(1, self.total_bytes), done=0, files=self.total_files,
                words=0, rate=0.0)
            self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()

    def _print(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def say(self, line: str) -> None:
        if not self.quiet:
            self._print(line)

    def advance(self, result: dict[str, Any], size: int) -> None:
        self.done += 1
        self.words += result.get("words", 0) or 0
        where = f"cleaner: [{self.done}/{self.total_files}]"
        if result["status"] == "failed":
            self.say(f"{where} FAILED {result['reason']}")  # --quiet: listed at the end
        elif self._progress is None:
            self.say(f"{where} {result['input']} ({result['format']}): {result['words']:,} "
                     f"words, {result['applied']} applied, {result['flagged']} flagged, "
                     f"{result['seconds']:.2f} s")
        for warning in result.get("warnings") or ():
            self.say(f"cleaner: warning: {warning}")
        if self._progress is not None:
            elapsed = max(1e-9, time.monotonic() - self.started)
            self._progress.update(self._task, advance=size, done=self.done, words=self.words,
                                  rate=self.words / elapsed)


def print_summary(tally: Tally, seconds: float, out_dir: Path, quiet: bool) -> None:
    """The end-of-run table on stderr; the failed files are listed even with --quiet."""
    if not quiet:
        from rich import box
        from rich.console import Console
        from rich.table import Table

        console = Console(stderr=True, highlight=False,
                          width=None if sys.stderr.isatty() else 100)
        rate = tally.words / tally.cleaning_seconds if tally.cleaning_seconds else 0.0
        table = Table(title=f"cleaner batch -> {out_dir}", box=box.SIMPLE, show_header=False)
        table.add_column("what")
        table.add_column("figure", justify="right")
        for what, figure in (
                ("files ok", f"{tally.ok:,}"), ("files failed", f"{tally.failed:,}"),
                ("files skipped (up to date)", f"{tally.skipped:,}"),
                ("words cleaned", f"{tally.words:,}"),
                ("edits applied", f"{tally.applied:,}"), ("edits flagged", f"{tally.flagged:,}"),
                ("wall time", f"{seconds:.1f} s"),
                ("words/s per worker", f"{rate:,.0f}"),
                ("words/s overall", f"{tally.words / seconds:,.0f}" if seconds else "-")):
            table.add_row(what, figure)
        console.print(table)
        if tally.rules:
            rules = Table(title="top rules", box=box.SIMPLE)
            for col in ("rule", "applied", "flagged", "files"):
                rules.add_column(col, justify="left" if col == "rule" else "right")
            for rule, (applied, flagged, files) in tally.top_rules():
                rules.add_row(rule, f"{applied:,}", f"{flagged:,}", f"{files:,}")
            console.print(rules)
        if tally.slowest:
            slow = Table(title="slowest files", box=box.SIMPLE)
            for col in ("file", "seconds", "words"):
                slow.add_column(col, justify="left" if col == "file" else "right",
                                overflow="fold")
            for secs, name, words in sorted(tally.slowest, reverse=True):
                slow.add_row(name, f"{secs:.2f}", f"{words:,}")
            console.print(slow)
    for name, reason in tally.failures:
        print(f"cleaner: failed: {reason}", file=sys.stderr)
    if tally.failures:
        print(f"cleaner: {len(tally.failures)} of {tally.ok + tally.failed + tally.skipped} "
              "files failed", file=sys.stderr)


def write_report(path: Path, tally: Tally, seconds: float, meta: dict[str, Any]) -> None:
    """``--report FILE``: totals, one record per file, one per rule (JSON, atomic)."""
    doc = {
        "cleaner": __version__, **meta, "seconds": round(seconds, 3),
        "totals": {"files": tally.ok + tally.failed + tally.skipped, "ok": tally.ok,
                   "failed": tally.failed, "skipped": tally.skipped, "words": tally.words,
                   "applied": tally.applied, "flagged": tally.flagged,
                   "cleaning_seconds": round(tally.cleaning_seconds, 3)},
        "failed": [{"input": n, "reason": r} for n, r in tally.failures],
        "files": sorted(tally.files or [], key=lambda f: f["rel"]),
        "rules": [{"rule": rule, "applied": a, "flagged": f, "files": n}
                  for rule, (a, f, n) in tally.top_rules(None)],
    }
    write_atomic(path, (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))

