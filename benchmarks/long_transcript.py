"""One long transcript with many edits: cleaning time should grow with its length, not its
square.

    python benchmarks/long_transcript.py [SENTENCES...]   (default: 500 1000 2000 4000)

Each transcript is one line of SENTENCES sentences (15 words each, 6 edits each: stutters,
fillers, "tensor flow", "pie torch", a lower-case "i"), cleaned with the shipped packs and
the shipped glossary; median of 3 runs, start-up excluded.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402

SENTENCE = ("we trained the the model with tensor flow and pie torch on GPUs, um, um, "
            "and i think it works. ")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [500, 1000, 2000, 4000]
    cleaner = Cleaner(glossaries=[ROOT / "samples" / "ml-glossary.txt"])
    cleaner.clean(SENTENCE * 3)
    for n in sizes:
        text = SENTENCE * n
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            result = cleaner.clean(text)
            times.append(time.perf_counter() - t0)
        words = len(text.split())
        median = statistics.median(times)
        print(f"{words:>7,} words, {len(result.edits):>6,} edits: {median:.2f} s "
              f"({words / median:,.0f} words/s)")


if __name__ == "__main__":
    main()
