"""The trace panel: a checkout id, order id or request id → one timeline ordered by time."""

from __future__ import annotations

from typing import Any

from ..errors import PhasebookError
from .timeline import Timeline
from .tracing import trace
from .widgets import error_card, ipywidgets


class TracePanel:
    """``explore.trace(s)``: "what happened to this checkout"."""

    def __init__(self, session: Any, ident: str = ""):
        w = ipywidgets()
        self.session = session
        self.ident = w.Text(
            value=ident,
            description="id",
            placeholder="checkout id, order id or request id",
            layout=w.Layout(width="60%"),
        )
        self.go = w.Button(description="Trace", button_style="primary", icon="search")
        self.latest = w.Button(description="Latest checkout", icon="history")
        self.result = w.HTML(value="")
        self.timeline: Timeline | None = None
        self.go.on_click(lambda _: self.run())
        self.latest.on_click(lambda _: self.run_latest())
        self.widget = w.VBox([w.HBox([self.ident, self.go, self.latest]), self.result])

    def run(self) -> Timeline | None:
        """Trace the id in the box; show and return the timeline (None on error)."""
        try:
            self.timeline = trace(self.session, self.ident.value)
        except PhasebookError as exc:
            self.timeline = None
            self.result.value = error_card(str(exc))
            return None
        self.result.value = self.timeline._repr_html_()
        return self.timeline

    def run_latest(self) -> Timeline | None:
        """Trace the session's most recent checkout (from its journal)."""
        for exchange in reversed(list(self.session.journal)):
            body = exchange.response_body
            if isinstance(body, dict) and body.get("checkout_id"):
                self.ident.value = str(body["checkout_id"])
                return self.run()
        self.result.value = error_card("no checkout in this session's journal yet")
        return None

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
