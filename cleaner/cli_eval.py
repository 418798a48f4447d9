"""``cleaner eval`` and ``cleaner rules report``: thin Typer commands over ``evaluate.py``.

Registered in ``cli.py``. Heavy imports (spaCy, jiwer) happen inside the commands, so
``cleaner --help`` stays fast.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List, Optional

import typer

from . import cli_options as opts


def _cleaner(inputs: List[str], no_config: bool, **options: Any) -> Any:
    """A cleaner from configuration, environment and these options (as ``clean`` does)."""
    from .engine import Cleaner

    settings = opts.engine_settings(inputs, no_config, **options)
    return Cleaner.from_settings(settings), settings["encoding"]


def eval_command(
    hypothesis: str = typer.Argument(..., metavar="HYP",
                                     help="The machine transcript, or a folder of them."),
    reference: str = typer.Option(..., "--reference", "--ref", metavar="REF",
                                  help="The correct transcript (same format), or a folder of "
                                       "them paired by name (talk.asr.txt with talk.txt or "
                                       "talk.reference.txt)."),
    rules: List[Path] = opts.RULES,
    no_default_rules: Optional[bool] = opts.NO_DEFAULT,
    glossary: List[Path] = opts.GLOSSARY,
    style: Optional[opts.Style] = opts.STYLE,
    auto_threshold: Optional[float] = opts.THRESHOLD,
    encoding: Optional[str] = opts.ENCODING,
    disable: List[str] = opts.DISABLE,
    no_config: bool = opts.NO_CONFIG,
    keep_case: bool = typer.Option(False, "--keep-case",
                                   help="Count case differences (default: lower-case both)."),
    keep_punctuation: bool = typer.Option(
        False, "--keep-punctuation",
        help="Count punctuation marks as words (default: remove punctuation)."),
    keep_fillers: bool = typer.Option(False, "--keep-fillers",
                                      help="Count um, uh, er, erm, hmm, mm (default: drop them)."),
    no_number_words: bool = typer.Option(
        False, "--no-number-words",
        help="Compare numbers as written (default: 0-99 in digits read as words, 2 = two)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object, for scripts."),
) -> None:
    """Word error rate of a transcript before and after cleaning, and each rule's precision.

    HYP is cleaned with the same options as `cleaner clean`; the raw and the cleaned text are
    compared with REF after normalisation (lower-case, no punctuation, no fillers, numbers as
    words; each can be switched off). Each edit is judged right, wrong or neutral by whether
    it brings the text closer to REF.

    Example: cleaner eval samples/heroes-yuanqing-lin.asr.txt --reference
    samples/heroes-yuanqing-lin.reference.txt
    """
    from .cli import _guarded

    def run() -> int:
        from .evaluate import Normalisation, evaluate, format_evaluation, pair_files

        norm = Normalisation(lower=not keep_case, punctuation=not keep_punctuation,
                             fillers=not keep_fillers, numbers=not no_number_words)
        pair_files(hypothesis, reference)  # bad pairs fail before the rules are compiled
        cleaner, encoding_ = _cleaner([hypothesis], no_config, rules=rules,
                                      no_default_rules=no_default_rules, glossary=glossary,
                                      style=style, auto_threshold=auto_threshold,
                                      encoding=encoding, disable=disable)
        ev = evaluate(cleaner, hypothesis, reference, norm, encoding_)
        typer.echo(json.dumps(ev.to_dict(), ensure_ascii=False, indent=1) if as_json
                   else format_evaluation(ev))
        return 0

    _guarded(run)


def rules_report(
    paths: List[str] = typer.Argument(..., metavar="DIR",
                                      help="Folders of transcripts (or transcript files)."),
    rules: List[Path] = opts.RULES,
    no_default_rules: Optional[bool] = opts.NO_DEFAULT,
    glossary: List[Path] = opts.GLOSSARY,
    style: Optional[opts.Style] = opts.STYLE,
    auto_threshold: Optional[float] = opts.THRESHOLD,
    encoding: Optional[str] = opts.ENCODING,
    disable: List[str] = opts.DISABLE,
    no_config: bool = opts.NO_CONFIG,
    as_json: bool = typer.Option(False, "--json", help="One JSON object, for scripts."),
) -> None:
    """Rule quality over a corpus: how often each rule fires, which never fire, which
    compete for the same words, and reviewers' decisions from *.review.yaml files.

    Example: cleaner rules report transcripts/
    """
    from .cli import _guarded

    def run() -> int:
        from .rules_report import format_rules_report, rules_report as report_on

        cleaner, encoding_ = _cleaner(paths, no_config, rules=rules,
                                      no_default_rules=no_default_rules, glossary=glossary,
                                      style=style, auto_threshold=auto_threshold,
                                      encoding=encoding, disable=disable)
        report = report_on(cleaner, paths, encoding_)
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) if as_json
                   else format_rules_report(report))
        return 0

    _guarded(run)
