"""Formats in and out: plain text, timestamped lines, SRT, WebVTT and Whisper JSON.

What is checked:

- round trips: with no rules every format comes out byte for byte, for the shipped samples
  and for random cue structures (hypothesis); with the shipped rules, only text inside the
  segments changes (timings, cue numbers, tags, headers, JSON structure are kept);
- the same mistakes are found in every format's version of the shipped sample;
- speaker labels, headers, notes, cue ids and tags are never matched by rules;
- malformed input is one ``cleaner: error:`` line naming file and line (exit 2), or a
  ``cleaner: warning:`` line when it is read anyway.
"""
from __future__ import annotations

import collections
import hashlib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import srt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cleaner import formats
from cleaner.api import clean_source
from cleaner.cli import app
from cleaner.files import Source
from cleaner.render import apply_edits

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PLAIN = SAMPLES / "heroes-yuanqing-lin.asr.txt"
SAMPLE_FORMATS = {
    "heroes-yuanqing-lin.asr.txt": "text",
    "heroes-yuanqing-lin.timestamped.txt": "timestamped",
    "heroes-yuanqing-lin.subtitles.srt": "srt",
    "heroes-yuanqing-lin.captions.vtt": "vtt",
    "heroes-yuanqing-lin.whisper.json": "whisper-json",
}
EDIT_KEYS = {"id", "start", "end", "original", "replacement", "action", "confidence", "rule",
             "category", "message"}
TF_PACK = """\
rules:
  - {id: tf, match: {phrases: ["tensor flow"]}, replace: TensorFlow}
  - {id: bob, match: {phrases: ["Bob"], case: sensitive}, replace: Robert}
"""
SETTINGS = settings(max_examples=int(os.environ.get("CLEANER_HYPOTHESIS_EXAMPLES", "100")),
                    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                          HealthCheck.too_slow])


# -- helpers ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def bare_cleaner():
    from cleaner import Cleaner
    return Cleaner(default_rules=False)


@pytest.fixture(scope="module")
def tf_cleaner(tmp_path_factory):
    from cleaner import Cleaner
    pack = tmp_path_factory.mktemp("packs") / "tf.yaml"
    pack.write_text(TF_PACK, encoding="utf-8")
    return Cleaner(rules=[pack], default_rules=False)


def cli(runner: CliRunner, *args: object, input: bytes | str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.stderr


def assert_one_error(result, *names: str) -> str:
    no_traceback(result)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("cleaner: error: "), lines[0]
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def warnings_of(result) -> list[str]:
    return [x for x in result.stderr.splitlines() if x.startswith("cleaner: warning: ")]


def source(name: str, text: str) -> Source:
    return Source(name=name, raw=text.encode("utf-8"), text=text, encoding="utf-8", bom=False)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def check_offsets(text: str, edits) -> None:
    """The edits contract: offsets point at the original, ids unique, no overlaps."""
    assert [e.id for e in edits] == [f"e{n}" for n in range(1, len(edits) + 1)]
    last = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        assert 0 <= e.start <= e.end <= len(text)
        assert text[e.start:e.end] == e.original, e
        assert e.start >= last, "edits overlap"
        last = e.end


def top_text_span(text: str) -> tuple[int, int]:
    """Where Whisper's top-level "text" literal sits (the root object's first key here)."""
    from cleaner.formats.jsonspans import parse
    lit = parse(text).items["text"]
    return lit.start, lit.end


def structure(fmt: str, text: str):
    """Everything about a file that cleaning must not change."""
    if fmt == "srt":
        return [(s.index, s.start, s.end, s.proprietary, s.content.count("\n"),
                 re.findall(r"<[^<>]*>|\{\\[^{}]*\}", s.content)) for s in srt.parse(text)]
    if fmt == "vtt":  # every line but the payload's; of the payload, its lines and tags
        out, payload = [], False
        for line in text.splitlines():
            payload = payload and bool(line.strip()) or "-->" in line
            out.append(re.findall(r"<[^<>]*>", line) if payload and "-->" not in line
                       else line)
        return out
    if fmt == "whisper-json":
        def strip(node):
            if isinstance(node, dict):
                return {k: ("TEXT" if k == "text" else strip(v)) for k, v in node.items()}
            if isinstance(node, list):
                return [strip(v) for v in node]
            return node
        return strip(json.loads(text))
    if fmt == "timestamped":
        from cleaner.formats.timestamped import stamp_end
        return [line[:stamp_end(line, 0, len(line)) or 0] for line in text.splitlines()]
    return text.count("\n")


# -- the shipped samples ---------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLE_FORMATS)
def test_sample_round_trips_byte_for_byte_without_rules(runner, tmp_path, name):
    src = SAMPLES / name
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "--no-default-rules", "-o", out)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    stem, ext = name.rsplit(".", 1)
    assert (out / f"{stem}.clean.{ext}").read_bytes() == src.read_bytes()
    doc = json.loads((out / f"{stem}.edits.json").read_text(encoding="utf-8"))
    assert doc == {"source": name, "format": SAMPLE_FORMATS[name],
                   "sha256": hashlib.sha256(src.read_bytes()).hexdigest(), "edits": []}
    assert warnings_of(result) == []


@pytest.fixture(scope="module")
def sample_runs(default_cleaner):
    return {name: clean_source(default_cleaner, source(name, (SAMPLES / name).read_text(
        encoding="utf-8"))) for name in SAMPLE_FORMATS}


def corrections(run) -> collections.Counter:
    """(original, replacement, rule, action) of every edit in the transcript's text, with
    replacements read back as text (VTT writes R&D as R&amp;D); Whisper's copies in the
    top-level text are left out (they repeat the segments' corrections)."""
    edits = run.result.edits
    if run.format == "whisper-json":
        start, end = top_text_span(run.source.text)
        edits = [e for e in edits if not start <= e.start <= end]
    unescape = html.unescape if run.format == "vtt" else (lambda s: s)
    return collections.Counter((e.original, unescape(e.replacement), e.rule, e.action)
                               for e in edits)


@pytest.mark.parametrize("name", [n for n, f in SAMPLE_FORMATS.items() if f != "text"])
def test_same_mistakes_found_in_every_format(sample_runs, name):
    plain = corrections(sample_runs[PLAIN.name])
    assert plain, "the sample has known mis-recognitions"
    assert corrections(sample_runs[name]) == plain
    assert sample_runs[name].format == SAMPLE_FORMATS[name]
    assert sample_runs[name].notes == []


@pytest.mark.parametrize("name", SAMPLE_FORMATS)
def test_sample_offsets_and_structure_survive_the_default_run(sample_runs, name):
    run = sample_runs[name]
    text = run.source.text
    check_offsets(text, run.result.edits)
    cleaned = run.result.cleaned
    assert cleaned == apply_edits(text, run.result.applied)
    assert structure(run.format, cleaned) == structure(run.format, text)
    assert "PaddlePaddle" in cleaned and "Pelo Pelo" not in cleaned


def test_sample_segments_hold_exactly_the_plain_transcript(sample_runs):
    """The format samples carry the plain sample's words, cue by cue."""
    plain = PLAIN.read_text(encoding="utf-8").split()
    for name, fmt in SAMPLE_FORMATS.items():
        text = (SAMPLES / name).read_text(encoding="utf-8")
        doc = formats.read(name, text)
        words = " ".join(text[s.start:s.end] for s in doc.segments).split()
        assert words == plain, (name, fmt)


def test_whisper_top_level_text_gets_the_same_corrections(sample_runs):
    run = sample_runs["heroes-yuanqing-lin.whisper.json"]
    cleaned = json.loads(run.result.cleaned)
    assert cleaned["text"] == "".join(s["text"] for s in cleaned["segments"])
    assert cleaned["text"] == sample_runs[PLAIN.name].result.cleaned
    original = json.loads(run.source.text)
    for before, after in zip(original["segments"], cleaned["segments"]):
        assert before["words"] == after["words"]  # words[] is left as recognised


def test_whisper_flag_below_flags_unsure_words_no_edit_covers(runner, tmp_path):
    src = SAMPLES / "heroes-yuanqing-lin.whisper.json"
    out = tmp_path / "out"
    # markers.next-to-gap already marks both "Lisa [inaudible]": switched off, the
    # recogniser's probabilities are what flags them
    result = cli(runner, "clean", src, "-o", out, "--flag-below", "0.35",
                 "--disable", "markers.next-to-gap")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    doc = json.loads((out / "heroes-yuanqing-lin.whisper.edits.json").read_text())
    text = src.read_text(encoding="utf-8")
    flags = [e for e in doc["edits"] if e["rule"] == "whisper.low-probability"]
    assert [f["original"] for f in flags] == ["Lisa", "Lisa"]  # probability 0.31 in words[]
    for f in flags:
        assert f["action"] == "flagged" and f["replacement"] == f["original"]
        assert f["category"] == "custom" and "0.31" in f["message"]
        assert f["confidence"] == 0.69
    assert [e["id"] for e in doc["edits"]] == [f"e{n}" for n in range(1, len(doc["edits"]) + 1)]
    spans = [(e["start"], e["end"]) for e in doc["edits"]]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert all(text[e["start"]:e["end"]] == e["original"] for e in doc["edits"])
    # the cleaned file is the same with or without flags
    assert (out / "heroes-yuanqing-lin.whisper.clean.json").read_text() == _applied(text, doc)


def test_whisper_probability_is_added_to_an_edit_over_an_unsure_word(runner, tmp_path):
    out = tmp_path / "out"
    result = cli(runner, "clean", SAMPLES / "heroes-yuanqing-lin.whisper.json", "-o", out,
                 "--flag-below", "0.35")
    assert result.exit_code == 0, result.stderr
    doc = json.loads((out / "heroes-yuanqing-lin.whisper.edits.json").read_text())
    lisa = [e for e in doc["edits"] if e["original"] == "Lisa"]
    assert [e["rule"] for e in lisa] == ["markers.next-to-gap"] * 2
    assert all("(recogniser probability 0.31)" in e["message"] for e in lisa)


def _applied(text: str, doc: dict) -> str:
    out, pos = [], 0
    for e in sorted((e for e in doc["edits"] if e["action"] == "applied"),
                    key=lambda e: (e["start"], e["end"])):
        out.append(text[pos:e["start"]] + e["replacement"])
        pos = e["end"]
    return "".join(out) + text[pos:]


def test_whisper_probability_is_named_in_the_message_of_an_edit_over_an_unsure_word(
        default_cleaner):
    text = json.dumps({"text": " we used tensor flow", "segments": [
        {"start": 0, "end": 1, "text": " we used tensor flow", "words": [
            {"word": " we", "probability": 0.99}, {"word": " used", "probability": 0.98},
            {"word": " tensor", "probability": 0.42}, {"word": " flow", "probability": 0.9}]}]})
    from cleaner.api import clean_source as run
    done = run(default_cleaner, source("t.json", text), flag_below=0.5)
    fixes = [e for e in done.result.edits if e.rule == "ml-terms.tensorflow"]
    assert len(fixes) == 2  # the segment and its copy in the top-level text
    assert all("recogniser probability 0.42" in e.message for e in fixes)
    assert not [e for e in done.result.edits if e.rule == "whisper.low-probability"]


def test_flag_below_on_a_format_without_probabilities_warns(runner, tmp_path):
    src = write(tmp_path, "t.srt", "1\n00:00:01,000 --> 00:00:02,000\nhello\n")
    result = cli(runner, "clean", src, "--flag-below", "0.5", "-q")
    assert result.exit_code == 0
    assert warnings_of(result) and "t.srt" in warnings_of(result)[0]


# -- detection -------------------------------------------------------------------------

SRT_TEXT = "1\n00:00:01,000 --> 00:00:02,500\nwe used tensor flow\n\n" \
           "2\n00:00:02,500 --> 00:00:04,000\nBob: Bob said tensor flow\n"
VTT_TEXT = ("WEBVTT\nKind: captions\n\nNOTE tensor flow in a note\n\n"
            "STYLE\n::cue { color: lime }\n\ntensor flow\n00:01.000 --> 00:02.000 align:start\n"
            "<v Bob>we used tensor flow</v>\n\n00:02.000 --> 00:03.000\nBob: Bob said it\n")
WHISPER_TEXT = json.dumps({"text": " we used tensor flow Bob: Bob said", "segments": [
    {"id": 0, "start": 0.0, "end": 1.0, "text": " we used tensor flow"},
    {"id": 1, "start": 1.0, "end": 2.0, "text": " Bob: Bob said"}], "language": "en"})
STAMPED_TEXT = "[0:03] we used tensor flow\n**[0:07]** Bob: Bob said it\n" \
               "00:01:02 Bob: Bob again\n[00:01:02.500] >> Bob: and Bob\n(1:02:03) tensor flow\n"


@pytest.mark.parametrize("name, text, fmt", [
    ("a.srt", SRT_TEXT, "srt"), ("a.txt", SRT_TEXT, "srt"), ("-", SRT_TEXT, "srt"),
    ("a.vtt", VTT_TEXT, "vtt"), ("a.txt", VTT_TEXT, "vtt"), ("a.vtt", SRT_TEXT, "vtt"),
    ("a.json", WHISPER_TEXT, "whisper-json"), ("-", WHISPER_TEXT, "whisper-json"),
    ("a.txt", STAMPED_TEXT, "timestamped"), ("a.md", STAMPED_TEXT, "timestamped"),
    ("a.txt", "we used tensor flow\n", "text"), ("a.srt", "", "srt"), ("-", "", "text"),
])
def test_format_is_detected_from_content_and_extension(name, text, fmt):
    assert formats.detect(name, text) == fmt


def test_format_option_overrides_detection(runner, tmp_path):
    src = write(tmp_path, "t.txt", STAMPED_TEXT)
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "--format", "text", "-r", write(tmp_path, "p.yaml",
                 "rules:\n  - {id: n, match: {regex: '\\d:\\d\\d'}, replace: X}\n"),
                 "--no-default-rules", "-o", out)
    assert result.exit_code == 0, result.stderr
    doc = json.loads((out / "t.edits.json").read_text())
    assert doc["format"] == "text"
    assert doc["edits"]  # as plain text, the timestamps are text that rules read


def test_unknown_format_is_one_error(runner, tmp_path):
    src = write(tmp_path, "t.txt", "hello\n")
    assert_one_error(cli(runner, "clean", src, "--format", "docx"), "format", "docx")


def test_the_extension_decides_and_a_mismatch_says_what_the_content_looks_like(runner,
                                                                               tmp_path):
    src = write(tmp_path, "t.vtt", SRT_TEXT)
    line = assert_one_error(cli(runner, "clean", src), f"{src}:1:", "WEBVTT", "--format srt")
    assert "looks like srt" in line
    result = cli(runner, "clean", src, "--format", "srt", "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.stderr
    assert json.loads((tmp_path / "out" / "t.edits.json").read_text())["format"] == "srt"
    assert (tmp_path / "out" / "t.clean.vtt").exists()  # the input's extension is kept


@pytest.mark.parametrize("text, suffix", [(SRT_TEXT, "srt"), (VTT_TEXT, "vtt"),
                                          (WHISPER_TEXT, "json"), ("plain words\n", "txt")])
def test_stdin_is_sniffed_and_named_by_its_format(runner, tmp_path, text, suffix):
    out = tmp_path / "out"
    result = cli(runner, "clean", "-", "-o", out, input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert (out / f"stdin.clean.{suffix}").exists()


# -- what rules see --------------------------------------------------------------------

@pytest.mark.parametrize("name, text", [("t.srt", SRT_TEXT), ("t.vtt", VTT_TEXT),
                                        ("t.json", WHISPER_TEXT), ("t.txt", STAMPED_TEXT)])
def test_rules_never_touch_labels_headers_notes_ids_or_timings(tf_cleaner, name, text):
    run = clean_source(tf_cleaner, source(name, text))
    check_offsets(text, run.result.edits)
    cleaned = run.result.cleaned
    assert structure(run.format, cleaned) == structure(run.format, text)
    # every "Bob:" label stays, every spoken Bob becomes Robert
    assert cleaned.count("Bob:") == text.count("Bob:")
    assert "Robert said" in cleaned or "Robert again" in cleaned
    assert "<v Bob>" in cleaned or run.format != "vtt"
    if run.format == "vtt":
        assert "NOTE tensor flow in a note" in cleaned
        assert "\ntensor flow\n00:01.000" in cleaned  # a cue id is not text
        assert "we used TensorFlow</v>" in cleaned
    else:
        assert "tensor flow" not in cleaned


def test_text_split_by_a_vtt_tag_is_two_pieces(tf_cleaner):
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<i>tensor</i> flow, <c.x>tensor flow</c>\n"
    cleaned = clean_source(tf_cleaner, source("t.vtt", text)).result.cleaned
    assert cleaned.endswith("<i>tensor</i> flow, <c.x>TensorFlow</c>\n")


def test_srt_formatting_tags_are_not_text(tf_cleaner):
    text = ('1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<font face="tensor flow">tensor flow'
            '</font>\n<i>Bob: Bob</i>\n')
    cleaned = clean_source(tf_cleaner, source("t.srt", text)).result.cleaned
    assert cleaned == text.replace(">tensor flow<", ">TensorFlow<").replace(
        "Bob: Bob", "Bob: Robert")


def test_an_edit_that_would_blank_a_cue_line_is_flagged_instead(default_cleaner):
    text = "1\n00:00:01,000 --> 00:00:02,000\nwe went\num,\nto the lab\n"
    run = clean_source(default_cleaner, source("t.srt", text))
    (um,) = [e for e in run.result.edits if e.original.startswith("um")]
    assert um.action == "flagged"
    assert run.result.cleaned == text  # a blank line would have ended the cue
    assert "blank" in run.notes[0].message and run.notes[0].line == 4


def test_clean_file_keeps_its_earlier_shape(default_cleaner, tmp_path):
    from cleaner.api import clean_file, write_outputs
    src = write(tmp_path, "t.srt", SRT_TEXT)
    source_, result = clean_file(default_cleaner, str(src))
    assert "TensorFlow" in result.cleaned
    (tmp_path / "out").mkdir()
    write_outputs(source_, result, tmp_path / "out")  # the format is detected again
    assert json.loads((tmp_path / "out" / "t.edits.json").read_text())["format"] == "srt"


def test_markers_stay_in_segments_and_are_flagged(default_cleaner):
    text = "1\n00:00:01,000 --> 00:00:02,000\n[Music] and then [inaudible] (laughs)\n"
    run = clean_source(default_cleaner, source("t.srt", text))
    flagged = {e.original for e in run.result.edits if e.category == "marker"}
    assert flagged == {"[Music]", "[inaudible]", "(laughs)"}
    assert run.result.cleaned == text


def test_a_term_split_across_two_cues_is_not_matched(default_cleaner):
    """A known limit: rules read one cue line at a time."""
    text = ("1\n00:00:01,000 --> 00:00:02,000\nwe have a really good Pelo\n\n"
            "2\n00:00:02,000 --> 00:00:03,000\nPelo framework for deep learning\n")
    run = clean_source(default_cleaner, source("t.srt", text))
    assert "PaddlePaddle" not in run.result.cleaned
    assert structure("srt", run.result.cleaned) == structure("srt", text)


def test_whisper_replacements_are_escaped_and_stay_valid_json(tmp_path):
    from cleaner import Cleaner
    pack = write(tmp_path, "q.yaml", 'rules:\n'
                 '  - {id: q, match: {phrases: ["tensor flow"]}, replace: "Tensor\\"Flow\\\\"}\n'
                 '  - {id: c, match: {phrases: ["coffee"]}, replace: "Caffé"}\n')
    cleaner = Cleaner(rules=[pack], default_rules=False)
    text = json.dumps({"text": " a \"tensor flow\" coffee in na\u00efve caf\u00e9", "segments": [
        {"text": " a \"tensor flow\" coffee in na\u00efve caf\u00e9"}]})
    assert "\\u00ef" in text  # json.dumps writes non-ASCII as escapes, as Whisper does
    run = clean_source(cleaner, source("t.json", text))
    check_offsets(text, run.result.edits)
    data = json.loads(run.result.cleaned)
    assert data["segments"][0]["text"] == ' a "Tensor"Flow\\" Caffé in naïve café'
    assert data["text"] == data["segments"][0]["text"]
    assert run.result.cleaned.isascii()  # the file's own style: \\u escapes kept
    # a word spelled with an escaped letter is never read in halves
    segs = formats.read("t.json", text).segments
    assert not any("na" == text[s.start:s.end].strip() for s in segs)


def test_whisper_top_level_array_of_segments(tf_cleaner):
    text = json.dumps([{"start": 0, "end": 1, "text": " tensor flow"}], indent=2)
    run = clean_source(tf_cleaner, source("t.json", text))
    assert json.loads(run.result.cleaned) == [{"start": 0, "end": 1, "text": " TensorFlow"}]


def test_a_line_break_replacement_is_refused_in_cues(runner, tmp_path):
    pack = write(tmp_path, "nl.yaml",
                 "rules:\n  - {id: nl, match: {phrases: [\"tensor flow\"]}, "
                 "replace: \"tensor\\n\\nflow\"}\n")
    src = write(tmp_path, "t.srt", SRT_TEXT)
    result = cli(runner, "clean", src, "--no-default-rules", "-r", pack,
                 "-o", tmp_path / "out")
    assert_one_error(result, f"{src}:3:", "nl.nl", "srt")
    assert not (tmp_path / "out" / "t.clean.srt").exists()


def test_vtt_replacements_become_character_references(default_cleaner):
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nwhen we design our ND\n"
    run = clean_source(default_cleaner, source("t.vtt", text))
    (nd,) = [e for e in run.result.edits if e.original == "ND"]
    assert nd.replacement == "R&amp;D"


def test_crlf_and_bom_are_kept(runner, tmp_path):
    src = tmp_path / "t.srt"
    src.write_bytes(b"\xef\xbb\xbf" + SRT_TEXT.replace("\n", "\r\n").encode())
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "-o", out, "-q")
    assert result.exit_code == 0, result.stderr
    assert (out / "t.clean.srt").read_bytes() == src.read_bytes().replace(
        b"tensor flow", b"TensorFlow")


# -- malformed input -------------------------------------------------------------------

CUE1 = "1\n00:00:01,000 --> 00:00:02,000\nhello there\n\n"


@pytest.mark.parametrize("name, text, where", [
    ("bad.srt", CUE1 + "2\n00:00:0x,000 --> 00:00:03,000\nworld\n", ["bad.srt:6:", "cue 2"]),
    ("bad.srt", CUE1 + "2\n00:00:02,000 -> 00:00:03,000\nworld\n\n3\n00:00:04,000 --> "
                       "00:00:05,000\nend\n", ["bad.srt:6:", "cue 2", "timing"]),
    ("bad.srt", CUE1 + "2\n00:61:02,000 --> 00:61:03,000\nworld\n", ["bad.srt:6:", "cue 2"]),
    ("bad.srt", "hello\n" + CUE1, ["bad.srt:1:", "cue 1"]),
    ("bad.vtt", "1\n00:01.000 --> 00:02.000\nhi\n", ["bad.vtt:1:", "WEBVTT"]),
    ("bad.vtt", "WEBVTT\n\n00:01.000 --> 00:0x.000\nhi\n", ["bad.vtt:3:", "cue 1"]),
    ("bad.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n00:02.000 --> 00:03.000\nyo\n",
     ["bad.vtt:5:", "cue 1", "blank line"]),
    ("bad.vtt", "WEBVTT\n\nintro\nhello there\n", ["bad.vtt:3:", "cue 1", "timing"]),
    ("bad.vtt", "WEBVTT\n00:01.000 --> 00:02.000\nhi\n", ["bad.vtt:2:", "header"]),
    ("bad.json", '{"text": " hi", "segments": [{"text": " hi"}', ["bad.json:1:", "JSON"]),
    ("bad.json", '{\n "text": " hi",\n "segments": [\n  {"text": " hi"},\n  ', ["bad.json:5:"]),
    ("bad.json", '{"text": "hi", "language": "en"}', ["bad.json:1:", "segments"]),
    ("bad.json", '{"segments": [\n {"text": " hi"},\n {"start": 1}\n]}',
     ["bad.json:3:", "segments[1]"]),
    ("bad.txt", "[0:03] hello\n[0:75] there\n", ["bad.txt:2:", "0:75"]),
    ("bad.txt", "[0:03] hello\n[1:5] there\n", ["bad.txt:2:", "1:5"]),
])
def test_malformed_input_is_one_error_naming_file_and_line(runner, tmp_path, name, text, where):
    src = write(tmp_path, name, text)
    out = tmp_path / "out"
    result = cli(runner, "clean", src, "-o", out)
    line = assert_one_error(result, *where)
    assert line.startswith(f"cleaner: error: {src}")
    assert list(out.glob("*")) == []


@pytest.mark.parametrize("name, text, said", [
    ("ok.srt", "1\n00:00:01,000 --> 00:00:02,000\nhello\n2\n00:00:02,000 --> 00:00:03,000\n"
               "world\n", ["ok.srt:4:", "no blank line before cue 2"]),
    ("ok.srt", CUE1 + "2\n00:00:02,000 --> 00:00:03,000\n\n3\n00:00:03,000 --> 00:00:04,000\n"
                      "end\n", ["ok.srt:6:", "cue 2 has no text"]),
    ("ok.srt", "1\n00:00:03,000 --> 00:00:02,000\nhello\n", ["ok.srt:2:", "ends before"]),
    ("ok.srt", "1\n00:00:01,000 --> 00:00:02,000\nhello\n\nworld\n\n"
               "2\n00:00:02,000 --> 00:00:03,000\nend\n", ["ok.srt:4:", "blank line inside"]),
    ("ok.vtt", "WEBVTT\n\n00:02.000 --> 00:01.000\nhello\n", ["ok.vtt:3:", "ends before"]),
])
def test_tolerated_malformations_are_read_with_a_warning(runner, tmp_path, name, text, said):
    src = write(tmp_path, name, text)
    result = cli(runner, "clean", src, "--no-default-rules", "-q")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == text  # read anyway, and kept as it is
    (warning,) = warnings_of(result)
    assert all(s in warning for s in said), warning


def test_malformed_input_real_process_exit_code(tmp_path):
    src = write(tmp_path, "bad.srt", CUE1 + "2\n00:00:0x,000 --> 00:00:03,000\nworld\n")
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(src)],
                          capture_output=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith(f"cleaner: error: {src}:6: cue 2")
    assert b"Traceback" not in proc.stderr


# -- random cue structures (hypothesis) ------------------------------------------------

WORDS = ["tensor flow", "attention flow", "cafe", "Pelo Pelo", "framework", "um,", "the the",
         "[inaudible]", "(laughs)", "i think", "deep learning", "é", "naïve", "😀", "—",
         "it's", "R and D", "said", ".", "?", "Ph.D.", "\"quoted\"", "back\\slash", "a  b"]
NAMES = ["Bob", "Andrew Ng", "SPEAKER 1", "Dr. Lin"]
word = st.sampled_from(WORDS) | st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                           blacklist_characters="<>&:\\-\u0085"), min_size=1, max_size=8)
text_line = st.lists(word, min_size=1, max_size=8).map(" ".join).map(str.strip).filter(bool)
speaker = st.none() | st.sampled_from([f"{n}: " for n in NAMES] + [">> "])
cue = st.tuples(st.integers(0, 5000), st.integers(1, 9000),
                st.lists(st.tuples(speaker, text_line), min_size=1, max_size=3))
cues = st.lists(cue, max_size=8)
newline = st.sampled_from(["\n", "\r\n"])


def _timed(cue_list):
    t, out = 0, []
    for gap, length, lines in cue_list:
        t += gap
        out.append((t, t + length, lines))
        t += length
    return out


def _clock(ms: int, sep: str) -> str:
    h, ms = divmod(ms, 3600000)
    m, ms = divmod(ms, 60000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


@st.composite
def srt_files(draw):
    nl = draw(newline)
    tags = st.sampled_from(["", "", "<i>", "</i>", "<b>", "<font color=\"red\">", "{\\an8}"])
    return "".join(f"{n}{nl}{_clock(a, ',')} --> {_clock(b, ',')}{nl}"
                   + nl.join(draw(tags) + (sp or "") + line + draw(tags) for sp, line in lines)
                   + nl + nl for n, (a, b, lines) in enumerate(_timed(draw(cues)), 1))


@st.composite
def vtt_files(draw):
    nl = draw(newline)
    parts = ["WEBVTT" + draw(st.sampled_from(["", " - title"])) + nl
             + draw(st.sampled_from(["", f"Kind: captions{nl}Language: en{nl}"])) + nl]
    for n, (a, b, lines) in enumerate(_timed(draw(cues)), 1):
        if draw(st.booleans()):
            parts.append(f"NOTE {draw(text_line)}{nl}{nl}")
        ident = f"cue {n} tensor flow{nl}" if draw(st.booleans()) else ""
        settings_ = draw(st.sampled_from(["", " align:start", " line:90% position:10%"]))
        tags = st.sampled_from(["", "<i>", "</i>", "<v Bob>", "<c.loud>", "</c>",
                                "<00:00:01.500>", "&amp;", "&lt;"])
        body = nl.join((sp or "") + draw(tags) + line + draw(tags) for sp, line in lines)
        parts.append(f"{ident}{_clock(a, '.')} --> {_clock(b, '.')}{settings_}{nl}{body}{nl}{nl}")
    return "".join(parts)


@st.composite
def whisper_files(draw):
    segments = []
    for a, b, lines in _timed(draw(cues)):
        text = " " + " ".join((sp or "") + line for sp, line in lines)
        words = [{"word": " " + w, "start": a / 1000, "end": b / 1000,
                  "probability": draw(st.floats(0, 1))} for w in text.split()]
        segments.append({"id": len(segments), "start": a / 1000, "end": b / 1000, "text": text,
                         "words": words})
    doc = {"text": "".join(s["text"] for s in segments), "segments": segments, "language": "en"}
    return json.dumps(doc, ensure_ascii=draw(st.booleans()),
                      indent=draw(st.sampled_from([None, 1, 2])))


@st.composite
def stamped_files(draw):
    nl = draw(newline)
    out = []
    for a, _, lines in _timed(draw(cues)):
        s = a // 1000
        stamp = draw(st.sampled_from([f"[{s // 60}:{s % 60:02d}]", f"**[{s // 60}:{s % 60:02d}]**",
                                      f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}",
                                      f"[{_clock(a, '.')}]"]))
        sp, line = lines[0]
        out.append(f"{stamp} {sp or ''}{line}")
        out.extend((sp2 or "") + line2 for sp2, line2 in lines[1:])
    return nl.join(out) + (nl if out else "")


FILES = {"srt": srt_files().map(lambda t: ("t.srt", t)),
         "vtt": vtt_files().map(lambda t: ("t.vtt", t)),
         "whisper-json": whisper_files().map(lambda t: ("t.json", t)),
         "timestamped": stamped_files().map(lambda t: ("t.txt", t)),
         "text": st.lists(text_line, max_size=6).map("\n".join).map(lambda t: ("t.txt", t))}


@pytest.mark.parametrize("fmt", FILES)
@SETTINGS
@given(data=st.data())
def test_random_files_round_trip_without_rules(bare_cleaner, fmt, data):
    name, text = data.draw(FILES[fmt])
    run = clean_source(bare_cleaner, source(name, text), fmt)
    assert run.result.edits == []
    assert run.result.cleaned == text
    assert run.notes == []


@pytest.mark.parametrize("fmt", FILES)
@SETTINGS
@given(data=st.data())
def test_random_files_keep_their_structure_under_the_shipped_rules(default_cleaner, fmt,
                                                                   data):
    name, text = data.draw(FILES[fmt])
    run = clean_source(default_cleaner, source(name, text), fmt, flag_below=0.5)
    check_offsets(text, run.result.edits)
    cleaned = run.result.cleaned
    assert structure(fmt, cleaned) == structure(fmt, text)
    if fmt != "text":
        # rules never read a speaker label
        segments = formats.read(name, text, fmt).segments
        for e in run.result.edits:
            assert any(s.start <= e.start and e.end <= s.end for s in segments) or (
                fmt == "whisper-json")
    if fmt == "whisper-json":
        data_ = json.loads(cleaned)
        assert data_["text"] == "".join(s["text"] for s in data_["segments"])
