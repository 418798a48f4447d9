"""The ``cleaner`` command: a thin Typer layer that parses, calls the library, prints.

Results go to stdout, diagnostics to stderr. Exit codes: 0 success; 1 the run finished but
something needs attention (``--check`` found edits, ``rules test`` had failures); 2 bad
usage, bad input or bad rules, always with one line on stderr naming the file.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer

from . import __version__
from . import cli_options as opts
from .errors import CleanerError

app = typer.Typer(
    no_args_is_help=True, add_completion=True, rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Clean and annotate machine (ASR) transcripts: apply the corrections the rules are "
         "sure of, flag the doubtful spots for a person, and record every edit.\n\n"
         "Example: cleaner clean talk.txt --out-dir out/")
rules_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="List, test and explain rule packs.")
app.add_typer(rules_app, name="rules")
glossary_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                           help="Turn a glossary into a recogniser prompt, and check it.")
app.add_typer(glossary_app, name="glossary")


def _fail(exc: CleanerError) -> typer.Exit:
    typer.echo(f"cleaner: error: {exc}", err=True)
    return typer.Exit(exc.exit_code)


def _guarded(fn: Callable[[], int]) -> None:
    try:
        code = fn()
    except CleanerError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        typer.echo("cleaner: interrupted", err=True)
        raise typer.Exit(130) from None
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Clean and annotate machine (ASR) transcripts."""


RULES_OPT = opts.RULES
NO_DEFAULT_OPT = typer.Option(False, "--no-default-rules",
                              help="Do not load the shipped packs; only --rules.")


@app.command()
def clean(
    inputs: List[str] = typer.Argument(..., metavar="INPUT",
                                       help="Transcript files; '-' reads standard input."),
    out_dir: Optional[Path] = typer.Option(
        None, "--out-dir", "-o", help="Write NAME.clean.EXT, NAME.annotated.md and "
        "NAME.edits.json here. Without it the cleaned text goes to stdout."),
    rules: List[Path] = opts.RULES,
    no_default_rules: Optional[bool] = opts.NO_DEFAULT,
    glossary: List[Path] = opts.GLOSSARY,
    style: Optional[opts.Style] = opts.STYLE,
    auto_threshold: Optional[float] = opts.THRESHOLD,
    encoding: Optional[str] = opts.ENCODING,
    disable: List[str] = opts.DISABLE,
    enable: List[str] = opts.ENABLE,
    no_config: bool = opts.NO_CONFIG,
    as_json: bool = typer.Option(False, "--json", help="Print the result (cleaned text and "
                                                       "edits) as JSON on stdout, for scripts."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when any edit or flag remains."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary lines on stderr."),
    input_format: Optional[str] = opts.FORMAT,
    flag_below: Optional[float] = opts.FLAG_BELOW,
) -> None:
    """Clean transcripts: fix what the rules are sure of, flag the rest.

    Formats: plain text, timestamped lines, SRT, WebVTT and Whisper JSON; only the text
    inside lines and cues changes, and the cleaned file keeps the input's format.

    Example: cleaner clean samples/heroes-yuanqing-lin.asr.txt --out-dir out/
    """
    def run() -> int:
        from .api import check_distinct_outputs, clean_path, display_name, write_cleaned
        from .engine import Cleaner
        from .files import prepare_out_dir
        from .formats import FORMATS

        if input_format is not None and input_format not in FORMATS:
            raise CleanerError(f"unknown format '{input_format}' (choose from "
                               f"{', '.join(FORMATS)})", key="format")
        if out_dir is None and len(inputs) > 1:
            raise CleanerError("several inputs need --out-dir", key="out-dir")
        if inputs.count("-") > 1:
            raise CleanerError("'-' (stdin) may be given once", key="INPUT")
        settings = opts.engine_settings(
            inputs, no_config, rules=rules, no_default_rules=no_default_rules,
            glossary=glossary, style=style, auto_threshold=auto_threshold, encoding=encoding,
            disable=disable, enable=enable)
        cleaner = Cleaner.from_settings(settings)
        if out_dir is not None:
            check_distinct_outputs(inputs)
            prepare_out_dir(out_dir)
        remaining, documents = 0, []
        for name in inputs:
            done = clean_path(cleaner, name, settings["encoding"], input_format, flag_below)
            source, result = done.source, done.result
            for warning in done.warnings():
                typer.echo(f"cleaner: warning: {warning}", err=True)
            remaining += len(result.edits)
            if as_json:
                documents.append(_json_result(done))
            if out_dir is None and as_json:
                written = "stdout (JSON)"
            elif out_dir is None:
                sys.stdout.buffer.write(source.encode(result.cleaned))
                sys.stdout.flush()
                written = "stdout"
            else:
                written = ", ".join(str(p) for p in write_cleaned(done, out_dir))
            if not quiet:
                typer.echo(f"{display_name(source.name)} ({done.format}): "
                           f"{len(result.applied)} applied, {len(result.flagged)} flagged "
                           f"-> {written}", err=True)
        if as_json:
            typer.echo(json.dumps(documents[0] if len(documents) == 1 else documents,
                                  ensure_ascii=False, indent=1))
        return 1 if check and remaining else 0

    _guarded(run)


def _json_result(done: Any) -> dict[str, Any]:
    from .api import display_name
    from .render import edits_document

    doc = edits_document(display_name(done.source.name), done.format, done.source.raw,
                         done.result.edits)
    doc["cleaned"] = done.result.cleaned
    return doc


@app.command("config")
def config_show(
    path: Optional[Path] = typer.Argument(None, help="A transcript or folder to find the "
                                                     "configuration for (default: here)."),
) -> None:
    """Show the effective settings and where each came from (file, env, default).

    Example: cleaner config talks/interview.srt
    """
    def run() -> int:
        from .config import describe, find_config, load_settings

        found = find_config(path or Path.cwd())
        typer.echo(f"configuration file: {found[0] if found else 'none found'}")
        for line in describe(load_settings(path)):
            typer.echo(line)
        return 0

    _guarded(run)


def _packs(rules: List[Path], no_default_rules: bool, names: List[str]) -> List[Any]:
    from .packs import load_packs, shipped_pack_paths

    shipped = [] if no_default_rules else shipped_pack_paths()
    by_name = {p.name.split(".")[0]: p for p in shipped_pack_paths()}
    paths: List[Any] = []
    for name in names:
        if name in by_name:
            paths.append(by_name[name])
        elif Path(name).exists():
            paths.append(Path(name))
        else:
            raise CleanerError(f"no shipped pack '{name}' and no such file "
                               f"(shipped: {', '.join(sorted(by_name))})", key="PACK")
    return load_packs(paths or (list(shipped) + list(rules)))


@rules_app.command("list")
def rules_list(
    packs: List[str] = typer.Argument(None, metavar="[PACK]...",
                                      help="Shipped pack names or pack files (default: all)."),
    rules: List[Path] = RULES_OPT,
    no_default_rules: bool = NO_DEFAULT_OPT,
    as_json: bool = typer.Option(False, "--json", help="One JSON array, for scripts."),
) -> None:
    """List rules: id, what they match, what they do.

    Example: cleaner rules list ml-terms
    """
    def run() -> int:
        loaded = _packs(rules, no_default_rules, packs or [])
        rows = [{"rule": r.full_id, "kind": r.kind, "action": "fix" if r.auto else "flag",
                 "confidence": r.confidence, "category": r.category,
                 "conditions": not r.when.empty, "message": r.message}
                for p in loaded for r in p.rules]
        if as_json:
            typer.echo(json.dumps(rows, indent=1))
            return 0
        for row in rows:
            cond = "when" if row["conditions"] else "-"
            typer.echo(f"{row['rule']:<40} {row['kind']:<8} {row['action']:<5} "
                       f"{row['confidence']:<5g} {row['category']:<12} {cond:<5} {row['message']}")
        typer.echo(f"{len(rows)} rules in {len(loaded)} packs", err=True)
        return 0

    _guarded(run)


@rules_app.command("test")
def rules_test(
    packs: List[str] = typer.Argument(None, metavar="[PACK]...",
                                      help="Shipped pack names or pack files (default: all)."),
    rules: List[Path] = RULES_OPT,
    no_default_rules: bool = NO_DEFAULT_OPT,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also list passing examples."),
) -> None:
    """Check every example embedded in the packs; exit 1 if any fails.

    Example: cleaner rules test my-pack.yaml
    """
    def run() -> int:
        from .examples import run_examples

        passed = failed = 0
        for outcome in run_examples(_packs(rules, no_default_rules, packs or [])):
            if outcome.ok:
                passed += 1
                if verbose:
                    typer.echo(f"ok    {outcome.test_id}")
            else:
                failed += 1
                typer.echo(f"FAIL  {outcome.test_id} ({outcome.rule.source}:"
                           f"{outcome.example.line}): {outcome.problem}")
        typer.echo(f"{passed} passed, {failed} failed")
        return 1 if failed else 0

    _guarded(run)


@rules_app.command("explain")
def rules_explain(
    rule_id: str = typer.Argument(..., metavar="RULE", help="A rule id: pack.id, or id alone "
                                                            "when it is unique."),
    rules: List[Path] = RULES_OPT,
    no_default_rules: bool = NO_DEFAULT_OPT,
) -> None:
    """Show what a rule matches, when it acts, what it does, and its examples.

    Example: cleaner rules explain ml-terms.caffe
    """
    def run() -> int:
        from .explain import describe, find_rule

        loaded = _packs(rules, no_default_rules, [])
        typer.echo(describe(find_rule(loaded, rule_id)))
        return 0

    _guarded(run)


GLOSSARY_ARG = typer.Argument(..., metavar="TERMS",
                              help="A glossary: one term per line, or YAML.")


@glossary_app.command("prompt")
def glossary_prompt(
    glossary: Path = GLOSSARY_ARG,
    max_tokens: int = typer.Option(224, "--max-tokens", min=1,
                                   help="Token budget (Whisper's initial_prompt allows 224)."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list, for a vendor's custom "
                                                       "vocabulary."),
) -> None:
    """Write the vocabulary prompt for a recogniser: rarest terms first, within a budget.

    Example: cleaner glossary prompt terms.txt --max-tokens 224 > prompt.txt
    """
    def run() -> int:
        from .glossary import load_glossary
        from .glossary_tools import vocabulary_prompt

        terms = vocabulary_prompt(load_glossary(glossary), max_tokens)
        typer.echo(json.dumps(terms, ensure_ascii=False) if as_json else ", ".join(terms))
        return 0

    _guarded(run)


@glossary_app.command("check")
def glossary_check(glossary: Path = GLOSSARY_ARG) -> None:
    """Report terms the pronouncer can only guess, and terms that sound too alike.

    Exit 1 when a term has nothing to pronounce or two terms sound too alike to tell apart.
    Example: cleaner glossary check terms.txt
    """
    def run() -> int:
        from .glossary import load_glossary
        from .glossary_tools import check_glossary

        terms = load_glossary(glossary)
        report = check_glossary(terms)
        for term, words in report.guessed:
            typer.echo(f"{glossary}:{term.line}: guessed: '{term.text}' ({', '.join(words)} not "
                       f"in the pronouncing dictionary; a YAML entry's 'sounds:' can say it)")
        for term in report.silent:
            typer.echo(f"{glossary}:{term.line}: unpronounceable: '{term.text}' has no letters "
                       "or digits to say")
        for a, b, score in report.alike:
            typer.echo(f"{glossary}:{b.line}: too alike: '{a.text}' and '{b.text}' sound "
                       f"{score:.2f} alike; a mishearing of one may be flagged as the other")
        typer.echo(f"{len(terms)} terms: {len(report.guessed)} guessed, {len(report.silent)} "
                   f"unpronounceable, {len(report.alike)} pairs too alike")
        return 1 if report.problems else 0

    _guarded(run)


# `cleaner eval` and `cleaner rules report` live in cli_eval.py (evaluation, issue 7).
from .cli_eval import eval_command, rules_report  # noqa: E402

app.command("eval")(eval_command)
rules_app.command("report")(rules_report)

# `cleaner batch` lives in cli_batch.py (batch processing, issue 6).
from .cli_batch import batch  # noqa: E402

app.command("batch")(batch)

# `cleaner review`, `apply`, `learn` and `report` live in cli_review.py (review, issue 5).
from .cli_review import apply_cmd, learn, report, review  # noqa: E402

app.command("review")(review)
app.command("apply")(apply_cmd)
app.command("learn")(learn)
app.command("report")(report)


def main() -> None:
    app(prog_name="cleaner")
