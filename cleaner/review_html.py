"""The HTML review page: one self-contained file to review a transcript's edits in a browser.

No network and no external assets (a Content-Security-Policy forbids them; the one script is
allowed by its hash). The transcript is shown with every applied edit (struck-through words,
underlined replacement, a check mark) and every flag (wavy underline and a flag mark), not by
colour alone; hovering or focusing a spot shows its rule, message and confidence. Each spot
can be accepted, rejected or edited with the mouse or the keyboard; the counts at the top
follow. "Export decisions" downloads ``NAME.review.yaml`` in exactly the layout
``cleaner review`` writes, which ``cleaner apply`` reads.

All transcript text reaches the page escaped (``html.escape``) or through ``textContent``;
the data block is JSON with ``<``, ``>`` and ``&`` escaped, so a transcript containing
``</script>`` is shown as text.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from pathlib import Path
from typing import Any, Iterable

from .model import Edit
from .review import Decisions, build_decisions, export_parts

_CSS = """
:root { --ink: #1b1b1b; --muted: #555; --flag: #8a4b00; --ok: #1d6b2f; --bad: #a1192b;
        --edit: #2346a0; --bg: #fff; --sel: #ffe9a8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 "DejaVu Sans", system-ui, sans-serif; color: var(--ink);
       background: var(--bg); }
header { background: #f4f4f4; border-bottom: 1px solid #bbb; padding: .5rem 1rem; }
h1 { font-size: 1.1rem; margin: 0 0 .25rem; }
#counts { margin: 0; font-weight: bold; }
.help { margin: .25rem 0 0; color: var(--muted); font-size: .85rem; }
kbd { border: 1px solid #999; border-radius: 3px; padding: 0 .25em; font-size: .85em;
      background: #fff; }
main { display: flex; gap: 1rem; padding: 1rem; align-items: flex-start; }
#transcript { flex: 1 1 auto; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 60rem;
              font-family: "DejaVu Serif", Georgia, serif; }
#panel { flex: 0 0 22rem; position: sticky; top: 1rem; border: 2px solid #888;
         border-radius: 6px; padding: .75rem; background: #fafafa; font-size: .95rem; }
#panel h2 { font-size: 1rem; margin: 0 0 .5rem; }
#panel-counts { margin: 0 0 .5rem; font-size: .85rem; color: var(--muted); }
#panel .msg { margin: .25rem 0; }
#panel .row { display: flex; flex-wrap: wrap; gap: .35rem; margin: .5rem 0; }
#panel button, header button { font: inherit; padding: .2rem .6rem; cursor: pointer; }
#edit-row[hidden] { display: none; }
#edit-text { font: inherit; width: 100%; }
.spot { position: relative; cursor: pointer; border-radius: 3px; padding: 0 1px;
        outline-offset: 1px; }
.spot:focus, .spot.selected { outline: 3px solid #000; background: var(--sel); }
.spot .badge { font-family: "DejaVu Sans", sans-serif; font-size: .75em; vertical-align: super;
               margin-right: 1px; font-weight: bold; }
.spot mark { background: none; color: inherit; text-decoration: underline wavy var(--flag);
             text-decoration-thickness: 2px; text-underline-offset: 3px; }
.spot del { text-decoration: line-through; color: var(--muted); margin-right: .2em; }
.spot ins { text-decoration: underline; text-decoration-thickness: 2px; }
.spot.open .badge { color: var(--flag); }
.spot.accepted .badge, .spot.applied .badge { color: var(--ok); }
.spot.rejected .badge { color: var(--bad); }
.spot.rejected mark { text-decoration: underline dotted var(--bad); }
.spot.edited .badge { color: var(--edit); }
.spot .tip { display: none; position: absolute; left: 0; top: 1.6em; z-index: 2; width: 22rem;
             max-width: 80vw; white-space: normal; background: #222; color: #fff;
             font: .85rem/1.4 "DejaVu Sans", sans-serif; padding: .4rem .5rem;
             border-radius: 4px; }
.spot:hover .tip, .spot:focus .tip { display: block; }
.tip b { color: #ffd479; }
.sr { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
@media (max-width: 50rem) { main { flex-direction: column; } #panel { position: static; } }
"""

# The page's script. It reads the JSON data block, draws every spot with DOM calls
# (textContent only), and writes the decisions file from the parts Python rendered:
# export_parts() gives the head, each entry's lines and the tail; only the decision and
# text lines are written here, quoted exactly as review.yaml_str quotes.
_JS = r"""
(function () {
"use strict";
var data = JSON.parse(document.getElementById("review-data").textContent);
var items = data.edits;
var BADGE = {open: "\u2691", applied: "\u2713", accepted: "\u2714", rejected: "\u2717",
             edited: "\u270e"};
var WORD = {open: "flagged, undecided", applied: "applied by the rule",
            accepted: "accepted", rejected: "rejected (kept as it is)", edited: "edited"};
var current = -1, undo = [];
var store = "cleaner-review:" + data.sha256;

function q(s) {
  var out = "\"";
  for (var ch of s) {
    var c = ch.codePointAt(0);
    if (ch === "\\") out += "\\\\";
    else if (ch === "\"") out += "\\\"";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 ||
             c === 0xfeff || c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff))
      out += "\\u" + ("0000" + c.toString(16)).slice(-4);
    else out += ch;
  }
  return out + "\"";
}

function state(it) {            // [kind, words or null]: as review.chosen_words
  if (!it.decision) return it.action === "applied" ? ["applied", it.suggestions[0]] : ["open", null];
  if (it.decision === "reject") return ["rejected", null];
  if (it.decision === "edit") return it.text === it.original ? ["rejected", null] : ["edited", it.text];
  var w = it.text !== null ? it.text : (it.suggestions.length ? it.suggestions[0] : null);
  if (w === null || w === it.original) return ["accepted", null];
  return [it.suggestions.indexOf(w) >= 0 ? "accepted" : "edited", w];
}

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function spotOf(it) { return document.getElementById("spot-" + it.id); }

function draw(it) {
  var s = spotOf(it), st = state(it), kind = st[0], words = st[1];
  s.textContent = "";
  s.className = "spot " + kind + (it.index === current ? " selected" : "");
  s.appendChild(el("span", "badge", BADGE[kind])).setAttribute("aria-hidden", "true");
  if (words === null) {
    s.appendChild(el("mark", "", it.original || "\u2038"));
  } else {
    if (it.original) s.appendChild(el("del", "", it.original));
    if (words) s.appendChild(el("ins", "", words));
  }
  var tip = el("span", "tip");
  tip.id = "tip-" + it.id;
  tip.setAttribute("role", "tooltip");
  tip.appendChild(el("b", "", WORD[kind]));
  tip.appendChild(document.createTextNode(" \u00b7 " + it.rule + " \u00b7 confidence " +
                                          it.confidence));
  tip.appendChild(el("br"));
  tip.appendChild(document.createTextNode(it.message));
  if (it.suggestions.length) {
    tip.appendChild(el("br"));
    tip.appendChild(document.createTextNode("suggested: " + it.suggestions.map(function (x, k) {
      return (k + 1) + ") " + (x === "" ? "(delete)" : x); }).join("  ")));
  }
  s.appendChild(tip);
  s.setAttribute("aria-describedby", tip.id);
  s.setAttribute("aria-label", WORD[kind] + ": " + (it.original || "insertion"));
}

function counts() {
  var c = {open: 0, accepted: 0, rejected: 0, edited: 0}, a = {applied: 0, accepted: 0,
           rejected: 0, edited: 0}, flags = 0, applied = 0;
  items.forEach(function (it) {
    var k = state(it)[0];
    if (it.action === "flagged") { flags++; c[k] = (c[k] || 0) + 1; }
    else { applied++; a[k] = (a[k] || 0) + 1; }
  });
  document.getElementById("counts").textContent =
    "Flagged: " + flags + " (" + c.accepted + " accepted, " + c.rejected + " rejected, " +
    c.edited + " edited, " + c.open + " open) \u00b7 Applied by the rules: " + applied +
    " (" + a.rejected + " rejected, " + a.edited + " edited)";
  document.getElementById("panel-counts").textContent =
    c.open + " of " + flags + " flags open";
}

function panel() {
  var p = document.getElementById("panel-body");
  p.textContent = "";
  var buttons = document.querySelectorAll("#panel .act");
  if (current < 0) {
    p.appendChild(el("p", "", "Select a spot: click it, or press j / n."));
    buttons.forEach(function (b) { b.disabled = true; });
    return;
  }
  var it = items[current], st = state(it);
  buttons.forEach(function (b) { b.disabled = false; });
  document.getElementById("accept").disabled = !it.suggestions.length;
  p.appendChild(el("h2", "", (current + 1) + "/" + items.length + " \u00b7 " + WORD[st[0]]));
  p.appendChild(el("p", "msg", it.rule + " (" + it.category + "), confidence " + it.confidence));
  p.appendChild(el("p", "msg", it.message));
  p.appendChild(el("p", "msg", "Words: \u201c" + it.original + "\u201d"));
  if (st[1] !== null) p.appendChild(el("p", "msg", "Becomes: \u201c" + st[1] + "\u201d"));
  var row = el("div", "row");
  it.suggestions.slice(0, 9).forEach(function (x, k) {
    var b = el("button", "pick", (k + 1) + ") " + (x === "" ? "(delete)" : x));
    b.type = "button";
    b.addEventListener("click", function () { pick(k); });
    row.appendChild(b);
  });
  if (it.suggestions.length) p.appendChild(row);
}

function select(i, focus) {
  if (current >= 0) spotOf(items[current]).classList.remove("selected");
  current = i;
  if (i >= 0) {
    var s = spotOf(items[i]);
    s.classList.add("selected");
    if (focus) s.focus();
  }
  panel();
}

function save() {
  try {
    var keep = {};
    items.forEach(function (it) { if (it.decision) keep[it.id] = [it.decision, it.text]; });
    localStorage.setItem(store, JSON.stringify(keep));
  } catch (e) { /* storage may be off for files: decisions live until export */ }
}

function restore() {
  try {
    var keep = JSON.parse(localStorage.getItem(store) || "{}");
    items.forEach(function (it) {
      if (keep[it.id]) { it.decision = keep[it.id][0]; it.text = keep[it.id][1]; }
    });
  } catch (e) { /* nothing kept */ }
}

function nextOpen(from) {
  for (var k = from + 1; k < items.length; k++)
    if (items[k].action === "flagged" && !items[k].decision) return k;
  return -1;
}

function decide(decision, text) {
  if (current < 0) return;
  var it = items[current];
  undo.push([current, it.decision, it.text]);
  it.decision = decision;
  it.text = text === undefined ? null : text;
  draw(it); counts(); save();
  var n = decision ? nextOpen(current) : -1;
  if (n >= 0) select(n, true); else { panel(); spotOf(it).focus(); }
}

function pick(k) {
  var it = items[current];
  if (!it || k >= it.suggestions.length) return;
  decide("accept", k === 0 ? null : it.suggestions[k]);
}

function startEdit() {
  if (current < 0) return;
  var it = items[current], st = state(it), row = document.getElementById("edit-row");
  var input = document.getElementById("edit-text");
  row.hidden = false;
  input.value = st[1] !== null ? st[1] : (it.suggestions.length ? it.suggestions[0] : it.original);
  input.focus();
  input.select();
}

function endEdit(commit) {
  var row = document.getElementById("edit-row"), input = document.getElementById("edit-text");
  if (row.hidden) return;
  row.hidden = true;
  if (commit) decide("edit", input.value);
  else if (current >= 0) spotOf(items[current]).focus();
}

function back() {
  var last = undo.pop();
  if (!last) return;
  var it = items[last[0]];
  it.decision = last[1]; it.text = last[2];
  draw(it); counts(); save();
  select(last[0], true);
}

function exportYaml() {
  var out = data.head;
  items.forEach(function (it) {
    out += "\n" + it.yaml + "    decision:" + (it.decision ? " " + it.decision : "") + "\n" +
           "    text:" + (it.text !== null && it.text !== undefined ? " " + q(it.text) : "") + "\n";
  });
  return out + data.tail;
}

function download() {
  var blob = new Blob([exportYaml()], {type: "application/x-yaml"});
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = data.file;
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

items.forEach(function (it, k) {
  it.index = k;
  if (it.decision === undefined) it.decision = null;
  if (it.text === undefined) it.text = null;
});
restore();
items.forEach(function (it, k) {
  var s = spotOf(it);
  s.addEventListener("focus", function () { if (current !== k) select(k, false); });
  s.addEventListener("click", function () { select(k, true); });
  draw(it);
});
counts();
panel();
window.cleanerReview = {exportYaml: exportYaml, items: items};
document.getElementById("accept").addEventListener("click", function () { pick(0); });
document.getElementById("reject").addEventListener("click", function () { decide("reject"); });
document.getElementById("edit").addEventListener("click", startEdit);
document.getElementById("clear").addEventListener("click", function () { decide(null); });
document.getElementById("edit-ok").addEventListener("click", function () { endEdit(true); });
document.getElementById("edit-cancel").addEventListener("click", function () { endEdit(false); });
document.getElementById("export").addEventListener("click", download);
document.getElementById("edit-text").addEventListener("keydown", function (ev) {
  if (ev.key === "Enter") { ev.preventDefault(); endEdit(true); }
  else if (ev.key === "Escape") { ev.preventDefault(); endEdit(false); }
});
document.addEventListener("keydown", function (ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  var t = ev.target;
  if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) return;
  var k = ev.key, n;
  if (k === "j" || k === "ArrowRight") n = Math.min(items.length - 1, current + 1);
  else if (k === "k" || k === "ArrowLeft") n = Math.max(0, current - 1);
  else if (k === "n") n = nextOpen(current);
  if (n !== undefined) { if (n >= 0 && items.length) select(n, true); ev.preventDefault(); return; }
  if (current < 0) return;
  if (k === "a") pick(0);
  else if (k === "r") decide("reject");
  else if (k === "e") { ev.preventDefault(); startEdit(); }
  else if (k === "c" || k === "Backspace" || k === "Delete") decide(null);
  else if (k === "u") back();
  else if (k >= "1" && k <= "9") pick(parseInt(k, 10) - 1);
  else return;
  ev.preventDefault();
});
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '{script_hash}'; img-src data:">
<title>Review: {title}</title>
<style>{css}</style>
</head>
<body>
<header>
<h1>Review: {title}</h1>
<p id="counts" aria-live="polite">{static_counts}</p>
<button type="button" id="export">Export decisions</button>
<span class="help">Saves <b>{file}</b>; then <code>cleaner apply {source} --decisions {file} --out-dir DIR</code></span>
<p class="help">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous spot, <kbd>n</kbd> next open flag,
<kbd>a</kbd> accept, <kbd>r</kbd> reject, <kbd>e</kbd> edit (<kbd>Enter</kbd> saves, <kbd>Esc</kbd> cancels),
<kbd>1</kbd>-<kbd>9</kbd> pick a suggestion, <kbd>c</kbd> clear, <kbd>u</kbd> undo. Hover or focus a spot for its rule.
Marks: &#x2691; flagged, &#x2713; applied by a rule, &#x2714; accepted, &#x2717; rejected, &#x270e; edited.</p>
</header>
<main>
<article id="transcript" aria-label="Transcript">{body}</article>
<aside id="panel" aria-label="Selected spot">
<p id="panel-counts"></p>
<div id="panel-body" aria-live="polite"></div>
<div class="row">
<button type="button" class="act" id="accept">Accept (a)</button>
<button type="button" class="act" id="reject">Reject (r)</button>
<button type="button" class="act" id="edit">Edit (e)</button>
<button type="button" class="act" id="clear">Clear (c)</button>
</div>
<div id="edit-row" hidden>
<label for="edit-text">Right words:</label>
<input type="text" id="edit-text" autocomplete="off">
<div class="row"><button type="button" id="edit-ok">Save (Enter)</button>
<button type="button" id="edit-cancel">Cancel (Esc)</button></div>
</div>
<noscript><p>Deciding needs JavaScript; the edits are shown in the transcript.</p></noscript>
</aside>
</main>
<script type="application/json" id="review-data">{data}</script>
<script>{js}</script>
</body>
</html>
"""


def _json_for_html(value: Any) -> str:
    """JSON that cannot end its ``<script>`` element early."""
    text = json.dumps(value, ensure_ascii=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_for(d: Decisions, text: str) -> str:
    """The review page for a decisions file of ``text`` (its decisions shown as made)."""
    head, entries, tail = export_parts(d)
    items = []
    for item, yaml_lines in zip(d.edits, entries):
        items.append({"id": item.id, "rule": item.rule, "action": item.action,
                      "original": item.original, "suggestions": item.suggestions,
                      "confidence": item.confidence, "category": item.category,
                      "message": item.message, "yaml": yaml_lines,
                      "decision": item.decision, "text": item.text})
    stem = Path(d.source).name
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    file = f"{stem or 'stdin'}.review.yaml"
    data = {"source": d.source, "sha256": d.sha256, "file": file, "head": head, "tail": tail,
            "edits": items}
    parts, pos = [], 0
    for item in d.edits:
        parts.append(html.escape(text[pos:item.start], quote=False))
        parts.append(f'<span class="spot" id="spot-{item.id}" tabindex="0">'
                     f'{html.escape(item.original, quote=False)}</span>')
        pos = item.end
    parts.append(html.escape(text[pos:], quote=False))
    flags = sum(1 for it in d.edits if it.action == "flagged")
    script = _JS
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return _PAGE.format(
        script_hash=f"sha256-{digest}", title=html.escape(d.source), css=_CSS,
        static_counts=f"Flagged: {flags} \u00b7 Applied by the rules: {len(d.edits) - flags}",
        file=html.escape(file), source=html.escape(d.source), body="".join(parts),
        data=_json_for_html(data), js=script)


def render_review_html(source_name: str, text: str, edits: Iterable[Edit], sha256: str,
                       fmt: str | None = None, decisions: Decisions | None = None) -> str:
    """The self-contained HTML review page for ``edits`` of ``text`` (the decoded input
    ``source_name`` whose bytes hash to ``sha256``). Every edit is on the page, flagged
    and applied alike; ``decisions`` (a decisions file for the same input) fills in the
    decisions already made."""
    d = build_decisions(source_name, text, edits, sha256, fmt, all_edits=True)
    if decisions is not None:
        made = {it.id: it for it in decisions.edits}
        for item in d.edits:
            old = made.get(item.id)
            if old is not None:
                item.decision, item.text = old.decision, old.text
    return page_for(d, text)
