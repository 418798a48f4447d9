"""The HTML review page: self-contained, escaped, and (in headless Chromium) a place to
accept, reject and edit spots whose exported decisions ``cleaner apply`` reads.

The browser tests need Debian's ``chromium`` at /usr/bin/chromium and the ``playwright``
Python package (never ``playwright install``); without them they are skipped.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.model import Edit
from cleaner.review import (build_decisions, decision_lines, export_parts, parse_decisions,
                            render_decisions)
from cleaner.review_html import render_review_html
from tests.test_review import EXPECTED, PACK, TEXT, cli

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
EVIL = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
EVIL_MESSAGE = "</script><script>window.pwned = 3</script> & <b>bold</b>"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def evil_page() -> str:
    text = f"Hello {EVIL} at the cafe.\n"
    start = text.index("cafe")
    edits = [Edit(start, start + 4, "cafe", "Caffe <i>", "flagged", 0.6, "demo.caffe", "term",
                  EVIL_MESSAGE)]
    return render_review_html("evil.txt", text, edits, "0" * 64)


# -- without a browser ---------------------------------------------------------------------

def test_page_is_self_contained_and_escaped():
    page = evil_page()
    assert len(re.findall(r"<script\b", page)) == 2          # the data block and the page's
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "<img" not in page and "</script><script>" not in page
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    data = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page,
                     re.S).group(1)
    assert json.loads(data)["edits"][0]["message"] == EVIL_MESSAGE


def test_export_parts_compose_the_same_file_as_the_python_writer():
    text = TEXT
    edits = [Edit(17, 28, "tensor flow", "TensorFlow", "applied", 0.9, "demo.tensorflow",
                  "term", "m"),
             Edit(36, 40, "cafe", "Caffe", "flagged", 0.9, "demo.caffe", "term", 'say "x"')]
    d = build_decisions("talk.txt", text, edits, "0" * 64, "text", all_edits=True)
    d.edits[1].decision, d.edits[1].text = "edit", 'Caffe "2"'
    head, entries, tail = export_parts(d)
    composed = head + "".join("\n" + entry + "\n".join(decision_lines(it.decision, it.text))
                              + "\n" for entry, it in zip(entries, d.edits)) + tail
    assert composed == render_decisions(d)


# -- in headless Chromium -------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM} (apt-get install chromium): browser test skipped")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is not installed "
                                          "(pip install playwright): browser test skipped")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200,
                                                                   "height": 800})
    pg = context.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def spot(pg, words: str):
    return pg.locator(".spot", has_text=words).first


def test_review_in_the_browser_then_apply(runner, page, tmp_path):
    (tmp_path / "demo.yaml").write_text(PACK, encoding="utf-8")
    talk = tmp_path / "talk.txt"
    talk.write_text(TEXT, encoding="utf-8")
    html = tmp_path / "talk.review.html"
    made = cli(runner, "report", talk, "-o", html, "--no-default-rules", "--rules",
               tmp_path / "demo.yaml")
    assert made.exit_code == 0, made.output
    page.goto(html.as_uri())
    counts = page.locator("#counts")
    assert counts.inner_text().startswith("Flagged: 3 (0 accepted, 0 rejected, 0 edited, 3 "
                                          "open)")
    # hover or focus shows the rule, message and confidence
    spot(page, "cafe").focus()
    tip = spot(page, "cafe").locator(".tip")
    assert tip.is_visible()
    assert "demo.caffe" in tip.inner_text() and "Caffe, the framework?" in tip.inner_text()
    assert "confidence 0.9" in tip.inner_text()
    # mouse: select "cafe" and accept it; the selection moves on to "laws"
    spot(page, "cafe").click()
    page.click("#accept")
    # keyboard: reject "laws", edit "teh"
    page.keyboard.press("r")
    page.keyboard.press("e")
    page.fill("#edit-text", "the")
    page.keyboard.press("Enter")
    assert counts.inner_text().startswith("Flagged: 3 (1 accepted, 1 rejected, 1 edited, 0 "
                                          "open)")
    # not by colour alone: the decisions show as marks and struck/underlined words
    assert spot(page, "cafe").locator("del").inner_text() == "cafe"
    assert spot(page, "cafe").locator("ins").inner_text() == "Caffe"
    assert spot(page, "laws").locator(".badge").inner_text() == "\u2717"
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#export")
    assert info.value.suggested_filename == "talk.review.yaml"
    exported = tmp_path / "exported.review.yaml"
    info.value.save_as(str(exported))
    text = exported.read_text(encoding="utf-8")
    assert render_decisions(parse_decisions(text, "x")) == text   # the Python layout, exactly
    out = tmp_path / "out"
    applied = cli(runner, "apply", talk, "--decisions", exported, "--out-dir", out)
    assert applied.exit_code == 0, applied.output
    assert (out / "talk.clean.txt").read_text(encoding="utf-8") == EXPECTED
    assert "edited in review" in (out / "talk.annotated.md").read_text(encoding="utf-8")
    assert page.errors == []
    assert all(url.startswith(("file:", "blob:", "data:")) for url in page.requests), \
        page.requests


def test_transcript_markup_shows_as_text_in_the_browser(page, tmp_path):
    html = tmp_path / "evil.html"
    html.write_text(evil_page(), encoding="utf-8")
    page.goto(html.as_uri())
    assert page.evaluate("window.pwned") is None
    assert EVIL in page.locator("#transcript").inner_text()
    spot(page, "cafe").focus()
    assert EVIL_MESSAGE in spot(page, "cafe").locator(".tip").inner_text()
    page.keyboard.press("a")
    assert spot(page, "Caffe").locator("ins").inner_text() == "Caffe <i>"
    assert page.evaluate("window.pwned") is None
    assert page.errors == []
