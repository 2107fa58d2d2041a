import pytest
from phasebook.cli import parse_parameter
from phasebook.errors import ConfigError


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("11", 11),
        ("2599.98", 2599.98),
        ("true", True),
        ("null", None),
        ("[1, 2]", [1, 2]),
        ("laptop", "laptop"),
        ("2026-01-02", "2026-01-02"),  # a date object would not survive papermill
        ("[unclosed", "[unclosed"),
    ],
)
def test_parameter_values_are_read_as_yaml_scalars(raw: str, value: object) -> None:
    assert parse_parameter("expected_total", raw) == value


@pytest.mark.parametrize("name", ["admin_token", "DB_PASSWORD", "jwt_secret"])
def test_secret_looking_parameters_are_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="copied into the executed notebook"):
        parse_parameter(name, "x")
