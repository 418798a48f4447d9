"""``cleaner review`` on a real terminal (a pseudo-terminal driven by pexpect): single key
presses act without Enter, the spot is highlighted in colour as well as bracketed, and
``NO_COLOR`` turns colour off."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml

pexpect = pytest.importorskip("pexpect", reason="pexpect is not installed (pip install pexpect)")

from tests.test_review import EXPECTED, PACK, TEXT  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def spawn(tmp_path: Path, *args: str, colour: bool):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    env["COLUMNS"], env["LINES"] = "80", "24"
    if not colour:
        env["NO_COLOR"] = "1"
    return pexpect.spawn(sys.executable, ["-m", "cleaner", *args], cwd=str(tmp_path), env=env,
                         dimensions=(24, 80), encoding="utf-8", timeout=60)


@pytest.fixture
def talk(tmp_path: Path) -> Path:
    (tmp_path / "demo.yaml").write_text(PACK, encoding="utf-8")
    (tmp_path / "talk.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def test_single_keys_on_a_terminal_with_colour(talk):
    child = spawn(talk, "review", "talk.txt", "--no-default-rules", "--rules", "demo.yaml",
                  colour=True)
    child.expect_exact("1/3")
    child.expect_exact("> ")
    child.send("a")                       # no Enter: the key acts at once
    child.expect_exact("2/3")
    child.expect_exact("> ")
    child.send("x")
    child.expect_exact("Unknown key 'x'")
    child.send("r")
    child.expect_exact("3/3")
    child.expect_exact("> ")
    child.send("e")
    child.expect_exact("words (an empty line cancels): ")
    child.sendline("teh")                 # the same words: cancelled below by undo
    child.expect_exact("End of the list")
    child.send("u")
    child.expect_exact("Undone")
    child.expect_exact("3/3")
    child.expect_exact("> ")
    child.send("e")
    child.expect_exact("words (an empty line cancels): ")
    child.sendline("the")
    child.expect_exact("End of the list")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = yaml.safe_load((talk / "talk.review.yaml").read_text(encoding="utf-8"))
    assert [(e["decision"], e["text"]) for e in data["edits"]] == [
        ("accept", None), ("reject", None), ("edit", "the")]
    done = pexpect.run(f"{sys.executable} -m cleaner apply talk.txt -q", cwd=str(talk),
                       encoding="utf-8", withexitstatus=True)
    assert done[1] == 0
    assert done[0].replace("\r\n", "\n") == EXPECTED


def _screen(talk: Path, colour: bool) -> str:
    child = spawn(talk, "review", "talk.txt", "--no-default-rules", "--rules", "demo.yaml",
                  colour=colour)
    child.expect_exact("> ")
    screen = child.before
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return screen


def test_colour_highlights_the_spot_inside_its_brackets(talk):
    screen = _screen(talk, colour=True)
    assert "[[\x1b[7mcafe\x1b[0m]]" in screen
    assert max(len(ANSI.sub("", line)) for line in screen.splitlines()) <= 80


def test_no_color_means_no_escape_codes(talk):
    screen = _screen(talk, colour=False)
    assert not ANSI.search(screen)
    assert "[[cafe]]" in screen
