from pathlib import Path

import nbformat
import pytest
from phasebook.errors import ConfigError
from phasebook.runner.discovery import discover, is_exclusive, matches, select, select_suite


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    for name in ["03_cart.ipynb", "01_catalog.ipynb", "explore.ipynb", "1_bad.ipynb", "02_x.txt"]:
        (tmp_path / name).write_text("{}")
    return tmp_path


def test_discover_keeps_only_nn_notebooks_sorted(notebooks: Path) -> None:
    assert [p.name for p in discover(notebooks)] == ["01_catalog.ipynb", "03_cart.ipynb"]


@pytest.mark.parametrize(
    ("pattern", "selected"),
    [
        ("cart", True),
        ("CART", True),
        ("03", True),
        ("03_*", True),
        ("0?_cart", True),
        ("*.ipynb", True),
        ("catalog", False),
        ("04_*", False),
    ],
)
def test_matches_substring_or_glob_case_insensitive(pattern: str, selected: bool) -> None:
    assert matches("03_cart.ipynb", pattern) is selected


def test_select_is_the_union_of_patterns(notebooks: Path) -> None:
    found = discover(notebooks)
    assert [p.stem for p in select(found, ["cat", "cart"])] == ["01_catalog", "03_cart"]
    assert select(found, []) == found


def test_empty_selection_names_what_exists(notebooks: Path) -> None:
    with pytest.raises(ConfigError, match=r"-k 'zzz' selects no notebook .*01_catalog, 03_cart"):
        select_suite(notebooks, ["zzz"])


def test_missing_notebooks_dir_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        select_suite(tmp_path / "nope", [])


def test_a_notebook_marked_exclusive_in_its_metadata_runs_alone(tmp_path: Path) -> None:
    alone, shared = tmp_path / "11_outage.ipynb", tmp_path / "03_cart.ipynb"
    marked = nbformat.v4.new_notebook(metadata={"phasebook": {"exclusive": True}})
    nbformat.write(marked, alone)
    nbformat.write(nbformat.v4.new_notebook(), shared)
    assert is_exclusive(alone)
    assert not is_exclusive(shared)
