"""``cleaner eval`` and ``cleaner rules report``: thin Typer commands over ``evaluate.py``.

Registered in ``cli.py``. Heavy imports (spaCy, jiwer) happen inside the commands, so
``cleaner --help`` stays fast.
"""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import List

import typer


class _Style(str, Enum):
    clean = "clean"
    verbatim = "verbatim"


_RULES = typer.Option([], "--rules", "-r", metavar="PACK.yaml",
                      help="A rule pack to add to the shipped ones (repeatable).")
_NO_DEFAULT = typer.Option(False, "--no-default-rules",
                           help="Do not load the shipped packs; only --rules.")
_GLOSSARY = typer.Option([], "--glossary", "-g", metavar="TERMS",
                         help="Your vocabulary, as for `cleaner clean` (repeatable).")
_STYLE = typer.Option(_Style.clean, "--style", help="clean or verbatim, as for `cleaner clean`.")
_THRESHOLD = typer.Option(0.8, "--auto-threshold", min=0.0, max=1.0,
                          help="Apply a fix only at this confidence or more, as for "
                               "`cleaner clean`.")
_ENCODING = typer.Option("utf-8", "--encoding", help="Encoding of the inputs.")


def _cleaner(rules: List[Path], no_default_rules: bool, glossary: List[Path], style: _Style,
             auto_threshold: float):
    from .engine import Cleaner

    return Cleaner(rules=rules, default_rules=not no_default_rules, glossaries=glossary,
                   style=style.value, auto_threshold=auto_threshold)


def eval_command(
    hypothesis: str = typer.Argument(..., metavar="HYP",
                                     help="The machine transcript, or a folder of them."),
    reference: str = typer.Option(..., "--reference", "--ref", metavar="REF",
                                  help="The correct transcript (same format), or a folder of "
                                       "them paired by name (talk.asr.txt with talk.txt or "
                                       "talk.reference.txt)."),
    rules: List[Path] = _RULES,
    no_default_rules: bool = _NO_DEFAULT,
    glossary: List[Path] = _GLOSSARY,
    style: _Style = _STYLE,
    auto_threshold: float = _THRESHOLD,
    encoding: str = _ENCODING,
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
        cleaner = _cleaner(rules, no_default_rules, glossary, style, auto_threshold)
        ev = evaluate(cleaner, hypothesis, reference, norm, encoding)
        typer.echo(json.dumps(ev.to_dict(), ensure_ascii=False, indent=1) if as_json
                   else format_evaluation(ev))
        return 0

    _guarded(run)


def rules_report(
    paths: List[str] = typer.Argument(..., metavar="DIR",
                                      help="Folders of transcripts (or transcript files)."),
    rules: List[Path] = _RULES,
    no_default_rules: bool = _NO_DEFAULT,
    glossary: List[Path] = _GLOSSARY,
    style: _Style = _STYLE,
    auto_threshold: float = _THRESHOLD,
    encoding: str = _ENCODING,
    as_json: bool = typer.Option(False, "--json", help="One JSON object, for scripts."),
) -> None:
    """Rule quality over a corpus: how often each rule fires, which never fire, which
    compete for the same words, and reviewers' decisions from *.review.yaml files.

    Example: cleaner rules report transcripts/
    """
    from .cli import _guarded

    def run() -> int:
        from .evaluate import format_rules_report, rules_report as report_on

        cleaner = _cleaner(rules, no_default_rules, glossary, style, auto_threshold)
        report = report_on(cleaner, paths, encoding)
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) if as_json
                   else format_rules_report(report))
        return 0

    _guarded(run)
