"""The README's library example, run as written."""
from __future__ import annotations

import re

from tests.conftest import ROOT


def test_library_example_matches_readme(default_cleaner):
    result = default_cleaner.clean("we trained it in tensor flow, um, last year")
    assert result.cleaned == "we trained it in TensorFlow, last year"
    first = result.edits[0]
    assert (first.start, first.end, first.original) == (17, 28, "tensor flow")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "result.cleaned        # 'we trained it in TensorFlow, last year'" in readme


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in readme


def test_readme_names_every_shipped_pack():
    from cleaner.packs import shipped_pack_paths

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in shipped_pack_paths():
        assert re.search(rf"`{path.stem}`", readme), path.stem
