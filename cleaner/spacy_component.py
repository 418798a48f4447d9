"""cleaner as a spaCy pipeline component: ``nlp.add_pipe("transcript_cleaner")``.

Registered through the ``spacy_factories`` entry point, so any English pipeline can add it
once cleaner is installed. It sets ``doc.spans["cleaner"]`` (one span per edit, labelled with
the rule id), ``doc._.cleaned`` (the cleaned text) and ``doc._.cleaner_edits`` (the edits as
dicts, as in the edits JSON). ``nlp.to_disk`` stores its settings and copies of its packs
and glossaries, so ``spacy.load`` gives back the same cleaner.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from .engine import DEFAULT_AUTO_THRESHOLD, Cleaner

SPANS_KEY = "cleaner"

for _name, _default in (("cleaned", None), ("cleaner_edits", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class TranscriptCleaner:
    def __init__(self, nlp: Language, name: str, rules: Iterable[str], default_rules: bool,
                 glossaries: Iterable[str], style: str, auto_threshold: float) -> None:
        self.name = name
        self.rules = [str(r) for r in rules]
        self.glossaries = [str(g) for g in glossaries]
        self.default_rules, self.style, self.auto_threshold = default_rules, style, auto_threshold
        self._cleaner: Cleaner | None = None

    @property
    def cleaner(self) -> Cleaner:
        # Built on first use: spacy.load makes the component from its config before
        # from_disk points it at the saved copies of its packs.
        if self._cleaner is None:
            self._cleaner = Cleaner(rules=self.rules, default_rules=self.default_rules,
                                    glossaries=self.glossaries, style=self.style,
                                    auto_threshold=self.auto_threshold)
        return self._cleaner

    def __call__(self, doc: Doc) -> Doc:
        result = self.cleaner.clean(doc.text)
        spans = []
        for e in result.edits:
            span = doc.char_span(e.start, e.end, label=e.rule, alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc._.cleaned = result.cleaned
        doc._.cleaner_edits = [e.to_dict() for e in result.edits]
        return doc

    # -- serialisation: settings plus copies of the files they name --------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        names = {"rules": [], "glossaries": []}
        for key, files in (("rules", self.rules), ("glossaries", self.glossaries)):
            for n, file in enumerate(files):
                target = f"{key}/{n}/{Path(file).name}"  # the file name is the pack's default name
                (path / target).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, path / target)
                names[key].append(target)
        settings = {"default_rules": self.default_rules, "style": self.style,
                    "auto_threshold": self.auto_threshold, **names}
        (path / "settings.json").write_text(json.dumps(settings, indent=1), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> TranscriptCleaner:
        path = Path(path)
        settings = json.loads((path / "settings.json").read_text(encoding="utf-8"))
        self.default_rules = settings["default_rules"]
        self.style = settings["style"]
        self.auto_threshold = settings["auto_threshold"]
        self.rules = [str(path / f) for f in settings["rules"]]
        self.glossaries = [str(path / f) for f in settings["glossaries"]]
        self._cleaner = None
        return self


@Language.factory("transcript_cleaner",
                  default_config={"rules": [], "default_rules": True, "glossaries": [],
                                  "style": "clean", "auto_threshold": DEFAULT_AUTO_THRESHOLD})
def make_transcript_cleaner(nlp: Language, name: str, rules: list[str], default_rules: bool,
                            glossaries: list[str], style: str,
                            auto_threshold: float) -> TranscriptCleaner:
    return TranscriptCleaner(nlp, name, rules, default_rules, glossaries, style, auto_threshold)
