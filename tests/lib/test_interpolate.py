import pytest
from phasebook.errors import ConfigError
from phasebook.interpolate import interpolate


def test_set_variable_is_substituted_and_reported():
    result = interpolate("http://${HOST}:${PORT}", {"HOST": "h", "PORT": "1"}, where="f: x")
    assert result.text == "http://h:1"
    assert result.variables == ["HOST", "PORT"]


def test_default_is_used_when_unset_or_empty():
    assert interpolate("${A:-dflt}", {}, where="f").text == "dflt"
    assert interpolate("${A:-dflt}", {"A": ""}, where="f").text == "dflt"
    assert interpolate("${A:-}", {}, where="f").text == ""


def test_empty_variable_without_default_counts_as_set():
    assert interpolate("${A}", {"A": ""}, where="f").text == ""


def test_unset_variable_without_default_names_where_and_variable():
    with pytest.raises(ConfigError, match="^f.yaml: admin_token: environment variable TOK is not"):
        interpolate("${TOK}", {}, where="f.yaml: admin_token")


def test_text_without_references_is_unchanged():
    assert interpolate("plain $HOME text", {}, where="f").text == "plain $HOME text"
