import json

import httpx
import jwt
import pytest
from phasebook.api import AdminClient, ApiClient
from phasebook.auth import AuthConfig, Persona, Personas, build_provider
from phasebook.auth.config import JwtConfig
from phasebook.auth.providers import JwtAuth
from phasebook.errors import ApiError, ApiTimeout, PlatformUnreachable
from phasebook.journal import Journal
from phasebook.redact import MASK, Redactor


def echo(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content) if request.content else None
    return httpx.Response(
        200,
        json={"headers": dict(request.headers), "path": request.url.path, "body": body},
        headers={"X-Request-ID": request.headers["x-request-id"]},
    )


def client(
    handler=echo, *, auth=None, redactor=None, journal=None, user_id=None, **kwargs
) -> ApiClient:
    redactor = redactor or Redactor()
    return ApiClient(
        "http://gw.test",
        auth=auth or build_provider(AuthConfig(), redactor=redactor),
        journal=journal if journal is not None else Journal(),
        redactor=redactor,
        user=Persona.numeric(user_id) if user_id is not None else None,
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


def test_mock_identity_sends_user_id_and_request_id():
    response = client(user_id=42).get("/api/v1/cart")
    headers = response.json["headers"]
    assert headers["x-user-id"] == "42"
    assert len(headers["x-request-id"]) == 36
    assert response.request_id == headers["x-request-id"]


def test_as_user_overrides_the_session_user_for_one_call():
    api = client(user_id=42)
    assert api.get("/x", as_user=7).json["headers"]["x-user-id"] == "7"
    assert api.get("/x").json["headers"]["x-user-id"] == "42"


def test_anonymous_request_carries_no_credentials():
    headers = client(user_id=42).get("/x", anonymous=True).json["headers"]
    assert "x-user-id" not in headers and "authorization" not in headers


def test_jwt_provider_mints_hs256_token_with_user_id_and_exp():
    red = Redactor()
    config = AuthConfig(
        mode="jwt",
        header="Authorization",
        scheme="Bearer",
        value=None,
        jwt=JwtConfig(secret="k" * 32),
    )
    auth = JwtAuth(config, red, clock=lambda: 1_000_000)
    api = client(auth=auth, redactor=red, user_id=5)
    journal_api = api.get("/x")
    assert journal_api.status == 200
    token = auth.token(Persona.numeric(5))
    assert journal_api.json["headers"]["authorization"] == f"Bearer {token}"
    claims = jwt.decode(token, "k" * 32, algorithms=["HS256"], options={"verify_exp": False})
    assert claims == {"user_id": 5, "exp": 1_003_600}
    assert token in red and "k" * 32 in red


def test_post_sends_json_and_journals_the_exchange_under_the_current_test():
    journal = Journal()
    api = client(journal=journal, user_id=1, test_id=lambda: "3.2")
    response = api.post("/api/v1/cart/items", json={"product_id": 1, "quantity": 2})
    assert response.json["body"] == {"product_id": 1, "quantity": 2}
    entry = journal.last
    assert (entry.test_id, entry.method, entry.path, entry.status) == (
        "3.2",
        "POST",
        "/api/v1/cart/items",
        200,
    )
    assert entry.request_body == {"product_id": 1, "quantity": 2}
    assert entry.elapsed_ms >= 0 and entry.request_id == response.request_id


def test_secrets_are_masked_where_shown_but_the_response_keeps_real_values():
    red = Redactor(["sekrit"])
    journal = Journal()
    api = client(
        lambda r: httpx.Response(200, json={"echo": "sekrit"}, headers={"Set-Cookie": "s=sekrit"}),
        redactor=red,
        journal=journal,
    )
    response = api.post("/x", json={"password": "sekrit"})
    assert response.json == {"echo": "sekrit"}
    assert "sekrit" in response.text and response.headers["set-cookie"] == "s=sekrit"
    assert journal.last.request_body == {"password": MASK}
    assert journal.last.response_body == {"echo": MASK}
    assert "sekrit" not in repr(response) + response._repr_html_() + repr(response.shown())


def test_as_user_accepts_a_persona_name():
    red = Redactor()
    personas = Personas({"alice": {"user_id": 11}}, redactor=red)
    api = client(user_id=42, personas=personas, redactor=red)
    assert api.get("/x", as_user="alice").json["headers"]["x-user-id"] == "11"


def test_unknown_persona_name_says_which_are_known():
    red = Redactor()
    api = client(user_id=42, personas=Personas({"alice": {}}, redactor=red), redactor=red)
    with pytest.raises(Exception, match=r"no persona 'bob' \(known: alice\)"):
        api.get("/x", as_user="bob")


def test_api_prefix_is_prepended_once():
    api = client(user_id=1, api_prefix="/api")
    assert api.get("/articles").json["path"] == "/api/articles"
    assert api.get("/api/articles").json["path"] == "/api/articles"


def test_observers_see_every_response():
    seen = []
    api = client(user_id=1, observers=[seen.append])
    api.get("/a")
    api.post("/b", json={})
    assert [r.path for r in seen] == ["/a", "/b"]


def test_connection_refused_raises_platform_unreachable_in_one_line():
    def refuse(request):
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    journal = Journal()
    with pytest.raises(PlatformUnreachable) as info:
        client(refuse, journal=journal).get("/health")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("cannot reach GET http://gw.test/health: [Errno 111]")
    assert "is the platform up? check params platform.base_url" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert journal.last.status is None and journal.last.error


def test_read_timeout_raises_api_timeout_with_method_url_and_timeout():
    def hang(request):
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ApiTimeout, match=r"GET http://gw.test/slow timed out after 0.5 s") as info:
        client(hang).get("/slow", timeout=0.5)
    assert (info.value.method, info.value.timeout) == ("GET", 0.5)


def test_admin_client_uses_the_admin_token_and_returns_created_product():
    seen = {}

    def admin(request):
        seen.update(request.headers)
        return httpx.Response(201, json={"id": 77, **json.loads(request.content)})

    red = Redactor()
    api = AdminClient(
        "http://gw.test",
        token="adm",
        redactor=red,
        journal=Journal(),
        transport=httpx.MockTransport(admin),
    )
    product = api.create_product("Scarce", 9.99, stock=5)
    assert product["id"] == 77 and product["listed"] is False
    assert seen["authorization"] == "Bearer adm" and "adm" in red


def test_admin_rejection_explains_the_token_mismatch():
    api = AdminClient(
        "http://gw.test",
        token="adm",
        redactor=Redactor(),
        journal=Journal(),
        transport=httpx.MockTransport(lambda r: httpx.Response(401, json={})),
    )
    with pytest.raises(ApiError, match="rejected the admin token") as info:
        api.set_stock(1, 5)
    assert info.value.status == 401
