"""A generated corpus for the batch benchmarks (imported by batch_scaling.py, batch_rules.py).

Sentences from samples/ and tests/data/{negative,positive}/ are shuffled into files of
varied length; every fifth file is written as SRT (cues of ~12 words), the rest as plain
text. Deterministic for a given seed.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sentences() -> list[str]:
    paths = [ROOT / "samples" / "heroes-yuanqing-lin.asr.txt",
             *sorted((ROOT / "tests" / "data" / "negative").glob("*.txt")),
             *sorted((ROOT / "tests" / "data" / "positive").glob("*.txt"))]
    out: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        out.extend(s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip())
    return out


def _srt(words: list[str]) -> str:
    cues = []
    for n, k in enumerate(range(0, len(words), 12), 1):
        a, b = 2 * (n - 1), 2 * n
        cues.append(f"{n}\n00:{a // 60:02d}:{a % 60:02d},000 --> 00:{b // 60:02d}:{b % 60:02d},"
                    f"000\n{' '.join(words[k:k + 12])}\n")
    return "\n".join(cues)


def make_corpus(folder: Path, files: int, min_words: int = 300, max_words: int = 3000,
                seed: int = 6) -> int:
    """Write ``files`` transcripts under ``folder`` (in sub-folders of 50); return words."""
    rng = random.Random(seed)
    pool = sentences()
    total = 0
    for k in range(files):
        target = rng.randint(min_words, max_words)
        chosen: list[str] = []
        count = 0
        while count < target:
            s = rng.choice(pool)
            chosen.append(s)
            count += len(s.split())
        sub = folder / f"set{k // 50:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        if k % 5 == 4:
            (sub / f"talk{k:05d}.srt").write_text(_srt(" ".join(chosen).split()),
                                                  encoding="utf-8")
        else:
            paragraphs = [" ".join(chosen[i:i + 8]) for i in range(0, len(chosen), 8)]
            (sub / f"talk{k:05d}.txt").write_text("\n\n".join(paragraphs) + "\n",
                                                  encoding="utf-8")
        total += count
    return total
