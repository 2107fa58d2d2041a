import pytest
from phasebook.report.latency import endpoint_latencies, normalize_path, percentile


@pytest.mark.parametrize(
    ("path", "normalized"),
    [
        ("/api/v1/products/7", "/api/v1/products/{id}"),
        ("/api/v1/cart/items/12?qty=2", "/api/v1/cart/items/{id}"),
        ("/api/v1/orders/3f2b8c1e-9d4a-4e7b-8f00-123456789abc", "/api/v1/orders/{id}"),
        ("/api/v1/checkout/chk_a1b2c3d4e5", "/api/v1/checkout/{id}"),
        ("/api/v1/cart/items", "/api/v1/cart/items"),
        ("/health", "/health"),
    ],
)
def test_normalize_path_replaces_ids(path: str, normalized: str) -> None:
    assert normalize_path(path) == normalized


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile([7.0], 95)) == (
        50.0,
        95.0,
        7.0,
    )


def test_latencies_group_by_method_and_normalized_path() -> None:
    rows = [
        {"method": "get", "path": "/p/1", "elapsed_ms": 10},
        {"method": "GET", "path": "/p/2", "elapsed_ms": 30},
        {"method": "POST", "path": "/p/2", "elapsed_ms": 5},
        {"method": "GET", "path": "/p/3", "elapsed_ms": None},
    ]
    rows_out = [e.as_dict() for e in endpoint_latencies(rows)]
    assert rows_out == [
        {
            "method": "GET",
            "path": "/p/{id}",
            "count": 2,
            "p50_ms": 10.0,
            "p95_ms": 30.0,
            "p99_ms": 30.0,
            "max_ms": 30.0,
        },
        {
            "method": "POST",
            "path": "/p/{id}",
            "count": 1,
            "p50_ms": 5.0,
            "p95_ms": 5.0,
            "p99_ms": 5.0,
            "max_ms": 5.0,
        },
    ]


@pytest.mark.parametrize(
    ("path", "normalized"),
    [
        ("/shop/items/blue-shirt-42", "/shop/items/{id}"),
        ("/blog/the-big-red-book", "/blog/{id}"),
        ("/api/v1/users/usr_2b7Xk9q1/cart", "/api/v1/users/{id}/cart"),
        ("/api/v1/health-check", "/api/v1/health-check"),
    ],
)
def test_slugs_and_tokens_count_as_ids_but_route_words_do_not(path, normalized) -> None:
    assert normalize_path(path) == normalized


def test_many_item_names_under_a_requested_collection_group_as_one_route() -> None:
    names = ["laptop", "mouse", "keyboard", "monitor", "headphones", "webcam", "desk", "chair"]
    rows = [{"method": "GET", "path": "/api/v1/products", "elapsed_ms": 1.0}]
    rows += [{"method": "GET", "path": f"/api/v1/products/{n}", "elapsed_ms": 2.0} for n in names]
    rows += [{"method": "GET", "path": p, "elapsed_ms": 1.0} for p in ("/api/v1/cart", "/health")]
    paths = [(e.path, e.count) for e in endpoint_latencies(rows)]
    assert paths == [
        ("/api/v1/cart", 1),
        ("/api/v1/products", 1),
        ("/api/v1/products/{id}", 8),
        ("/health", 1),
    ]


def test_the_platform_contract_names_the_route_when_it_knows_it() -> None:
    class Contract:
        def route(self, method: str, path: str) -> str | None:
            return "/api/v1/catalog/{sku}" if path.startswith("/api/v1/catalog/") else None

    rows = [{"method": "GET", "path": f"/api/v1/catalog/{s}", "elapsed_ms": 1.0} for s in "ab"]
    rows.append({"method": "GET", "path": "/api/v1/products/7", "elapsed_ms": 1.0})
    paths = [e.path for e in endpoint_latencies(rows, contract=Contract())]
    assert paths == ["/api/v1/catalog/{sku}", "/api/v1/products/{id}"]


def test_a_journal_row_that_carries_its_openapi_route_is_grouped_by_it() -> None:
    rows = [
        {"method": "GET", "path": "/shop/laptop", "route": "/shop/{slug}", "elapsed_ms": 1.0},
        {"method": "GET", "path": "/shop/mouse", "route": "/shop/{slug}", "elapsed_ms": 3.0},
    ]
    assert [(e.path, e.count) for e in endpoint_latencies(rows)] == [("/shop/{slug}", 2)]
