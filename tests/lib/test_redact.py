from phasebook.redact import MASK, Redactor, is_secret_name


def test_registered_secret_is_masked_inside_text():
    red = Redactor(["hunter2"])
    assert red.text("password is hunter2, ok") == f"password is {MASK}, ok"


def test_longer_secret_wins_over_its_prefix():
    red = Redactor(["abcdefgh", "abcdefghijk"])
    assert red.text("xabcdefghijkx") == f"x{MASK}x"
    assert Redactor(["abc", "abcdef"]).text("x abcdef x") == f"x {MASK} x"


def test_json_bodies_are_masked_recursively_in_keys_and_values():
    red = Redactor(["tok-123"])
    body = {"a": ["x tok-123 y", {"tok-123": 5}], "n": 3, "none": None}
    assert red.value(body) == {"a": [f"x {MASK} y", {MASK: 5}], "n": 3, "none": None}


def test_sensitive_headers_are_masked_whatever_their_value():
    red = Redactor()
    headers = red.headers(
        {
            "Authorization": "Bearer x",
            "Cookie": "a=b",
            "set-cookie": "c",
            "Content-Type": "application/json",
        }
    )
    assert headers == {
        "Authorization": MASK,
        "Cookie": MASK,
        "set-cookie": MASK,
        "Content-Type": "application/json",
    }


def test_secret_value_in_an_ordinary_header_is_masked():
    assert Redactor(["s3"]).headers([("X-Echo", "s3!")]) == {"X-Echo": f"{MASK}!"}


def test_url_password_is_masked_even_when_not_registered():
    red = Redactor()
    assert red.url("postgresql://qa:pw@db:5432/shop") == f"postgresql://qa:{MASK}@db:5432/shop"


def test_empty_secrets_are_ignored():
    red = Redactor(["", None])
    assert red.text("anything") == "anything"


def test_secret_names_are_recognised():
    assert is_secret_name("jwt_secret") and is_secret_name("ADMIN_TOKEN")
    assert is_secret_name("db_password") and not is_secret_name("base_url")


def test_credentials_in_bodies_are_registered_but_card_test_tokens_are_not():
    red = Redactor()
    red.register_fields(
        {
            "user": {"token": "eyJ.header-payload.sig", "password": "pw-0123456"},
            "payment_token": "tok_visa",
            "items": [{"access_token": "at-0123456789"}],
            "token_type": "Bearer",
        }
    )
    assert {"eyJ.header-payload.sig", "pw-0123456", "at-0123456789"} <= red._secrets
    assert "tok_visa" not in red and "Bearer" not in red


def test_a_short_secret_is_masked_as_a_word_not_inside_other_words():
    r = Redactor(["b", "test"])
    assert r.text("database unavailable; testing") == "database unavailable; testing"
    assert r.text('{"password": "b"} user:test@host') == '{"password": "***"} user:***@host'
    assert r.value({"note": "a test", "b": "b"}) == {"note": "a ***", "***": "***"}


def test_a_secret_of_eight_characters_or_more_is_masked_inside_words_too():
    r = Redactor(["s3cretpw"])
    assert r.text("xs3cretpwx") == "x***x"
