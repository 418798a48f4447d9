"""How sound-alike matching time grows with the glossary: 100 to 10,000 terms.

    python benchmarks/glossary_scaling.py [WORDS]

The transcript is WORDS (default 10,000) words drawn from English word frequencies
(wordfreq's top 20,000, seeded), in sentences of 8-25 words, so spans are as varied as in
real speech rather than one text repeated. Glossaries are the shipped sample glossary plus
generated CamelCase names. Each figure is the median of 5 runs of `Cleaner.clean` with only
the glossary loaded, after the glossary index is built (start-up excluded). Before each run
the stage forgets what it kept per span (shortlists, closest terms), so a run measures a
first clean of the text; what it knows about each word stays, as in a long batch.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402


def transcript(words: int, rng: random.Random) -> str:
    from wordfreq import top_n_list, word_frequency

    vocab = top_n_list("en", 20000)
    weights = [word_frequency(w, "en") for w in vocab]
    out, n = [], 0
    while n < words:
        k = rng.randint(8, 25)
        sentence = rng.choices(vocab, weights, k=k)
        out.append(" ".join(sentence).capitalize() + ".")
        n += k
    return " ".join(out)


def glossary(size: int, rng: random.Random) -> list[str]:
    from wordfreq import top_n_list

    real = [line.strip() for line in (ROOT / "samples" / "ml-glossary.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    parts = [w for w in top_n_list("en", 5000) if w.isalpha() and len(w) > 3]
    terms = list(real)
    while len(terms) < size:
        terms.append("".join(w.capitalize() for w in rng.sample(parts, 2)))
    return terms[:size]


def main() -> None:
    words = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(7)
    text = transcript(words, rng)
    print(f"transcript: {len(text.split())} words")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (100, 1000, 3000, 10_000):
            path = Path(tmp) / f"g{size}.txt"
            path.write_text("\n".join(glossary(size, rng)), encoding="utf-8")
            cleaner = Cleaner(default_rules=False, glossaries=[path])
            t0 = time.perf_counter()
            cleaner.clean("warm up the index with a first sentence.")
            build = time.perf_counter() - t0
            times = []
            for _ in range(5):
                cleaner._sounds.forget_spans()  # a first clean of this text, words known
                t0 = time.perf_counter()
                result = cleaner.clean(text)
                times.append(time.perf_counter() - t0)
            print(f"{size:>6} terms: {statistics.median(times):.3f} s per clean "
                  f"(index built in {build:.2f} s; {len(result.edits)} edits)")


if __name__ == "__main__":
    main()
