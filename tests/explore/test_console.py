"""The request console, driven like a user would: set the widgets' values, click the buttons."""

from __future__ import annotations

import json

from phasebook.explore import RequestConsole
from phasebook.explore.curl import as_curl
from phasebook.redact import Redactor


def test_send_shows_the_response_card_of_the_request(session):
    console = RequestConsole(session)
    console.method.value = "POST"
    console.path.value = "/api/v1/cart/items"
    console.body.value = json.dumps({"product_id": 2, "quantity": 3})
    console.send.click()

    response = console.last_response
    assert response is not None and response.status == 200
    assert response.json["items"][0]["quantity"] == 3
    assert "phasebook-response" in console.response.value and ">200<" in console.response.value
    assert console.history.options[0][0] == "POST /api/v1/cart/items → 200"


def test_a_body_that_is_not_json_is_one_clear_line_and_sends_nothing(session):
    console = RequestConsole(session)
    console.method.value = "POST"
    console.body.value = '{"product_id": 1,'
    before = len(session.journal)
    console.send.click()
    assert console.last_response is None
    assert "the body is not valid JSON" in console.response.value
    assert "line 1 column" in console.response.value
    assert len(session.journal) == before


def test_as_user_sends_the_request_as_that_user(session):
    console = RequestConsole(session)
    other = session.new_user()
    console.persona.value = str(other)
    console.send.click()
    assert console.last_response.json["user_id"] == other


def test_replay_sends_the_selected_journal_request_again(session):
    session.api.post("/api/v1/cart/items", json={"product_id": 1, "quantity": 1})
    console = RequestConsole(session)
    console.history.value = console.history.options[0][1]
    console.replay.click()
    assert console.last_response.json["items"][0]["quantity"] == 2
    assert len(session.journal) == 2


def test_an_admin_request_is_replayed_and_copied_with_the_admin_client(session, admin_token):
    product = session.admin.create_product("Replayed gadget", 1.5, stock=1)
    console = RequestConsole(session)
    label, index = console.history.options[0]
    assert label == "admin: POST /api/v1/admin/products → 201"
    console.history.value = index
    console.replay.click()  # as the session's user this is a 401
    assert console.last_response.status == 201, console.response.value
    assert console.last_response.json["id"] != product["id"]
    console.curl_button.click()
    assert "'Authorization: ***'" in console.curl.value, console.curl.value
    assert "X-User-Id" not in console.curl.value and admin_token not in console.curl.value


def test_copy_as_curl_masks_registered_secrets(session, admin_token):
    console = RequestConsole(session)
    console.method.value = "POST"
    console.path.value = "/api/v1/cart/items"
    console.body.value = json.dumps({"note": admin_token})
    console.curl_button.click()
    command = console.curl.value
    assert command.startswith("curl -sS -X POST http://127.0.0.1:")
    assert f"X-User-Id: {session.user_id}" in command
    assert admin_token not in command and "***" in command


def test_curl_masks_credentials_headers_whatever_their_value():
    command = as_curl(
        method="get",
        url="https://user:pw@shop.example/api/v1/cart",
        headers={"Authorization": "Bearer abc.def", "Cookie": "session=1", "X-Trace": "t"},
        redactor=Redactor(),
    )
    assert "abc.def" not in command and "session=1" not in command and ":pw@" not in command
    assert "'Authorization: ***'" in command and "'X-Trace: t'" in command
