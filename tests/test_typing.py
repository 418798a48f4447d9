"""The public surface is typed (cleaner ships py.typed): mypy --strict passes on it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PUBLIC = ["cleaner/__init__.py", "cleaner/engine.py", "cleaner/model.py", "cleaner/errors.py",
          "cleaner/render.py", "cleaner/api.py", "cleaner/config.py"]


def test_public_api_passes_mypy_strict():
    pytest.importorskip("mypy")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports",
                             "--no-incremental", *PUBLIC], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_package_ships_py_typed():
    assert (ROOT / "cleaner" / "py.typed").is_file()
