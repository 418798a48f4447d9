"""``cleaner eval`` and ``cleaner rules report``: WER with hand-computed figures, per-rule
outcomes, normalisation switches, the shipped sample against its reference, bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.evaluate import Normalisation, evaluate_text, pair_key, words
from cleaner.rules_report import proposals_before_overlaps

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "heroes-yuanqing-lin.asr.txt"
REFERENCE = ROOT / "samples" / "heroes-yuanqing-lin.reference.txt"

# The contract form of a pack: one rule that always helps, one that always hurts, one that
# never fires.
PACK = """\
rules:
  - id: helps
    match: {phrases: ["tensor flow"]}
    replace: TensorFlow
  - id: hurts
    match: {phrases: ["their"]}
    replace: there
  - id: silent
    match: {phrases: ["zebra crossing"]}
    replace: Zebra Crossing
  - id: paris
    match: {phrases: ["paris"]}
    replace: Paris
"""
# Raw:       we put tensor flow on their servers and tensor flow ran   (11 words)
# Reference: we put tensorflow  on their servers and tensorflow  ran   (9 words)
# raw:     tensor->tensorflow x2 (S=2), flow x2 inserted (I=2), H=7: WER 4/9
# cleaned: their->there (S=1), H=8: WER 1/9
HYP = "we put tensor flow on their servers and tensor flow ran\n"
REF = "We put TensorFlow on their servers, and TensorFlow ran.\n"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(PACK, encoding="utf-8")
    return path


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_eval(runner: CliRunner, *args: object):
    return runner.invoke(app, ["eval", *[str(a) for a in args]])


def eval_json(runner: CliRunner, *args: object) -> dict:
    result = run_eval(runner, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def one_error_line(result, *names: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleaner: error: "), result.stderr
    for name in names:
        assert name in lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


# -- normalisation ---------------------------------------------------------------------

def test_default_normalisation():
    assert words("Um, we used 2 GPUs with Tensor-Flow (don't ask) for R&D in 2017.") == [
        "we", "used", "two", "gpus", "with", "tensor", "flow", "don't", "ask", "for", "r&d",
        "in", "2017"]
    assert words("twenty-one") == words("21") == ["twenty", "one"]
    assert words("2,000 and 3.5") == ["2000", "and", "3.5"]


@pytest.mark.parametrize("hyp, ref, switch, default_wer, switched_wer", [
    ("hello world", "Hello World", "lower", 0.0, 1.0),          # 2 substitutions of 2
    ("yes , we did", "yes, we did.", "punctuation", 0.0, 1 / 5),  # the full stop is missing
    ("um we did it", "we did it", "fillers", 0.0, 1 / 3),        # um is an insertion
    ("we had 2 GPUs", "we had two GPUs", "numbers", 0.0, 1 / 4),  # 2 is not two
])
def test_each_switch_changes_wer_as_documented(hyp, ref, switch, default_wer, switched_wer):
    assert evaluate_text(None, hyp, ref, edits=[]).raw.wer == pytest.approx(default_wer)
    norm = Normalisation(**{switch: False})
    assert evaluate_text(None, hyp, ref, norm, edits=[]).raw.wer == pytest.approx(switched_wer)


# -- known WER and per-rule outcomes ---------------------------------------------------

def test_known_wer_and_rule_outcomes(runner, tmp_path, pack):
    hyp, ref = write(tmp_path / "talk.txt", HYP), write(tmp_path / "ref" / "talk.txt", REF)
    out = eval_json(runner, hyp, "--reference", ref, "--no-default-rules", "--rules", pack)
    raw, cleaned = out["total"]["raw"], out["total"]["cleaned"]
    assert (raw["hits"], raw["substitutions"], raw["deletions"], raw["insertions"]) == (7, 2, 0, 2)
    assert raw["wer"] == pytest.approx(4 / 9, abs=1e-6)
    assert (cleaned["hits"], cleaned["substitutions"], cleaned["deletions"],
            cleaned["insertions"]) == (8, 1, 0, 0)
    assert cleaned["wer"] == pytest.approx(1 / 9, abs=1e-6)
    assert out["total"]["change"]["errors"] == -3
    rules = {r["rule"]: r for r in out["rules"]}
    helps, hurts = rules["tiny.helps"], rules["tiny.hurts"]
    assert (helps["fired"], helps["applied_right"], helps["applied_wrong"]) == (2, 2, 0)
    assert helps["precision"] == 1.0 and helps["net_errors_removed"] == 4
    assert (hurts["fired"], hurts["applied_right"], hurts["applied_wrong"]) == (1, 0, 1)
    assert hurts["precision"] == 0.0 and hurts["net_errors_removed"] == -1
    assert "tiny.silent" not in rules
    assert out["never_fired"] == ["tiny.silent", "tiny.paris"]
    edit = next(e for e in out["files"][0]["edits"] if e["rule"] == "tiny.hurts")
    assert (edit["words"], edit["words_after"], edit["reference"]) == ("their", "there", "their")


def test_text_report_names_figures_and_silent_rules(runner, tmp_path, pack):
    hyp, ref = write(tmp_path / "talk.txt", HYP), write(tmp_path / "ref" / "talk.txt", REF)
    result = run_eval(runner, hyp, "--ref", ref, "--no-default-rules", "-r", pack)
    assert result.exit_code == 0, result.stderr
    assert "44.44%" in result.stdout and "11.11%" in result.stdout
    assert "never fired: 2 of 4 loaded rules: tiny.silent, tiny.paris" in result.stdout
    hurts = next(line for line in result.stdout.splitlines() if line.startswith("tiny.hurts"))
    assert "0/1/0" in hurts and "0.00" in hurts


def test_case_counts_only_with_keep_case(runner, tmp_path, pack):
    hyp = write(tmp_path / "h" / "trip.txt", "we met in paris\n")
    ref = write(tmp_path / "r" / "trip.txt", "we met in Paris\n")
    common = (hyp, "--reference", ref, "--no-default-rules", "--rules", pack)
    plain = eval_json(runner, *common)
    assert plain["total"]["raw"]["wer"] == 0.0
    fix = next(r for r in plain["rules"] if r["rule"] == "tiny.paris")
    assert fix["applied_neutral"] == 1 and fix["precision"] is None
    cased = eval_json(runner, *common, "--keep-case")
    assert cased["total"]["raw"]["wer"] == pytest.approx(0.25)
    assert cased["total"]["cleaned"]["wer"] == 0.0
    fix = next(r for r in cased["rules"] if r["rule"] == "tiny.paris")
    assert fix["applied_right"] == 1 and fix["precision"] == 1.0
    assert cased["normalisation"]["lower"] is False


def test_flag_judged_on_its_suggestion(tmp_path):
    from cleaner.model import Edit

    hyp, ref = "a phrase recognition system", "a face recognition system"
    good = Edit(2, 8, "phrase", "face", "flagged", 0.6, "p.face", "term", "")
    bad = Edit(21, 27, "system", "cistern", "flagged", 0.6, "p.bad", "term", "")
    none = Edit(21, 27, "system", "system", "flagged", 0.6, "p.look", "term", "")
    ev = evaluate_text(None, hyp, ref, edits=[good, bad])
    assert [j.outcome for j in ev.edits] == ["right", "wrong"]
    assert ev.cleaned == ev.raw  # flags change nothing
    assert evaluate_text(None, hyp, ref, edits=[none]).edits[0].outcome == "neutral"


def test_edit_inside_a_word_and_deletions(tmp_path):
    from cleaner.model import Edit

    # a capital inside a word is neutral when case is ignored; deleting a stutter is right;
    # a space before a comma never counts
    hyp, ref = "so the the model , works", "So the model, works"
    cap = Edit(0, 1, "s", "S", "applied", 1, "p.cap", "casing", "")
    rep = Edit(3, 7, "the ", "", "applied", 1, "p.rep", "repeat", "")
    sp = Edit(16, 17, " ", "", "applied", 1, "p.sp", "punctuation", "")
    comma = Edit(17, 18, ",", "", "applied", 1, "p.comma", "punctuation", "")
    ev = evaluate_text(None, hyp, ref, edits=[cap, rep, sp])
    assert [j.outcome for j in ev.edits] == ["neutral", "right", "neutral"]
    assert ev.cleaned.wer == 0.0
    kept = evaluate_text(None, hyp, ref, Normalisation(lower=False, punctuation=False),
                         edits=[cap, rep, sp])
    assert [j.outcome for j in kept.edits] == ["right", "right", "neutral"]
    # deleting the comma itself counts only when punctuation is kept
    assert evaluate_text(None, hyp, ref, edits=[comma]).edits[0].outcome == "neutral"
    kept = evaluate_text(None, hyp, ref, Normalisation(punctuation=False), edits=[comma])
    assert kept.edits[0].outcome == "wrong"


# -- the shipped sample ----------------------------------------------------------------

def test_sample_wer_improves_with_shipped_rules(runner):
    out = eval_json(runner, SAMPLE, "--reference", REFERENCE)
    raw, cleaned = out["total"]["raw"], out["total"]["cleaned"]
    assert cleaned["wer"] < raw["wer"]
    assert raw["reference_words"] > 1800
    # every applied edit of the shipped packs on the sample helps or is neutral
    assert all(r["applied_wrong"] == 0 for r in out["rules"])
    assert {e["rule"] for e in out["files"][0]["edits"] if e["outcome"] == "right"} >= {
        "ml-terms.tensorflow-heard", "ml-terms.caffe2", "ml-terms.command-line"}


def test_reference_is_the_sample_with_its_known_errors_fixed():
    asr = SAMPLE.read_text(encoding="utf-8")
    ref = REFERENCE.read_text(encoding="utf-8")
    assert " ," not in ref and "Pelo" not in ref and "attention flow" not in ref
    for fixed in ("like PaddlePaddle.", "TensorFlow, a Caffe.", "call it Caffe2, right?",
                  "a command line to lift", "our R&D.", "positive loop.", "MOOCs online",
                  "cat paper came out", "lots of reproducibility", "into those like"):
        assert fixed in ref, fixed
    raw = evaluate_text(None, asr, ref, edits=[]).raw
    assert 0 < raw.wer < 0.03  # the two differ only at the known errors


# -- folders ---------------------------------------------------------------------------

def test_folders_pair_by_name_and_total(runner, tmp_path, pack):
    write(tmp_path / "h" / "talk.asr.txt", HYP)
    write(tmp_path / "r" / "talk.reference.txt", REF)
    write(tmp_path / "h" / "trip.txt", "we met in paris\n")
    write(tmp_path / "r" / "trip.txt", "we met in Paris\n")
    out = eval_json(runner, tmp_path / "h", "--reference", tmp_path / "r",
                    "--no-default-rules", "--rules", pack)
    assert [Path(f["hypothesis"]).name for f in out["files"]] == ["talk.asr.txt", "trip.txt"]
    assert out["total"]["raw"]["reference_words"] == 9 + 4
    assert out["total"]["raw"]["errors"] == 4


def test_pair_key():
    assert pair_key("talk.asr.txt") == pair_key("talk.txt") == pair_key("talk.ref.txt")
    assert pair_key("talk.v2.txt") == "talk.v2"


# -- bad input -------------------------------------------------------------------------

def test_different_formats(runner, tmp_path):
    hyp = write(tmp_path / "talk.txt", HYP)
    ref = write(tmp_path / "talk.srt", "1\n00:00:01,000 --> 00:00:02,000\nhello\n")
    line = one_error_line(run_eval(runner, hyp, "--reference", ref, "--no-default-rules"), ref)
    assert "different format" in line


def test_empty_reference(runner, tmp_path):
    hyp = write(tmp_path / "talk.txt", HYP)
    ref = write(tmp_path / "ref" / "talk.txt", " \n")
    line = one_error_line(run_eval(runner, hyp, "--reference", ref, "--no-default-rules"), ref)
    assert "empty" in line


def test_reference_with_only_fillers_has_no_words(runner, tmp_path):
    hyp = write(tmp_path / "talk.txt", HYP)
    ref = write(tmp_path / "ref" / "talk.txt", "Um, uh.\n")
    line = one_error_line(run_eval(runner, hyp, "--reference", ref, "--no-default-rules"), ref)
    assert "no words" in line


def test_mismatched_pair_names_in_folders(runner, tmp_path):
    write(tmp_path / "h" / "talk.txt", HYP)
    write(tmp_path / "h" / "extra.txt", HYP)
    write(tmp_path / "r" / "talk.txt", REF)
    write(tmp_path / "r" / "other.txt", REF)
    line = one_error_line(run_eval(runner, tmp_path / "h", "--reference", tmp_path / "r",
                                   "--no-default-rules"), str(tmp_path / "r"))
    assert "no reference for extra.txt" in line and "no hypothesis for other.txt" in line


@pytest.mark.parametrize("case", ["missing-hyp", "missing-ref", "folder-and-file"])
def test_missing_files_and_mixed_kinds(runner, tmp_path, case):
    hyp = write(tmp_path / "talk.txt", HYP)
    ref = write(tmp_path / "ref" / "talk.txt", REF)
    args = {"missing-hyp": (tmp_path / "nope.txt", ref),
            "missing-ref": (hyp, tmp_path / "nope.txt"),
            "folder-and-file": (tmp_path / "ref", hyp)}[case]
    one_error_line(run_eval(runner, args[0], "--reference", args[1], "--no-default-rules"))


# -- rules report ----------------------------------------------------------------------

COMPETING = """\
rules:
  - {id: caffe, match: {phrases: ["cafe"]}, replace: Caffe}
  - {id: caffe2, match: {phrases: ["cafe too"]}, replace: Caffe2}
  - {id: never, match: {phrases: ["zebra crossing"]}, replace: Zebra Crossing}
"""


def test_rules_report(runner, tmp_path):
    pack = write(tmp_path / "frameworks.yaml", COMPETING)
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", "we used cafe too and then cafe\n")
    write(corpus / "b.srt", "1\n00:00:01,000 --> 00:00:02,000\nthey call it cafe too\n")
    write(corpus / "b.reference.srt", "1\n00:00:01,000 --> 00:00:02,000\nCaffe2\n")  # skipped
    write(corpus / "a.review.yaml", "edits:\n  - {rule: frameworks.caffe, decision: accept}\n"
                                    "  - {rule: frameworks.caffe, decision: reject}\n"
                                    "  - {rule: frameworks.caffe2, decision: accept}\n")
    result = runner.invoke(app, ["rules", "report", str(corpus), "--no-default-rules",
                                 "--rules", pack, "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert [Path(f).name for f in out["files"]] == ["a.txt", "b.srt"]
    rules = {r["rule"]: r for r in out["rules"]}
    assert (rules["frameworks.caffe2"]["fired"], rules["frameworks.caffe2"]["files"]) == (2, 2)
    assert rules["frameworks.caffe"]["fired"] == 1
    assert rules["frameworks.caffe"]["decisions"] == {"accept": 1, "reject": 1}
    assert out["never_fired"] == ["frameworks.never"]
    assert out["overlap_method"] == "candidates"
    [clash] = out["overlaps"]
    assert clash["rules"] == ["frameworks.caffe", "frameworks.caffe2"] and clash["times"] == 2
    assert clash["kept"]["frameworks.caffe2"] == 2 and clash["kept"]["frameworks.caffe"] == 0

    text = runner.invoke(app, ["rules", "report", str(corpus), "--no-default-rules",
                               "--rules", pack])
    assert text.exit_code == 0, text.stderr
    assert "frameworks.caffe / frameworks.caffe2: 2 times; kept frameworks.caffe 0, " \
           "frameworks.caffe2 2" in text.stdout
    assert "never fired: 1 of 3 loaded rules" in text.stdout


def test_rules_report_without_engine_stages_runs_each_pack_alone(runner, tmp_path,
                                                                  monkeypatch):
    import cleaner.rules_report as rules_report

    monkeypatch.setattr(rules_report, "proposals_before_overlaps", lambda *a, **k: None)
    pack = write(tmp_path / "frameworks.yaml", COMPETING)
    write(tmp_path / "corpus" / "a.txt", "we used cafe too\n")
    result = runner.invoke(app, ["rules", "report", str(tmp_path / "corpus"),
                                 "--no-default-rules", "--rules", pack, "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["overlap_method"] == "per-pack"
    assert out["overlaps"] == []  # one pack: competition inside it is not seen this way


def test_rules_report_bad_review_file(runner, tmp_path):
    write(tmp_path / "c" / "a.txt", "hello\n")
    write(tmp_path / "c" / "a.review.yaml", "decisions: []\n")
    result = runner.invoke(app, ["rules", "report", str(tmp_path / "c"), "--no-default-rules"])
    one_error_line(result, "a.review.yaml")


def test_candidates_cover_every_edit_of_the_engine(default_cleaner, sample_text):
    """The report's copy of the engine's first stages must stay in step with ``clean``."""
    found = proposals_before_overlaps(default_cleaner, sample_text)
    assert found is not None
    for e in default_cleaner.clean(sample_text).edits:
        assert any(rule == e.rule and start < e.end and e.start < end or
                   (rule, start, end) == (e.rule, e.start, e.end)
                   for rule, start, end, _ in found), e


def test_help_imports_neither_spacy_nor_jiwer():
    code = ("import sys; import cleaner.cli; "
            "print(sorted(m for m in ('spacy', 'jiwer') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
