"""`cleaner batch`: speed-up with --jobs, and peak memory against the number of files.

    python benchmarks/batch_scaling.py [--files 200] [--runs 3] [--memory-files 10,1000]
                                       [--skip-speed] [--skip-memory]

Speed: the same generated corpus (batch_corpus.py: 300-3,000 words a file, txt and SRT)
cleaned with --jobs 1 and --jobs 2 (alternating, each run into a fresh folder), median wall
time of the whole command and of its cleaning phase (the report's phases: start-up, packs,
discovery and the engine's start, whose warm-up is the same for any --jobs, excluded). Memory: the whole command on 10 and on 1,000 files; peak RSS of
the largest single process (getrusage of children: the parent or one worker) and the peak
of the tree's summed RSS (sampled with psutil every 20 ms). Compare ratios from one run:
this machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_corpus import ROOT, make_corpus  # noqa: E402


def run_batch(src: Path, out: Path, jobs: int, report: Path) -> tuple[float, float, float]:
    cmd = [sys.executable, "-m", "cleaner", "batch", str(src), "-o", str(out), "--jobs",
           str(jobs), "-q", "--report", str(report)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    phases = json.loads(report.read_text())["phases"]
    return wall, phases["clean_seconds"], phases["prepare_seconds"] + phases["start_seconds"]


def speed(tmp: Path, files: int, runs: int) -> None:
    src = tmp / "speed-in"
    words = make_corpus(src, files)
    print(f"speed: {files} files, {words:,} words")
    times: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
    for r in range(runs):
        for jobs in (1, 2):
            out = tmp / f"speed-out-{jobs}-{r}"
            times[jobs].append(run_batch(src, out, jobs, tmp / "r.json"))
            wall, clean, before = times[jobs][-1]
            print(f"  run {r + 1} --jobs {jobs}: {wall:.2f} s wall, {before:.2f} s start-up "
                  f"and warm-up, {clean:.2f} s cleaning", flush=True)
    med = {j: (statistics.median(w for w, _, _ in t), statistics.median(c for _, c, _ in t))
           for j, t in times.items()}
    for jobs, (wall, clean) in med.items():
        print(f"--jobs {jobs}: median {wall:.2f} s wall ({words / wall:,.0f} words/s), "
              f"{clean:.2f} s cleaning phase ({words / clean:,.0f} words/s)")
    print(f"speed-up --jobs 2 / --jobs 1: {med[1][0] / med[2][0]:.2f}x end to end, "
          f"{med[1][1] / med[2][1]:.2f}x cleaning phase")


MEASURE = """
import json, resource, subprocess, sys, time
import psutil
proc = subprocess.Popen(sys.argv[1:])
me = psutil.Process(proc.pid)
peak_sum = 0
while proc.poll() is None:
    try:
        tree = [me, *me.children(recursive=True)]
        peak_sum = max(peak_sum, sum(p.memory_info().rss for p in tree))
    except psutil.Error:
        pass
    time.sleep(0.02)
print(json.dumps({"max_single_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "peak_tree_kb": peak_sum // 1024, "rc": proc.returncode}))
"""


def memory(tmp: Path, sizes: list[int]) -> None:
    results = {}
    for n in sizes:
        src = tmp / f"mem-in-{n}"
        words = make_corpus(src, n, 200, 800, seed=n)
        cmd = [sys.executable, "-m", "cleaner", "batch", str(src), "-o", str(tmp / f"mem-{n}"),
               "--jobs", "2", "-q"]
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        data = json.loads(out.stdout)
        results[n] = data
        print(f"memory: {n} files ({words:,} words) in {time.perf_counter() - t0:.1f} s: "
              f"largest process {data['max_single_kb'] / 1024:.0f} MB, "
              f"whole tree {data['peak_tree_kb'] / 1024:.0f} MB", flush=True)
    lo, hi = min(sizes), max(sizes)
    print(f"memory ratio {hi} / {lo} files: largest process "
          f"{results[hi]['max_single_kb'] / results[lo]['max_single_kb']:.2f}x, whole tree "
          f"{results[hi]['peak_tree_kb'] / results[lo]['peak_tree_kb']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-files", default="10,1000")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleaner-batch-bench-") as tmp:
        if not args.skip_speed:
            speed(Path(tmp), args.files, args.runs)
        if not args.skip_memory:
            memory(Path(tmp), [int(n) for n in args.memory_files.split(",")])


if __name__ == "__main__":
    main()
