"""The ``cleaner`` command line: outputs, exit codes, and one-line errors.

Most tests drive the Typer app in-process with ``CliRunner`` (the spaCy pipeline is built
once per process and reused); a few run ``python -m cleaner`` in a subprocess where real
stdin bytes, real exit codes and real stderr matter.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app

DATA = Path(__file__).parent / "data" / "packs"
FAILING_PACK = DATA / "failing-example.yaml"
USER_PACK = DATA / "user-terms.yaml"
SHIPPED_RULES = Path(__file__).resolve().parent.parent / "rules"
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "heroes-yuanqing-lin.asr.txt"

EDIT_KEYS = {"id", "start", "end", "original", "replacement", "action", "confidence", "rule",
             "category", "message"}

# Fillers, a stutter, a misheard framework and a space before a full stop.
TALK = "So, um, we went to the the lab and used tensor flow .\n"
TALK_CLEAN = "So, we went to the lab and used TensorFlow.\n"
# Text no shipped rule touches.
PLAIN = "Hello there. We trained a model on the data.\n"

CONTRACT_PACK = """\
rules:
  - id: tensorflow
    match: {phrases: ["tensor flow", "attention flow"]}
    replace: TensorFlow
"""


# -- helpers ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def cli(runner: CliRunner, *args: object, input: bytes | str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def no_traceback(result) -> None:
    """The command ended through its own exit path, not an uncaught exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr


def assert_one_error(result, *names: str) -> str:
    """Exit 2 and exactly one stderr line, ``cleaner: error: ...``, naming ``names``."""
    no_traceback(result)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("cleaner: error: "), line
    for name in names:
        assert name in line, (name, line)
    return line


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def tmp_leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


def check_edits_document(doc: dict, source_name: str, raw: bytes, text: str,
                         cleaned: str) -> None:
    """edits.json is complete, its offsets are right, and it explains the cleaned text."""
    assert set(doc) == {"source", "format", "sha256", "edits"}
    assert doc["source"] == source_name
    assert doc["format"] == "text"
    assert doc["sha256"] == hashlib.sha256(raw).hexdigest()
    ids = [e["id"] for e in doc["edits"]]
    assert len(ids) == len(set(ids))
    for e in doc["edits"]:
        assert set(e) == EDIT_KEYS, e
        assert 0 <= e["start"] <= e["end"] <= len(text)
        assert text[e["start"]:e["end"]] == e["original"], e
        assert e["action"] in ("applied", "flagged")
        assert 0.0 <= e["confidence"] <= 1.0
    applied = sorted((e for e in doc["edits"] if e["action"] == "applied"),
                     key=lambda e: (e["start"], e["end"]))
    out, pos = [], 0
    for e in applied:
        assert e["start"] >= pos, "applied edits overlap"
        out.append(text[pos:e["start"]] + e["replacement"])
        pos = e["end"]
    out.append(text[pos:])
    assert "".join(out) == cleaned


_MARKUP = re.compile(r"\{~~(.*?)~>(.*?)~~\}|\{--(.*?)--\}|\{\+\+(.*?)\+\+\}|\{==(.*?)==\}"
                     r"|\{>>.*?<<\}", re.S)


def read_markup(annotated: str, cleaned_side: bool) -> str:
    def one(m: re.Match) -> str:
        old, new, deleted, inserted, flagged = m.groups()
        if old is not None:
            return new if cleaned_side else old
        if deleted is not None:
            return "" if cleaned_side else deleted
        if inserted is not None:
            return inserted if cleaned_side else ""
        if flagged is not None:
            return flagged
        return ""
    return _MARKUP.sub(one, annotated)


def run_module(*args: object, input: bytes | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "cleaner", *map(str, args)], input=input,
                          capture_output=True, cwd=cwd, timeout=120)


# -- clean: outputs --------------------------------------------------------------------

def test_out_dir_writes_three_outputs_named_after_input(runner, tmp_path):
    src = tmp_path / "talk.asr.txt"
    src.write_text(TALK, encoding="utf-8")
    raw = src.read_bytes()
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "--out-dir", out)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert files_in(out) == ["talk.asr.annotated.md", "talk.asr.clean.txt",
                             "talk.asr.edits.json"]
    assert (out / "talk.asr.clean.txt").read_text(encoding="utf-8") == TALK_CLEAN
    assert src.read_bytes() == raw  # the input is never modified
    assert result.stdout == ""      # the cleaned text went to the file, not stdout

    doc = json.loads((out / "talk.asr.edits.json").read_text(encoding="utf-8"))
    check_edits_document(doc, "talk.asr.txt", raw, TALK, TALK_CLEAN)
    rules = {e["rule"] for e in doc["edits"]}
    assert {"fillers.hesitation", "fillers.repeat", "ml-terms.tensorflow"} <= rules

    annotated = (out / "talk.asr.annotated.md").read_text(encoding="utf-8")
    assert "{~~tensor flow~>TensorFlow~~}" in annotated
    assert "{--um" in annotated
    assert read_markup(annotated, cleaned_side=False) == TALK
    assert read_markup(annotated, cleaned_side=True) == TALK_CLEAN
    assert tmp_leftovers(tmp_path) == []


def test_out_dir_has_no_temp_files_after_success(runner, tmp_path):
    srcs = []
    for n in range(3):
        p = tmp_path / f"part{n}.txt"
        p.write_text(TALK, encoding="utf-8")
        srcs.append(p)
    out = tmp_path / "out"
    result = cli(runner, "clean", *srcs, "-o", out, "-q")
    no_traceback(result)
    assert result.exit_code == 0
    assert result.stderr == ""  # -q: no summary lines
    names = files_in(out)
    assert len(names) == 9
    assert not [n for n in names if n.endswith(".tmp") or n.startswith(".")], names


def test_existing_outputs_are_replaced(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "talk.clean.txt").write_text("stale\n")
    (out / "talk.edits.json").write_text("{}\n")
    result = cli(runner, "clean", src, "-o", out)
    assert result.exit_code == 0
    assert (out / "talk.clean.txt").read_text(encoding="utf-8") == TALK_CLEAN
    assert json.loads((out / "talk.edits.json").read_text())["edits"]


def test_out_dir_may_be_the_input_folder(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    raw = src.read_bytes()
    result = cli(runner, "clean", src, "-o", tmp_path)
    assert result.exit_code == 0
    assert src.read_bytes() == raw
    assert (tmp_path / "talk.clean.txt").read_text(encoding="utf-8") == TALK_CLEAN


def test_sample_transcript_offsets_and_hash(runner, tmp_path):
    raw = SAMPLE.read_bytes()
    text = raw.decode("utf-8")
    out = tmp_path / "out"
    result = cli(runner, "clean", SAMPLE, "-o", out)
    no_traceback(result)
    assert result.exit_code == 0
    cleaned = (out / "heroes-yuanqing-lin.asr.clean.txt").read_text(encoding="utf-8")
    doc = json.loads((out / "heroes-yuanqing-lin.asr.edits.json").read_text(encoding="utf-8"))
    assert doc["edits"], "the sample has known mis-recognitions"
    check_edits_document(doc, SAMPLE.name, raw, text, cleaned)
    assert SAMPLE.read_bytes() == raw


def test_bom_and_crlf_are_kept_and_offsets_skip_the_bom(runner, tmp_path):
    src = tmp_path / "bom.txt"
    src.write_bytes(b"\xef\xbb\xbfwe used tensor flow\r\nthen the the end\r\n")
    raw = src.read_bytes()
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (out / "bom.clean.txt").read_bytes() == (
        b"\xef\xbb\xbfwe used TensorFlow\r\nthen the end\r\n")
    doc = json.loads((out / "bom.edits.json").read_text(encoding="utf-8"))
    text = raw[3:].decode("utf-8")
    check_edits_document(doc, "bom.txt", raw, text, "we used TensorFlow\r\nthen the end\r\n")


def test_outputs_get_normal_permissions(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        result = cli(runner, "clean", src, "-o", out)
    finally:
        os.umask(old)
    assert result.exit_code == 0
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert modes == {n: 0o644 for n in modes}, {n: oct(m) for n, m in modes.items()}


def test_inputs_with_the_same_name_do_not_overwrite_each_other(runner, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "talk.txt").write_text(TALK, encoding="utf-8")
    (tmp_path / "b" / "talk.txt").write_text(PLAIN, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(runner, "clean", tmp_path / "a" / "talk.txt", tmp_path / "b" / "talk.txt",
                 "-o", out)
    no_traceback(result)
    if result.exit_code == 2:  # refusing the clash is fine
        assert_one_error(result, "talk")
    else:  # ... and so is keeping both results
        assert result.exit_code == 0
        cleaned = [(out / n).read_text(encoding="utf-8") for n in files_in(out)
                   if ".clean." in n]
        assert sorted(cleaned) == sorted([TALK_CLEAN, PLAIN])


# -- clean: stdout and stdin -----------------------------------------------------------

def test_without_out_dir_cleaned_text_goes_to_stdout(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    result = cli(runner, "clean", src)
    no_traceback(result)
    assert result.exit_code == 0
    assert result.stdout == TALK_CLEAN
    assert "talk.txt" in result.stderr  # the summary goes to stderr, not into the text
    assert files_in(tmp_path) == ["talk.txt"]  # nothing written beside the input


def test_stdin_dash_in_process(runner):
    result = cli(runner, "clean", "-", input=TALK.encode("utf-8"))
    no_traceback(result)
    assert result.exit_code == 0
    assert result.stdout_bytes == TALK_CLEAN.encode("utf-8")


def test_stdin_dash_real_process(tmp_path):
    proc = run_module("clean", "-", "-q", input=TALK.encode("utf-8"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == TALK_CLEAN.encode("utf-8")
    assert proc.stderr == b""
    assert os.listdir(tmp_path) == []


def test_stdin_empty_is_valid(runner):
    result = cli(runner, "clean", "-", input=b"")
    no_traceback(result)
    assert result.exit_code == 0
    assert result.stdout_bytes == b""


def test_twice_stdin_is_an_error(runner, tmp_path):
    result = cli(runner, "clean", "-", "-", "-o", tmp_path / "out", input=b"x\n")
    assert_one_error(result, "stdin")


# -- clean: options --------------------------------------------------------------------

def test_style_verbatim_keeps_fillers_and_stutters(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    default = cli(runner, "clean", src)
    verbatim = cli(runner, "clean", src, "--style", "verbatim")
    assert default.exit_code == verbatim.exit_code == 0
    assert "um" not in default.stdout.split(", ")
    assert "the the" not in default.stdout
    assert "um," in verbatim.stdout
    assert "the the" in verbatim.stdout
    # the other fixes still apply in verbatim style
    assert verbatim.stdout == "So, um, we went to the the lab and used TensorFlow.\n"


def test_check_exits_1_when_edits_remain(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    result = cli(runner, "clean", src, "--check", "-q")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stdout == TALK_CLEAN  # the run still finishes and prints


def test_check_exits_1_on_a_flag_alone(runner, tmp_path):
    src = tmp_path / "gap.txt"
    src.write_text("Then [crosstalk] okay.\n", encoding="utf-8")
    result = cli(runner, "clean", src, "--check", "-q")
    assert result.exit_code == 1
    assert result.stdout == "Then [crosstalk] okay.\n"


def test_check_exits_0_when_nothing_to_do(runner, tmp_path):
    src = tmp_path / "plain.txt"
    src.write_text(PLAIN, encoding="utf-8")
    result = cli(runner, "clean", src, "--check", "-q")
    no_traceback(result)
    assert result.exit_code == 0
    assert result.stdout == PLAIN


def test_check_real_exit_code(tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    assert run_module("clean", src, "--check", "-q").returncode == 1
    assert run_module("clean", src, "--check", "-q", "--no-default-rules").returncode == 0


def test_no_default_rules_without_rules_changes_nothing(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "--no-default-rules", "-o", out, "--check")
    no_traceback(result)
    assert result.exit_code == 0
    assert (out / "talk.clean.txt").read_text(encoding="utf-8") == TALK
    assert (out / "talk.annotated.md").read_text(encoding="utf-8") == TALK
    assert json.loads((out / "talk.edits.json").read_text())["edits"] == []


@pytest.mark.parametrize("header", ["", "pack: mine\n"], ids=["bare-rules", "named-pack"])
def test_user_pack_in_contract_form_is_applied(runner, tmp_path, header):
    pack = tmp_path / "my-terms.yaml"
    pack.write_text(header + CONTRACT_PACK, encoding="utf-8")
    src = tmp_path / "t.txt"
    # "attention flow" away from framework words: the shipped packs leave it alone.
    src.write_text("we used attention flow and tensor flow today\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "--rules", pack, "-o", out)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert (out / "t.clean.txt").read_text() == "we used TensorFlow and TensorFlow today\n"
    doc = json.loads((out / "t.edits.json").read_text())
    name = "mine" if header else "my-terms"
    by_original = {e["original"]: e["rule"] for e in doc["edits"]}
    assert by_original["attention flow"] == f"{name}.tensorflow"


def test_user_pack_only_with_no_default_rules(runner, tmp_path):
    src = tmp_path / "t.txt"
    src.write_text("um, we used attention flow\n", encoding="utf-8")
    result = cli(runner, "clean", src, "--no-default-rules", "-r", USER_PACK)
    assert result.exit_code == 0
    assert result.stdout == "um, we used TensorFlow\n"  # no filler rules loaded


def test_latin1_input_with_encoding_option(runner, tmp_path):
    src = tmp_path / "lat.txt"
    src.write_bytes(b"a na\xefve model in tensor flow\n")
    raw = src.read_bytes()
    bad = cli(runner, "clean", src)
    line = assert_one_error(bad, str(src))
    assert "--encoding" in line
    assert bad.stdout == ""

    good = cli(runner, "clean", src, "--encoding", "latin-1")
    no_traceback(good)
    assert good.exit_code == 0, good.stderr
    assert good.stdout_bytes == b"a na\xefve model in TensorFlow\n"

    out = tmp_path / "out"
    to_dir = cli(runner, "clean", src, "--encoding", "latin-1", "-o", out)
    assert to_dir.exit_code == 0
    assert (out / "lat.clean.txt").read_bytes() == b"a na\xefve model in TensorFlow\n"
    doc = json.loads((out / "lat.edits.json").read_text(encoding="utf-8"))
    check_edits_document(doc, "lat.txt", raw, raw.decode("latin-1"),
                         "a na\xefve model in TensorFlow\n")
    assert src.read_bytes() == raw


def test_non_utf8_error_names_the_line(runner, tmp_path):
    src = tmp_path / "two.txt"
    src.write_bytes(b"first line\nsecond caf\xe9\n")
    line = assert_one_error(cli(runner, "clean", src), f"{src}:2:")
    assert "--encoding" in line


def test_empty_file_is_valid(runner, tmp_path):
    src = tmp_path / "empty.txt"
    src.write_bytes(b"")
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "-o", out)
    no_traceback(result)
    assert result.exit_code == 0
    assert (out / "empty.clean.txt").read_bytes() == b""
    doc = json.loads((out / "empty.edits.json").read_text())
    assert doc["edits"] == []
    assert doc["sha256"] == hashlib.sha256(b"").hexdigest()
    assert cli(runner, "clean", src).stdout_bytes == b""


def test_unknown_encoding_is_one_error(runner, tmp_path):
    src = tmp_path / "t.txt"
    src.write_text(PLAIN)
    assert_one_error(cli(runner, "clean", src, "--encoding", "no-such-codec"), "encoding")


def test_unknown_style_is_a_usage_error(runner, tmp_path):
    src = tmp_path / "t.txt"
    src.write_text(PLAIN)
    result = cli(runner, "clean", src, "--style", "bogus")
    no_traceback(result)
    assert result.exit_code == 2
    assert "--style" in result.stderr
    assert result.stdout == ""


def test_auto_threshold_out_of_range_is_a_usage_error(runner, tmp_path):
    src = tmp_path / "t.txt"
    src.write_text(PLAIN)
    result = cli(runner, "clean", src, "--auto-threshold", "1.5")
    no_traceback(result)
    assert result.exit_code == 2
    assert "--auto-threshold" in result.stderr


def test_auto_threshold_turns_fixes_into_flags(runner, tmp_path):
    src = tmp_path / "t.txt"
    src.write_text("we used tensor flow\n")
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "--auto-threshold", "1", "-o", out)
    assert result.exit_code == 0
    assert (out / "t.clean.txt").read_text() == "we used tensor flow\n"
    doc = json.loads((out / "t.edits.json").read_text())
    assert [(e["original"], e["action"]) for e in doc["edits"]] == [("tensor flow", "flagged")]


def test_version(runner):
    result = cli(runner, "--version")
    assert result.exit_code == 0
    assert re.fullmatch(r"cleaner \d+\.\d+\.\d+\S*\n", result.stdout), result.stdout
    proc = run_module("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode() == result.stdout


# -- clean: bad input ------------------------------------------------------------------

def _missing(tmp: Path):
    return [tmp / "missing.txt"], "missing.txt"


def _directory(tmp: Path):
    (tmp / "adir").mkdir()
    (tmp / "adir" / "inside.txt").write_text(TALK)
    return [tmp / "adir"], "adir"


def _binary(tmp: Path):
    (tmp / "blob.txt").write_bytes(b"hello\x00\x01\x02world tensor flow\n")
    return [tmp / "blob.txt"], "blob.txt"


def _latin1(tmp: Path):
    (tmp / "cafe.txt").write_bytes(b"caf\xe9 and tensor flow\n")
    return [tmp / "cafe.txt"], "cafe.txt"


def _invalid_pack(tmp: Path):
    (tmp / "bad-pack.yaml").write_text(
        "rules:\n  - id: a\n    match: {phrases: [x]}\n    replce: y\n")
    return ["--rules", tmp / "bad-pack.yaml"], "bad-pack.yaml:4:"


def _out_dir_is_a_file(tmp: Path):
    return [], "out"  # handled by the test: --out-dir points at a regular file


BAD_INPUTS = {"missing-file": _missing, "directory": _directory, "binary": _binary,
              "not-utf8": _latin1, "invalid-pack": _invalid_pack,
              "out-dir-is-file": _out_dir_is_a_file}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(runner, tmp_path, case):
    work = tmp_path / "in"
    work.mkdir()
    talk = work / "talk.txt"
    talk.write_text(TALK, encoding="utf-8")
    extra, name = BAD_INPUTS[case](work)
    out = tmp_path / "out"
    if case == "out-dir-is-file":
        out.write_bytes(b"not a folder\n")
        extra, name = [talk], str(out)
    elif case == "invalid-pack":
        extra = [talk, *extra]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    result = cli(runner, "clean", *extra, "--out-dir", out)

    line = assert_one_error(result, name)
    if case == "not-utf8":
        assert "--encoding" in line
    if case == "invalid-pack":
        assert "replce" in line and "rule" in line
    assert result.stdout == ""
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # inputs unchanged, no output written anywhere
    assert tmp_leftovers(tmp_path) == []


def test_bad_input_real_process_has_no_traceback(tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    proc = run_module("clean", "blob.bin", "--out-dir", "out", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == b""
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleaner: error: blob.bin"), lines
    proc = run_module("clean", "-", input=b"a\x00b", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("cleaner: error: -")
    assert b"Traceback" not in proc.stderr


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root: chmod 0o500 does not stop root from writing, so "
                           "an unwritable --out-dir cannot be simulated")
def test_unwritable_out_dir(runner, tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text(TALK)
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o500)
    try:
        result = cli(runner, "clean", src, "-o", out)
        assert_one_error(result, "locked")
        assert files_in(out) == []
    finally:
        out.chmod(0o700)


def test_output_path_blocked_by_a_folder(runner, tmp_path):
    """A write that fails (here: a folder sits where an output goes) is one error naming
    the output, and leaves no temporary file behind. Works as root too."""
    src = tmp_path / "talk.txt"
    src.write_text(TALK)
    out = tmp_path / "out"
    (out / "talk.edits.json").mkdir(parents=True)
    result = cli(runner, "clean", src, "-o", out)
    assert_one_error(result, "talk.edits.json")
    assert (out / "talk.edits.json").is_dir()
    assert tmp_leftovers(tmp_path) == []


def test_several_inputs_need_out_dir(runner, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(TALK)
    b.write_text(TALK)
    result = cli(runner, "clean", a, b)
    assert_one_error(result, "out-dir")
    assert result.stdout == ""  # nothing printed for the first input either


def test_bad_input_among_several_names_it_and_writes_nothing_for_it(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TALK)
    out = tmp_path / "out"
    result = cli(runner, "clean", good, tmp_path / "gone.txt", "-o", out, "-q")
    assert_one_error(result, "gone.txt")
    assert not [n for n in files_in(out) if n.startswith("gone")]
    assert tmp_leftovers(tmp_path) == []


def test_replace_with_unknown_group_is_a_clean_error(runner, tmp_path):
    pack = tmp_path / "groups.yaml"
    pack.write_text('rules:\n  - id: g\n    match: {regex: "ab"}\n    replace: "\\\\2"\n')
    result = cli(runner, "clean", "-", "--no-default-rules", "-r", pack, input=b"xx ab yy\n")
    assert_one_error(result, "groups.yaml", "groups.g", "replace")


# -- rules list / test / explain -------------------------------------------------------

def test_rules_list_table(runner):
    result = cli(runner, "rules", "list")
    no_traceback(result)
    assert result.exit_code == 0
    first_column = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"ml-terms.caffe", "ml-terms.tensorflow", "fillers.hesitation",
            "markers.gap", "punctuation.double-space"} <= first_column
    assert re.search(r"^\d+ rules in 4 packs$", result.stderr, re.M), result.stderr


def test_rules_list_json(runner):
    result = cli(runner, "rules", "list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and rows
    by_id = {r["rule"]: r for r in rows}
    assert by_id["ml-terms.tensorflow"]["action"] == "fix"
    assert by_id["ml-terms.tensorflow"]["kind"] == "phrases"
    assert by_id["markers.gap"]["action"] == "flag"
    assert by_id["markers.gap"]["category"] == "marker"
    assert by_id["ml-terms.caffe"]["conditions"] is True
    assert len(by_id) == len(rows)  # ids are unique


def test_rules_list_one_pack_and_user_pack(runner):
    only = json.loads(cli(runner, "rules", "list", "ml-terms", "--json").stdout)
    assert only and all(r["rule"].startswith("ml-terms.") for r in only)
    mine = json.loads(cli(runner, "rules", "list", "--no-default-rules", "-r", USER_PACK,
                          "--json").stdout)
    assert [r["rule"] for r in mine] == ["mine.tensorflow"]


def test_rules_test_shipped_packs_pass(runner):
    result = cli(runner, "rules", "test")
    no_traceback(result)
    assert result.exit_code == 0, result.stdout
    summary = re.search(r"^(\d+) passed, (\d+) failed$", result.stdout, re.M)
    assert summary and int(summary.group(1)) > 0 and summary.group(2) == "0", result.stdout
    assert "FAIL" not in result.stdout


def test_rules_test_failing_example_exits_1(runner):
    result = cli(runner, "rules", "test", FAILING_PACK)
    no_traceback(result)
    assert result.exit_code == 1
    fails = [ln for ln in result.stdout.splitlines() if ln.startswith("FAIL")]
    assert len(fails) == 1, result.stdout
    assert "failing.tensorflow-2" in fails[0]
    assert f"{FAILING_PACK}:8" in fails[0]
    assert re.search(r"^1 passed, 1 failed$", result.stdout, re.M)


def test_rules_test_bad_pack_is_exit_2(runner, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("rules:\n  - id: a\n    match: {regex: 'a(b'}\n")
    assert_one_error(cli(runner, "rules", "test", bad), "broken.yaml:3:", "regex")
    assert_one_error(cli(runner, "rules", "test", "no-such-pack"), "no-such-pack")


def _rule_line(pack_file: Path, rule_id: str) -> int:
    for n, line in enumerate(pack_file.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(rf"\s*-\s+id:\s*{re.escape(rule_id)}\s*$", line):
            return n
    raise AssertionError(f"no rule {rule_id} in {pack_file}")


@pytest.mark.parametrize("rule_id", ["ml-terms.caffe", "caffe"])
def test_rules_explain(runner, rule_id):
    result = cli(runner, "rules", "explain", rule_id)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    line = _rule_line(SHIPPED_RULES / "ml-terms.yaml", "caffe")
    assert lines[0].startswith("ml-terms.caffe ")
    assert lines[0].rstrip().endswith(f"ml-terms.yaml:{line})")
    assert "'Caffe'" in result.stdout
    assert "example 1:" in result.stdout


def test_rules_explain_unknown_id(runner):
    assert_one_error(cli(runner, "rules", "explain", "ml-terms.no-such-rule"),
                     "ml-terms.no-such-rule")


def test_help_lists_commands(runner):
    result = cli(runner, "--help")
    assert result.exit_code == 0
    assert "clean" in result.stdout and "rules" in result.stdout


def test_stdin_to_nested_out_dir(runner, tmp_path):
    data = TALK.encode("utf-8")
    out = tmp_path / "a" / "b"  # created, parents too
    result = cli(runner, "clean", "-", "-o", out, input=data)
    no_traceback(result)
    assert result.exit_code == 0
    names = files_in(out)
    assert len(names) == 3
    clean = [n for n in names if ".clean." in n]
    edits = [n for n in names if n.endswith(".edits.json")]
    assert len(clean) == 1 and len(edits) == 1 and any(n.endswith(".annotated.md")
                                                     for n in names)
    assert (out / clean[0]).read_bytes() == TALK_CLEAN.encode("utf-8")
    doc = json.loads((out / edits[0]).read_text(encoding="utf-8"))
    check_edits_document(doc, doc["source"], data, TALK, TALK_CLEAN)


def test_cleaned_text_the_encoding_cannot_hold(runner, tmp_path):
    pack = tmp_path / "euro.yaml"
    pack.write_text('rules:\n  - id: eur\n    match: {phrases: [euros]}\n    replace: "€"\n',
                    encoding="utf-8")
    src = tmp_path / "price.txt"
    src.write_bytes(b"5 euros for a caf\xe9\n")
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "--encoding", "latin-1", "--no-default-rules",
                 "-r", pack, "-o", out)
    assert_one_error(result, str(src), "latin-1")
    assert files_in(out) == []
    assert src.read_bytes() == b"5 euros for a caf\xe9\n"


def test_rules_explain_user_pack_and_ambiguous_short_id(runner):
    result = cli(runner, "rules", "explain", "mine.tensorflow", "-r", USER_PACK)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"mine.tensorflow  ({USER_PACK}:3)")
    line = assert_one_error(cli(runner, "rules", "explain", "tensorflow", "-r", USER_PACK),
                            "tensorflow")
    assert "ml-terms.tensorflow" in line and "mine.tensorflow" in line
