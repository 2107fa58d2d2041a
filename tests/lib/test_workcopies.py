"""Working copies for JupyterLab: refreshed from notebooks/, never clobbering edits unasked."""

from __future__ import annotations

import json

from phasebook.workcopies import main, refresh


def notebook(*sources: str, outputs: list | None = None) -> str:
    cells = [
        {
            "cell_type": "code",
            "source": s,
            "metadata": {},
            "outputs": outputs or [],
            "execution_count": None,
        }
        for s in sources
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def setup(tmp_path, text: str):
    source, folder = tmp_path / "notebooks", tmp_path / "lab"
    source.mkdir()
    (source / "05_checkout.ipynb").write_text(text)
    return source, folder


def test_first_start_copies_every_notebook(tmp_path):
    source, folder = setup(tmp_path, notebook("s.finish()"))
    assert refresh(source, folder) == ["05_checkout.ipynb: copied"]
    assert (folder / "05_checkout.ipynb").read_text() == (source / "05_checkout.ipynb").read_text()


def test_a_copy_that_was_only_run_takes_the_new_committed_version(tmp_path):
    source, folder = setup(tmp_path, notebook("a = 1"))
    refresh(source, folder)
    (folder / "05_checkout.ipynb").write_text(notebook("a = 1", outputs=[{"output_type": "x"}]))
    (source / "05_checkout.ipynb").write_text(notebook("a = 2"))
    assert refresh(source, folder) == ["05_checkout.ipynb: updated from notebooks/"]
    assert "a = 2" in (folder / "05_checkout.ipynb").read_text()


def test_an_edited_copy_is_kept_and_the_refresh_says_how_to_replace_it(tmp_path):
    source, folder = setup(tmp_path, notebook("a = 1"))
    refresh(source, folder)
    (folder / "05_checkout.ipynb").write_text(notebook("a = 1  # my debugging"))
    assert refresh(source, folder) == ["05_checkout.ipynb: kept your edits"]
    (source / "05_checkout.ipynb").write_text(notebook("a = 2"))
    [line] = refresh(source, folder)
    assert "kept your edits" in line and "make lab REFRESH=1" in line
    assert "my debugging" in (folder / "05_checkout.ipynb").read_text()


def test_refresh_replaces_edited_copies_when_asked(tmp_path, capsys):
    source, folder = setup(tmp_path, notebook("a = 1"))
    refresh(source, folder)
    (folder / "05_checkout.ipynb").write_text(notebook("edited"))
    assert main([str(source), str(folder), "--refresh"]) == 0
    assert "replaced by the committed version" in capsys.readouterr().out
    assert (folder / "05_checkout.ipynb").read_text() == (source / "05_checkout.ipynb").read_text()


def test_a_missing_source_folder_is_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "nope"), str(tmp_path / "lab")]) == 2
    assert "is not a directory" in capsys.readouterr().err
