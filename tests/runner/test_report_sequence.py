"""Sequence diagrams: a test's requests joined with the services' call log by request id."""

from __future__ import annotations

import re

from phasebook.display import SEQUENCE_MIME
from phasebook.report.sequence import parse_calls, show_sequences

LOGS = {
    "gateway.log": [
        "2026-12-01 10:00:00,000 gateway INFO shopstack.calls: call in rid=r1 POST "
        "/api/v1/checkout 200 t0=99.990000 70.0ms",
        "2026-12-01 10:00:00,000 gateway INFO shopstack.calls: call out rid=r1 "
        "gateway->checkout POST /checkout 200 t0=100.000000 50.0ms",
    ],
    "checkout.log": [
        "x checkout INFO shopstack.calls: call out rid=r1 checkout->payment POST /charges 200 "
        "t0=100.020000 5.0ms",
        "x checkout INFO shopstack.calls: call out rid=r1 checkout->inventory POST "
        "/reservations 201 t0=100.010000 5.0ms",
        "x checkout INFO shopstack.calls: call out rid=other checkout->cart GET /cart 200 "
        "t0=100.011000 1.0ms",
    ],
}
ROWS = [
    {
        "test_id": "5.1",
        "method": "POST",
        "path": "/api/v1/checkout",
        "status": 200,
        "request_id": "r1",
    },
    {"test_id": "5.2", "method": "GET", "path": "/api/v1/cart", "status": 200, "request_id": "r2"},
]


def _shown(tmp_path):
    for name, lines in LOGS.items():
        (tmp_path / name).write_text("\n".join(lines) + "\n")
    shown: list[dict] = []
    count = show_sequences(ROWS, tmp_path, display=shown.append)
    return count, {b[SEQUENCE_MIME]["test_id"]: b for b in shown}


def test_checkout_diagram_follows_the_request_id_through_gateway_checkout_inventory_payment(
    tmp_path,
):
    count, shown = _shown(tmp_path)
    assert count == 2
    source = shown["5.1"][SEQUENCE_MIME]["mermaid"]
    arrows = re.findall(r"^\s+(\w+)->>(\w+): (.*)$", source, re.MULTILINE)
    assert arrows == [
        ("notebook", "gateway", "POST /api/v1/checkout"),
        ("gateway", "checkout", "POST /checkout"),
        ("checkout", "inventory", "POST /reservations"),
        ("checkout", "payment", "POST /charges"),
    ]
    assert "cart" not in source  # another request id's call is not drawn


def test_each_diagram_is_mermaid_for_jupyterlab_and_svg_for_the_html_export(tmp_path):
    _, shown = _shown(tmp_path)
    bundle = shown["5.1"]
    assert bundle["text/markdown"].count("```mermaid\nsequenceDiagram") == 1
    assert "<svg" in bundle["image/svg+xml"] and "data-to='payment'" in bundle["image/svg+xml"]


def test_without_logs_a_diagram_shows_the_notebook_and_gateway_only(tmp_path):
    shown: list[dict] = []
    show_sequences(ROWS[:1], None, display=shown.append)
    assert re.findall(r"(\w+)-{1,2}>>(\w+)", shown[0][SEQUENCE_MIME]["mermaid"]) == [
        ("notebook", "gateway"),
        ("gateway", "notebook"),
    ]


def test_log_lines_that_are_not_calls_are_ignored():
    assert parse_calls(["checkout ready to serve", "call out rid=x broken"]) == []


def test_polling_is_drawn_once_in_a_loop_whatever_the_number_of_polls(tmp_path):
    def diagram(polls: int) -> str:
        rows = [
            {
                "test_id": "5.2",
                "method": "GET",
                "path": "/api/v1/cart",
                "status": 200,
                "request_id": f"p{i}",
            }
            for i in range(polls)
        ]
        shown: list[dict] = []
        show_sequences(rows, tmp_path, display=shown.append)
        return shown[0]["text/markdown"] + shown[0]["text/plain"]

    assert diagram(3) == diagram(7)
    assert "loop repeated until it held" in diagram(3)
    assert "loop" not in diagram(1)
