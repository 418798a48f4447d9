"""Cost of the number of rules: a 10,000-rule user pack against a 10-rule one.

    python benchmarks/batch_rules.py [--files 100] [--runs 5] [--rules 10,10000] [--batch]
                                     [--no-default-rules] [--without-soundalike]

Each pack is in the contract form (``rules: [{id: r1, match: {phrases: [...]}, replace:
...}]``), its phrases made of random made-up words so that they never fire, and is added to
the shipped packs. Reported per pack: the start-up (loading the packs and building the
Cleaner) and the cleaning time of the generated corpus (batch_corpus.py), median of --runs
passes in one process. --no-default-rules leaves the shipped packs out (and with them the
sound-alike stage, whose glossary includes every rule's replacement); --without-soundalike
switches that stage off to time the matching pass alone. With --batch, also the
`cleaner batch --jobs 2` wall time and its phases. Compare ratios from one run: this
machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_corpus import ROOT, make_corpus  # noqa: E402

sys.path.insert(0, str(ROOT))
from cleaner import Cleaner  # noqa: E402
from cleaner.api import clean_path  # noqa: E402

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def made_up(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))) + "x"


def write_pack(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    lines = ["rules:"]
    for k in range(1, n + 1):
        words = " ".join(made_up(rng) for _ in range(rng.randint(1, 3)))
        lines.append(f'  - {{id: r{k}, match: {{phrases: ["{words}"]}}, '
                     f'replace: "{made_up(rng).capitalize()}"}}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rules", default="10,10000")
    parser.add_argument("--batch", action="store_true")
    parser.add_argument("--no-default-rules", action="store_true",
                        help="only the generated pack (no shipped packs: no sound-alike stage)")
    parser.add_argument("--without-soundalike", action="store_true",
                        help="switch the sound-alike stage off (cleaner._sounds = None) to "
                             "time the rules' matching pass alone")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rules.split(",")]
    with tempfile.TemporaryDirectory(prefix="cleaner-rules-bench-") as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "in"
        words = make_corpus(src, args.files, 300, 3000)
        files = sorted(str(p) for p in src.rglob("*.*"))
        print(f"{len(files)} files, {words:,} words; "
              f"{'' if args.no_default_rules else 'shipped packs plus '}a generated pack")
        results = {}
        for n in sizes:
            pack = tmp / f"generated{n}.yaml"
            write_pack(pack, n)
            t0 = time.perf_counter()
            cleaner = Cleaner(rules=[pack], default_rules=not args.no_default_rules)
            build = time.perf_counter() - t0
            if args.without_soundalike:
                cleaner._sounds = None  # a benchmark-only switch: the matching pass alone
            for f in files[:3]:  # warm up
                clean_path(cleaner, f)
            passes = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                for f in files:
                    clean_path(cleaner, f)
                passes.append(time.perf_counter() - t0)
            clean = statistics.median(passes)
            results[n] = (build, clean)
            print(f"+{n:>6,} rules ({len(cleaner.rules)} in all): start-up {build:.2f} s, "
                  f"cleaning {clean:.2f} s ({words / clean:,.0f} words/s), "
                  f"passes {' '.join(f'{p:.2f}' for p in passes)}", flush=True)
            if args.batch:
                report = tmp / "r.json"
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "cleaner", "batch", str(src), "-o",
                                str(tmp / f"out{n}"), "-j", "2", "-q", "-r", str(pack),
                                "--report", str(report)]
                               + (["--no-default-rules"] if args.no_default_rules else []),
                               check=True, cwd=ROOT)
                wall = time.perf_counter() - t0
                phase = json.loads(report.read_text())["phases"]
                print(f"    cleaner batch --jobs 2: {wall:.2f} s wall, start-up "
                      f"{phase['prepare_seconds']:.2f} s, cleaning phase "
                      f"{phase['clean_seconds']:.2f} s", flush=True)
            del cleaner
        lo, hi = min(sizes), max(sizes)
        print(f"cleaning time, +{hi:,} rules / +{lo:,} rules: "
              f"{results[hi][1] / results[lo][1]:.2f}x; start-up: "
              f"{results[hi][0] / results[lo][0]:.2f}x")


if __name__ == "__main__":
    main()
