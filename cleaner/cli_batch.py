"""``cleaner batch``: a thin Typer command over ``batch.py``. Registered in ``cli.py``.

Nothing heavy is imported here (the library is imported inside the command), so
``cleaner --help`` stays fast.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import cli_options as opts


class _Engine(str, Enum):
    pool = "pool"
    dask = "dask"


def batch(
    inputs: List[str] = typer.Argument(
        ..., metavar="INPUT",
        help="Transcript files, folders (searched recursively for *.txt *.md *.srt *.vtt "
             "*.json, leaving out cleaner's own outputs and *.reference.*) and glob patterns "
             "such as 'talks/**/*.srt' (quoted, so that cleaner expands them)."),
    out_dir: Optional[Path] = typer.Option(
        None, "--out-dir", "-o", metavar="DIR",
        help="Where the outputs go, mirroring the input tree: in/a/b/talk.srt writes "
             "DIR/a/b/talk.clean.srt, talk.annotated.md and talk.edits.json."),
    rules: List[Path] = opts.RULES,
    no_default_rules: Optional[bool] = opts.NO_DEFAULT,
    glossary: List[Path] = opts.GLOSSARY,
    style: Optional[opts.Style] = opts.STYLE,
    auto_threshold: Optional[float] = opts.THRESHOLD,
    encoding: Optional[str] = opts.ENCODING,
    input_format: Optional[str] = opts.FORMAT,
    flag_below: Optional[float] = opts.FLAG_BELOW,
    disable: List[str] = opts.DISABLE,
    enable: List[str] = opts.ENABLE,
    no_config: bool = opts.NO_CONFIG,
    jobs: Optional[int] = typer.Option(
        None, "--jobs", "-j", metavar="N",
        help="Worker processes (default: the number of CPUs); with --engine dask and no "
             "--scheduler, the local cluster's workers."),
    engine: _Engine = typer.Option(
        _Engine.pool, "--engine",
        help="pool: local worker processes; dask: a Dask cluster (pip install "
             "'cleaner[cluster]').",
    ),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", metavar="ADDRESS",
        help="With --engine dask: a running scheduler, e.g. tcp://10.0.0.5:8786 (default: a "
             "local cluster on 127.0.0.1)."),
    force: bool = typer.Option(False, "--force",
                               help="Clean every file again, even those up to date."),
    report: Optional[Path] = typer.Option(
        None, "--report", metavar="FILE",
        help="Write a JSON report: totals, one record per file, per-rule counts."),
    quiet: bool = typer.Option(False, "--quiet", "-q",
                               help="No progress and no summary; failures are still listed."),
) -> None:
    """Clean many transcripts in parallel: resumable, incremental, with a summary.

    Each input's outputs are written atomically; DIR/.cleaner-manifest.json records what was
    cleaned with which rules, so a re-run skips the files that are up to date and an
    interrupted run picks up where it stopped. Exit 0 when every file is done, 1 when some
    failed (they are listed; the rest are done), 2 for bad usage or bad rules.

    Example: cleaner batch archive/ --out-dir cleaned/ --jobs 4 --report summary.json
    """
    from .cli import _guarded
    from .errors import CleanerError

    def run() -> int:
        from .batch import BatchOptions, run_batch

        if out_dir is None:
            raise CleanerError("batch needs --out-dir DIR", key="out-dir")
        # the first input's configuration applies to the whole batch
        settings = opts.engine_settings(
            inputs, no_config, rules=rules, no_default_rules=no_default_rules,
            glossary=glossary, style=style, auto_threshold=auto_threshold, encoding=encoding,
            disable=disable, enable=enable)
        return run_batch(BatchOptions(
            inputs=list(inputs), out_dir=out_dir, rules=[Path(r) for r in settings["rules"]],
            default_rules=settings["default_rules"],
            glossaries=[Path(g) for g in settings["glossary"]], style=settings["style"],
            auto_threshold=settings["auto_threshold"], encoding=settings["encoding"],
            fmt=input_format, flag_below=flag_below, disable=list(settings["disable"]),
            jobs=jobs,
            engine=engine.value, scheduler=scheduler, force=force, report=report,
            quiet=quiet))

    _guarded(run)
