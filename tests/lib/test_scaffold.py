"""phasebook init: a commented params file per auth mode, a smoke notebook, a README; never
over a non-empty directory."""

from __future__ import annotations

import nbformat
import pytest
from phasebook.cli import main
from phasebook.errors import ConfigError
from phasebook.params import load_params
from phasebook.scaffold import INIT_MODES, init_suite

URL = "http://127.0.0.1:8000"
ENV = {
    "API_TOKEN": "t0ken-value",
    "JWT_SECRET": "jwt-secret-value-of-some-length-32",
    "TESTER_EMAIL": "tester@example.com",
    "TESTER_USERNAME": "tester",
    "TESTER_PASSWORD": "pass-word-1",
    "OAUTH_CLIENT_ID": "client",
    "OAUTH_CLIENT_SECRET": "client-secret",
}


@pytest.mark.parametrize("mode", INIT_MODES)
def test_every_mode_writes_a_params_file_the_loader_accepts(tmp_path, mode):
    suite = init_suite(tmp_path / "suite", base_url=URL + "/", mode=mode)
    params = load_params(suite.params, environ=ENV, cwd=tmp_path)
    assert params.auth.mode == mode
    assert params.base_url == URL
    assert params.health is None  # the platform need not have a /health route
    assert params.vars["smoke_path"] == "/"
    assert set(suite.env_vars) <= set(ENV)


@pytest.mark.parametrize("mode", ["login", "jwt", "bearer"])
def test_the_readme_names_the_variables_to_export_and_the_two_commands(tmp_path, mode):
    suite = init_suite(tmp_path / "s", base_url=URL, mode=mode)
    readme = suite.readme.read_text()
    for variable in suite.env_vars:
        assert f"export {variable}=" in readme
    assert 'phasebook run --params "$PWD/params.yaml" --notebooks notebooks' in readme
    assert 'PHASEBOOK_PARAMS="$PWD/params.yaml" jupyter lab notebooks/01_smoke.ipynb' in readme


def test_a_params_file_without_its_secret_says_which_variable_to_export(tmp_path):
    suite = init_suite(tmp_path / "s", base_url=URL, mode="login")
    with pytest.raises(ConfigError, match="TESTER_PASSWORD"):
        load_params(suite.params, environ={"TESTER_EMAIL": "a@b.io"}, cwd=tmp_path)


def test_the_smoke_notebook_has_parameters_a_session_one_request_one_check_and_finish(tmp_path):
    suite = init_suite(tmp_path / "s", base_url=URL, mode="login")
    notebook = nbformat.read(suite.notebook, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code[0].metadata["tags"] == ["parameters"]
    assert "user = None" in code[0].source
    source = "\n".join(c.source for c in code)
    assert 'phasebook.session("01_smoke", user=user)' in source
    assert source.count("s.api.") == 1 and source.count("s.checks.") == 1
    assert code[-1].source == "s.finish()"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_modes_without_personas_take_no_user_parameter(tmp_path):
    suite = init_suite(tmp_path / "s", base_url=URL, mode="none")
    source = suite.notebook.read_text()
    assert "user=user" not in source and "user = None" not in source


def test_init_refuses_a_non_empty_directory_with_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path), "--base-url", URL]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is not empty (1 entries)" in err and "never overwrites" in err
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert not (tmp_path / "params.yaml").exists()


def test_init_into_an_empty_existing_directory_works(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--base-url", URL, "--auth", "bearer"]) == 0
    assert "export API_TOKEN=..." in capsys.readouterr().out
    assert (tmp_path / "notebooks" / "01_smoke.ipynb").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "localhost:8000"], "expected an http(s) URL"),
        (["--base-url", URL, "--auth", "kerberos"], "invalid choice: 'kerberos'"),
        ([], "--base-url"),
    ],
    ids=["url-without-scheme", "unknown-mode", "no-url"],
)
def test_init_bad_arguments_are_one_line_and_exit_2(tmp_path, capsys, args, message):
    assert main(["init", str(tmp_path / "s"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "s").exists()
