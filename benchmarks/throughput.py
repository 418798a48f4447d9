"""Throughput of the default pipeline against bare spaCy tokenisation, in one process.

    python benchmarks/throughput.py [FILES...]   (default: samples/ and tests/data/)

Prints words/s for (a) `make_doc` over the same sentence chunks the cleaner tokenises and
(b) `Cleaner.clean` with all shipped packs; medians of 5 runs. Compare the ratio, not the
absolute figures: this machine is shared and noisy.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.nlp import pipeline  # noqa: E402
from cleaner.segments import line_segments, sentence_chunks  # noqa: E402


def corpus(args: list[str]) -> list[str]:
    paths = [Path(a) for a in args] or sorted(
        [*ROOT.glob("samples/*.txt"), *ROOT.glob("tests/data/**/*.txt")])
    return [p.read_text(encoding="utf-8") for p in paths]


def timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    texts = corpus(sys.argv[1:])
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    cleaner = Cleaner()
    build = time.perf_counter() - t0
    nlp = pipeline()
    chunks = [t[a:b] for t in texts for s in line_segments(t) for a, b in
              sentence_chunks(t, s.start, s.end)]

    def tokenise() -> None:
        for c in chunks:
            nlp.make_doc(c)

    def clean() -> None:
        for t in texts:
            cleaner.clean(t)

    clean()  # warm caches equally for both
    bare, full = timed(tokenise), timed(clean)
    print(f"{len(texts)} texts, {words} words; Cleaner() built in {build:.2f} s")
    print(f"bare tokenisation: {words / bare:,.0f} words/s")
    print(f"cleaner, shipped packs ({len(cleaner.rules)} rules): {words / full:,.0f} words/s")
    print(f"cleaner takes {full / bare:.2f}x the time of bare tokenisation")


if __name__ == "__main__":
    main()
