"""The platform panel (local platforms): each service's pid, port and health, and buttons to
stop, start, pause, resume or kill it; refresh on demand or live every few seconds."""

from __future__ import annotations

import threading
from typing import Any

from ..display import escape
from ..errors import PhasebookError
from .widgets import error_card, ipywidgets, note_card

ACTIONS = ("stop", "start", "pause", "resume", "kill")
LIVE_INTERVAL_S = 3.0
_STATE_COLOR = {"healthy": "#1a7f37", "paused": "#9a6700", "stopped": "#cf222e"}


class PlatformPanel:
    """``explore.platform(s)``: the service table with one row of buttons per service."""

    def __init__(self, session: Any):
        w = ipywidgets()
        self.session = session
        self.control = session.platform
        self.message = w.HTML(value="")
        self.rows: dict[str, list[Any]] = {}
        self.states: dict[str, dict[str, str]] = {}
        self._live_stop = threading.Event()
        if not self.control.available:
            self.widget = w.HTML(
                note_card(
                    "platform panel unavailable: the params point at a platform without a "
                    "state dir (remote) — it needs a local shopstack (`make up`, "
                    "platform.state_dir)"
                )
            )
            return
        self.refresh_button = w.Button(description="Refresh", icon="sync")
        self.live = w.Checkbox(value=False, description=f"live (every {LIVE_INTERVAL_S:g} s)")
        self.table = w.GridBox(layout=w.Layout(grid_template_columns="repeat(9, auto)"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.live.observe(lambda change: self._toggle_live(change["new"]), names="value")
        self.widget = w.VBox([w.HBox([self.refresh_button, self.live]), self.table, self.message])
        self.refresh()

    def refresh(self) -> dict[str, dict[str, str]]:
        """Re-read the status of every service; returns ``{service: {pid, port, state}}``."""
        try:
            self.states = parse_status(self.control.status())
        except PhasebookError as exc:
            self.message.value = error_card(str(exc))
            return self.states
        self._render()
        return self.states

    def act(self, action: str, service: str) -> str | None:
        """Run one action (stop/start/pause/resume/kill) on a service, then refresh."""
        if action not in ACTIONS:
            self.message.value = error_card(
                f"unknown action {action!r}: one of {', '.join(ACTIONS)}"
            )
            return None
        try:
            said = getattr(self.control, action)(service)
        except PhasebookError as exc:
            self.message.value = error_card(str(exc))
            self.refresh()
            return None
        self.refresh()
        self.message.value = f"<code>{escape(said or f'{action} {service}: done')}</code>"
        return said

    def _render(self) -> None:
        w = ipywidgets()
        header = [w.HTML(f"<b>{h}</b>") for h in ("service", "pid", "port", "state")]
        cells = header + [w.HTML("") for _ in ACTIONS]
        self.rows = {}
        for service, info in self.states.items():
            color = _STATE_COLOR.get(info["state"], "#6e7781")
            cells += [
                w.HTML(f"<code>{escape(service)}</code>"),
                w.HTML(escape(info["pid"])),
                w.HTML(escape(info["port"])),
                w.HTML(f"<span style='color:{color}'>{escape(info['state'])}</span>"),
            ]
            cells += [self._button(action, service) for action in ACTIONS]
        self.table.children = cells

    def _button(self, action: str, service: str) -> Any:
        w = ipywidgets()
        button = w.Button(description=action, layout=w.Layout(width="auto"))
        button.on_click(lambda _: self.act(action, service))
        self.rows.setdefault(service, []).append(button)
        return button

    def _toggle_live(self, on: bool) -> None:
        if not on:
            self._live_stop.set()
            return
        self._live_stop = threading.Event()
        stop = self._live_stop

        def loop() -> None:
            while not stop.wait(LIVE_INTERVAL_S):
                self.refresh()

        threading.Thread(target=loop, name="phasebook-platform-live", daemon=True).start()

    def close(self) -> None:
        self._live_stop.set()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def parse_status(text: str) -> dict[str, dict[str, str]]:
    """``shopstack status`` output → ``{service: {"pid", "port", "state"}}``."""
    states: dict[str, dict[str, str]] = {}
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 4 and not line.startswith("gateway:"):
            states[parts[0]] = {"pid": parts[1], "port": parts[2], "state": parts[3]}
    return states
