"""The request console: method, path, JSON body and persona → the response card.

Below it, the session's journal (newest first) with "replay" (send the selected request
again, as the persona chosen above) and "copy as curl" (the command, secrets shown as ``***``).
Everything goes through ``s.api``, so requests are journaled and redacted like a notebook's;
a journaled ``s.admin`` request is replayed (and copied) through ``s.admin``, with the admin
token, since as a user it would only get a 401.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import PhasebookError
from .curl import as_curl
from .widgets import error_card, ipywidgets, note_card, persona_box, who_from

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HISTORY_ROWS = 12


class RequestConsole:
    """``explore.console(s)``: send any request as any persona and see the response."""

    def __init__(self, session: Any):
        w = ipywidgets()
        self.session = session
        self.method = w.Dropdown(options=METHODS, value="GET", description="method")
        self.path = w.Text(value="/api/v1/cart", description="path", placeholder="/api/v1/...")
        self.body = w.Textarea(
            value="", description="JSON body", placeholder='{"product_id": 1, "quantity": 1}'
        )
        self.persona = persona_box(session)
        self.anonymous = w.Checkbox(value=False, description="anonymous (no credentials)")
        self.send = w.Button(description="Send", button_style="primary", icon="paper-plane")
        self.response = w.HTML(value="")
        self.history = w.Select(options=[], rows=HISTORY_ROWS, description="journal")
        self.replay = w.Button(description="Replay", icon="redo")
        self.curl_button = w.Button(description="Copy as curl", icon="terminal")
        self.refresh = w.Button(description="Refresh", icon="sync")
        self.curl = w.Textarea(value="", description="curl", layout=w.Layout(width="100%"))
        self.last_response = None
        self.send.on_click(lambda _: self.submit())
        self.replay.on_click(lambda _: self.replay_selected())
        self.curl_button.on_click(lambda _: self.copy_as_curl())
        self.refresh.on_click(lambda _: self.refresh_history())
        self.widget = w.VBox(
            [
                w.HBox([self.method, self.path]),
                w.HBox([self.persona, self.anonymous]),
                self.body,
                self.send,
                self.response,
                w.HTML("<b>History</b> (the session's journal, newest first)"),
                self.history,
                w.HBox([self.refresh, self.replay, self.curl_button]),
                self.curl,
            ]
        )
        self.refresh_history()

    # -- actions (the buttons call these; tests call them too) ---------------------------------

    def submit(self) -> Any:
        """Send the request the form describes; show and return the response (None on error)."""
        try:
            body = parse_body(self.body.value)
        except ValueError as exc:
            return self._fail(str(exc))
        return self._send(self.method.value, self.path.value.strip(), body)

    def replay_selected(self) -> Any:
        """Send the selected journal request again (as the persona chosen above)."""
        exchange = self._selected()
        if exchange is None:
            return self._fail("pick a request in the history first")
        return self._send(
            exchange.method, exchange.path, exchange.request_body, client=exchange.client
        )

    def copy_as_curl(self) -> str:
        """The selected journal request (or the form, if none is selected) as curl."""
        exchange = self._selected()
        client = exchange.client if exchange is not None else "api"
        try:
            if exchange is not None:
                method, path, body = exchange.method, exchange.path, exchange.request_body
            else:
                method, path = self.method.value, self.path.value.strip()
                body = parse_body(self.body.value)
        except ValueError as exc:
            self._fail(str(exc))
            return ""
        command = as_curl(
            method=method,
            url=self.session.api.base_url + _prefixed(self.session.api, path),
            headers=self._credentials(client),
            body=body,
            redactor=self.session.redactor,
        )
        self.curl.value = command
        return command

    def refresh_history(self) -> None:
        entries = list(enumerate(self.session.journal))[::-1]
        self.history.options = [(_history_label(e), index) for index, e in entries]

    # -- internals -------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: Any, *, client: str = "api") -> Any:
        if not path:
            return self._fail("give a path, e.g. /api/v1/cart")
        as_user = None if self.anonymous.value else who_from(self.persona.value)
        try:
            if client == "admin":  # the admin token, not a persona
                api, as_user = self.session.admin, None
            else:
                api = self.session.api
            response = api.request(
                method, path, json=body, as_user=as_user, anonymous=self.anonymous.value
            )
        except PhasebookError as exc:
            return self._fail(str(exc))
        self.last_response = response
        card = response._repr_html_()
        self.response.value = f"<div style='max-height:32em;overflow:auto'>{card}</div>"
        self.refresh_history()
        return response

    def _selected(self):
        index = self.history.value
        journal = list(self.session.journal)
        return journal[index] if index is not None and 0 <= index < len(journal) else None

    def _credentials(self, client: str = "api") -> dict[str, str]:
        """The headers the chosen persona (or, for an admin request, the admin client) sends;
        the redactor masks them later."""
        if self.anonymous.value:
            return {}
        try:
            if client == "admin":
                admin = self.session.admin
                return dict(admin.auth.headers(admin.user))
            api = self.session.api
            persona = api.as_persona(who_from(self.persona.value))
            return dict(api.auth.headers(persona))
        except (PhasebookError, AttributeError) as exc:
            self.response.value = note_card(f"curl without credentials: {exc}")
            return {}

    def _fail(self, message: str) -> None:
        self.last_response = None
        self.response.value = error_card(message)
        return None

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def parse_body(text: str) -> Any:
    """The JSON body typed in the editor (None when empty); ValueError says where it is wrong."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def _prefixed(api: Any, path: str) -> str:
    prefix = getattr(api, "api_prefix", "") or ""
    if path.startswith(("http://", "https://")):
        return path
    path = path if path.startswith("/") else "/" + path
    if prefix and not (path == prefix or path.startswith(prefix + "/")):
        return prefix + path
    return path


def _history_label(exchange: Any) -> str:
    outcome = exchange.status if exchange.status is not None else "error"
    test = f"[{exchange.test_id}] " if exchange.test_id else ""
    client = f"{exchange.client}: " if exchange.client != "api" else ""
    return f"{test}{client}{exchange.method} {exchange.path} → {outcome}"
