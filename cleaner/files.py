"""Reading inputs and writing outputs safely.

Inputs are decoded exactly (line endings kept, a leading BOM set aside so offsets do not
count it). Outputs go to a temporary file in the same folder and are renamed into place,
so an interrupted run never leaves a half-written file.
"""
from __future__ import annotations

import codecs
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import CleanerError

STDIN = "-"


@dataclass(frozen=True)
class Source:
    """One decoded input."""

    name: str        # as the user gave it ("-" for stdin)
    raw: bytes
    text: str        # decoded, BOM removed
    encoding: str
    bom: bool

    @property
    def stem(self) -> str:
        """NAME of NAME.EXT, used to name the outputs."""
        if self.name == STDIN:
            return "stdin"
        base = Path(self.name).name
        return base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base

    @property
    def suffix(self) -> str:
        if self.name == STDIN:
            return ".txt"
        base = Path(self.name).name
        return "." + base.rsplit(".", 1)[1] if "." in base.lstrip(".") else ".txt"

    def encode(self, text: str) -> bytes:
        """Encode output text the way the input was encoded (BOM included)."""
        try:
            data = text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise CleanerError(f"a correction inserted '{exc.object[exc.start:exc.end]}', which "
                               f"the input's encoding ({self.encoding}) cannot hold; convert "
                               "the input to UTF-8 first", file=self.name) from None
        return (codecs.BOM_UTF8 + data) if self.bom else data


def read_source(name: str, encoding: str = "utf-8") -> Source:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise CleanerError(f"unknown encoding '{encoding}'", key="encoding") from None
    if name == STDIN:
        raw = sys.stdin.buffer.read()
    else:
        path = Path(name)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CleanerError("no such file", file=name) from None
        except IsADirectoryError:
            raise CleanerError("is a directory; give the files in it (or use `cleaner batch`)",
                               file=name) from None
        except OSError as exc:
            raise CleanerError(f"cannot read: {exc.strerror or exc}", file=name) from None
    if b"\x00" in raw[:8192] and not encoding.lower().startswith("utf-16"):
        raise CleanerError("looks like a binary file, not a transcript", file=name)
    bom = raw.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name == "utf-8"
    body = raw[len(codecs.BOM_UTF8):] if bom else raw
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        raise CleanerError(f"not valid {encoding} (byte 0x{body[exc.start]:02x} at offset "
                           f"{exc.start}); give the right --encoding, e.g. --encoding latin-1",
                           file=name, line=line) from None
    return Source(name=name, raw=raw, text=text, encoding=encoding, bom=bom)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CleanerError(f"cannot write here: {exc.strerror or exc}", file=str(folder)) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get normal modes
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise CleanerError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise CleanerError("--out-dir exists and is not a folder", file=str(out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CleanerError(f"cannot create output folder: {exc.strerror or exc}",
                           file=str(out_dir)) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise CleanerError("output folder is not writable", file=str(out_dir))
