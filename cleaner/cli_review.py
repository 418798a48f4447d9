"""``cleaner review``, ``apply``, ``learn`` and ``report``: thin Typer commands over
``review.py`` (decisions), ``review_tui.py`` (the terminal) and ``review_html.py`` (the page).

Registered in ``cli.py``. Heavy imports (spaCy, ruamel.yaml) happen inside the commands, so
``cleaner --help`` stays fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, List, Optional

import typer

from . import cli_options as opts

from .errors import CleanerError


_TARGET = typer.Argument(..., metavar="INPUT",
                         help="A transcript, or the NAME.edits.json `cleaner clean` wrote for it.")
_DECISIONS = typer.Option(None, "--decisions", "-d", metavar="FILE",
                          help="The decisions file (default: NAME.review.yaml beside INPUT).")
_INPUT = typer.Option(None, "--input", "-i", metavar="FILE",
                      help="When INPUT is an edits file: the transcript it is of (default: its "
                           "'source', beside it).")
_LEARN = typer.Option(None, "--learn", metavar="PACK.yaml",
                      help="Afterwards, learn the decisions into this pack (created if "
                           "missing): accepted and edited spots become phrase rules.")
def _warn(message: str) -> None:
    typer.echo(f"cleaner: warning: {message}", err=True)


def _is_edits_file(name: str) -> bool:
    return name.lower().endswith(".edits.json")


def _stem(name: str) -> str:
    """NAME of NAME.EXT, or of NAME.edits.json."""
    base = Path(name).name
    if _is_edits_file(base):
        return base[:-len(".edits.json")]
    return base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base


def _default_beside(target: str, suffix: str) -> Path:
    return Path(target).parent / f"{_stem(target)}{suffix}"


class _Target:
    """The input of a review: the transcript, and its edits (computed lazily)."""

    def __init__(self, target: str, input_path: Optional[str], encoding: str,
                 fmt: Optional[str], clean_options: dict[str, Any]) -> None:
        from .files import read_source

        if target == "-":
            raise CleanerError("give a file: reviewing reads your keys from standard input",
                               key="INPUT")
        self.target, self.fmt, self.options = target, fmt, clean_options
        self.edits_doc: Optional[dict[str, Any]] = None
        if _is_edits_file(target):
            self.edits_doc = _read_edits_file(target)
            source = self.edits_doc["source"]
            candidates = ([Path(input_path)] if input_path else
                          [Path(target).parent / source, Path(source)])
            found = next((p for p in candidates if p.is_file()), None)
            if found is None:
                raise CleanerError(f"cannot find the transcript '{source}' it is of; give "
                                   "--input FILE", file=target)
            self.source = read_source(str(found), encoding)
            from .review import sha256_of
            if sha256_of(self.source.raw) != self.edits_doc["sha256"]:
                raise CleanerError(f"is not the input {target} was made from (its sha256 "
                                   "differs); clean it again", file=str(found))
            self.fmt = fmt or self.edits_doc.get("format")
        else:
            self.source = read_source(target, encoding)

    def edits(self) -> tuple[list[Any], Optional[str]]:
        """(edits, format) of the input: from the edits file, or by cleaning it."""
        if self.edits_doc is not None:
            return _edits_from(self.edits_doc, self.source.text, self.target), self.fmt
        from .api import clean_source
        from .engine import Cleaner
        from .formats import FORMATS

        if self.fmt is not None and self.fmt not in FORMATS:
            raise CleanerError(f"unknown format '{self.fmt}' (choose from "
                               f"{', '.join(FORMATS)})", key="format")
        o = self.options
        cleaner = Cleaner.from_settings(o["settings"])
        done = clean_source(cleaner, self.source, self.fmt, o.get("flag_below"))
        for warning in done.warnings():
            _warn(warning)
        return done.result.edits, done.format


def _read_edits_file(name: str) -> dict[str, Any]:
    try:
        doc = json.loads(Path(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CleanerError("no such file", file=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CleanerError(f"cannot read: {exc}", file=name) from None
    except json.JSONDecodeError as exc:
        raise CleanerError(f"not valid JSON: {exc.msg}", file=name, line=exc.lineno) from None
    if not (isinstance(doc, dict) and isinstance(doc.get("edits"), list)
            and isinstance(doc.get("sha256"), str) and isinstance(doc.get("source"), str)):
        raise CleanerError("not an edits file (an object with source, sha256 and edits, as "
                           "`cleaner clean --out-dir` writes)", file=name)
    return doc


def _edits_from(doc: dict[str, Any], text: str, name: str) -> list[Any]:
    from .model import Edit

    edits = []
    for k, raw in enumerate(doc["edits"], 1):
        try:
            e = Edit(start=int(raw["start"]), end=int(raw["end"]), original=str(raw["original"]),
                     replacement=str(raw["replacement"]), action=str(raw["action"]),
                     confidence=float(raw.get("confidence", 0)), rule=str(raw["rule"]),
                     category=str(raw.get("category", "custom")),
                     message=str(raw.get("message", "")), id=str(raw.get("id", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise CleanerError(f"edit {k} is incomplete ({exc})", file=name) from None
        if e.action not in ("applied", "flagged") or text[e.start:e.end] != e.original:
            raise CleanerError(f"edit {raw.get('id', k)} does not match its transcript "
                               f"({e.original!r} at {e.start}-{e.end})", file=name)
        edits.append(e)
    return edits


def _clean_options(target: str, no_config: bool, flag_below: Optional[float],
                   **options: Any) -> dict[str, Any]:
    """Settings as ``clean`` makes them: configuration < environment < these options."""
    return {"settings": opts.engine_settings([target], no_config, **options),
            "flag_below": flag_below}


def _learn_into(d: Any, source: Any, pack: Path, fmt: Optional[str],
                confidence: Optional[float] = None) -> None:
    from .api import display_name
    from .review_learn import learn as learn_decisions

    report = learn_decisions(d, source.raw, source.text, display_name(source.name), pack, fmt,
                             confidence)
    for warning in report.warnings:
        _warn(warning)
    typer.echo(f"learned: {report.summary()}", err=True)
    for label in report.added:
        typer.echo(f"  added   {label}", err=True)
    for label in report.updated:
        typer.echo(f"  updated {label}", err=True)
    for label in report.removed:
        typer.echo(f"  removed {label}", err=True)
    for phrase in report.kept:
        typer.echo(f"  keep    {phrase!r}", err=True)


def review(
    target: str = _TARGET,
    decisions: Optional[Path] = _DECISIONS,
    all_edits: bool = typer.Option(False, "--all",
                                   help="Review the edits the rules applied, too."),
    input_path: Optional[str] = _INPUT,
    learn_pack: Optional[Path] = _LEARN,
    rules: List[Path] = opts.RULES,
    no_default_rules: Optional[bool] = opts.NO_DEFAULT,
    glossary: List[Path] = opts.GLOSSARY,
    style: Optional[opts.Style] = opts.STYLE,
    auto_threshold: Optional[float] = opts.THRESHOLD,
    encoding: Optional[str] = opts.ENCODING,
    input_format: Optional[str] = opts.FORMAT,
    flag_below: Optional[float] = opts.FLAG_BELOW,
    disable: List[str] = opts.DISABLE,
    no_config: bool = opts.NO_CONFIG,
) -> None:
    """Go through the flagged spots in the terminal: accept, reject or edit each.

    Keys: a accept, r reject, e edit (type the words, Enter), 1-9 pick a suggestion,
    s skip, u undo, q quit, ? help. Every decision is saved at once to NAME.review.yaml;
    running the command again resumes at the first undecided spot (the input is not
    cleaned again: delete the file to start over). When standard input is not a terminal,
    each line is one key, and 'e' takes the next line as the words.

    Example: cleaner review talk.txt, then: cleaner apply talk.txt --out-dir out/
    """
    from .cli import _guarded

    def run() -> int:
        from .review import (build_decisions, check_input, load_decisions, save_decisions,
                             sha256_of)
        from .review_tui import run_review

        options = _clean_options(target, no_config, flag_below, rules=rules,
                                 no_default_rules=no_default_rules, glossary=glossary,
                                 style=style, auto_threshold=auto_threshold,
                                 encoding=encoding, disable=disable)
        t = _Target(target, input_path, options["settings"]["encoding"], input_format, options)
        path = decisions or _default_beside(target, ".review.yaml")
        src = t.source
        if path.exists():
            d = load_decisions(path)
            check_input(d, src.raw, src.text, src.name)
            if all_edits:
                d.review_all()
            typer.echo(f"resuming {path}: {d.decided} of {len(d.edits)} decided", err=True)
        else:
            edits, fmt = t.edits()
            d = build_decisions(src.name, src.text, edits, sha256_of(src.raw), fmt, all_edits)
        d.path = str(path)
        save_decisions(d, path)
        run_review(d, src.text, lambda: save_decisions(d, path))
        typer.echo(f"decisions: {path} ({d.decided} decided, {len(d.edits) - d.decided} "
                   "left)", err=True)
        if learn_pack is not None:
            _learn_into(d, src, learn_pack, d.format)
        return 0

    _guarded(run)


def apply_cmd(
    target: str = typer.Argument(..., metavar="INPUT",
                                 help="The transcript the decisions were made on."),
    decisions: Optional[Path] = _DECISIONS,
    out_dir: Optional[Path] = typer.Option(
        None, "--out-dir", "-o", help="Write NAME.clean.EXT, NAME.annotated.md and "
        "NAME.edits.json here. Without it the cleaned text goes to stdout."),
    encoding: Optional[str] = opts.ENCODING,
    input_format: Optional[str] = opts.FORMAT,
    learn_pack: Optional[Path] = _LEARN,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line on stderr."),
) -> None:
    """Apply review decisions: the final cleaned file, and an annotated file saying who
    decided what.

    The output has the edits the rules applied (unless rejected) and the accepted and
    edited flags, in the input's format. Decisions made for another input (its sha256
    differs), a damaged decisions file or an unknown decision stop it before anything is
    written.

    Example: cleaner apply talk.txt --decisions talk.review.yaml --out-dir out/
    """
    from .cli import _guarded

    def run() -> int:
        from .api import display_name, output_paths, raise_same
        from .files import prepare_out_dir, read_source, write_atomic
        from .render import edits_json
        from .review import apply_decisions, load_decisions

        if decisions is None and target == "-":
            raise CleanerError("with '-' (stdin) give --decisions FILE", key="decisions")
        path = decisions or _default_beside(target, ".review.yaml")
        d = load_decisions(path)
        source = read_source(target, encoding or "utf-8")
        name = display_name(source.name)
        result = apply_decisions(d, source.raw, source.text, name, input_format)
        for note in result.notes:
            _warn(note)
        if out_dir is None:
            sys.stdout.buffer.write(source.encode(result.cleaned))
            sys.stdout.flush()
            written = "stdout"
        else:
            prepare_out_dir(out_dir)
            paths = output_paths(source, out_dir, result.format)
            for p in paths:
                if p.resolve() == path.resolve() or (
                        source.name != "-" and p.resolve() == Path(source.name).resolve()):
                    raise_same(p)
            cleaned, annotated, edits = paths
            base = "stdin" if source.name == "-" else Path(source.name).name
            write_atomic(cleaned, source.encode(result.cleaned))
            write_atomic(annotated, result.annotated.encode("utf-8"))
            write_atomic(edits, edits_json(base, result.format, source.raw,
                                           result.edits).encode("utf-8"))
            written = ", ".join(str(p) for p in paths)
        if not quiet:
            typer.echo(f"{name}: {result.summary()} -> {written}", err=True)
        if learn_pack is not None:
            _learn_into(d, source, learn_pack, input_format or d.format)
        return 0

    _guarded(run)


def learn(
    decisions: Path = typer.Argument(..., metavar="DECISIONS",
                                     help="A decisions file (NAME.review.yaml)."),
    pack: Path = typer.Option(..., "--pack", "-p", metavar="PACK.yaml",
                              help="The pack to learn into (created if missing)."),
    input_path: Optional[str] = typer.Option(
        None, "--input", "-i", metavar="FILE",
        help="The transcript the decisions were made on (default: its 'source', beside the "
             "decisions file)."),
    confidence: Optional[float] = typer.Option(
        None, "--confidence", min=0.0, max=1.0, metavar="X",
        help="Confidence of the new rules (default 0.9: applied; below --auto-threshold they "
             "only suggest)."),
    encoding: Optional[str] = opts.ENCODING,
) -> None:
    """Learn review decisions into a rule pack.

    Accepted and edited spots become phrase rules, each with the reviewed sentence as its
    example; rejected spots go to the pack's keep list, so the next run leaves them alone
    (when this version's engine supports it; otherwise a warning says so). The pack must
    load and every example pass before it is written; use it with --rules.

    Example: cleaner learn talk.review.yaml --pack learned.yaml
    """
    from .cli import _guarded

    def run() -> int:
        from .files import read_source
        from .review import load_decisions

        d = load_decisions(decisions)
        candidates = ([Path(input_path)] if input_path else
                      [decisions.parent / d.source, Path(d.source)] if d.source else [])
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            raise CleanerError(f"cannot find the transcript '{d.source}' the decisions were "
                               "made on; give --input FILE", file=str(decisions))
        _learn_into(d, read_source(str(found), encoding or "utf-8"), pack, d.format, confidence)
        return 0

    _guarded(run)


def report(
    target: str = _TARGET,
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE",
                                       help="The page to write (default: NAME.review.html "
                                            "beside INPUT)."),
    decisions: Optional[Path] = typer.Option(
        None, "--decisions", "-d", metavar="FILE",
        help="Show the decisions already made in this decisions file."),
    input_path: Optional[str] = _INPUT,
    rules: List[Path] = opts.RULES,
    no_default_rules: Optional[bool] = opts.NO_DEFAULT,
    glossary: List[Path] = opts.GLOSSARY,
    style: Optional[opts.Style] = opts.STYLE,
    auto_threshold: Optional[float] = opts.THRESHOLD,
    encoding: Optional[str] = opts.ENCODING,
    input_format: Optional[str] = opts.FORMAT,
    flag_below: Optional[float] = opts.FLAG_BELOW,
    disable: List[str] = opts.DISABLE,
    no_config: bool = opts.NO_CONFIG,
) -> None:
    """Write an HTML page to review the edits in a browser (one file, works offline).

    Applied edits and flags are marked in the transcript; hover or focus one for its rule,
    message and confidence; accept (a), reject (r) or edit (e) it with the keyboard or the
    mouse; "Export decisions" downloads NAME.review.yaml for `cleaner apply`.

    Example: cleaner report talk.txt -o talk.review.html
    """
    from .cli import _guarded

    def run() -> int:
        from .files import write_atomic
        from .review import check_input, load_decisions, sha256_of
        from .review_html import render_review_html

        options = _clean_options(target, no_config, flag_below, rules=rules,
                                 no_default_rules=no_default_rules, glossary=glossary,
                                 style=style, auto_threshold=auto_threshold,
                                 encoding=encoding, disable=disable)
        t = _Target(target, input_path, options["settings"]["encoding"], input_format, options)
        src = t.source
        made = None
        if decisions is not None:
            made = load_decisions(decisions)
            check_input(made, src.raw, src.text, src.name)
        edits, fmt = t.edits()
        page = render_review_html(src.name, src.text, edits, sha256_of(src.raw), fmt, made)
        path = out or _default_beside(target, ".review.html")
        write_atomic(path, page.encode("utf-8"))
        typer.echo(f"{src.name}: {len(edits)} edits -> {path}", err=True)
        return 0

    _guarded(run)
