"""phasebook.auth: each provider against a platform simulated with httpx.MockTransport."""

import json

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from phasebook.api import ApiClient
from phasebook.auth import Persona, Personas, build_auth_config, build_provider
from phasebook.errors import AuthError, ConfigError
from phasebook.journal import Journal
from phasebook.redact import MASK, Redactor


def config(**auth):
    flat = {f"auth.{k}": v for k, v in auth.items()}

    def fail(field, message):
        return ConfigError(f"test.yaml: {field}: {message}")

    return build_auth_config(flat.get, fail)


class LoginApp:
    """Login at /login returns the same token for every call; /me needs `Token <it>`."""

    def __init__(self, token="tok-identical-0123456789"):
        self.token = token
        self.logins = 0
        self.revoked = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/login":
            self.logins += 1
            self.revoked = False
            body = json.loads(request.content)
            if body["user"]["password"] != "pw-" + body["user"]["email"]:
                return httpx.Response(422, json={"errors": {"body": ["invalid"]}})
            return httpx.Response(200, json={"user": {"token": self.token}})
        if request.headers.get("authorization") != f"Token {self.token}" or self.revoked:
            return httpx.Response(401, json={"errors": {"token": ["invalid"]}})
        return httpx.Response(200, json={"token_seen": self.token})


def login_client(app, redactor, personas):
    cfg = config(
        mode="login",
        scheme="Token",
        **{
            "login.path": "/login",
            "login.json": {"user": {"email": "{email}", "password": "{password}"}},
            "login.token": "user.token",
        },
    )
    transport = httpx.MockTransport(app)
    http = httpx.Client(base_url="http://app.test", transport=transport)
    provider = build_provider(cfg, redactor=redactor, http=http)
    journal = Journal()
    api = ApiClient(
        "http://app.test",
        auth=provider,
        journal=journal,
        redactor=redactor,
        personas=personas,
        user=personas["alice"],
        transport=transport,
    )
    return api, journal


def test_login_token_is_fetched_once_sent_real_and_masked_where_shown():
    app, red = LoginApp(), Redactor()
    personas = Personas({"alice": {"email": "a@x", "password": "pw-a@x"}}, redactor=red)
    api, journal = login_client(app, red, personas)
    first, second = api.get("/me"), api.get("/me")
    assert (first.status, second.status, app.logins) == (200, 200, 1)
    assert second.json == {"token_seen": app.token}  # the real value, not ***
    assert journal.last.response_body == {"token_seen": MASK}
    assert app.token not in repr(second) + second._repr_html_()


def test_two_logins_returning_the_identical_token_still_authenticate():
    """Regression: a registered token must never replace the value a notebook sends."""
    app, red = LoginApp(), Redactor()
    personas = Personas(
        {
            "alice": {"email": "a@x", "password": "pw-a@x"},
            "bob": {"email": "b@x", "password": "pw-b@x"},
        },
        redactor=red,
    )
    api, _ = login_client(app, red, personas)
    assert api.get("/me").status == 200
    response = api.get("/me", as_user="bob")  # second login, same token string
    assert (response.status, app.logins) == (200, 2)
    assert response.json["token_seen"] == app.token


def test_a_401_logs_in_again_once():
    app, red = LoginApp(), Redactor()
    personas = Personas({"alice": {"email": "a@x", "password": "pw-a@x"}}, redactor=red)
    api, _ = login_client(app, red, personas)
    api.get("/me")
    app.revoked = True
    assert api.get("/me").status == 200
    assert app.logins == 2


def test_login_rejected_names_the_persona_and_hides_the_password():
    app, red = LoginApp(), Redactor()
    personas = Personas({"alice": {"email": "a@x", "password": "wrong-password"}}, redactor=red)
    api, _ = login_client(app, red, personas)
    with pytest.raises(AuthError) as info:
        api.get("/me")
    assert "login failed: POST /login as alice → 422" in str(info.value)
    assert "wrong-password" in red and "wrong-password" not in str(info.value)


def test_cookie_mode_sends_the_session_cookie_and_masks_it():
    def app(request):
        if request.url.path == "/session":
            return httpx.Response(204, headers={"Set-Cookie": "sid=cookie-value-123; Path=/"})
        return httpx.Response(200, json={"cookie": request.headers.get("cookie")})

    red = Redactor()
    cfg = config(mode="cookie", **{"login.path": "/session", "login.form": {"u": "{email}"}})
    http = httpx.Client(base_url="http://app.test", transport=httpx.MockTransport(app))
    provider = build_provider(cfg, redactor=red, http=http)
    headers = provider.headers(Persona("alice", {"email": "a@x"}))
    assert headers == {"Cookie": "sid=cookie-value-123"}
    assert red.text("sid=cookie-value-123") == f"sid={MASK}"


def test_oauth2_client_credentials_through_authlib():
    seen = {}

    def token_endpoint(request):
        seen["form"] = dict(httpx.QueryParams(request.content.decode()))
        seen["auth"] = request.headers.get("authorization")
        return httpx.Response(200, json={"access_token": "at-123456", "token_type": "Bearer"})

    red = Redactor()
    cfg = config(
        mode="oauth2",
        **{
            "oauth2.token_url": "http://idp.test/token",
            "oauth2.client_id": "cid",
            "oauth2.client_secret": "csecret-xyz",
            "oauth2.scope": "read",
        },
    )
    provider = build_provider(cfg, redactor=red, transport=httpx.MockTransport(token_endpoint))
    assert provider.headers(None) == {"Authorization": "Bearer at-123456"}
    assert seen["form"]["grant_type"] == "client_credentials" and seen["auth"].startswith("Basic ")
    assert "at-123456" in red and "csecret-xyz" in red


def test_oauth2_password_grant_fetches_one_token_per_persona():
    grants = []

    def token_endpoint(request):
        form = dict(httpx.QueryParams(request.content.decode()))
        grants.append(form)
        if form.get("password") != "pw-" + form.get("username", ""):
            return httpx.Response(400, json={"error": "invalid_grant"})
        return httpx.Response(
            200, json={"access_token": f"at-of-{form['username']}", "token_type": "Bearer"}
        )

    red = Redactor()
    cfg = config(
        mode="oauth2",
        **{
            "oauth2.token_url": "http://idp.test/token",
            "oauth2.grant": "password",
            "oauth2.client_id": "cid",
            "oauth2.username": "{email}",
        },
    )
    provider = build_provider(cfg, redactor=red, transport=httpx.MockTransport(token_endpoint))
    alice = Persona("alice", {"email": "a@x", "password": "pw-a@x"})
    bob = Persona("bob", {"email": "b@x", "password": "pw-b@x"})
    assert provider.headers(alice) == {"Authorization": "Bearer at-of-a@x"}
    assert provider.headers(bob) == {"Authorization": "Bearer at-of-b@x"}
    assert provider.headers(alice) == {"Authorization": "Bearer at-of-a@x"}  # cached
    assert [(g["grant_type"], g["username"]) for g in grants] == [
        ("password", "a@x"),
        ("password", "b@x"),
    ]
    assert "pw-a@x" in red and "at-of-b@x" in red
    with pytest.raises(AuthError, match="oauth2 password token request") as info:
        provider.headers(Persona("eve", {"email": "e@x", "password": "guess-123"}))
    assert "guess-123" not in str(info.value)


def test_jwt_rs256_with_custom_claim_and_extra_claims_from_the_persona():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    cfg = config(
        mode="jwt",
        **{
            "jwt.private_key": pem,
            "jwt.claim": "sub",
            "jwt.field": "name",
            "jwt.claims": {"tenant_id": "{tenant}"},
        },
    )
    red = Redactor()
    header = build_provider(cfg, redactor=red).headers(
        Persona("alice", {"name": "alice", "tenant": 7})
    )
    token = header["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"])
    assert (claims["sub"], claims["tenant_id"]) == ("alice", 7)
    assert token in red and pem in red


def test_header_mode_with_an_api_key_from_the_environment_is_masked():
    red = Redactor()
    provider = build_provider(
        config(mode="header", header="X-Api-Key", value="key-9876543"), redactor=red
    )
    assert provider.headers(None) == {"X-Api-Key": "key-9876543"}
    assert "key-9876543" in red


def test_header_mode_with_a_key_per_persona_masks_keys_but_not_short_ids():
    red = Redactor()
    provider = build_provider(
        config(mode="header", header="X-Api-Key", value="{key}"), redactor=red
    )
    alice = Persona("alice", {"key": "k-1234567890abcdef"})  # field not named like a secret
    assert provider.headers(alice) == {"X-Api-Key": "k-1234567890abcdef"}
    assert "k-1234567890abcdef" in red
    by_id = build_provider(config(mode="header", header="X-User", value="{id}"), redactor=red)
    assert by_id.headers(Persona("bob", {"id": "42"})) == {"X-User": "42"}
    assert "42" not in red


def test_mock_mode_sends_the_user_id_and_does_not_mask_it():
    red = Redactor()
    provider = build_provider(config(), redactor=red)
    assert provider.headers(Persona.numeric(42)) == {"X-User-Id": "42"}
    assert "42" not in red


def test_bearer_mode_with_a_bare_scheme():
    red = Redactor()
    provider = build_provider(config(mode="bearer", token="t0ken-abc", scheme=""), redactor=red)
    assert provider.headers(None) == {"Authorization": "t0ken-abc"}


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ({"mode": "login"}, "auth.login.path: required when auth.mode is login"),
        ({"mode": "login", "login.path": "/l"}, "auth.login.token: the JSON path"),
        ({"mode": "bearer"}, "auth.token: required when auth.mode is bearer"),
        ({"mode": "header", "header": "X-Key"}, "auth.value: required"),
        ({"mode": "jwt", "jwt.algorithm": "RS256"}, "auth.jwt.private_key: required for RS256"),
        (
            {"mode": "oauth2", "oauth2.token_url": "u", "oauth2.grant": "implicit"},
            "auth.oauth2.grant",
        ),
    ],
)
def test_incomplete_auth_sections_name_the_missing_field(auth, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        config(**auth)


def test_persona_missing_a_template_field_says_which():
    red = Redactor()
    cfg = config(mode="jwt", **{"jwt.secret": "s" * 32, "jwt.claim": "sub", "jwt.field": "name"})
    with pytest.raises(ConfigError, match="persona 'bob' has no field 'name'"):
        build_provider(cfg, redactor=red).headers(Persona("bob", {"email": "b@x"}))


def test_extra_headers_follow_the_persona_and_optional_fields_leave_them_out():
    cfg = config(headers={"X-Tenant-Id": "{tenant?}", "X-Client": "phasebook"})
    provider = build_provider(cfg, redactor=Redactor())
    in_acme = Persona("acme 5", {"user_id": 5, "tenant": "acme"})
    assert provider.headers(in_acme) == {
        "X-User-Id": "5",
        "X-Tenant-Id": "acme",
        "X-Client": "phasebook",
    }
    assert provider.headers(Persona.numeric(5)) == {"X-User-Id": "5", "X-Client": "phasebook"}
    assert provider.headers(None) == {"X-Client": "phasebook"}


def test_optional_jwt_claims_are_left_out_for_personas_without_the_field():
    secret = "s" * 32
    cfg = config(mode="jwt", **{"jwt.secret": secret, "jwt.claims": {"tenant_id": "{tenant?}"}})
    provider = build_provider(cfg, redactor=Redactor())

    def claims(persona):
        token = provider.headers(persona)["Authorization"].removeprefix("Bearer ")
        return jwt.decode(token, secret, algorithms=["HS256"])

    assert claims(Persona("a", {"user_id": 3, "tenant": "globex"}))["tenant_id"] == "globex"
    assert "tenant_id" not in claims(Persona.numeric(3))


def test_a_misspelt_required_header_field_is_an_error_not_a_silent_omission():
    provider = build_provider(config(headers={"X-Tenant-Id": "{tenat}"}), redactor=Redactor())
    with pytest.raises(ConfigError, match="persona 'acme' has no field 'tenat'"):
        provider.headers(Persona("acme", {"user_id": 1, "tenant": "acme"}))


@pytest.mark.parametrize("headers", [["X-Tenant-Id"], {"X-Retry": {"n": 1}}, {"X-Flag": True}])
def test_extra_headers_must_be_a_mapping_of_strings(headers):
    with pytest.raises(ConfigError, match=r"auth\.headers"):
        config(headers=headers)
