import json

import httpx
import phasebook
import pytest
from phasebook.display import CHECK_MIME, RESULTS_MIME
from phasebook.errors import ChecksFailed, ConfigError

SECRET = "jwt-secret-0123456789abcdef-XYZ-0000"
ADMIN = "admin-token-5f1d"
JWT_PARAMS = """
platform: {state_dir: .shopstack}
auth: {mode: jwt, jwt_secret: "${SHOPSTACK_JWT_SECRET}"}
admin_token: ${SHOPSTACK_ADMIN_TOKEN:-}
timeouts: {request_s: 3, eventually_s: 0.2}
"""


def platform(request: httpx.Request) -> httpx.Response:
    """A gateway that echoes credentials back: the worst case for leaking them."""
    auth = request.headers.get("authorization", "")
    if request.url.path == "/api/v1/admin/products":
        return httpx.Response(201, json={"id": 9, "seen": auth})
    return httpx.Response(
        200,
        json={"seen_auth": auth, "items": [], "total_items": 0},
        headers={"Set-Cookie": f"s={auth}"},
    )


@pytest.fixture
def make_session(write_params, repo, state_dir, shown):
    def make(text=JWT_PARAMS, **kwargs):
        env = {
            "SHOPSTACK_JWT_SECRET": SECRET,
            "SHOPSTACK_ADMIN_TOKEN": ADMIN,
            "PHASEBOOK_PARAMS": str(write_params(text)),
        }
        return phasebook.session(
            "03_cart",
            environ=env,
            cwd=repo / "notebooks",
            transport=httpx.MockTransport(platform),
            display=shown,
            **kwargs,
        )

    return make


def test_jwt_secret_and_tokens_appear_nowhere(make_session, shown):
    s = make_session(user_id=42)
    s.test("3.1", "View empty cart")
    response = s.api.get("/api/v1/cart")
    token = s.auth.token(s.user)
    s.checks.status(response, 200)
    s.checks.equal("seen_auth", response.json["seen_auth"], f"Bearer {token}")
    s.checks.subset("subset", response, {"seen_auth": SECRET})
    s.admin.create_product("Scarce", 1.0, stock=5)
    written = json.dumps(s.results())
    with pytest.raises(ChecksFailed):
        s.finish()
    displayed = repr(shown) + response._repr_html_() + repr(response) + repr(s)
    journal = s.journal.to_frame(bodies=True).to_json() + repr(list(s.journal))
    for leak in (SECRET, token, ADMIN):
        assert leak not in displayed and leak not in journal and leak not in written


def test_session_discovers_platform_and_uses_a_fresh_user(make_session):
    s = make_session()
    assert s.api.base_url == "http://127.0.0.1:18080"
    assert 2**30 <= s.user_id < 2**31
    assert sorted(s.db) == ["checkout", "inventory"]
    assert s.platform.available and s.mail.url == "http://127.0.0.1:18025"
    assert s.timeout == 3.0


def test_new_users_and_unique_strings_do_not_repeat(make_session):
    s = make_session()
    users = {s.new_user() for _ in range(200)}
    assert len(users) == 200 and all(0 < u < 2**31 for u in users)
    assert s.unique("checkout").startswith("checkout-") and s.unique() != s.unique()


def test_overrides_are_validated(make_session):
    with pytest.raises(ConfigError, match=r"session\(user_id=0\)"):
        make_session(user_id=0)
    with pytest.raises(ConfigError, match=r"session\(timeout=-1\)"):
        make_session(timeout=-1)


def test_timeout_override_applies_to_requests(make_session):
    assert make_session(timeout=0.5).api.timeout == 0.5


def test_test_heading_is_shown_and_context_restores_previous_id(make_session, shown):
    s = make_session()
    s.test("3.1", "View empty cart")
    assert shown[-1]["text/plain"] == "── Test 3.1 — View empty cart"
    with s.test("3.2"):
        s.checks.true("inner", True)
    s.checks.true("outer", True)
    assert [r.test_id for r in s.checks.results] == ["3.2", "3.1"]


def test_finish_emits_results_and_raises_listing_failed_tests(make_session, shown):
    s = make_session()
    s.test("3.1")
    s.api.get("/api/v1/cart")
    s.checks.equal("total_items", 0, 0)
    s.test("3.2")
    s.checks.equal("total_items", 0, 1)
    s.checks.skip("not on this platform")
    with pytest.raises(ChecksFailed, match=r"1 check\(s\) failed in 03_cart, tests 3.2") as info:
        s.finish()
    assert info.value.failed_tests == ["3.2"]
    [payload] = shown.of(RESULTS_MIME)
    assert payload["version"] == 1 and payload["notebook"] == "03_cart"
    assert payload["summary"] == {"passed": 1, "failed": 1, "skipped": 1, "xfail": 0, "xpass": 0}
    assert payload["checks"] == shown.of(CHECK_MIME)
    assert payload["journal"][0] == {
        k: payload["journal"][0][k]
        for k in ("test_id", "method", "path", "status", "elapsed_ms", "request_id", "at")
    }
    assert payload["journal"][0]["test_id"] == "3.1"
    json.dumps(payload)


def test_finish_passes_when_nothing_failed(make_session):
    s = make_session()
    s.checks.equal("x", 1, 1)
    assert s.finish() is None
    assert s.results()["summary"]["failed"] == 0


def test_eventually_records_convergence_time_under_the_test_id(make_session):
    s = make_session()
    s.test("5.2")
    values = iter([None, "cleared"])
    assert s.eventually(lambda: next(values), interval=0.001, description="cart cleared")
    assert list(s.timings) == ["5.2 cart cleared"]
    with pytest.raises(phasebook.EventuallyTimeout):
        s.eventually(lambda: None, interval=0.05)


def test_admin_without_token_says_what_to_export(make_session):
    s = make_session("platform: {state_dir: .shopstack}\n")
    with pytest.raises(
        ConfigError,
        match="admin_token: not set — start the platform with `make up`.*SHOPSTACK_ADMIN_TOKEN",
    ):
        _ = s.admin


def test_snapshot_shortcut_reads_the_named_database(make_session, state_dir):
    import sqlite3

    with sqlite3.connect(state_dir / "inventory.db") as conn:
        conn.execute("CREATE TABLE stock (product_id INTEGER PRIMARY KEY, quantity INTEGER)")
        conn.execute("INSERT INTO stock VALUES (1, 100)")
    s = make_session()
    before = s.snapshot("inventory", "SELECT * FROM stock")
    assert s.diff(before, before).empty


def test_eventually_with_check_records_a_timeout_as_a_failed_check_and_goes_on(make_session):
    s = make_session(user_id=42)
    s.test("O.2", "No corruption")
    last = s.eventually(
        lambda: "RESERVED",
        until=lambda v: v == "RELEASED",
        timeout=0.05,
        interval=0.01,
        check="reservation compensated",
    )
    assert last == "RESERVED"
    [result] = s.checks.failed
    assert (result.test_id, result.name) == ("O.2", "reservation compensated")
    assert "last value 'RESERVED'" in result.message


def test_eventually_with_check_records_success(make_session):
    s = make_session(user_id=42)
    s.test("5.2")
    assert s.eventually(lambda: 7, check="seven") == 7
    assert [r.status for r in s.checks.results] == ["passed"]
    assert list(s.timings) == ["5.2 seven"]  # the report's convergence chart: not "<lambda>"


def test_xfail_test_records_expected_failures_and_does_not_fail_the_run(make_session, shown):
    s = make_session()
    s.test("2.1", "Known divergence", xfail="platform bug #12")
    s.checks.equal("status", 500, 200)
    s.test("2.2", "Fixed already", xfail="was bug #13")
    s.checks.equal("status", 200, 200)
    s.test("2.3", "Normal")
    s.checks.equal("ok", 1, 1)
    s.finish()  # no ChecksFailed: 2.1 is an expected failure
    [payload] = shown.of(RESULTS_MIME)
    statuses = {t["id"]: t["status"] for t in payload["tests"]}
    assert statuses == {"2.1": "xfail", "2.2": "xpass", "2.3": "passed"}
    assert payload["summary"]["xfail"] == 1 and payload["summary"]["xpass"] == 1
    assert payload["checks"][0]["xfail"] == "platform bug #12"
    assert payload["tests"][0]["title"] == "Known divergence"


def test_personas_from_params_and_runtime_with_secret_fields_redacted(make_session, shown):
    text = JWT_PARAMS + 'users: {alice: {user_id: 7, password: "pw-alice-000"}}\n'
    text += 'vars: {tag: "${TAG:-dragons}"}\n'
    s = make_session(text, user="alice")
    assert s.user.name == "alice" and s.user_id == 7 and s.vars["tag"] == "dragons"
    bob = s.users.add("bob", user_id=8, password="pw-bob-111")
    assert s.api.get("/api/v1/cart", as_user="bob").ok and bob.user_id == 8
    assert "persona=alice" in repr(s) and "auth=jwt" in repr(s)
    assert "pw-bob-111" in s.redactor and "pw-alice-000" in s.redactor


def test_a_misspelt_database_fails_when_the_session_starts(make_session, repo):
    text = JWT_PARAMS + f"databases: {{app: 'sqlite:///{repo}/no/such/dir/app.db'}}\n"
    with pytest.raises(phasebook.DatabaseError, match="database 'app'"):
        make_session(text)
