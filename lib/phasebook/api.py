"""The API client: httpx underneath, a journal and redaction on top.

Every request carries an ``X-Request-ID`` (uuid4) and the session's identity; every exchange
is journaled (redacted) with the current test id. Transport failures are translated here:
connection failures → :class:`PlatformUnreachable`, timeouts → :class:`ApiTimeout`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from .errors import ApiError, ApiTimeout, PlatformUnreachable
from .identity import BearerIdentity, Identity
from .journal import Exchange, Journal
from .redact import Redactor
from .response import Response

UNREACHABLE_HINT = "is the platform up? `make up` or check params platform.base_url"


class ApiClient:
    """Sync client for the platform's gateway (``s.api``)."""

    def __init__(
        self,
        base_url: str,
        *,
        identity: Identity,
        journal: Journal,
        redactor: Redactor,
        user_id: int | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        test_id: Callable[[], str | None] = lambda: None,
        name: str = "api",
    ):
        self.base_url = base_url.rstrip("/")
        self.user_id = user_id
        self.timeout = timeout
        self.name = name
        self._identity = identity
        self._journal = journal
        self._redactor = redactor
        self._test_id = test_id
        self._http = httpx.Client(base_url=self.base_url, transport=transport, timeout=timeout)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Response:
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        as_user: int | None = None,
        anonymous: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """Send one request. ``as_user`` overrides the session user for this call only;
        ``anonymous=True`` sends no credentials; ``headers`` are added last (they win)."""
        request_id = str(uuid.uuid4())
        user = None if anonymous else (as_user if as_user is not None else self.user_id)
        sent = {"X-Request-ID": request_id, **self._identity.headers(user), **(headers or {})}
        effective_timeout = self.timeout if timeout is None else timeout
        request = self._http.build_request(
            method, path, json=json, params=params, headers=sent, timeout=effective_timeout
        )
        started = time.perf_counter()
        try:
            raw = self._http.send(request)
        except httpx.HTTPError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            error = self._translate(exc, request, effective_timeout)
            self._record(request, request_id, None, elapsed, json, None, str(error))
            raise error from None  # one readable line; the httpx chain stays on .__notes__
        elapsed = (time.perf_counter() - started) * 1000
        response = self._response(raw, request, request_id, elapsed, json)
        self._record(request, request_id, response.status, elapsed, json, response.body(), None)
        return response

    def _response(self, raw, request, request_id, elapsed, json) -> Response:
        red = self._redactor
        return Response(
            method=request.method,
            path=red.text(request.url.raw_path.decode("ascii", "replace")),
            url=red.url(str(request.url)),
            status=raw.status_code,
            headers=red.headers(raw.headers.multi_items()),
            text=red.text(raw.text),
            elapsed_ms=round(elapsed, 2),
            request_id=raw.headers.get("x-request-id", request_id),
            request_body=red.value(json),
        )

    def _record(self, request, request_id, status, elapsed, req_body, resp_body, error) -> None:
        red = self._redactor
        self._journal.record(
            Exchange(
                test_id=self._test_id(),
                method=request.method,
                path=red.text(request.url.raw_path.decode("ascii", "replace")),
                status=status,
                elapsed_ms=round(elapsed, 2),
                request_id=request_id,
                client=self.name,
                error=error,
                request_body=red.value(req_body),
                response_body=red.value(resp_body),
            )
        )

    def _translate(self, exc: httpx.HTTPError, request: httpx.Request, timeout: float):
        url = self._redactor.url(str(request.url))
        cause = self._redactor.text(str(exc) or type(exc).__name__)
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            error: Exception = PlatformUnreachable(
                f"cannot reach {request.method} {url}: {cause} — {UNREACHABLE_HINT}"
            )
        elif isinstance(exc, httpx.TimeoutException):
            error = ApiTimeout(
                f"{request.method} {url} timed out after {timeout:g} s "
                f"({type(exc).__name__}) — the service may be paused or overloaded",
                method=request.method,
                url=url,
                timeout=timeout,
            )
        else:
            error = PlatformUnreachable(
                f"{request.method} {url} failed: {type(exc).__name__}: {cause} — "
                "the service may have stopped mid-request; check `shopstack status`"
            )
        error.add_note(f"caused by {type(exc).__name__}: {cause}")
        return error

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url} user_id={self.user_id}>"


class AdminClient(ApiClient):
    """Admin routes (test-data setup), authorised by the admin token (``s.admin``)."""

    def __init__(self, base_url: str, *, token: str, redactor: Redactor, **kwargs: Any):
        identity = BearerIdentity(token, redactor)
        super().__init__(base_url, identity=identity, redactor=redactor, name="admin", **kwargs)

    def create_product(
        self,
        name: str,
        price: float,
        *,
        stock: int,
        description: str | None = None,
        listed: bool = False,
    ) -> dict[str, Any]:
        """Create a product (unlisted by default) and return it, with its new ``id``."""
        body = {"name": name, "price": price, "stock": stock, "listed": listed}
        if description is not None:
            body["description"] = description
        return self._require(self.post("/api/v1/admin/products", json=body), 201)

    def set_stock(self, product_id: int, quantity: int) -> dict[str, Any]:
        """Set the available stock of a product."""
        path = f"/api/v1/admin/stock/{int(product_id)}"
        return self._require(self.put(path, json={"quantity": quantity}), 200)

    @staticmethod
    def _require(response: Response, status: int) -> dict[str, Any]:
        if response.status in (401, 403):
            raise ApiError(
                f"{response.method} {response.path} answered {response.status}: the platform "
                "rejected the admin token — does SHOPSTACK_ADMIN_TOKEN match the platform's?",
                status=response.status,
                body=response.body(),
            )
        return response.expect(status).json
