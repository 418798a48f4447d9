"""The spaCy component: add to a blank pipeline, process, save and load."""
from __future__ import annotations

import spacy


def test_add_pipe_by_name_sets_spans_and_cleaned_text():
    nlp = spacy.blank("en")
    nlp.add_pipe("transcript_cleaner")  # found through the spacy_factories entry point
    doc = nlp("we trained it in tensor flow, um, last year")
    assert doc._.cleaned == "we trained it in TensorFlow, last year"
    labels = [span.label_ for span in doc.spans["cleaner"]]
    assert "ml-terms.tensorflow" in labels
    assert doc._.cleaner_edits[0]["original"] == "tensor flow"


def test_config_is_used_and_round_trips_through_disk(tmp_path):
    pack = tmp_path / "mine.yaml"
    pack.write_text("rules:\n  - {id: zz, match: {phrases: [zed zed]}, replace: ZZ}\n",
                    encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("transcript_cleaner", config={"rules": [str(pack)], "default_rules": False,
                                               "style": "verbatim"})
    assert nlp("say zed zed um now")._.cleaned == "say ZZ um now"
    nlp.to_disk(tmp_path / "pipeline")
    pack.unlink()  # the saved pipeline keeps its own copy of the pack
    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded("say zed zed um now")
    assert doc._.cleaned == "say ZZ um now"
    assert [s.label_ for s in doc.spans["cleaner"]] == ["mine.zz"]
