"""Configuration discovery and precedence: defaults < file < environment < option."""
from __future__ import annotations

import pytest

from cleaner.config import find_config, load_settings
from cleaner.errors import CleanerError


def test_nearest_pyproject_with_a_cleaner_table_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cleaner]\nstyle = "verbatim"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no table
    path, table = find_config(deep)
    assert path == tmp_path / "pyproject.toml" and table == {"style": "verbatim"}


def test_cleaner_toml_is_found_first_and_paths_are_relative_to_it(tmp_path):
    (tmp_path / "cleaner.toml").write_text('rules = ["packs/ours.yaml"]\nauto_threshold = 1\n')
    settings = load_settings(tmp_path, environ={})
    assert settings["rules"] == [str(tmp_path / "packs" / "ours.yaml")]
    assert settings["auto_threshold"] == 1.0
    assert settings.origin["rules"] == str(tmp_path / "cleaner.toml")
    assert settings.origin["style"] == "default"


def test_environment_overrides_the_file(tmp_path):
    (tmp_path / "cleaner.toml").write_text('style = "verbatim"\ndisable = ["fillers"]\n')
    settings = load_settings(tmp_path, environ={"CLEANER_STYLE": "clean",
                                                "CLEANER_DISABLE": "a.b, c"})
    assert settings["style"] == "clean" and settings.origin["style"] == "env"
    assert settings["disable"] == ["a.b", "c"]


@pytest.mark.parametrize("content, key", [('stlye = "clean"\n', "stlye"),
                                          ('auto_threshold = "high"\n', "auto_threshold"),
                                          ('rules = [1]\n', "rules")])
def test_bad_settings_name_the_file_and_key(tmp_path, content, key):
    (tmp_path / "cleaner.toml").write_text(content)
    with pytest.raises(CleanerError) as err:
        load_settings(tmp_path, environ={})
    assert err.value.key == key and str(tmp_path / "cleaner.toml") in str(err.value)


def test_invalid_toml_is_a_clear_error(tmp_path):
    (tmp_path / "cleaner.toml").write_text("style = \n")
    with pytest.raises(CleanerError, match="invalid TOML"):
        load_settings(tmp_path, environ={})


def test_bad_environment_value(tmp_path):
    with pytest.raises(CleanerError, match="CLEANER_AUTO_THRESHOLD"):
        load_settings(tmp_path, environ={"CLEANER_AUTO_THRESHOLD": "lots"})


def test_disable_switches_off_rules_packs_and_patterns():
    from cleaner import Cleaner

    cleaner = Cleaner(disable=["fillers", "ml-terms.tensorflow*"])
    result = cleaner.clean("um, we used tensor flow")
    assert result.cleaned == "um, we used tensor flow"
    assert not any(r.pack == "fillers" for r in cleaner.rules)


def test_pragmas_protect_a_stretch(default_cleaner):
    text = "tensor flow <!-- cleaner: off -->tensor flow<!-- cleaner: on --> tensor flow"
    assert default_cleaner.clean(text).cleaned == (
        "TensorFlow <!-- cleaner: off -->tensor flow<!-- cleaner: on --> TensorFlow")
