"""``cleaner review``: go through the flagged spots in a terminal, one key per decision.

Each spot is shown with a few lines of context, the flagged words between ``[[`` and ``]]``
(and in reverse video when colour is on), its rule, message and suggestions. Keys:

    a accept   r reject   e edit (then type the words)   1-9 pick a suggestion
    s skip     u undo     q quit   ? help

The decisions file is saved (atomically) after every decision and undo, so quitting at any
moment loses nothing; the next run starts at the first undecided spot.

On a terminal a key acts at once. When standard input is not a terminal, each line is one
key (``e`` takes the next line as the words), so the review can be scripted or tested.
Colour is used only on a terminal, and never with ``NO_COLOR`` set or ``TERM=dumb``.
"""
from __future__ import annotations

import os
import shutil
import sys
import textwrap
from dataclasses import dataclass
from typing import Callable, TextIO

from .review import Decisions, Item

_OPEN, _CLOSE = "\x02\x02", "\x03\x03"   # stand-ins for [[ ]] while text is wrapped
_BOLD, _DIM, _REV, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[7m", "\x1b[0m"
KEYS_HELP = "a accept  r reject  e edit  1-9 pick  s skip  u undo  q quit  ? help"
_WORDS = {"accept": "a", "reject": "r", "edit": "e", "skip": "s", "undo": "u", "quit": "q",
          "help": "?"}
HELP = """\
a  accept the first suggestion        r  reject: keep the words as they are
e  edit: type the right words         1-9  accept that suggestion
s  skip (decide later)                u  undo the last decision of this session
q  quit (every decision is saved)     ?  this help"""


def use_colour(stream: TextIO) -> bool:
    return (hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb")


class Screen:
    """Where the review is shown: a width and whether colour may be used."""

    def __init__(self, out: TextIO, colour: bool | None = None, width: int | None = None):
        self.out = out
        self.colour = use_colour(out) if colour is None else colour
        if width is None:
            tty = hasattr(out, "isatty") and out.isatty()
            width = shutil.get_terminal_size((80, 24)).columns if tty else 80
        self.width = max(40, min(width, 100))

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def say(self, text: str = "", indent: str = "", style: str = "") -> None:
        for line in self.wrap(text, indent) if text else [""]:
            self.write(self.style(line, style) + "\n")

    def style(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.colour and style and text else text

    def wrap(self, text: str, indent: str = "") -> list[str]:
        out: list[str] = []
        for para in text.split("\n"):
            out.extend(textwrap.wrap(para, self.width - 1, initial_indent=indent,
                                     subsequent_indent=indent, break_on_hyphens=False)
                       or [indent])
        return out

    def spot(self, text: str, indent: str) -> list[str]:
        """Wrapped context lines with the spot marked ``[[ ]]`` (and highlighted)."""
        lines, inside = [], False
        for line in self.wrap(text, indent):
            out = ""
            if inside and self.colour:
                out += _REV
            for chunk in _split_marks(line):
                if chunk == _OPEN:
                    inside = True
                    out += "[[" + (_REV if self.colour else "")
                elif chunk == _CLOSE:
                    inside = False
                    out += (_RESET if self.colour else "") + "]]"
                else:
                    out += chunk
            if inside and self.colour:
                out += _RESET
            lines.append(out)
        return lines


def _split_marks(line: str) -> list[str]:
    out, buf, i = [], "", 0
    while i < len(line):
        two = line[i:i + 2]
        if two in (_OPEN, _CLOSE):
            if buf:
                out.append(buf)
                buf = ""
            out.append(two)
            i += 2
        else:
            buf += line[i]
            i += 1
    if buf:
        out.append(buf)
    return out


class LineKeys:
    """Keys from a stream that is not a terminal: one key (or command) per line."""

    def __init__(self, stream: TextIO, screen: Screen) -> None:
        self.stream, self.screen = stream, screen

    def key(self, prompt: str) -> str | None:
        self.screen.write(prompt)
        line = self.stream.readline()
        if not line:
            self.screen.write("\n")
            return None
        cmd = line.strip()
        self.screen.write(cmd + "\n")
        return _WORDS.get(cmd.lower(), cmd)

    def line(self, prompt: str) -> str | None:
        self.screen.write(prompt)
        line = self.stream.readline()
        if not line:
            self.screen.write("\n")
            return None
        text = line.rstrip("\r\n")
        self.screen.write(text + "\n")
        return text


class TtyKeys:
    """Single key presses from a terminal (no Enter needed); words typed with Enter."""

    def __init__(self, stream: TextIO, screen: Screen) -> None:
        self.fd = stream.fileno()
        self.stream, self.screen = stream, screen

    def key(self, prompt: str) -> str | None:
        import select
        import termios
        import tty

        self.screen.write(prompt)
        old = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd)
            ch = os.read(self.fd, 1)
            if ch == b"\x1b":  # an arrow or function key: read it all and ignore it
                while select.select([self.fd], [], [], 0.05)[0]:
                    os.read(self.fd, 16)
                ch = b""
                self.screen.write("\n")
                return ""
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, old)
        if ch in (b"", b"\x04"):
            self.screen.write("\n")
            return None
        c = ch.decode("latin-1")
        self.screen.write((c if c.isprintable() else "") + "\n")
        return "" if c in "\r\n" else c

    def line(self, prompt: str) -> str | None:
        self.screen.write(prompt)
        line = self.stream.readline()
        if not line:
            self.screen.write("\n")
            return None
        return line.rstrip("\r\n")


def keys_for(stream: TextIO, screen: Screen) -> LineKeys | TtyKeys:
    try:
        import termios  # noqa: F401  (POSIX terminals only)
        tty = stream.isatty()
    except (ImportError, AttributeError, ValueError):
        tty = False
    return TtyKeys(stream, screen) if tty else LineKeys(stream, screen)


@dataclass
class Session:
    decided: int        # decisions made in this session (undo takes one back)
    left: int           # spots still undecided in the file
    quit: bool


def _describe(item: Item) -> str:
    if item.decision == "accept":
        words = item.text if item.text is not None else item.replacement
        return f"accepted: {words!r}" if item.suggestions else "accepted as it is"
    if item.decision == "edit":
        return f"edited: {item.text!r}"
    if item.decision == "reject":
        return "rejected (kept as it is)"
    return "undecided"


def show(screen: Screen, text: str, item: Item, pos: int, total: int, decided: int) -> None:
    from .review import _window

    head = f"--- {pos + 1}/{total} "
    tail = f" {decided} decided, {total - decided} left ---"
    screen.say("")
    screen.write(screen.style(head + "-" * max(3, screen.width - 1 - len(head) - len(tail))
                              + tail, _BOLD) + "\n")
    line_no = text.count("\n", 0, item.start) + 1
    screen.say(f"{item.rule} ({item.category}, confidence {item.confidence:g}), line {line_no}")
    a, b = _window(text, item.start, item.end, 200, lines=1)
    pre = "..." if a > 0 and text[a - 1] not in "\r\n" else ""
    post = "..." if b < len(text) and text[b] not in "\r\n" else ""
    shown = (pre + text[a:item.start] + _OPEN + text[item.start:item.end] + _CLOSE
             + text[item.end:b] + post).replace("\r\n", "\n").replace("\r", "\n")
    for line in screen.spot(shown, "  | "):
        screen.write(line + "\n")
    if item.message:
        screen.say(item.message, "  ")
    if item.action == "applied":
        screen.say(f"the rule applied: {item.original!r} -> {item.replacement!r}", "  ")
    if item.suggestions:
        listed = "  ".join(f"{k}) {_shown(s)}" for k, s in enumerate(item.suggestions[:9], 1))
        screen.say("suggestions: " + listed, "  ")
    else:
        screen.say("no suggestion: r keeps the words, e writes the right ones", "  ")
    if item.decision is not None:
        screen.say(f"decided before: {_describe(item)}", "  ")
    screen.say(KEYS_HELP, style=_DIM)


def _shown(s: str) -> str:
    return "(delete)" if s == "" else s


def run_review(d: Decisions, text: str, save: Callable[[], None], stdin: TextIO | None = None,
               stdout: TextIO | None = None, colour: bool | None = None,
               width: int | None = None) -> Session:
    """Go through the undecided spots of ``d`` (in text order, from the first undecided),
    calling ``save`` after every change."""
    screen = Screen(stdout or sys.stdout, colour, width)
    keys = keys_for(stdin or sys.stdin, screen)
    items = d.edits
    total = len(items)
    history: list[tuple[int, str | None, str | None]] = []

    def next_open(i: int) -> int:
        while i < total and items[i].decision is not None:
            i += 1
        return i

    pos = next_open(0)
    if total == 0:
        screen.say("Nothing to review: no spot is flagged (--all reviews the applied edits "
                   "too).")
        return Session(0, 0, False)
    if pos == total:
        screen.say(f"All {total} spots are decided. Change a decision in the file, or apply "
                   "them.")
        return Session(0, 0, False)
    screen.say(f"{total} spots to review, {d.decided} decided; starting at {pos + 1}. "
               "Every decision is saved at once.")
    made = 0
    shown = -1

    def undo() -> int:
        back, old_decision, old_text = history.pop()
        was = _describe(items[back])
        items[back].decision, items[back].text = old_decision, old_text
        save()
        screen.say(f"Undone: spot {back + 1} was {was}; it is {_describe(items[back])} again.")
        return back

    while True:
        if pos >= total:
            if not history:
                break
            screen.say(f"End of the list: {d.decided} decided, {total - d.decided} left.")
            cmd = keys.key("u undoes the last decision; any other key (or Enter) ends > ")
            if cmd != "u":
                break
            pos, shown, made = undo(), -1, made - 1
            continue
        item = items[pos]
        if shown != pos:
            show(screen, text, item, pos, total, d.decided)
            shown = pos
        cmd = keys.key("> ")
        if cmd is None or cmd == "q":
            left = total - d.decided
            screen.say(f"Saved. {d.decided} decided, {left} left: run the same command to "
                       "go on.")
            return Session(made, left, True)
        decision: tuple[str, str | None] | None = None
        if cmd == "a":
            if not item.suggestions:
                screen.say("No suggestion to accept here: r keeps the words, e writes new ones.")
                continue
            decision = ("accept", None)
        elif cmd == "r":
            decision = ("reject", None)
        elif cmd == "e":
            words = keys.line("words (an empty line cancels): ")
            if words is None:
                continue
            if words == "":
                screen.say("Edit cancelled.")
                continue
            decision = ("edit", words)
        elif len(cmd) == 1 and cmd.isdigit() and cmd != "0":
            k = int(cmd)
            if k > len(item.suggestions):
                screen.say(f"There is no suggestion {k} here.")
                continue
            decision = ("accept", None if k == 1 else item.suggestions[k - 1])
        elif cmd == "s":
            screen.say("Skipped.")
            pos, shown = next_open(pos + 1), -1
            continue
        elif cmd == "u":
            if not history:
                screen.say("Nothing to undo in this session.")
                continue
            pos, shown, made = undo(), -1, made - 1
            continue
        elif cmd in ("?", "h"):
            screen.say(HELP)
            continue
        elif cmd == "":
            continue
        else:
            screen.say(f"Unknown key {cmd!r}. {KEYS_HELP}")
            continue
        history.append((pos, item.decision, item.text))
        item.decision, item.text = decision
        save()
        made += 1
        screen.say(f"-> {_describe(item)}")
        pos, shown = next_open(pos + 1), -1
    left = total - d.decided
    screen.say(f"Done: {d.decided} decided, {left} left"
               + (" (skipped; run the same command to decide them)." if left else "."))
    return Session(made, left, False)
