"""Glossary files and the ``cleaner glossary`` commands (and ``clean --glossary``).

Loading: plain files (one term per line, ``#`` comments) and YAML lists of strings or
``{term, sounds, aliases, auto}`` mappings; every mistake is a ``CleanerError`` naming the
file and line, and on the command line one ``cleaner: error:`` line with exit 2.
``glossary prompt`` ranks terms rarest first within a token budget; ``glossary check``
exits 1 when a term is unpronounceable or two terms sound too alike.
"""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.errors import CleanerError
from cleaner.glossary import Term, load_glossary
from cleaner.glossary_tools import (check_glossary, estimated_tokens, rarity,
                                    vocabulary_prompt)

from .conftest import ROOT, SAMPLE

DATA = ROOT / "tests" / "data" / "glossary"
ML_GLOSSARY = ROOT / "samples" / "ml-glossary.txt"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def cli(runner: CliRunner, *args: object):
    return runner.invoke(app, [str(a) for a in args])


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception!r}")
    assert "Traceback" not in result.stdout + result.stderr


def one_error_line(result, *names: str) -> str:
    """Exit 2 and exactly one stderr line, ``cleaner: error: ...``, mentioning ``names``."""
    no_traceback(result)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cleaner: error: ")
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


# == 7. Loading glossaries ==============================================================

def test_plain_file_skips_comments_and_blank_lines():
    terms = load_glossary(DATA / "plain.txt")
    assert [t.text for t in terms] == ["TensorFlow", "PyTorch", "Hugging Face"]
    assert [t.line for t in terms] == [3, 4, 7]
    assert all(t.auto and t.source == "glossary" and t.forms == (t.text,) for t in terms)


def test_sample_glossary_loads():
    terms = load_glossary(ML_GLOSSARY)
    texts = [t.text for t in terms]
    assert len(terms) == 97
    assert texts[0] == "TensorFlow" and "PaddlePaddle" in texts and "Caffe2" in texts
    assert not any(t.startswith("#") for t in texts)
    assert len(set(texts)) == len(texts)


def test_yaml_entries():
    terms = {t.text: t for t in load_glossary(DATA / "entries.yaml")}
    assert list(terms) == ["TensorFlow", "Caffe", "R&D", "Kubernetes"]
    assert terms["TensorFlow"].forms == ("TensorFlow",) and terms["TensorFlow"].auto
    caffe = terms["Caffe"]
    assert caffe.forms == ("Caffe", "caffe", "cafe")
    assert caffe.auto is False
    assert caffe.line == 3
    assert terms["R&D"].forms == ("R&D", "R and D") and terms["R&D"].auto
    assert terms["R&D"].line == 6
    assert terms["Kubernetes"].forms == ("Kubernetes", "koo ber net eez")  # a string: one form
    assert {t.source for t in terms.values()} == {"glossary"}


@pytest.mark.parametrize("name, line, key, words", [
    ("unknown-key.yaml", 3, "sound", "unknown key"),
    ("missing-term.yaml", 2, "term", "needs 'term'"),
    ("not-a-list.yaml", 1, None, "list of terms"),
    ("bad-auto.yaml", 4, "auto", "true or false"),
])
def test_yaml_mistakes_name_file_and_line(name, line, key, words):
    path = DATA / name
    with pytest.raises(CleanerError) as info:
        load_glossary(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line
    assert err.key == key
    assert words in str(err)
    assert str(err).startswith(f"{path}:{line}: ")
    assert err.exit_code == 2


def test_yaml_sounds_must_be_strings(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("- TensorFlow\n- term: Caffe\n  sounds: [cafe, 3]\n", encoding="utf-8")
    with pytest.raises(CleanerError) as info:
        load_glossary(path)
    assert (info.value.line, info.value.key) == (3, "sounds")


def test_invalid_yaml_is_a_cleaner_error(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("- TensorFlow\n- [a, b\n", encoding="utf-8")
    with pytest.raises(CleanerError, match="invalid YAML") as info:
        load_glossary(path)
    assert info.value.file == str(path)


def test_missing_and_unreadable_glossaries(tmp_path):
    with pytest.raises(CleanerError, match="cannot read glossary"):
        load_glossary(tmp_path / "nope.txt")
    with pytest.raises(CleanerError, match="directory"):
        load_glossary(tmp_path)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9\n".encode("latin-1"))
    with pytest.raises(CleanerError, match="UTF-8"):
        load_glossary(latin)


def test_yaml_string_entries_know_their_line(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("- Alpha\n- Bravo\n- Charlie\n", encoding="utf-8")
    assert [t.line for t in load_glossary(path)] == [1, 2, 3]


def test_yaml_bad_entry_names_its_line(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("- TensorFlow\n- 42\n", encoding="utf-8")
    with pytest.raises(CleanerError) as info:
        load_glossary(path)
    assert info.value.line == 2


def test_plain_term_with_hash(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("C#\nF#  # a language\n", encoding="utf-8")
    assert [t.text for t in load_glossary(path)] == ["C#", "F#"]


# -- the same mistakes on the command line ------------------------------------------------

@pytest.mark.parametrize("command", [["glossary", "prompt"], ["glossary", "check"],
                                     ["clean", SAMPLE, "--no-default-rules", "--glossary"]])
def test_cli_bad_glossary_is_one_error_line(runner, command):
    path = DATA / "unknown-key.yaml"
    result = cli(runner, *command, path)
    line = one_error_line(result, str(path), ":3:", "'sound'")
    assert "unknown key" in line
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["glossary", "prompt"], ["glossary", "check"],
                                     ["clean", SAMPLE, "--glossary"]])
def test_cli_missing_glossary_exits_2(runner, tmp_path, command):
    missing = tmp_path / "no-such-glossary.txt"
    result = cli(runner, *command, missing)
    one_error_line(result, str(missing), "cannot read glossary")
    assert result.stdout == ""


@pytest.mark.parametrize("name", ["missing-term.yaml", "not-a-list.yaml", "bad-auto.yaml"])
def test_cli_each_yaml_mistake_exits_2(runner, name):
    one_error_line(cli(runner, "glossary", "check", DATA / name), str(DATA / name))


# == 8. glossary prompt ==================================================================

def prompt_json(runner, path, *extra) -> list[str]:
    result = cli(runner, "glossary", "prompt", path, "--json", *extra)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    terms = json.loads(result.stdout)
    assert isinstance(terms, list) and all(isinstance(t, str) for t in terms)
    return terms


def cost(terms: list[str]) -> int:
    return sum(estimated_tokens(t) for t in terms) + max(0, len(terms) - 1)


@pytest.mark.parametrize("budget", [1, 5, 12, 30, 100])
def test_prompt_respects_the_budget(runner, budget):
    terms = prompt_json(runner, ML_GLOSSARY, "--max-tokens", budget)
    assert cost(terms) <= budget
    known = {t.text for t in load_glossary(ML_GLOSSARY)}
    assert set(terms) <= known
    assert len(set(terms)) == len(terms)
    if budget >= 5:
        assert terms


def test_prompt_default_budget_is_224_and_fills_it(runner):
    terms = prompt_json(runner, ML_GLOSSARY)
    assert cost(terms) <= 224
    assert cost(terms) > 150  # 97 terms do not fit: the budget is used, not wasted
    everything = {t.text for t in load_glossary(ML_GLOSSARY)}
    assert set(terms) < everything


def test_prompt_small_budget_keeps_only_what_fits(runner):
    # distinct.txt: TensorFlow 3, PyTorch 2, deep learning 3, gradient descent 4, Zqxlorb 2.
    assert prompt_json(runner, DATA / "distinct.txt", "--max-tokens", "1") == []
    assert prompt_json(runner, DATA / "distinct.txt", "--max-tokens", "2") == ["Zqxlorb"]


def test_prompt_rarest_first(runner):
    terms = prompt_json(runner, DATA / "distinct.txt")
    assert sorted(terms) == sorted(t.text for t in load_glossary(DATA / "distinct.txt"))
    assert terms[0] == "Zqxlorb"
    assert terms.index("Zqxlorb") < terms.index("deep learning")
    assert terms.index("TensorFlow") < terms.index("deep learning")  # "tensor" is rarer
    scores = [rarity(Term(t, (t,))) for t in terms]
    assert scores == sorted(scores)


def test_prompt_sample_is_ordered_by_rarity(runner):
    terms = prompt_json(runner, ML_GLOSSARY, "--max-tokens", "1000")
    assert len(terms) == 97  # a large budget keeps every term
    scores = [rarity(Term(t, (t,))) for t in terms]
    assert scores == sorted(scores)
    assert terms.index("Yoshua Bengio") < terms.index("deep learning")


def test_prompt_plain_output_is_comma_separated(runner):
    result = cli(runner, "glossary", "prompt", DATA / "distinct.txt", "--max-tokens", "8")
    assert result.exit_code == 0
    expected = prompt_json(runner, DATA / "distinct.txt", "--max-tokens", "8")
    assert result.stdout == ", ".join(expected) + "\n"
    assert cost(expected) <= 8


def test_prompt_rejects_a_zero_budget(runner):
    result = cli(runner, "glossary", "prompt", ML_GLOSSARY, "--max-tokens", "0")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_vocabulary_prompt_removes_duplicates():
    terms = [Term("Zqxlorb", ("Zqxlorb",)), Term("Zqxlorb", ("Zqxlorb",)),
             Term("deep learning", ("deep learning",))]
    assert vocabulary_prompt(terms, 100) == ["Zqxlorb", "deep learning"]


def test_estimated_tokens_is_generous():
    assert estimated_tokens("TensorFlow") == 3
    assert estimated_tokens("GPT-3") == 3
    assert estimated_tokens("a") == 1
    assert estimated_tokens("") == 0


# == 8. glossary check ===================================================================

def check(runner, path):
    result = cli(runner, "glossary", "check", path)
    no_traceback(result)
    return result


def test_check_clean_glossary_exits_0(runner):
    path = DATA / "distinct.txt"
    result = check(runner, path)
    assert result.exit_code == 0, result.stdout
    assert "5 terms: 2 guessed, 0 unpronounceable, 0 pairs too alike" in result.stdout
    assert f"{path}:6: guessed: 'Zqxlorb'" in result.stdout
    assert f"{path}:3: guessed: 'PyTorch' (py " in result.stdout
    assert "too alike" not in result.stdout.replace("0 pairs too alike", "")


def test_check_sample_glossary_exits_0(runner):
    result = check(runner, ML_GLOSSARY)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("97 terms: ")
    assert "0 unpronounceable, 0 pairs too alike" in result.stdout
    assert f"{ML_GLOSSARY}:6: guessed: 'Caffe'" in result.stdout  # not in CMUdict


def test_check_yaml_sounds_are_not_guessed(runner):
    result = check(runner, DATA / "entries.yaml")
    assert result.exit_code == 0, result.stdout
    assert "'Caffe'" not in result.stdout       # its sounds: say how it is said
    assert "'Kubernetes'" not in result.stdout


def test_check_too_alike_pair_exits_1(runner):
    path = DATA / "alike.txt"
    result = check(runner, path)
    assert result.exit_code == 1, result.stdout
    assert f"{path}:2: too alike: 'Caffe' and 'Kaffe' sound 1.00 alike" in result.stdout
    assert "2 terms: 2 guessed, 0 unpronounceable, 1 pairs too alike" in result.stdout


def test_check_unpronounceable_term_exits_1(runner):
    path = DATA / "silent.txt"
    result = check(runner, path)
    assert result.exit_code == 1, result.stdout
    assert f"{path}:2: unpronounceable: '++'" in result.stdout
    assert "0 pairs too alike" in result.stdout


def test_check_glossary_api():
    terms = load_glossary(DATA / "alike.txt") + load_glossary(DATA / "silent.txt")
    report = check_glossary(terms)
    assert [t.text for t in report.silent] == ["++"]
    assert [(a.text, b.text, s) for a, b, s in report.alike] == [("Caffe", "Kaffe", 1.0)]
    assert report.problems == 2
    # A term inside another is not a clash ("supervised" in "unsupervised").
    nested = [Term("supervised learning", ("supervised learning",)),
              Term("unsupervised learning", ("unsupervised learning",))]
    assert check_glossary(nested).alike == []


def test_check_term_with_commented_dictionary_entry(runner, tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("GDP\nHIV\nTensorFlow\n", encoding="utf-8")
    result = check(runner, path)
    assert result.exit_code in (0, 1)


# == clean --glossary end to end ==========================================================

def test_clean_with_glossary_writes_soundalike_edits(runner, tmp_path):
    result = cli(runner, "clean", SAMPLE, "--no-default-rules", "--glossary", ML_GLOSSARY,
                 "--out-dir", tmp_path, "--check")
    no_traceback(result)
    assert result.exit_code == 1, result.stderr  # --check: flags remain
    doc = json.loads((tmp_path / f"{SAMPLE.stem}.edits.json").read_text(encoding="utf-8"))
    edits = doc["edits"]
    assert edits
    assert {e["category"] for e in edits} == {"soundalike"}
    originals = {e["original"] for e in edits if e["rule"] == "glossary.soundalike"}
    assert {"Pelo Pelo", "Pelo-Pelo", "attention flow", "cafe too"} <= originals
    text = SAMPLE.read_text(encoding="utf-8")
    for e in edits:
        assert text[e["start"]:e["end"]] == e["original"]


def test_clean_with_glossary_stdout_and_summary(runner):
    result = cli(runner, "clean", SAMPLE, "--no-default-rules", "-g", ML_GLOSSARY)
    no_traceback(result)
    assert result.exit_code == 0
    assert "flagged -> stdout" in result.stderr
    # Nothing is applied on the sample (every match is only flagged): text unchanged.
    assert result.stdout == SAMPLE.read_text(encoding="utf-8")
