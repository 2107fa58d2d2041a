import json
from pathlib import Path

from phasebook.report.scrub import Scrubber

TOKEN = "tok-3f9a1c77e2"


def test_from_env_masks_secret_named_variables_only() -> None:
    env = {"API_TOKEN": TOKEN, "DB_PASSWORD": "hunter22", "HOME": "/home/someone"}
    scrubber = Scrubber.from_env(env)
    text = f"{TOKEN} hunter22 /home/someone"
    assert scrubber.text(text) == "*** *** /home/someone"


def test_extra_values_and_escaped_forms_are_masked() -> None:
    scrubber = Scrubber(["p&ss<word>"])
    assert scrubber.text("a p&amp;ss&lt;word&gt; b p&ss<word>") == "a *** b ***"


def test_short_values_are_not_treated_as_secrets() -> None:
    assert Scrubber.from_env({"NO_TOKEN": "1"}).text("v1.0") == "v1.0"


def test_json_files_stay_valid_after_scrubbing(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [{"source": f"Bearer {TOKEN}", TOKEN: 1}]}))
    masked = Scrubber([TOKEN]).scrub_json_file(path)
    assert json.loads(path.read_text()) == masked == {"cells": [{"source": "Bearer ***", "***": 1}]}


def test_written_files_are_masked(tmp_path: Path) -> None:
    scrubber = Scrubber([TOKEN])
    scrubber.write_text(tmp_path / "a.html", f"<p>{TOKEN}</p>")
    scrubber.write_json(tmp_path / "a.json", {"token": TOKEN})
    assert TOKEN not in (tmp_path / "a.html").read_text() + (tmp_path / "a.json").read_text()
