"""Settings from files and the environment, the way ruff and Vale find theirs.

The nearest ``cleaner.toml`` or ``pyproject.toml`` with a ``[tool.cleaner]`` table, walking up
from the input's folder (from the current folder for stdin), gives the defaults; environment
variables ``CLEANER_<KEY>`` override them; command-line options override both. Paths in a
file are relative to that file. Unknown keys are errors.

    [tool.cleaner]                       # in pyproject.toml; in cleaner.toml: no table header
    rules = ["style/our-terms.yaml"]
    glossary = ["style/names.txt"]
    default_rules = true
    style = "clean"
    auto_threshold = 0.85
    disable = ["fillers.repeat", "ml-terms.caffe*"]
    encoding = "utf-8"
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CleanerError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KEYS = {"rules": list, "glossary": list, "default_rules": bool, "style": str,
        "auto_threshold": float, "disable": list, "encoding": str}
PATH_KEYS = ("rules", "glossary")


@dataclass
class Settings:
    """Effective settings, and where each came from ("default", a file, "env", "option")."""

    values: dict[str, Any] = field(default_factory=lambda: {
        "rules": [], "glossary": [], "default_rules": True, "style": "clean",
        "auto_threshold": 0.8, "disable": [], "encoding": "utf-8"})
    origin: dict[str, str] = field(default_factory=lambda: dict.fromkeys(KEYS, "default"))

    def set(self, key: str, value: Any, origin: str) -> None:
        self.values[key] = value
        self.origin[key] = origin

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest cleaner.toml, or pyproject.toml with [tool.cleaner], at or above ``start``."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for here in (folder, *folder.parents):
        own = here / "cleaner.toml"
        if own.is_file():
            return own, _read(own)
        project = here / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("cleaner")
            if table is not None:
                return project, table
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CleanerError(f"invalid TOML: {exc}", file=str(path)) from None
    except OSError as exc:
        raise CleanerError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def _check(key: str, value: Any, where: str) -> Any:
    kind = KEYS.get(key)
    if kind is None:
        raise CleanerError(f"unknown setting (known: {', '.join(sorted(KEYS))})", file=where,
                           key=key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is list and isinstance(value, str):
        value = [value]
    if not isinstance(value, kind) or (isinstance(value, list) and not all(
            isinstance(v, str) for v in value)):
        raise CleanerError(f"must be {'a list of strings' if kind is list else kind.__name__}",
                           file=where, key=key)
    return value


def load_settings(start: Path | None, environ: dict[str, str] | None = None) -> Settings:
    """Defaults < the nearest config file < ``CLEANER_*`` environment variables."""
    settings = Settings()
    found = find_config(start or Path.cwd())
    if found is not None:
        path, table = found
        for key, value in table.items():
            value = _check(key, value, str(path))
            if key in PATH_KEYS:
                value = [str((path.parent / v)) for v in value]
            settings.set(key, value, str(path))
    env = os.environ if environ is None else environ
    for key, kind in KEYS.items():
        raw = env.get(f"CLEANER_{key.upper()}")
        if raw is None:
            continue
        where = f"CLEANER_{key.upper()}"
        if kind is bool:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise CleanerError("must be true or false", file=where)
            parsed: Any = raw.lower() in ("1", "true", "yes")
        elif kind is float:
            try:
                parsed = float(raw)
            except ValueError:
                raise CleanerError("must be a number", file=where) from None
        elif kind is list:
            parsed = [v.strip() for v in raw.split(",") if v.strip()]
        else:
            parsed = raw
        settings.set(key, parsed, "env")
    return settings


def apply_options(settings: Settings, **options: Any) -> Settings:
    """Command-line values override the rest; ``None`` means "not given".

    ``rules``, ``glossary`` and ``disable`` given on the command line add to the configured
    lists; ``enable`` takes ids out of ``disable``.
    """
    enable = options.pop("enable", None) or []
    for key, value in options.items():
        if value is None:
            continue
        if key in ("rules", "glossary", "disable"):
            if value:
                settings.set(key, list(settings[key]) + [str(v) for v in value], "option")
        else:
            settings.set(key, value, "option")
    if enable:
        settings.set("disable", [d for d in settings["disable"] if d not in enable], "option")
    return settings


def describe(settings: Settings) -> list[str]:
    """One line per setting: its value and where it came from."""
    return [f"{key} = {settings[key]!r}  ({settings.origin[key]})" for key in KEYS]
