from phasebook.journal import PAYLOAD_FIELDS, Exchange, Journal, endpoint


def entry(path="/api/v1/cart", elapsed=1.0, **kwargs):
    return Exchange(
        test_id="3.1",
        method="GET",
        path=path,
        status=200,
        elapsed_ms=elapsed,
        request_id="r",
        request_body={"a": 1},
        response_body={"b": 2},
        **kwargs,
    )


def test_id_like_segments_are_grouped_into_one_endpoint():
    assert endpoint("/api/v1/cart/items/12") == "/api/v1/cart/items/{id}"
    assert endpoint("/api/v1/checkout/0b7e6c1e-3c0f-4a51-9b9e-2f6f1f0c8d11") == (
        "/api/v1/checkout/{id}"
    )
    assert endpoint("/api/v1/events?type=x") == "/api/v1/events"


def test_rows_leave_bodies_out():
    journal = Journal()
    journal.record(entry())
    assert list(journal.rows()[0]) == list(PAYLOAD_FIELDS)


def test_frame_has_one_row_per_exchange_without_bodies_by_default():
    journal = Journal()
    journal.record(entry())
    journal.record(entry("/api/v1/products"))
    frame = journal.to_frame()
    assert len(frame) == 2 and "request_body" not in frame.columns
    assert "response_body" in journal.to_frame(bodies=True).columns


def test_latency_is_summarised_per_endpoint():
    journal = Journal()
    for i, ms in enumerate([1.0, 2.0, 3.0]):
        journal.record(entry(f"/api/v1/products/{i}", ms))
    table = journal.latency_by_endpoint()
    row = table.iloc[0]
    assert (row["endpoint"], row["count"], row["p50_ms"], row["max_ms"]) == (
        "/api/v1/products/{id}",
        3,
        2.0,
        3.0,
    )


def test_latency_of_an_empty_journal_is_an_empty_frame():
    assert Journal().latency_by_endpoint().empty
