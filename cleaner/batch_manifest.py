"""The manifest that makes a batch resumable and incremental.

``OUT/.cleaner-manifest.json`` records, for every input cleaned into ``OUT`` (keyed by its
path under ``OUT``), the sha256 of its bytes, the settings hash it was cleaned with, and the
names and sizes of its three outputs. A file is up to date, and skipped, when all of these
still hold. The manifest is rewritten atomically (``files.write_atomic``) after every file
while it is small, then in small batches (``maybe_flush``) so that rewriting it stays a
small part of the run; an entry is only added once all three outputs of its file are in
place. A run killed at any moment therefore leaves complete outputs and
a manifest that may miss the last few files: the next run cleans those again.

``OUT/.cleaner-manifest.lock`` is held (``flock``) while a batch writes into ``OUT``: a
second batch into the same folder is refused instead of racing the first.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import CleanerError
from .files import write_atomic

MANIFEST = ".cleaner-manifest.json"
LOCK = ".cleaner-manifest.lock"
KIND = "cleaner-batch-manifest"
# a temporary file of files.write_atomic for one of our outputs: .NAME.XXXXXXXX.tmp
_TEMP = re.compile(r"^\.(?:.*\.)?(?:clean\.[^.]+|annotated\.md|edits\.json|cleaner-manifest\.json)"
                   r"\.[a-z0-9_]+\.tmp$")


def file_sha256(path: str) -> str | None:
    """The sha256 of a file's bytes, or None when it cannot be read (cleaning will say why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        self.files: dict[str, dict[str, Any]] = {}
        self.settings: dict[str, Any] = {}
        self._lock: Any = None
        self._dirty = False
        self._written = 0.0
        self._cost = 0.0
        self.warning = ""

    def open(self) -> None:
        """Take the folder's lock, then read the manifest."""
        self.lock()
        self.load()

    def load(self) -> None:
        """Read the manifest; a missing one is empty, a damaged one is ignored (warning)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self.warning = f"{self.path}: unreadable manifest ({exc}); cleaning everything again"
            return
        if isinstance(data, dict) and data.get("kind") == KIND and isinstance(
                data.get("files"), dict):
            self.files = data["files"]
        else:
            self.warning = f"{self.path}: not a cleaner manifest; cleaning everything again"

    # -- locking ---------------------------------------------------------------------------
    def lock(self) -> None:
        """Hold the folder's lock for the rest of the run (released on exit, even kill -9)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            return
        try:
            handle = open(self.out_dir / LOCK, "a+b")
        except OSError as exc:
            raise CleanerError(f"cannot write here: {exc.strerror or exc}",
                               file=str(self.out_dir)) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise CleanerError("another `cleaner batch` is writing into this folder",
                               file=str(self.out_dir)) from None
        self._lock = handle

    def close(self) -> None:
        """Release the folder's lock."""
        handle, self._lock = self._lock, None
        if handle is not None:
            handle.close()

    def sweep_temporaries(self) -> int:
        """Remove temporary files a killed run left behind (only while holding the lock)."""
        removed = 0
        for folder, _, names in os.walk(self.out_dir):
            for name in names:
                if _TEMP.match(name):
                    try:
                        os.unlink(os.path.join(folder, name))
                        removed += 1
                    except OSError:
                        pass
        return removed

    # -- entries ---------------------------------------------------------------------------
    def up_to_date(self, rel: str, sha256: str | None, settings_key: str) -> dict[str, Any] | None:
        """The entry of ``rel`` when its input, settings and outputs are unchanged."""
        entry = self.files.get(rel)
        if (entry is None or sha256 is None or entry.get("sha256") != sha256
                or entry.get("settings") != settings_key):
            return None
        folder = self.out_dir.joinpath(*rel.split("/")[:-1])
        outputs = entry.get("outputs") or {}
        for name, size in outputs.items():
            try:
                if os.stat(folder / name).st_size != size:
                    return None
            except OSError:
                return None
        return entry if len(outputs) == 3 else None

    def record(self, result: dict[str, Any], settings_key: str) -> None:
        """A file cleaned: all its outputs are in place."""
        self.files[result["rel"]] = {
            "input": result["input"], "sha256": result["sha256"], "settings": settings_key,
            "format": result["format"], "outputs": result["outputs"], "words": result["words"],
            "applied": result["applied"], "flagged": result["flagged"],
            "seconds": result["seconds"],
            "cleaned_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self._dirty = True

    def forget(self, rel: str) -> None:
        """A file failed this time: its old entry no longer vouches for its outputs."""
        if self.files.pop(rel, None) is not None:
            self._dirty = True

    # -- writing ---------------------------------------------------------------------------
    def maybe_flush(self) -> None:
        """Write when 20x the last write's time has passed: after every file while the
        manifest is small, in batches once it is large, so writing it stays under ~5% of
        the run whatever the number of files."""
        if self._dirty and time.monotonic() - self._written >= 20 * self._cost:
            self.flush()

    def dumps(self) -> str:
        """JSON with one line per file, so that it stays readable and greppable."""
        head = json.dumps({"kind": KIND, "version": 1, "settings": self.settings},
                          ensure_ascii=False, sort_keys=True)
        rows = [f"{json.dumps(rel, ensure_ascii=False)}: "
                f"{json.dumps(entry, ensure_ascii=False, sort_keys=True)}"
                for rel, entry in sorted(self.files.items())]
        return head[:-1] + ',\n"files": {\n' + ",\n".join(rows) + "\n}}\n"

    def flush(self) -> None:
        if not self._dirty:
            return
        started = time.monotonic()
        write_atomic(self.path, self.dumps().encode("utf-8"))
        self._dirty = False
        self._written = time.monotonic()
        self._cost = self._written - started
