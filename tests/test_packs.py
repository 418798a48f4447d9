"""Rule packs are checked strictly at load: every mistake is a CleanerError whose message
names the file, the line, the rule id and the key."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cleaner.errors import CleanerError
from cleaner.packs import load_pack, load_packs, parse_pack, shipped_pack_paths

DATA = Path(__file__).parent / "data" / "packs"
FAILING_PACK = DATA / "failing-example.yaml"
SRC = "mypack.yaml"

# A pack using most features; every bad case below is a small change to something like it.
VALID = """\
pack: p
description: a test pack
topic: [deep learning, neural network]
topic_min: 1
category: term
rules:
  - id: a
    match: {phrases: ["tensor flow", "tenser flow"]}
    replace: TensorFlow
    confidence: 0.95
    category: term
    message: TensorFlow
    when: {near: [framework], within: 5, scope: sentence, not_after: [layer]}
    styles: [clean, verbatim]
    examples:
      - {text: "the tensor flow framework", fixed: "the TensorFlow framework"}
      - {text: "tensor flow layer", unchanged: true}
  - id: b
    match: {regex: '\\bfoo(bar)\\b', case: sensitive}
    replace: '\\1'
  - id: c
    match: {tokens: [{LOWER: nd}]}
    action: flag
    confidence: 0.5
  - id: d
    match: {phrases: [ok]}
    transform: upper
"""


def load_error(text: str, source: str = SRC) -> CleanerError:
    with pytest.raises(CleanerError) as info:
        parse_pack(text, source)
    return info.value


def rule_pack(body: str) -> str:
    """A pack ``p`` with one rule ``a`` whose lines (from line 3 on) are ``body``."""
    return "pack: p\nrules:\n  - id: a\n" + textwrap.indent(textwrap.dedent(body), "    ")


# -- the positive control --------------------------------------------------------------

def test_valid_pack_loads_with_every_field():
    pack = parse_pack(VALID, SRC)
    assert pack.name == "p" and pack.source == SRC
    assert pack.topic == ("deep learning", "neural network") and pack.topic_min == 1
    a, b, c, d = pack.rules
    assert [r.full_id for r in pack.rules] == ["p.a", "p.b", "p.c", "p.d"]
    assert (a.kind, a.patterns, a.replace, a.confidence, a.auto) == (
        "phrases", ("tensor flow", "tenser flow"), "TensorFlow", 0.95, True)
    assert a.when.near == ("framework",) and a.when.within == 5
    assert a.when.not_after == frozenset({"layer"})
    assert [ex.line for ex in a.examples] == [16, 17]
    assert a.line == 7 and b.line == 18 and c.line == 21 and d.line == 25
    assert b.kind == "regex" and b.case_sensitive and b.replace == "\\1"
    assert c.kind == "tokens" and not c.auto
    assert d.transform == "upper"


def test_shipped_packs_load_and_are_named_after_their_files():
    paths = shipped_pack_paths()
    packs = load_packs(paths)
    assert [p.name for p in packs] == [path.name.split(".")[0] for path in paths]
    assert {"fillers", "markers", "ml-terms", "punctuation"} <= {p.name for p in packs}


# -- one error per mistake, with file, line, rule and key ------------------------------

CASES = {
    # name: (yaml, line, rule id or None, key, words in the message)
    "unknown-top-level-key": ("pack: p\nrulez: []\n", 2, None, "rulez", "unknown key"),
    "unknown-rule-key": (rule_pack("""\
        match: {phrases: [x]}
        replce: y
        """), 5, "p.a", "replce", "unknown key"),
    "duplicate-rule-id": ("pack: p\nrules:\n  - id: a\n    match: {phrases: [x]}\n"
                          "  - id: a\n    match: {phrases: [y]}\n", 5, "p.a", "id",
                          "duplicate"),
    "missing-match": (rule_pack("replace: y\n"), 3, "p.a", "match", "match"),
    "match-two-kinds": (rule_pack("match: {phrases: [x], regex: 'x'}\n"), 4, "p.a", "match",
                        "exactly one"),
    "match-unknown-kind": (rule_pack("match: {phrase: [x]}\n"), 4, "p.a", "phrase",
                           "unknown key"),
    "empty-phrases": (rule_pack("match: {phrases: []}\n"), 4, "p.a", "phrases", "phrases"),
    "blank-phrase": (rule_pack("match: {phrases: ['  ']}\n"), 4, "p.a", "phrases",
                     "phrases"),
    "invalid-regex": (rule_pack("match: {regex: 'a(b'}\n"), 4, "p.a", "regex",
                      "invalid regex"),
    "regex-matches-empty": (rule_pack("match: {regex: 'a*'}\n"), 4, "p.a", "regex", "empty"),
    "tokens-not-a-pattern": (rule_pack("match: {tokens: 'nd'}\n"), 4, "p.a", "tokens",
                             "tokens"),
    "confidence-too-high": (rule_pack("match: {phrases: [x]}\nconfidence: 1.5\n"), 5, "p.a",
                            "confidence", "from 0 to 1"),
    "confidence-negative": (rule_pack("match: {phrases: [x]}\nconfidence: -0.1\n"), 5, "p.a",
                            "confidence", "from 0 to 1"),
    "confidence-not-a-number": (rule_pack("match: {phrases: [x]}\nconfidence: high\n"), 5,
                                "p.a", "confidence", "number"),
    "confidence-bool": (rule_pack("match: {phrases: [x]}\nconfidence: true\n"), 5, "p.a",
                        "confidence", "number"),
    "unknown-category": (rule_pack("match: {phrases: [x]}\ncategory: weird\n"), 5, "p.a",
                         "category", "category must be one of"),
    "unknown-pack-category": ("pack: p\ncategory: weird\nrules: []\n", 2, None, "category",
                              "category"),
    "when-unknown-key": (rule_pack("match: {phrases: [x]}\nwhen: {nearby: [y]}\n"), 5, "p.a",
                         "nearby", "unknown key in when"),
    "within-zero": (rule_pack("""\
        match: {phrases: [x]}
        when:
          near: [y]
          within: 0
        """), 7, "p.a", "within", "within"),
    "transform-and-replace": (rule_pack("""\
        match: {phrases: [x]}
        replace: y
        transform: upper
        """), 6, "p.a", "transform", "transform"),
    "unknown-transform": (rule_pack("match: {phrases: [x]}\ntransform: title\n"), 5, "p.a",
                          "transform", "transform"),
    "fix-without-replacement": (rule_pack("match: {phrases: [x]}\naction: fix\n"), 5, "p.a",
                                "action", "replace"),
    "unknown-style": (rule_pack("match: {phrases: [x]}\nstyles: [loud]\n"), 5, "p.a",
                      "styles", "styles"),
    "example-unknown-key": (rule_pack("""\
        match: {phrases: [x]}
        replace: y
        examples:
          - {text: x, fixd: y}
        """), 7, "p.a", "fixd", "unknown key in example"),
    "bad-pack-name": ("pack: 'my pack'\nrules: []\n", 1, None, "pack", "pack name"),
    "rules-not-a-list": ("pack: p\nrules: {id: a}\n", 2, None, "rules", "rules"),
    "topic-min-zero": ("pack: p\ntopic_min: 0\nrules: []\n", 2, None, "topic_min",
                       "topic_min"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_load_error_names_file_line_rule_and_key(case):
    text, line, rule, key, words = CASES[case]
    err = load_error(text)
    msg = str(err)
    assert msg.startswith(f"{SRC}:{line}: "), msg
    if rule is not None:
        assert f"rule {rule}: " in msg, msg
    assert f"key '{key}'" in msg, msg
    assert words in msg, msg
    assert "\n" not in msg  # one line
    assert (err.file, err.line, err.rule, err.key) == (SRC, line, rule, key)
    assert err.exit_code == 2


def test_example_without_expectation():
    err = load_error(rule_pack("""\
        match: {phrases: [x]}
        replace: y
        examples:
          - {text: "say x"}
        """))
    msg = str(err)
    assert msg.startswith(f"{SRC}:7: rule p.a: key '"), msg
    assert "fixed, flagged, unchanged" in msg


def test_example_with_two_expectations():
    err = load_error(rule_pack("""\
        match: {phrases: [x]}
        replace: y
        examples:
          - text: "say x"
            fixed: "say y"
            unchanged: true
        """))
    assert str(err).startswith(f"{SRC}:7: rule p.a: ")
    assert "exactly one of" in str(err)


def test_duplicate_yaml_key_names_file_line_and_key():
    err = load_error(rule_pack("""\
        match: {phrases: [x]}
        replace: y
        replace: z
        """))
    msg = str(err)
    assert msg.startswith(f"{SRC}:6: "), msg
    assert "key 'replace': duplicate key" in msg


def test_duplicate_top_level_yaml_key():
    msg = str(load_error("pack: p\npack: q\nrules: []\n"))
    assert msg.startswith(f"{SRC}:2: ") and "key 'pack': duplicate key" in msg


def test_duplicate_yaml_key_in_a_rule_names_the_rule():
    err = load_error(rule_pack("""\
        match: {phrases: [x]}
        replace: y
        replace: z
        """))
    assert "rule p.a: " in str(err)
    assert (err.rule, err.key) == ("p.a", "replace")


@pytest.mark.parametrize("text, line", [
    ("pack: p\nrules:\n  - id: a\n   match: x\n", 4),           # bad indentation
    ("pack: p\nrules:\n  - id: a\n    match: {phrases: [x}\n", 4),  # unbalanced brackets
    ("pack: p\n\trules: []\n", 2),                              # a tab
])
def test_invalid_yaml_names_the_line(text, line):
    msg = str(load_error(text))
    assert msg.startswith(f"{SRC}:{line}: invalid YAML"), msg
    assert "\n" not in msg


@pytest.mark.parametrize("text", ["just a string\n", "", "42\n"])
def test_pack_that_is_not_a_mapping(text):
    msg = str(load_error(text))
    assert msg.startswith(f"{SRC}:1: ") and "rules" in msg


def test_rule_without_id():
    msg = str(load_error("pack: p\nrules:\n  - match: {phrases: [x]}\n"))
    assert msg.startswith(f"{SRC}:3: ") and "key 'id'" in msg


def test_error_names_the_real_file(tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text(rule_pack("match: {phrases: [x]}\nreplce: y\n"), encoding="utf-8")
    msg = str(pytest.raises(CleanerError, load_pack, path).value)
    assert msg.startswith(f"{path}:5: rule p.a: key 'replce'"), msg


def test_missing_pack_file(tmp_path):
    path = tmp_path / "nope.yaml"
    msg = str(pytest.raises(CleanerError, load_pack, path).value)
    assert msg.startswith(str(path)), msg


def test_pack_file_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"pack: p\nrules:\n  - id: a\n    match: {phrases: [caf\xe9]}\n")
    msg = str(pytest.raises(CleanerError, load_pack, path).value)
    assert msg.startswith(str(path)) and "UTF-8" in msg


# -- catastrophic regexes: rejected at load, quickly, without hanging the test run -----

_CATASTROPHIC_SCRIPT = """
import sys, time
from cleaner.packs import parse_pack
from cleaner.errors import CleanerError
quoted = "'" + sys.argv[1].replace("'", "''") + "'"  # YAML single quotes: \\ is literal
text = "pack: p\\nrules:\\n  - id: a\\n    match:\\n      regex: " + quoted + "\\n"
t = time.monotonic()
try:
    parse_pack(text, "slow.yaml")
except CleanerError as exc:
    print(f"{time.monotonic() - t:.3f}")
    print(exc)
else:
    print(f"{time.monotonic() - t:.3f}")
    print("LOADED")
"""


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w+\s?)+$", r"(a|aa)+b"])
def test_catastrophic_regex_is_rejected_quickly(pattern):
    # In a child process with a hard timeout: if the check regressed into running the
    # pattern without a time limit, the test fails instead of hanging the suite.
    try:
        proc = subprocess.run([sys.executable, "-c", _CATASTROPHIC_SCRIPT, pattern],
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover - the failure being guarded
        pytest.fail(f"loading a pack with regex {pattern!r} hung")
    assert proc.returncode == 0, proc.stderr
    seconds, msg = proc.stdout.splitlines()[:2]
    assert float(seconds) < 3.0
    assert msg.startswith("slow.yaml:5: rule p.a: key 'regex': "), msg
    assert "catastroph" in msg


def test_ordinary_regex_loads_fast():
    t = time.monotonic()
    pack = parse_pack(rule_pack(r"match: {regex: '\b(\w+) \1\b'}" + "\nreplace: '\\1'\n"),
                      SRC)
    assert time.monotonic() - t < 1.0
    assert pack.rules[0].kind == "regex"


def test_replace_naming_a_missing_group_is_a_load_error():
    err = load_error(rule_pack("match: {regex: 'ab'}\nreplace: '\\2'\n"))
    assert str(err).startswith(f"{SRC}:5: rule p.a: key 'replace'")


# -- errors found when the packs are compiled (needs spaCy) ----------------------------

@pytest.fixture(scope="module")
def Cleaner():
    from cleaner.engine import Cleaner
    return Cleaner


def test_bad_token_pattern_is_found_when_compiled(Cleaner):
    pack = parse_pack("pack: p\nrules:\n  - id: ok\n    match: {phrases: [x]}\n"
                      "  - id: a\n    match: {tokens: [{NOTANATTR: x}]}\n", SRC)
    assert [r.id for r in pack.rules] == ["ok", "a"]  # loading alone accepts it
    with pytest.raises(CleanerError) as info:
        Cleaner([pack])
    msg = str(info.value)
    assert msg.startswith(f"{SRC}:5: rule p.a: key 'tokens': "), msg
    assert "NOTANATTR" in msg
    assert "\n" not in msg


def test_user_pack_with_failing_example_does_not_load(Cleaner):
    with pytest.raises(CleanerError) as info:
        Cleaner(rules=[FAILING_PACK])
    err = info.value
    msg = str(err)
    assert msg.startswith(f"{FAILING_PACK}:8: rule failing.tensorflow: key 'examples': "), msg
    assert "example 2" in msg
    assert (err.line, err.key) == (8, "examples")


def test_user_pack_with_passing_examples_loads(Cleaner, tmp_path):
    cleaner = Cleaner(rules=[DATA / "user-terms.yaml"], default_rules=False)
    result = cleaner.clean("we used attention flow")
    assert result.cleaned == "we used TensorFlow"
    assert [e.rule for e in result.edits] == ["mine.tensorflow"]


# -- pack names ------------------------------------------------------------------------

BARE = """\
- id: tf
  match: {phrases: [tensor flow]}
  replace: TensorFlow

- id: pt
  match: {phrases: [pie torch]}
  replace: PyTorch
"""


def test_bare_list_pack_is_named_after_the_file(tmp_path):
    path = tmp_path / "extra-terms.yaml"
    path.write_text(BARE, encoding="utf-8")
    pack = load_pack(path)
    assert pack.name == "extra-terms"
    assert [r.full_id for r in pack.rules] == ["extra-terms.tf", "extra-terms.pt"]
    assert [r.line for r in pack.rules] == [1, 5]
    assert pack.rules[1].replace == "PyTorch"
    assert pack.source == str(path)


def test_bare_list_pack_errors_use_the_file_name(tmp_path):
    path = tmp_path / "extra-terms.yaml"
    path.write_text(BARE.replace("  replace: PyTorch", "  replce: PyTorch"), encoding="utf-8")
    msg = str(pytest.raises(CleanerError, load_pack, path).value)
    assert msg.startswith(f"{path}:7: rule extra-terms.pt: key 'replce'"), msg


def test_two_packs_with_the_same_name(tmp_path):
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text("pack: same\nrules: []\n")
    two.write_text("pack: same\nrules: []\n")
    err = pytest.raises(CleanerError, load_packs, [one, two]).value
    assert str(err).startswith(str(two)), str(err)
    assert "'same'" in str(err) and str(one) in str(err)
    assert err.key == "pack"
    # each loads fine on its own
    assert [p.name for p in load_packs([one])] == ["same"]


def test_user_pack_may_not_reuse_a_shipped_name(Cleaner, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("pack: ml-terms\nrules: []\n")
    msg = str(pytest.raises(CleanerError, Cleaner, rules=[mine]).value)
    assert msg.startswith(str(mine)) and "'ml-terms'" in msg
