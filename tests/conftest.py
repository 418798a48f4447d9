from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "heroes-yuanqing-lin.asr.txt"


@pytest.fixture(scope="session")
def default_cleaner():
    from cleaner import Cleaner

    return Cleaner()


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")
