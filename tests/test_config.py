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


def test_options_override_and_add(tmp_path):
    from cleaner.config import apply_options

    (tmp_path / "cleaner.toml").write_text('style = "verbatim"\ndisable = ["a", "b"]\n'
                                          'rules = ["x.yaml"]\n')
    settings = apply_options(load_settings(tmp_path, environ={"CLEANER_STYLE": "verbatim"}),
                             style="clean", auto_threshold=None, rules=["y.yaml"],
                             enable=["a"])
    assert settings["style"] == "clean" and settings.origin["style"] == "option"
    assert settings["auto_threshold"] == 0.8 and settings.origin["auto_threshold"] == "default"
    assert settings["rules"] == [str(tmp_path / "x.yaml"), "y.yaml"]
    assert settings["disable"] == ["b"]


# -- through the command line ------------------------------------------------------------

def _cli(args, env=None):
    from typer.testing import CliRunner

    from cleaner.cli import app

    return CliRunner().invoke(app, args, env=env or {})


def test_cli_precedence_file_then_env_then_flag(tmp_path):
    talk = tmp_path / "talk.txt"
    talk.write_text("so um we used tensor flow\n", encoding="utf-8")
    (tmp_path / "cleaner.toml").write_text('style = "verbatim"\n')
    from_file = _cli(["clean", str(talk), "-q"])
    assert from_file.exit_code == 0 and from_file.stdout == "so um we used TensorFlow\n"
    from_env = _cli(["clean", str(talk), "-q"], env={"CLEANER_STYLE": "clean"})
    assert from_env.stdout == "so we used TensorFlow\n"
    from_flag = _cli(["clean", str(talk), "-q", "--style", "verbatim"],
                     env={"CLEANER_STYLE": "clean"})
    assert from_flag.stdout == "so um we used TensorFlow\n"
    ignored = _cli(["clean", str(talk), "-q", "--no-config"])
    assert ignored.stdout == "so we used TensorFlow\n"


def test_cli_disable_and_enable(tmp_path):
    talk = tmp_path / "talk.txt"
    talk.write_text("we used tensor flow\n", encoding="utf-8")
    (tmp_path / "cleaner.toml").write_text('disable = ["ml-terms.tensorflow"]\n')
    assert _cli(["clean", str(talk), "-q"]).stdout == "we used tensor flow\n"
    assert _cli(["clean", str(talk), "-q", "--enable", "ml-terms.tensorflow"]).stdout == \
        "we used TensorFlow\n"
    assert _cli(["clean", str(talk), "-q", "--no-config", "--disable", "ml-terms"]).stdout == \
        "we used tensor flow\n"


def test_cli_json_output(tmp_path):
    import json

    talk = tmp_path / "talk.txt"
    talk.write_text("we used tensor flow\n", encoding="utf-8")
    result = _cli(["clean", str(talk), "-q", "--json"])
    doc = json.loads(result.stdout)
    assert doc["cleaned"] == "we used TensorFlow\n" and doc["format"] == "text"
    assert doc["edits"][0]["rule"] == "ml-terms.tensorflow"


def test_cli_config_shows_origins(tmp_path):
    (tmp_path / "cleaner.toml").write_text('style = "verbatim"\n')
    result = _cli(["config", str(tmp_path)], env={"CLEANER_AUTO_THRESHOLD": "0.9"})
    assert result.exit_code == 0
    assert f"configuration file: {tmp_path / 'cleaner.toml'}" in result.stdout
    assert f"style = 'verbatim'  ({tmp_path / 'cleaner.toml'})" in result.stdout
    assert "auto_threshold = 0.9  (env)" in result.stdout


def test_cli_bad_config_is_one_line_exit_2(tmp_path):
    talk = tmp_path / "talk.txt"
    talk.write_text("hi\n", encoding="utf-8")
    (tmp_path / "cleaner.toml").write_text('colour = "blue"\n')
    result = _cli(["clean", str(talk)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "cleaner.toml: key 'colour': unknown setting" in result.stderr
