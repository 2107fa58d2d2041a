import pytest
from phasebook.errors import ApiError
from phasebook.response import Response


def make(status=200, text='{"total_items": 1}', **kwargs):
    return Response(
        method="GET",
        path="/api/v1/cart",
        url="http://gw/api/v1/cart",
        status=status,
        headers={"content-type": "application/json", "x-request-id": "rid-1", "server": "x"},
        text=text,
        elapsed_ms=4.25,
        request_id="rid-1",
        **kwargs,
    )


def test_json_body_is_parsed():
    assert make().json == {"total_items": 1}


def test_non_json_body_raises_api_error_naming_the_request():
    with pytest.raises(ApiError, match="GET /api/v1/cart answered 502 with a non-JSON body"):
        _ = make(502, "<html>bad gateway</html>").json


def test_expect_returns_self_or_raises_with_status_and_body():
    ok = make()
    assert ok.expect(200, 201) is ok
    with pytest.raises(ApiError, match="answered 404, expected 200") as info:
        make(404, '{"error": "nope"}').expect(200)
    assert info.value.body == {"error": "nope"}


def test_plain_repr_is_one_line_with_method_path_status_and_time():
    assert repr(make()) == "<Response GET /api/v1/cart 200 4.2 ms '{\"total_items\": 1}'>"


def test_html_shows_status_selected_headers_pretty_json_and_elapsed():
    html = make(request_body={"q": 1})._repr_html_()
    assert "GET /api/v1/cart" in html and ">200<" in html and "4.2 ms" in html
    assert "x-request-id" in html and "server" not in html
    assert "&quot;total_items&quot;: 1" in html and "request body" in html
