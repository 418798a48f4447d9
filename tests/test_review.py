"""Reviewing: the decisions file, the scripted terminal review, ``cleaner apply``, and the
one-line errors for decisions that do not fit their input.

A small pack gives a known set of spots: "tensor flow" is applied, "cafe", "laws" and "teh"
are flagged.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.model import Edit
from cleaner.render import strip_markup
from cleaner.review import (Comments, Decisions, Item, build_decisions, edit_id,
                            parse_decisions, render_decisions, scan_comments, suggestions_for,
                            yaml_str)
from cleaner.review_tui import run_review

TEXT = ("We trained it on tensor flow at the cafe.\n"
        "Then the laws of physics got in the way.\n"
        "And teh model ran.\n")
PACK = """\
pack: demo
rules:
  - id: tensorflow
    match: {phrases: ["tensor flow"]}
    replace: TensorFlow
  - id: caffe
    match: {phrases: ["cafe"]}
    replace: Caffe
    action: flag
    message: Caffe, the framework?
  - id: those
    match: {phrases: ["laws"]}
    replace: those
    action: flag
  - id: the
    match: {phrases: ["teh"]}
    replace: the
    confidence: 0.5
"""
# accept "cafe", reject "laws", edit "teh" to "the": what `cleaner apply` must write
EXPECTED = ("We trained it on TensorFlow at the Caffe.\n"
            "Then the laws of physics got in the way.\n"
            "And the model ran.\n")
ANSI = re.compile(r"\x1b\[")


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def talk(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "demo.yaml").write_text(PACK, encoding="utf-8")
    talk = tmp_path / "talk.txt"
    talk.write_text(TEXT, encoding="utf-8")
    return talk, tmp_path / "demo.yaml"


def cli(runner: CliRunner, *args: object, input: str | None = None):
    result = runner.invoke(app, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}")
    return result


def review(runner: CliRunner, talk: Path, pack: Path, keys: str, *extra: object):
    return cli(runner, "review", talk, "--no-default-rules", "--rules", pack, *extra,
               input=keys)


def decisions_of(path: Path) -> dict[str, tuple[str | None, str | None]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {e["original"]: (e["decision"], e["text"]) for e in data["edits"]}


# -- the scripted terminal review, then apply (acceptance) -------------------------------

def test_review_accept_reject_edit_undo_quit_resume_then_apply(runner, talk, tmp_path):
    talk_path, pack = talk
    decisions = tmp_path / "talk.review.yaml"
    # cafe: accept; laws: reject; teh: edit to "new", undo it, quit
    first = review(runner, talk_path, pack, "a\nr\ne\nnew words\nu\nq\n")
    assert first.exit_code == 0, first.output
    assert "1/3" in first.stdout and "2/3" in first.stdout and "3/3" in first.stdout
    assert "[[cafe]]" in first.stdout and "[[laws]]" in first.stdout
    assert "Undone" in first.stdout
    assert decisions_of(decisions) == {"cafe": ("accept", None), "laws": ("reject", None),
                                       "teh": (None, None)}
    # resume: starts at the first undecided spot (3/3) and edits it
    second = review(runner, talk_path, pack, "e\nthe\n")
    assert second.exit_code == 0, second.output
    assert "resuming" in second.stderr
    assert "--- 3/3" in second.stdout and "--- 1/3" not in second.stdout
    assert decisions_of(decisions)["teh"] == ("edit", "the")
    out = tmp_path / "out"
    applied = cli(runner, "apply", talk_path, "--decisions", decisions, "--out-dir", out)
    assert applied.exit_code == 0, applied.output
    assert (out / "talk.clean.txt").read_text(encoding="utf-8") == EXPECTED
    annotated = (out / "talk.annotated.md").read_text(encoding="utf-8")
    assert "{~~tensor flow~>TensorFlow~~}{>>demo.tensorflow 0.9: applied by the rule<<}" \
        in annotated
    assert "{~~cafe~>Caffe~~}{>>demo.caffe 0.9: accepted in review<<}" in annotated
    assert "{==laws==}{>>those? demo.those 0.9: rejected in review<<}" in annotated
    assert "{~~teh~>the~~}{>>demo.the 0.5: edited in review<<}" in annotated
    assert strip_markup(annotated, "original") == TEXT
    assert strip_markup(annotated, "cleaned") == EXPECTED
    edits = json.loads((out / "talk.edits.json").read_text(encoding="utf-8"))
    assert [(e["original"], e["replacement"], e["action"]) for e in edits["edits"]] == [
        ("tensor flow", "TensorFlow", "applied"), ("cafe", "Caffe", "applied"),
        ("teh", "the", "applied")]
    assert "1 accepted, 1 edited, 1 rejected" in applied.stderr


def test_apply_without_out_dir_writes_the_cleaned_text_to_stdout(runner, talk, tmp_path):
    talk_path, pack = talk
    review(runner, talk_path, pack, "a\nr\n1\n")
    result = cli(runner, "apply", talk_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED


def test_review_prints_a_plain_80_column_screen_when_not_a_terminal(runner, talk, tmp_path):
    talk_path, pack = talk
    long = tmp_path / "long.txt"
    long.write_text(("word " * 60 + "the cafe " + "word " * 60 + "\n") * 3, encoding="utf-8")
    result = review(runner, long, pack, "s\ns\ns\n")
    assert result.exit_code == 0
    assert not ANSI.search(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "[[cafe]]" in result.stdout


def test_review_of_an_edits_file(runner, talk, tmp_path):
    talk_path, pack = talk
    out = tmp_path / "out"
    done = cli(runner, "clean", talk_path, "--no-default-rules", "--rules", pack, "-o", out)
    assert done.exit_code == 0, done.output
    result = cli(runner, "review", out / "talk.edits.json", "--input", talk_path,
                 input="a\nr\ne\nthe\n")
    assert result.exit_code == 0, result.output
    decisions = out / "talk.review.yaml"
    assert decisions_of(decisions)["teh"] == ("edit", "the")
    final = cli(runner, "apply", talk_path, "--decisions", decisions)
    assert final.stdout == EXPECTED


def test_review_all_puts_applied_edits_under_review(runner, talk, tmp_path):
    talk_path, pack = talk
    result = review(runner, talk_path, pack, "r\nq\n", "--all")
    assert "1/4" in result.stdout and "[[tensor flow]]" in result.stdout
    data = yaml.safe_load((tmp_path / "talk.review.yaml").read_text(encoding="utf-8"))
    assert [e["action"] for e in data["edits"]] == ["applied", "flagged", "flagged", "flagged"]
    assert data["applied"] == []
    final = cli(runner, "apply", talk_path)
    assert final.stdout == TEXT  # the applied fix rejected, the flags undecided


def test_keys_as_words_help_and_unknown_keys(runner, talk):
    talk_path, pack = talk
    result = review(runner, talk_path, pack, "?\nx\n9\naccept\nquit\n")
    assert "this help" in result.stdout
    assert "Unknown key 'x'" in result.stdout
    assert "There is no suggestion 9 here." in result.stdout
    assert "-> accepted: 'Caffe'" in result.stdout


# -- the decisions file -------------------------------------------------------------------

def sample_decisions() -> Decisions:
    edits = [Edit(17, 28, "tensor flow", "TensorFlow", "applied", 0.9, "demo.tensorflow",
                  "term", "likely"),
             Edit(36, 40, "cafe", "Caffe", "flagged", 0.9, "demo.caffe", "term",
                  'say "Caffe"? \\ or not')]
    return build_decisions("talk.txt", TEXT, edits, "0" * 64, "text")


def test_ids_are_stable_and_do_not_depend_on_numbering():
    a = edit_id("demo.caffe", 36, 40, "cafe")
    assert a == edit_id("demo.caffe", 36, 40, "cafe")
    assert a != edit_id("demo.caffe", 37, 41, "cafe") != edit_id("demo.other", 36, 40, "cafe")
    d = sample_decisions()
    assert d.edits[0].id == a
    assert [it.id for it in d.applied] == [edit_id("demo.tensorflow", 17, 28, "tensor flow")]


def test_render_and_parse_round_trip():
    d = sample_decisions()
    d.edits[0].decision, d.edits[0].text = "edit", 'Caffe "2"\n\\'
    text = render_decisions(d)
    back = parse_decisions(text, "x.review.yaml")
    assert render_decisions(back) == text
    assert back.edits[0].text == 'Caffe "2"\n\\'
    assert back.applied[0].replacement == "TensorFlow"
    assert back.edits[0].context == "We trained it on tensor flow at the [[cafe]]."


@pytest.mark.parametrize("s", ["plain", 'quote " and \\ back', "line\nbreak\ttab\rcr",
                               "\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff", "é ü 中文 🎉",
                               "# not a comment", "- [x]: {y}", "null", "yes", "1e3", ""])
def test_yaml_strings_read_back_exactly(s):
    assert yaml.safe_load("k: " + yaml_str(s)) == {"k": s}


def test_comments_survive_a_rewrite():
    d = sample_decisions()
    text = render_decisions(d)
    text = text.replace("cleaner-review: 1", "# my notes on this talk\ncleaner-review: 1")
    text = text.replace("  - id: " + d.edits[0].id,
                        "  # check with the speaker\n  - id: " + d.edits[0].id)
    text = text.replace("    decision:\n", "    # why: it is a framework\n"
                                          "    decision: accept  # sure\n")
    text += "# the end\n"
    back = parse_decisions(text, "x.review.yaml")
    back.edits[0].decision = "reject"
    again = render_decisions(back)
    assert "# my notes on this talk\ncleaner-review: 1" in again
    assert "  # check with the speaker\n  - id: " + d.edits[0].id in again
    assert "    # why: it is a framework\n    decision: reject  # sure\n" in again
    assert again.endswith("# the end\n")
    assert render_decisions(parse_decisions(again, "x")) == again


def test_scan_comments_ignores_hashes_inside_quotes():
    c = scan_comments('edits:\n  - id: r1\n    message: "a # b"\n    decision: \'x # y\'\n')
    assert c == Comments()


def test_suggestions_include_sound_alike_alternatives():
    e = Edit(0, 9, "Pelo Pelo", "PaddlePaddle", "flagged", 0.6, "g.soundalike", "soundalike",
             "sounds like 'PaddlePaddle' (0.81: p eh l ...); or 'Paddle', \"O'Reilly\"")
    assert suggestions_for(e) == ["PaddlePaddle", "Paddle", "O'Reilly"]
    assert suggestions_for(Edit(0, 4, "Lisa", "Lisa", "flagged", 0.3, "m", "marker", "x")) == []


def test_pick_a_suggestion_by_number():
    text = "the Pelo Pelo one\n"
    item = Item(id="r1", rule="g.soundalike", action="flagged", start=4, end=13,
                original="Pelo Pelo", suggestions=["PaddlePaddle", "Paddle"], confidence=0.6,
                category="soundalike", message="m")
    d = Decisions("t.txt", "text", "0" * 64, [item])
    saved = []
    out = io.StringIO()
    run_review(d, text, lambda: saved.append(render_decisions(d)), io.StringIO("2\n"), out)
    assert (item.decision, item.text) == ("accept", "Paddle")
    assert saved and "decision: accept" in saved[-1] and 'text: "Paddle"' in saved[-1]
    assert "1) PaddlePaddle  2) Paddle" in out.getvalue()


# -- bad decisions: one clear error, exit 2, nothing overwritten ------------------------

@pytest.fixture
def decided(runner, talk, tmp_path):
    talk_path, pack = talk
    review(runner, talk_path, pack, "a\nr\ne\nthe\n")
    out = tmp_path / "out"
    out.mkdir()
    for name in ("talk.clean.txt", "talk.annotated.md", "talk.edits.json"):
        (out / name).write_text("old\n", encoding="utf-8")
    return talk_path, tmp_path / "talk.review.yaml", out


def refused(result, out: Path, pattern: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleaner: error: "), result.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.output
    for p in out.iterdir():
        assert p.read_text(encoding="utf-8") == "old\n", p


def test_decisions_for_another_input_are_refused(runner, decided, tmp_path):
    talk_path, decisions, out = decided
    other = tmp_path / "talk-v2.txt"
    other.write_text(TEXT.replace("cafe", "café"), encoding="utf-8")
    result = cli(runner, "apply", other, "--decisions", decisions, "-o", out)
    refused(result, out, r"talk\.review\.yaml:\d+: made for another input: .*sha256")


def test_a_corrupt_decisions_file_is_refused(runner, decided):
    talk_path, decisions, out = decided
    text = decisions.read_text(encoding="utf-8")
    decisions.write_text(text.replace("    end: 40\n", "    end: [40\n"), encoding="utf-8")
    result = cli(runner, "apply", talk_path, "--decisions", decisions, "-o", out)
    refused(result, out, r"talk\.review\.yaml:\d+: invalid YAML")


def test_a_truncated_decisions_file_is_refused(runner, decided):
    talk_path, decisions, out = decided
    decisions.write_text("just some words\n", encoding="utf-8")
    result = cli(runner, "apply", talk_path, "--decisions", decisions, "-o", out)
    refused(result, out, r"talk\.review\.yaml:1: not a decisions file")


def test_an_unknown_decision_is_refused(runner, decided):
    talk_path, decisions, out = decided
    text = decisions.read_text(encoding="utf-8")
    line = text[:text.index("decision: reject")].count("\n") + 1
    decisions.write_text(text.replace("decision: reject", "decision: maybe"), encoding="utf-8")
    result = cli(runner, "apply", talk_path, "--decisions", decisions, "-o", out)
    refused(result, out, rf"talk\.review\.yaml:{line}: key 'decision': edit r\w+: unknown "
                         r"decision 'maybe'")


@pytest.mark.parametrize("change, pattern", [
    (("decision: accept", "decison: accept"), r"key 'decison': unknown key"),
    (('    decision: edit\n    text: "the"', "    decision: edit\n    text:"),
     r"key 'decision': .*needs the new words"),
    (('original: "laws"', 'original: "lawz"'), r"key 'original': .*'laws'.*not 'lawz'"),
])
def test_hand_edited_mistakes_are_refused(runner, decided, change, pattern):
    talk_path, decisions, out = decided
    text = decisions.read_text(encoding="utf-8")
    assert change[0] in text
    decisions.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    result = cli(runner, "apply", talk_path, "--decisions", decisions, "-o", out)
    refused(result, out, r"talk\.review\.yaml:\d+: " + pattern)


def test_review_refuses_a_decisions_file_of_another_input(runner, decided, talk, tmp_path):
    talk_path, decisions, _ = decided
    before = decisions.read_text(encoding="utf-8")
    talk_path.write_text(TEXT + "More.\n", encoding="utf-8")
    result = review(runner, talk_path, talk[1], "q\n")
    assert result.exit_code == 2
    assert "made for another input" in result.stderr
    assert decisions.read_text(encoding="utf-8") == before


def test_stdin_cannot_be_reviewed(runner):
    result = cli(runner, "review", "-", input="a\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("cleaner: error: key 'INPUT': give a file")


# -- formats ------------------------------------------------------------------------------

SRT = ("1\n00:00:01,000 --> 00:00:03,000\nWe trained it on tensor flow at the cafe.\n\n"
       "2\n00:00:03,500 --> 00:00:05,000\nAnd teh model ran.\n")


def test_apply_keeps_the_format(runner, talk, tmp_path):
    _, pack = talk
    srt = tmp_path / "talk.srt"
    srt.write_text(SRT, encoding="utf-8")
    result = review(runner, srt, pack, "e\nCaffe & co\nr\n")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    done = cli(runner, "apply", srt, "-o", out)
    assert done.exit_code == 0, done.output
    assert (out / "talk.clean.srt").read_text(encoding="utf-8") == SRT.replace(
        "tensor flow", "TensorFlow").replace("cafe", "Caffe & co")


def test_review_refuses_a_corrupt_decisions_file_and_leaves_it(runner, talk, tmp_path):
    talk_path, pack = talk
    decisions = tmp_path / "talk.review.yaml"
    decisions.write_text("edits: [\n", encoding="utf-8")
    result = review(runner, talk_path, pack, "a\n")
    assert result.exit_code == 2
    assert re.match(r"cleaner: error: .*talk\.review\.yaml:\d+: invalid YAML", result.stderr)
    assert decisions.read_text(encoding="utf-8") == "edits: [\n"
