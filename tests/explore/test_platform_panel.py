"""The platform panel: service table and buttons on a local platform; a note on a remote one."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from phasebook.control import PlatformControl
from phasebook.explore import PlatformPanel, platform_panel
from phasebook.explore.platform_panel import parse_status


def test_a_remote_platform_gets_a_note_instead_of_the_panel():
    panel = PlatformPanel(SimpleNamespace(platform=PlatformControl(None)))
    assert "platform panel unavailable" in panel.widget.value
    assert "make up" in panel.widget.value


def test_refresh_lists_every_service_with_pid_port_and_health(session, platform):
    panel = PlatformPanel(session)
    assert set(panel.states) == set(platform["services"])
    gateway = panel.states["gateway"]
    assert gateway["state"] == "healthy"
    assert gateway["port"] == str(platform["services"]["gateway"]["port"])
    assert len(panel.rows["gateway"]) == 5


def test_buttons_pause_resume_stop_and_start_a_service(session):
    panel = PlatformPanel(session)
    buttons = {b.description: b for b in panel.rows["payment"]}
    buttons["pause"].click()
    assert panel.states["payment"]["state"] == "paused", panel.message.value
    {b.description: b for b in panel.rows["payment"]}["resume"].click()
    assert panel.states["payment"]["state"] == "healthy", panel.message.value
    old_pid = panel.states["payment"]["pid"]
    panel.act("stop", "payment")
    assert panel.states["payment"]["state"] == "stopped"
    panel.act("start", "payment")
    assert panel.states["payment"]["state"] == "healthy", panel.message.value
    assert panel.states["payment"]["pid"] != old_pid


def test_a_failing_action_is_one_line_in_the_panel(session):
    panel = PlatformPanel(session)
    assert panel.act("start", "payment") is None  # already running
    assert "already running" in panel.message.value


def test_live_refresh_follows_a_service_paused_elsewhere_and_stops_when_unticked(
    session, monkeypatch
):
    monkeypatch.setattr(platform_panel, "LIVE_INTERVAL_S", 0.2)
    panel = PlatformPanel(session)
    assert panel.states["payment"]["state"] == "healthy"
    panel.live.value = True
    try:
        session.platform.pause("payment")  # not through the panel: only a refresh can see it

        def shown_paused() -> bool:  # the refresh sets states first, then rebuilds the table
            cells = panel.table.children
            return panel.states["payment"]["state"] == "paused" and any(
                "paused" in getattr(cell, "value", "") for cell in cells
            )

        deadline = time.monotonic() + 20
        while not shown_paused() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert panel.states["payment"]["state"] == "paused"
        assert shown_paused(), [getattr(cell, "value", "") for cell in panel.table.children]
    finally:
        panel.live.value = False
        session.platform.resume("payment")
    deadline = time.monotonic() + 5
    while _live_threads() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _live_threads()


def _live_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "phasebook-platform-live"]


def test_status_text_is_parsed_per_service():
    text = "service pid port  state\ncart 12 50052  healthy\nmailsink - 8025  stopped\ngateway: http://x"
    assert parse_status(text) == {
        "cart": {"pid": "12", "port": "50052", "state": "healthy"},
        "mailsink": {"pid": "-", "port": "8025", "state": "stopped"},
    }
