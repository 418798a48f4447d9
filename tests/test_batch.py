"""``cleaner batch``: mirrored trees, failure isolation, resumability, engines, bad usage.

Most runs drive the Typer app in-process (``CliRunner``): the pool forks this process, so the
workers share the Cleaner it built once. The kill test and the Dask test run
``python -m cleaner`` in a subprocess: a real SIGKILL, and a LocalCluster kept out of this
process (its threads must not be forked by later pool runs).
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.batch_discover import discover, wanted
from cleaner.batch_manifest import MANIFEST, Manifest
from cleaner.batch_worker import read_settings
from cleaner.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).parent / "data"
FAILING_PACK = DATA / "packs" / "failing-example.yaml"
CONTRACT_PACK = """\
rules:
  - {id: tensorflow, match: {phrases: ["tensor flow", "attention flow"]}, replace: TensorFlow}
"""
# the mixed tree: input path under in/ -> the sample it copies
TREE = {
    "talk.txt": "heroes-yuanqing-lin.asr.txt",
    "a/b/talk.srt": "heroes-yuanqing-lin.subtitles.srt",
    "a/captions.vtt": "heroes-yuanqing-lin.captions.vtt",
    "c/whisper.json": "heroes-yuanqing-lin.whisper.json",
    "c/d/stamped.txt": "heroes-yuanqing-lin.timestamped.txt",
    "c/notes.md": "../tests/data/positive/ai-podcast.txt",
}
# found in the folders but not inputs: cleaner's own outputs, references, hidden, other types
NOT_INPUTS = ("old.clean.txt", "old.annotated.md", "old.edits.json", "talk.reference.txt",
              ".hidden.txt", "a/rules.yaml", ".git/x.txt")


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def cli(runner: CliRunner, *args: object):
    return runner.invoke(app, [str(a) for a in args])


def make_tree(root: Path) -> Path:
    src = root / "in"
    for rel, sample in TREE.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / sample, src / rel)
    for rel in NOT_INPUTS:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("tensor flow\n", encoding="utf-8")
    return src


def outputs_of(rel: str) -> list[str]:
    folder, _, name = rel.rpartition("/")
    stem, ext = name.rsplit(".", 1)
    pre = f"{folder}/" if folder else ""
    return [f"{pre}{stem}.clean.{ext}", f"{pre}{stem}.annotated.md", f"{pre}{stem}.edits.json"]


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every named (not hidden) file under ``folder``."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")}


def error_line(result) -> str:
    """Exit 2 with exactly one stderr line, ``cleaner: error: ...``; returns it."""
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleaner: error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def pool_run(tmp_path_factory, runner):
    """One batch of the mixed tree with the shipped packs, --jobs 2, and its report."""
    root = tmp_path_factory.mktemp("batch")
    src = make_tree(root)
    out = root / "out"
    report = root / "report.json"
    result = cli(runner, "batch", src, "--out-dir", out, "--jobs", 2, "--report", report)
    return root, src, out, report, result


# -- the mixed tree ------------------------------------------------------------------------

def test_mirrored_tree_equals_cleaner_clean(pool_run, runner, tmp_path):
    root, src, out, report, result = pool_run
    assert result.exit_code == 0, result.stderr
    expected = sorted(o for rel in TREE for o in outputs_of(rel))
    assert sorted(tree_bytes(out)) == expected
    for rel in TREE:  # each file's outputs are byte for byte what `cleaner clean` writes
        single = tmp_path / rel.replace("/", "_")
        done = cli(runner, "clean", src / rel, "--out-dir", single, "-q")
        assert done.exit_code == 0, done.stderr
        mine = {Path(o).name: (out / o).read_bytes() for o in outputs_of(rel)}
        assert mine == tree_bytes(single), rel
    assert not [p for p in out.rglob("*.tmp")]
    data = json.loads(report.read_text())
    assert data["totals"]["ok"] == len(TREE) and data["totals"]["failed"] == 0
    assert {f["rel"] for f in data["files"]} == set(TREE)
    assert data["totals"]["words"] > 5 * 1900
    assert any(r["rule"] == "ml-terms.caffe" and r["applied"] for r in data["rules"])
    phases = data["phases"]  # start-up, the engine's start (warm-up, workers), the files
    assert list(phases) == ["prepare_seconds", "start_seconds", "clean_seconds"]
    assert all(v >= 0 for v in phases.values()) and sum(phases.values()) <= data["seconds"] + 0.1


def test_progress_lines_and_summary_when_not_a_terminal(pool_run):
    stderr = pool_run[4].stderr
    assert re.search(r"^cleaner: \[\d/6\] .*a/b/talk\.srt \(srt\): [\d,]+ words, \d+ applied",
                     stderr, re.M), stderr
    for words in ("files ok", "files skipped (up to date)", "words cleaned", "edits applied",
                  "edits flagged", "top rules", "slowest files"):
        assert words in stderr


def test_rerun_skips_everything(pool_run, runner):
    root, src, out, report, _ = pool_run
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
              and not p.name.startswith(".")}
    again = root / "again.json"
    result = cli(runner, "batch", src, "-o", out, "-j", 2, "--report", again)
    assert result.exit_code == 0, result.stderr
    data = json.loads(again.read_text())
    assert data["totals"]["skipped"] == len(TREE) and data["totals"]["ok"] == 0
    assert {f["status"] for f in data["files"]} == {"skipped"}
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing rewritten


def test_a_changed_input_or_deleted_output_is_redone(tmp_path, runner):
    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):
        (src / f"t{n}.txt").write_text(f"we used tensor flow {n} times .\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ("batch", src, "-o", out, "-j", 1, "--no-default-rules", "--rules",
            _pack(tmp_path, CONTRACT_PACK))
    assert cli(runner, *args).exit_code == 0
    (src / "t1.txt").write_text("attention flow again\n", encoding="utf-8")
    (out / "t2.edits.json").unlink()
    report = tmp_path / "r.json"
    assert cli(runner, *args, "--report", report).exit_code == 0
    status = {f["rel"]: f["status"] for f in json.loads(report.read_text())["files"]}
    assert status == {"t0.txt": "skipped", "t1.txt": "ok", "t2.txt": "ok"}
    assert (out / "t1.clean.txt").read_text() == "TensorFlow again\n"
    assert cli(runner, *args, "--force", "--report", report).exit_code == 0
    assert json.loads(report.read_text())["totals"]["ok"] == 3


def test_changing_a_pack_cleans_everything_again(tmp_path, runner):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("we used tensor flow .\n", encoding="utf-8")
    (src / "sub" / "b.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nattention flow\n",
                                       encoding="utf-8")
    pack = _pack(tmp_path, CONTRACT_PACK)
    out, report = tmp_path / "out", tmp_path / "r.json"
    args = ("batch", src, "-o", out, "-j", 1, "--no-default-rules", "-r", pack, "--report",
            report)
    assert cli(runner, *args).exit_code == 0
    assert cli(runner, *args).exit_code == 0
    assert json.loads(report.read_text())["totals"]["skipped"] == 2
    pack.write_text(CONTRACT_PACK + "  - {id: used, match: {phrases: [used]}, replace: ran}\n",
                    encoding="utf-8")
    assert cli(runner, *args).exit_code == 0
    totals = json.loads(report.read_text())["totals"]
    assert (totals["ok"], totals["skipped"]) == (2, 0)
    assert (out / "a.clean.txt").read_text() == "we ran TensorFlow .\n"
    # an option is part of the settings too
    assert cli(runner, *args, "--style", "verbatim").exit_code == 0
    assert json.loads(report.read_text())["totals"]["ok"] == 2


def _pack(folder: Path, text: str) -> Path:
    path = folder / "terms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- failures -------------------------------------------------------------------------------

def test_a_bad_file_does_not_stop_the_batch(tmp_path, runner):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("we used tensor flow .\n", encoding="utf-8")
    (src / "latin.txt").write_bytes("un caf\xe9 noir\n".encode("latin-1"))
    whisper = (SAMPLES / "heroes-yuanqing-lin.whisper.json").read_bytes()
    (src / "cut.json").write_bytes(whisper[:5000])
    (src / "z.vtt").write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nattention flow\n",
                               encoding="utf-8")
    out, report = tmp_path / "out", tmp_path / "r.json"
    result = cli(runner, "batch", src, "-o", out, "-j", 2, "--no-default-rules", "-r",
                 _pack(tmp_path, CONTRACT_PACK), "--report", report)
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("cleaner: failed:")]
    assert len(failed) == 2
    assert any("latin.txt:1: not valid utf-8" in line for line in failed)
    assert any("cut.json" in line and "JSON" in line for line in failed)
    data = json.loads(report.read_text())
    assert (data["totals"]["ok"], data["totals"]["failed"]) == (2, 2)
    reasons = {Path(f["input"]).name: f["reason"] for f in data["failed"]}
    assert "--encoding latin-1" in reasons["latin.txt"]
    assert (out / "good.clean.txt").read_text() == "we used TensorFlow .\n"
    assert (out / "z.clean.vtt").exists() and not (out / "latin.clean.txt").exists()
    manifest = json.loads((out / MANIFEST).read_text())
    assert sorted(manifest["files"]) == ["good.txt", "z.vtt"]
    # fixed, the failed file is cleaned by the next run; the others are up to date
    (src / "latin.txt").write_text("un cafe noir\n", encoding="utf-8")
    (src / "cut.json").unlink()
    assert cli(runner, "batch", src, "-o", out, "-j", 2, "--no-default-rules", "-r",
               tmp_path / "terms.yaml", "--report", report).exit_code == 0
    totals = json.loads(report.read_text())["totals"]
    assert (totals["ok"], totals["skipped"], totals["failed"]) == (1, 2, 0)


def test_quiet_prints_only_failures(tmp_path, runner):
    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_text("fine\n", encoding="utf-8")
    (src / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    result = cli(runner, "batch", src, "-o", tmp_path / "out", "-q", "--no-default-rules")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines and all("bad.txt" in line or "files failed" in line for line in lines), lines


def test_two_inputs_writing_the_same_outputs_are_refused(tmp_path, runner):
    src = tmp_path / "in"
    src.mkdir()
    (src / "talk.txt").write_text("one\n", encoding="utf-8")
    (src / "talk.md").write_text("two\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli(runner, "batch", src, "-o", out, "--no-default-rules", "-j", 1)
    assert result.exit_code == 1
    assert "would write the same outputs as" in result.stderr
    assert (out / "talk.clean.md").exists() and not (out / "talk.clean.txt").exists()


# -- bad usage: exit 2, one line, nothing started ---------------------------------------------

def test_no_inputs_found(tmp_path, runner):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.clean.txt").write_text("an output, not an input\n")
    line = error_line(cli(runner, "batch", tmp_path / "empty", "-o", tmp_path / "out"))
    assert "no transcripts found" in line
    assert "no such file" in error_line(cli(runner, "batch", tmp_path / "nope.txt", "-o",
                                            tmp_path / "out"))
    assert "no file matches" in error_line(cli(runner, "batch", str(tmp_path / "*.srt"),
                                               "-o", tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_unusable_out_dir(tmp_path, runner):
    src = tmp_path / "a.txt"
    src.write_text("hello\n")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n")
    assert "not a folder" in error_line(cli(runner, "batch", src, "-o", blocker))
    assert "cannot create output folder" in error_line(
        cli(runner, "batch", src, "-o", blocker / "sub", "--no-default-rules"))
    assert "--out-dir" in error_line(cli(runner, "batch", src))


def test_bad_pack_and_bad_options(tmp_path, runner):
    src = tmp_path / "a.txt"
    src.write_text("hello\n")
    out = tmp_path / "out"
    line = error_line(cli(runner, "batch", src, "-o", out, "--rules", FAILING_PACK))
    assert "failing-example.yaml" in line
    assert "jobs" in error_line(cli(runner, "batch", src, "-o", out, "--jobs", 0))
    assert "scheduler" in error_line(cli(runner, "batch", src, "-o", out, "--scheduler",
                                         "tcp://127.0.0.1:1"))
    assert "format" in error_line(cli(runner, "batch", src, "-o", out, "--format", "doc"))
    assert not out.exists()


# -- discovery, settings, manifest ----------------------------------------------------------

def test_discovery_globs_folders_and_files(tmp_path):
    src = make_tree(tmp_path)
    out = src / "c" / "out"  # an output folder inside an input folder is not searched
    (out / "x").mkdir(parents=True)
    (out / "x" / "y.txt").write_text("old\n")
    tasks, refused = discover([str(src)], out)
    assert sorted(t.rel for t in tasks) == sorted(TREE) and not refused
    assert all(Path(t.path).is_absolute() and t.out_dir.startswith(str(out.resolve()))
               for t in tasks)
    tasks, _ = discover([str(src / "**" / "*.txt")], out)
    assert sorted(t.rel for t in tasks) == ["c/d/stamped.txt", "talk.txt"]
    tasks, _ = discover([str(src / "a" / "b" / "talk.srt"), str(src / "a")], out)
    # a file named on the command line goes to the top; the first way a file is found wins
    assert sorted(t.rel for t in tasks) == ["captions.vtt", "talk.srt"]
    assert [wanted(n) for n in ("x.webvtt", "x.MD", "x.Clean.txt", "x.reference.srt")] == [
        True, True, False, False]


def test_settings_hash_covers_pack_contents_names_and_options(tmp_path):
    pack = _pack(tmp_path, CONTRACT_PACK)
    base = read_settings([pack], False, [])
    assert read_settings([pack], False, []).key == base.key
    assert read_settings([pack], True, []).key != base.key  # the shipped packs
    assert read_settings([pack], False, [], style="verbatim").key != base.key
    assert read_settings([pack], False, [], auto_threshold=0.9).key != base.key
    renamed = tmp_path / "other.yaml"
    shutil.copyfile(pack, renamed)  # the file name names a pack without `pack:`
    assert read_settings([renamed], False, []).key != base.key
    pack.write_text(CONTRACT_PACK.replace("TensorFlow", "Tensorflow"), encoding="utf-8")
    assert read_settings([pack], False, []).key != base.key


def test_manifest_is_atomic_json_with_one_entry_per_file(pool_run):
    out = pool_run[2]
    manifest = Manifest(out)
    manifest.load()
    assert set(manifest.files) == set(TREE)
    entry = manifest.files["a/b/talk.srt"]
    raw = (pool_run[1] / "a/b/talk.srt").read_bytes()
    assert entry["sha256"] == hashlib.sha256(raw).hexdigest()
    assert set(entry["outputs"]) == {"talk.clean.srt", "talk.annotated.md", "talk.edits.json"}
    assert manifest.up_to_date("a/b/talk.srt", entry["sha256"], entry["settings"]) == entry
    assert manifest.up_to_date("a/b/talk.srt", "0" * 64, entry["settings"]) is None


def test_help_stays_light():
    code = ("import sys; from cleaner.cli import app; "
            "bad = [m for m in ('spacy', 'dask', 'distributed', 'cleaner.batch') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# -- killed and resumed (a real SIGKILL) -----------------------------------------------------

def _small_files(folder: Path, n: int = 40) -> None:
    words = (SAMPLES / "heroes-yuanqing-lin.asr.txt").read_text(encoding="utf-8").split(". ")
    rng = random.Random(6)
    for k in range(n):
        sub = folder / f"part{k % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        chosen = rng.sample(words, 25)
        (sub / f"talk{k:02d}.txt").write_text(". ".join(chosen) + ".\n", encoding="utf-8")


def _running(marker: str) -> list[int]:
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (proc / "cmdline").read_bytes().decode(errors="replace"):
                pids.append(int(proc.name))
        except OSError:
            pass
    return pids


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_killed_run_leaves_no_partial_output_and_resumes(tmp_path, runner):
    src = tmp_path / "in"
    _small_files(src)
    out = tmp_path / "killed-out"
    cmd = [sys.executable, "-m", "cleaner", "batch", str(src), "-o", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.rglob("*.edits.json"))) >= 4:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if Path("/proc").is_dir():  # its worker dies with it: nothing goes on writing
        deadline = time.monotonic() + 5
        while _running(str(out)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(str(out))
    written = tree_bytes(out)
    assert 0 < len(written) < 3 * 40
    # the reference: an uninterrupted run of the same files
    ref = tmp_path / "ref-out"
    assert cli(runner, "batch", src, "-o", ref, "-j", 2, "-q").exit_code == 0
    expected = tree_bytes(ref)
    assert len(expected) == 3 * 40
    for name, data in written.items():  # whatever exists is complete
        assert data == expected[name], name
        if name.endswith(".edits.json"):
            json.loads(data)
    leftovers = [p.name for p in out.rglob("*.tmp")]
    assert all(n.startswith(".") for n in leftovers)
    report = tmp_path / "r.json"
    again = cli(runner, "batch", src, "-o", out, "-j", 2, "--report", report)
    assert again.exit_code == 0, again.stderr
    assert tree_bytes(out) == expected
    assert not list(out.rglob("*.tmp"))  # the killed run's temporaries are swept
    totals = json.loads(report.read_text())["totals"]
    assert totals["skipped"] >= 1 and totals["ok"] >= 1 and totals["files"] == 40


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_ctrl_c_stops_the_workers_and_keeps_what_is_done(tmp_path):
    src = tmp_path / "in"
    _small_files(src)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", str(src), "-o", str(out),
                             "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=ROOT, text=True)
    deadline = time.monotonic() + 60
    while len(list(out.rglob("*.edits.json"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "cleaner: interrupted" in stderr and "Traceback" not in stderr
    recorded = json.loads((out / MANIFEST).read_text())["files"]
    assert 1 <= len(recorded) < 40
    for rel in recorded:  # what the manifest vouches for is there, complete
        for name in outputs_of(rel):
            assert (out / name).is_file()
    if Path("/proc").is_dir():
        time.sleep(0.2)
        assert not _running(str(out))


# -- the Dask engine ------------------------------------------------------------------------

def test_dask_engine_writes_what_the_pool_writes(pool_run, tmp_path):
    pytest.importorskip("distributed")
    src, pool_out = pool_run[1], pool_run[2]
    out = tmp_path / "dask-out"
    report = tmp_path / "dask.json"
    done = subprocess.run([sys.executable, "-m", "cleaner", "batch", str(src), "-o", str(out),
                           "--engine", "dask", "--jobs", "2", "--report", str(report), "-q"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert tree_bytes(out) == tree_bytes(pool_out)
    data = json.loads(report.read_text())
    assert data["engine"] == "dask" and data["totals"]["ok"] == len(TREE)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["settings"] == json.loads((pool_out / MANIFEST).read_text())["settings"]


def test_warm_up_loads_the_sound_alike_tables_whatever_the_rules_reach(monkeypatch):
    """A batch forks its workers after the warm-up, so what the first file would load must
    be loaded then, even when the warm-up text reaches no judgement (here a glossary whose
    one term nothing in it sounds like): the index, the word table, the word frequencies."""
    import cleaner.soundalike_stage as stage
    from cleaner import Cleaner
    from cleaner.batch_worker import warm_up

    asked: list[str] = []
    monkeypatch.setattr(stage, "zipf", lambda word: asked.append(word) or 5.0)
    monkeypatch.setattr("gc.freeze", lambda: None)  # leave this test process's GC alone
    cleaner = Cleaner(default_rules=False, glossaries=[ROOT / "tests/data/glossary/tiny.txt"])
    warm_up(cleaner)
    assert cleaner._sounds._index is not None and cleaner._sounds._facts is not None
    assert asked
