"""The trace of a completed checkout: every source, merged in time order."""

from __future__ import annotations

from phasebook.explore import TracePanel

SAGA = ["INITIATED", "INVENTORY_RESERVED", "PAYMENT_PENDING", "PAYMENT_COMPLETED", "COMPLETED"]


def test_trace_of_a_completed_checkout_lists_request_transitions_outbox_order_notification_email(
    session, completed_checkout
):
    panel = TracePanel(session, completed_checkout.json["checkout_id"])
    panel.go.click()
    timeline = panel.timeline

    assert timeline is not None, panel.result.value
    times = [entry.at for entry in timeline.entries]
    assert times == sorted(times)
    kinds = timeline.kinds()
    for kind in (
        *("request", "session", "transition", "outbox", "outbox-relayed", "reservation"),
        *("payment", "order", "notification", "email", "log"),
    ):
        assert kind in kinds, f"{kind} missing from {kinds}"
    transitions = [e.what.split("→ ")[1] for e in timeline.entries if e.kind == "transition"]
    assert transitions == SAGA
    request = timeline.first("request")
    assert "POST /api/v1/checkout" in request.what
    assert request.at <= timeline.first("transition").at
    outbox = timeline.first("outbox")
    assert timeline.first("transition").at <= outbox.at
    for consumer in ("order", "notification", "email"):
        assert outbox.at <= timeline.first(consumer).at, consumer
    logged = [e for e in timeline.entries if e.kind == "log"]
    assert any(request.detail in e.what for e in logged), [e.what for e in logged]
    assert "Trace of checkout" in panel.result.value


def test_an_order_id_or_the_request_id_trace_the_same_checkout(session, completed_checkout):
    checkout_id = completed_checkout.json["checkout_id"]
    order_id = session.db["orders"].scalar(
        "SELECT id FROM orders WHERE checkout_id = :c", c=checkout_id
    )
    by_order = TracePanel(session, order_id).run()
    by_request = TracePanel(session, completed_checkout.request_id).run()
    assert by_order.subject == by_request.subject == f"checkout {checkout_id}"
    assert "order" in by_order.kinds() and "request" in by_request.kinds()


def test_latest_checkout_button_traces_the_journal_s_last_checkout(session, completed_checkout):
    panel = TracePanel(session)
    panel.latest.click()
    assert panel.ident.value == completed_checkout.json["checkout_id"]
    assert panel.timeline is not None and panel.timeline.first("order") is not None


def test_an_unknown_id_is_traced_as_is_with_a_note(session):
    timeline = TracePanel(session, "no-such-thing").run()
    assert timeline.entries == []
    assert any("no checkout, order or request with id 'no-such-thing'" in n for n in timeline.notes)


def test_an_empty_id_is_one_clear_line(session):
    panel = TracePanel(session, "  ")
    panel.go.click()
    assert panel.timeline is None
    assert "give a checkout id, an order id or a request id" in panel.result.value
