"""STATE_DIR/admin_token: generated when unset, owner-only, reused on restart, gone on down."""

from __future__ import annotations

import stat

from shopstack.supervisor import admin_token


def test_generates_a_token_when_the_environment_has_none(tmp_path):
    env: dict[str, str] = {}
    admin_token.ensure(tmp_path, env)
    token = env["SHOPSTACK_ADMIN_TOKEN"]
    assert len(token) == 32
    assert admin_token.read(tmp_path) == token


def test_keeps_the_exported_token(tmp_path):
    env = {"SHOPSTACK_ADMIN_TOKEN": "exported-token"}
    admin_token.ensure(tmp_path, env)
    assert env["SHOPSTACK_ADMIN_TOKEN"] == "exported-token"
    assert admin_token.read(tmp_path) == "exported-token"


def test_file_is_readable_by_its_owner_only_even_when_it_existed_wider(tmp_path):
    path = admin_token.token_path(tmp_path)
    path.write_text("old")
    path.chmod(0o644)
    admin_token.ensure(tmp_path, {})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() != "old"


def test_a_restarted_service_gets_the_stored_token_unless_one_is_exported(tmp_path):
    admin_token.write(tmp_path, "stored")
    env: dict[str, str] = {}
    admin_token.fill(tmp_path, env)
    assert env["SHOPSTACK_ADMIN_TOKEN"] == "stored"
    exported = {"SHOPSTACK_ADMIN_TOKEN": "exported"}
    admin_token.fill(tmp_path, exported)
    assert exported["SHOPSTACK_ADMIN_TOKEN"] == "exported"


def test_no_file_means_no_token(tmp_path):
    assert admin_token.read(tmp_path) is None
    env: dict[str, str] = {}
    admin_token.fill(tmp_path, env)
    assert env == {}
    admin_token.remove(tmp_path)  # removing twice is fine
