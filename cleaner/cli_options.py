"""The options every command that cleans shares (clean, batch, eval, review, report), and
how they combine with configuration files and the environment.

One definition, so `--style` means the same everywhere; options default to "not given"
(None), and ``engine_settings`` fills the rest from ``cleaner.toml`` / ``[tool.cleaner]`` and
``CLEANER_*`` (see ``config.py``).
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Optional

import typer


class Style(str, Enum):
    clean = "clean"
    verbatim = "verbatim"


RULES = typer.Option([], "--rules", "-r", metavar="PACK.yaml",
                     help="A rule pack to add to the shipped ones (repeatable).")
NO_DEFAULT = typer.Option(None, "--no-default-rules/--default-rules",
                          help="Do not load the shipped packs (only --rules), or load them "
                               "(the default).")
GLOSSARY = typer.Option([], "--glossary", "-g", metavar="TERMS",
                        help="Your vocabulary (one term per line, or YAML): spans that sound "
                             "like a term are flagged, or fixed when the evidence is strong "
                             "(repeatable).")
STYLE = typer.Option(None, "--style", help="clean (default): also remove fillers and "
                                           "stutters; verbatim: keep every spoken word.")
THRESHOLD = typer.Option(None, "--auto-threshold", min=0.0, max=1.0,
                         help="Apply a fix only when its rule's confidence is at least this "
                              "(default 0.8); flag it otherwise.")
ENCODING = typer.Option(None, "--encoding", help="Encoding of the inputs (default utf-8).")
FORMAT = typer.Option(None, "--format", "-f", metavar="FORMAT",
                      help="Read the inputs as text, timestamped, srt, vtt or whisper-json "
                           "(default: detected from the content and the extension).")
FLAG_BELOW = typer.Option(None, "--flag-below", min=0.0, max=1.0, metavar="P",
                          help="Whisper JSON: flag words the recogniser gave a probability "
                               "below P that no rule already marks.")
DISABLE = typer.Option([], "--disable", metavar="RULE",
                       help="Switch off a rule, a pack, or a pattern such as "
                            "'ml-terms.caffe*' (repeatable).")
ENABLE = typer.Option([], "--enable", metavar="RULE",
                      help="Switch back on what the configuration disables (repeatable).")
NO_CONFIG = typer.Option(False, "--no-config",
                         help="Ignore cleaner.toml, pyproject.toml and CLEANER_* variables.")


def engine_settings(inputs: Iterable[str], no_config: bool = False, *,
                    rules: Iterable[Path] = (), no_default_rules: Optional[bool] = None,
                    glossary: Iterable[Path] = (), style: Optional[Style] = None,
                    auto_threshold: Optional[float] = None, encoding: Optional[str] = None,
                    disable: Iterable[str] = (), enable: Iterable[str] = ()) -> Any:
    """Configuration file < CLEANER_* environment < these options (None: not given)."""
    from .config import Settings, apply_options, load_settings

    first = next((Path(i) for i in inputs if i != "-"), None)
    base = Settings() if no_config else load_settings(first)
    return apply_options(
        base, rules=list(rules), glossary=list(glossary),
        default_rules=None if no_default_rules is None else not no_default_rules,
        style=style.value if style is not None else None, auto_threshold=auto_threshold,
        encoding=encoding, disable=list(disable), enable=list(enable))
