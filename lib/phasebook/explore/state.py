"""The state browser: what a user sees through the API, and what the databases hold.

Pick a persona or user id → the API views (cart, orders, checkouts, events) as that user.
Pick a database of the params → a table picker and a read-only SQL box showing a DataFrame.
A platform without databases gets a note saying so instead of the SQL box.
"""

from __future__ import annotations

import re
from typing import Any

from ..display import escape
from ..errors import PhasebookError
from .widgets import error_card, ipywidgets, note_card, persona_box, who_from

#: The API views of shopstack's contract; pass ``views=`` for another platform.
API_VIEWS = {
    "cart": "/api/v1/cart",
    "orders": "/api/v1/orders",
    "events": "/api/v1/events?limit=100",
}
CHECKOUT_VIEW = "/api/v1/checkout/{id}"
ROW_LIMIT = 500
_READ_ONLY = re.compile(r"^\s*(select|with|explain|pragma|show|values|table)\b", re.IGNORECASE)
_TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    "postgresql": (
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() ORDER BY table_name"
    ),
}


class StateBrowser:
    """``explore.state(s)``: API views per user, and read-only SQL per database."""

    def __init__(self, session: Any, *, views: dict[str, str] | None = None):
        w = ipywidgets()
        self.session = session
        self.views = dict(API_VIEWS if views is None else views)
        self.persona = persona_box(session)
        self.load = w.Button(description="Load views", button_style="primary", icon="eye")
        self.cards = {name: w.HTML(value="") for name in [*self.views, "checkouts"]}
        self.tabs = w.Tab(children=list(self.cards.values()))
        self.tabs.titles = tuple(self.cards)
        self.load.on_click(lambda _: self.load_views())
        self.sql = SqlBox(session)
        self.widget = w.VBox(
            [
                w.HTML("<b>API views</b> as a user"),
                w.HBox([self.persona, self.load]),
                self.tabs,
                w.HTML("<b>Databases</b> (read-only)"),
                self.sql.widget,
            ]
        )

    def load_views(self) -> dict[str, Any]:
        """GET every view as the chosen user; returns ``{view: Response or error text}``."""
        who = who_from(self.persona.value)
        shown: dict[str, Any] = {}
        for name, path in self.views.items():
            shown[name] = self._show(name, path, who)
        shown["checkouts"] = self._checkouts(shown.get("events"), who)
        return shown

    def _show(self, name: str, path: str, who: Any) -> Any:
        try:
            response = self.session.api.get(path, as_user=who)
        except PhasebookError as exc:
            self.cards[name].value = error_card(str(exc))
            return str(exc)
        self.cards[name].value = response._repr_html_()
        return response

    def _checkouts(self, events: Any, who: Any) -> Any:
        card = self.cards["checkouts"]
        if not hasattr(events, "body"):
            card.value = note_card("checkouts are found through the events view, which failed")
            return None
        body = events.body() if events.status == 200 else {}
        ids = _checkout_ids(body.get("events", []) if isinstance(body, dict) else [])
        if not ids:
            card.value = note_card("no checkout among this user's events")
            return []
        responses = []
        for checkout_id in ids:
            try:
                responses.append(
                    self.session.api.get(CHECKOUT_VIEW.format(id=checkout_id), as_user=who)
                )
            except PhasebookError as exc:
                card.value = error_card(str(exc))
                return responses
        card.value = "".join(r._repr_html_() for r in responses)
        return responses

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


class SqlBox:
    """A database picker, its table picker, and a read-only SQL box → a DataFrame."""

    def __init__(self, session: Any):
        w = ipywidgets()
        self.session = session
        names = sorted(session.db)
        self.database = w.Dropdown(options=names, description="database")
        self.table = w.Dropdown(options=[], description="table")
        self.sql = w.Textarea(value="", description="SQL", layout=w.Layout(width="100%"))
        self.run = w.Button(description="Run", button_style="primary", icon="play")
        self.result = w.HTML(value="")
        self.last_frame = None
        if not names:
            self.widget = w.HTML(
                note_card(
                    "no databases: the params name none (databases: {}) and there is no "
                    "platform.json listing them — add `databases:` to inspect rows here"
                )
            )
            return
        self.database.observe(lambda _: self.list_tables(), names="value")
        self.table.observe(lambda _: self._prefill(), names="value")
        self.run.on_click(lambda _: self.execute())
        self.widget = w.VBox([w.HBox([self.database, self.table]), self.sql, self.run, self.result])
        self.list_tables()

    def list_tables(self) -> list[str]:
        database = self.session.db[self.database.value]
        backend = "postgresql" if database.url.startswith("postgres") else "sqlite"
        try:
            frame = database.query(_TABLES_SQL[backend])
        except PhasebookError as exc:
            self.result.value = error_card(str(exc))
            return []
        tables = [str(v) for v in frame.iloc[:, 0]] if not frame.empty else []
        self.table.options = tables
        return tables

    def _prefill(self) -> None:
        if self.table.value:
            self.sql.value = f"SELECT * FROM {self.table.value} LIMIT 50"

    def execute(self) -> Any:
        """Run the SQL box (read-only) and show the DataFrame; returns it (None on error)."""
        sql = self.sql.value.strip().rstrip(";").strip()
        self.last_frame = None
        if not _READ_ONLY.match(sql) or ";" in sql:
            self.result.value = error_card(
                "the SQL box is read-only: one SELECT (or WITH / EXPLAIN) statement"
            )
            return None
        try:
            frame = self.session.db[self.database.value].query(sql)
        except PhasebookError as exc:
            self.result.value = error_card(str(exc))
            return None
        self.last_frame = frame
        shown = frame.head(ROW_LIMIT)
        more = f" (first {ROW_LIMIT} shown)" if len(frame) > ROW_LIMIT else ""
        html = self.session.redactor.text(shown.to_html(index=False, max_cols=40))
        self.result.value = f"<div>{escape(len(frame))} rows{more}</div>{html}"
        return frame


def _checkout_ids(events: list[Any]) -> list[str]:
    ids: list[str] = []
    for event in events:
        kind = str(event.get("event_type") or event.get("type") or "")
        aggregate = event.get("aggregate_id")
        if kind.startswith("checkout.") and aggregate and aggregate not in ids:
            ids.append(str(aggregate))
    return ids
