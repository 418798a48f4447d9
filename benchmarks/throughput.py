"""Throughput of the default pipeline against bare spaCy tokenisation, in one process.

    python benchmarks/throughput.py [--no-glossary] [FILES...]
                                  (default: the transcripts in samples/ and
                                   tests/data/negative/ and positive/)

Prints words/s for (a) `make_doc` over the same sentence chunks the cleaner tokenises and
(b) `Cleaner.clean` with all shipped packs and the shipped glossary
(samples/ml-glossary.txt; `--no-glossary`: packs only), then where the time goes, stage by
stage; medians of 7 runs, taken in turns. Compare the ratios, not the absolute figures: this
machine is shared and noisy.

Those runs clean the same texts again and again, which flatters any cache the cleaner keeps
per process. So it also measures a *first* pass: in each of 5 new processes, a Cleaner that
has been warmed up as a batch worker's is (one made-up sentence, which loads CMUdict and
wordfreq, then ``gc.freeze()``) cleans every text once, against bare tokenisation in the
same process (its tokenizer cache warm, as in a long batch).
"""
from __future__ import annotations

import multiprocessing
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.batch_worker import warm_up  # noqa: E402
from cleaner.nlp import pipeline  # noqa: E402
from cleaner.segments import line_segments, sentence_chunks  # noqa: E402

STAGES = {"tokenise + phrase and regex matching": "_match",
          "context conditions": "_check_context", "sound-alike": "_sound_proposals"}


def corpus(args: list[str]) -> list[str]:
    """The texts of ``args``, or the shipped transcripts and the test transcripts (the
    glossary, a list of terms, is no transcript)."""
    paths = [Path(a) for a in args] or sorted(
        [*(p for p in ROOT.glob("samples/*.txt") if p.name != "ml-glossary.txt"),
         *ROOT.glob("tests/data/negative/*.txt"), *ROOT.glob("tests/data/positive/*.txt")])
    return [p.read_text(encoding="utf-8") for p in paths]


def timed_stages(cleaner: Cleaner, spent: dict[str, float]) -> None:
    """Wrap the engine's stages so each call adds its time to ``spent``."""
    for name, method in STAGES.items():
        inner = getattr(cleaner, method)

        def timed(*args, _inner=inner, _name=name, **kwargs):
            t0 = time.perf_counter()
            try:
                return _inner(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - t0
        setattr(cleaner, method, timed)


def new_cleaner(glossary: bool) -> Cleaner:
    return Cleaner(glossaries=[ROOT / "samples" / "ml-glossary.txt"] if glossary else [])


def sentence_texts(texts: list[str]) -> list[str]:
    """The sentence chunks the cleaner tokenises, as strings."""
    return [t[a:b] for t in texts for s in line_segments(t) for a, b in
            sentence_chunks(t, s.start, s.end)]


def seconds(work: Callable[[str], object], items: list[str]) -> float:
    t0 = time.perf_counter()
    for item in items:
        work(item)
    return time.perf_counter() - t0


def first_pass(args: list[str], glossary: bool) -> tuple[float, float]:
    """(bare tokenisation, first clean pass) in seconds, in this (new) process."""
    texts = corpus(args)
    cleaner = new_cleaner(glossary)
    warm_up(cleaner)  # as a batch worker does: loads the lazy tables, then gc.freeze()
    make_doc, chunks = pipeline().make_doc, sentence_texts(texts)
    bare = statistics.median(seconds(make_doc, chunks) for _ in range(3))
    return bare, seconds(cleaner.clean, texts)


def main() -> None:
    args = sys.argv[1:]
    glossary = "--no-glossary" not in args
    paths_args = [a for a in args if a != "--no-glossary"]
    texts = corpus(paths_args)
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    cleaner = new_cleaner(glossary)
    build = time.perf_counter() - t0
    warm_up(cleaner)
    make_doc, chunks = pipeline().make_doc, sentence_texts(texts)
    spent: dict[str, float] = defaultdict(float)
    timed_stages(cleaner, spent)
    runs: dict[str, list[float]] = defaultdict(list)
    seconds(cleaner.clean, texts)  # warm caches equally for both
    for _ in range(7):
        runs["tokenise"].append(seconds(make_doc, chunks))
        spent.clear()
        runs["clean"].append(seconds(cleaner.clean, texts))
        for name in STAGES:
            runs[name].append(spent[name])
    bare, full = statistics.median(runs["tokenise"]), statistics.median(runs["clean"])
    print(f"{len(texts)} texts, {words} words; Cleaner() built in {build:.2f} s")
    print(f"bare tokenisation: {words / bare:,.0f} words/s")
    what = "shipped packs and glossary" if glossary else "shipped packs"
    print(f"cleaner, {what} ({len(cleaner.rules)} rules): {words / full:,.0f} words/s")
    print(f"cleaner takes {full / bare:.2f}x the time of bare tokenisation")
    for name in STAGES:
        print(f"  {name}: {statistics.median(runs[name]) / bare:.2f}x")
    spawn = multiprocessing.get_context("spawn")
    ratios = []
    for _ in range(5):
        with spawn.Pool(1) as pool:
            first_bare, first_clean = pool.apply(first_pass, (paths_args, glossary))
        ratios.append(first_clean / first_bare)
    print(f"first pass of a new Cleaner: {statistics.median(ratios):.2f}x the time of bare "
          f"tokenisation (median of 5 processes)")


if __name__ == "__main__":
    main()
