"""The API client: httpx underneath, auth, a journal and redaction on top.

Every request carries an ``X-Request-ID`` (uuid4) and the credentials of a persona (the
session's, or ``as_user=``); a 401 makes the auth provider fetch fresh credentials once and
the request is sent again. Every exchange is journaled (redacted) with the current test id;
the :class:`Response` keeps the real values. Transport failures are translated here:
connection failures → :class:`PlatformUnreachable`, timeouts → :class:`ApiTimeout`.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from .auth import AuthProvider, Persona, Personas
from .auth.config import AuthConfig
from .auth.providers import BearerAuth
from .errors import ApiError, ApiTimeout, PlatformUnreachable
from .journal import Exchange, Journal
from .redact import Redactor
from .response import Response
from .tls import shared_ssl_context

UNREACHABLE_HINT = "is the platform up? check params platform.base_url (local: `make up`)"
Who = Persona | str | int | None
Observer = Callable[[Response], None]


#: As many kept-alive connections as open ones. With httpx's default (100 open, 20 kept), a
#: notebook that sends from more than 20 threads (44_consistency_1000: 100 in flight) makes the
#: pool close "surplus" idle connections, and httpcore 1.0.9 can close one it has just handed
#: to a waiting request: that request fails with ``ReadError: [Errno 9] Bad file descriptor``
#: (encode/httpcore#1110, seen in CI). Keeping every connection alive never closes one.
#: An idle connection is dropped after 2 s, before a server's usual keep-alive timeout (uvicorn:
#: 5 s, httpx's default expiry: also 5 s), so a request is not sent on a connection the server
#: is closing at that moment (a "Connection reset by peer" at that edge; a precaution — one CI
#: run saw such a reset in 44_consistency_1000's 100 in-flight creates, cause not confirmed).
POOL_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=2.0)


class ApiClient:
    """Sync client for the platform's API (``s.api``)."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: AuthProvider,
        journal: Journal,
        redactor: Redactor,
        personas: Personas | None = None,
        user: Persona | None = None,
        api_prefix: str = "",
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        test_id: Callable[[], str | None] = lambda: None,
        observers: list[Observer] | None = None,
        name: str = "api",
    ):
        self.base_url = base_url.rstrip("/")
        self.user = user
        self.auth = auth
        self.api_prefix = api_prefix
        self.timeout = timeout
        self.name = name
        self.observers = observers if observers is not None else []
        self._personas = personas or Personas({}, redactor=redactor)
        self._journal = journal
        self._redactor = redactor
        self._test_id = test_id
        self._client_options: dict[str, Any] = {
            "base_url": self.base_url,
            "transport": transport,
            "timeout": timeout,
            "verify": shared_ssl_context(),
            "limits": POOL_LIMITS,
        }
        self._local = threading.local()
        self._clients: list[tuple[threading.Thread, httpx.Client]] = []
        self._clients_lock = threading.Lock()

    @property
    def _http(self) -> httpx.Client:
        """This thread's HTTP client. One pool shared by many threads (100 in flight in
        44_consistency_1000) let httpcore close a connection another thread was reading from
        (``ReadError: [Errno 9] Bad file descriptor``, CI, even with every connection kept
        alive); a pool per thread is only ever used by that thread. Clients of threads that
        have ended are closed when the next one is made, so sockets do not pile up."""
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(**self._client_options)
            self._local.client = client
            with self._clients_lock:
                ended = [c for t, c in self._clients if not t.is_alive()]
                self._clients = [(t, c) for t, c in self._clients if t.is_alive()]
                self._clients.append((threading.current_thread(), client))
            for old in ended:
                old.close()
        return client

    @property
    def user_id(self) -> Any:
        """The session persona's ``user_id`` field (shopstack's numeric users), or None."""
        return self.user.user_id if self.user is not None else None

    def get(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        as_user: Who = None,
        anonymous: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """GET ``path`` (relative to the base URL and ``platform.api_prefix``)."""
        return self.request(
            "GET",
            path,
            params=params,
            headers=headers,
            as_user=as_user,
            anonymous=anonymous,
            timeout=timeout,
        )

    def post(
        self,
        path: str,
        json: Any = None,
        *,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        as_user: Who = None,
        anonymous: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """POST ``json`` (or form ``data``) to ``path``."""
        return self.request(
            "POST",
            path,
            json=json,
            data=data,
            params=params,
            headers=headers,
            as_user=as_user,
            anonymous=anonymous,
            timeout=timeout,
        )

    def put(
        self,
        path: str,
        json: Any = None,
        *,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        as_user: Who = None,
        anonymous: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """PUT ``json`` (or form ``data``) to ``path``."""
        return self.request(
            "PUT",
            path,
            json=json,
            data=data,
            params=params,
            headers=headers,
            as_user=as_user,
            anonymous=anonymous,
            timeout=timeout,
        )

    def patch(
        self,
        path: str,
        json: Any = None,
        *,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        as_user: Who = None,
        anonymous: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """PATCH ``json`` (or form ``data``) to ``path``."""
        return self.request(
            "PATCH",
            path,
            json=json,
            data=data,
            params=params,
            headers=headers,
            as_user=as_user,
            anonymous=anonymous,
            timeout=timeout,
        )

    def delete(
        self,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        as_user: Who = None,
        anonymous: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """DELETE ``path``."""
        return self.request(
            "DELETE",
            path,
            json=json,
            params=params,
            headers=headers,
            as_user=as_user,
            anonymous=anonymous,
            timeout=timeout,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        as_user: Who = None,
        anonymous: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """Send one request. ``as_user`` (persona name, Persona or user id) acts as someone
        else for this call only; ``anonymous=True`` sends no credentials; ``headers`` are
        added last (they win). A 401 refreshes the persona's credentials and retries once."""
        persona = None if anonymous else self._persona(as_user)
        url = self._url(path)
        response = self._send(
            method,
            url,
            persona,
            json=json,
            data=data,
            params=params,
            headers=headers,
            timeout=timeout,
        )
        if response.status == 401 and persona is not None and self.auth.refresh(persona):
            response = self._send(
                method,
                url,
                persona,
                json=json,
                data=data,
                params=params,
                headers=headers,
                timeout=timeout,
            )
        for observer in self.observers:
            observer(response)
        return response

    def as_persona(self, who: Who) -> Persona | None:
        """The persona ``who`` names (None: the session's)."""
        return self._persona(who)

    def _persona(self, who: Who) -> Persona | None:
        return self.user if who is None else self._personas.resolve(who)

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")) or not self.api_prefix:
            return path
        if not path.startswith("/"):
            path = "/" + path
        if path == self.api_prefix or path.startswith(self.api_prefix + "/"):
            return path
        return self.api_prefix + path

    def _send(self, method, url, persona, *, json, data, params, headers, timeout) -> Response:
        request_id = str(uuid.uuid4())
        sent = {"X-Request-ID": request_id, **self.auth.headers(persona), **(headers or {})}
        effective_timeout = self.timeout if timeout is None else timeout
        request = self._http.build_request(
            method,
            url,
            json=json,
            data=data,
            params=params,
            headers=sent,
            timeout=effective_timeout,
        )
        body = json if json is not None else data
        started = time.perf_counter()
        try:
            raw = self._http.send(request)
        except httpx.HTTPError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            error = self._translate(exc, request, effective_timeout)
            self._record(request, request_id, None, elapsed, body, None, str(error))
            raise error from None  # one readable line; the httpx chain stays on .__notes__
        elapsed = (time.perf_counter() - started) * 1000
        response = self._response(raw, request, request_id, elapsed, body)
        self._redactor.register_fields(body)  # a password we sent, a token we were given
        self._redactor.register_fields(response.body())
        self._record(request, request_id, response.status, elapsed, body, response.body(), None)
        return response

    def _response(self, raw, request, request_id, elapsed, body) -> Response:
        return Response(
            method=request.method,
            path=request.url.raw_path.decode("ascii", "replace"),
            url=str(request.url),
            status=raw.status_code,
            headers=dict(raw.headers.multi_items()),
            text=raw.text,
            elapsed_ms=round(elapsed, 2),
            request_id=raw.headers.get("x-request-id", request_id),
            request_body=body,
            redactor=self._redactor,
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
                "the service may have stopped mid-request; check that the platform is up"
            )
        error.add_note(f"caused by {type(exc).__name__}: {cause}")
        return error

    def close(self) -> None:
        with self._clients_lock:
            clients, self._clients = self._clients, []
        for _thread, client in clients:
            client.close()
        self._local = threading.local()

    def __repr__(self) -> str:
        who = self.user.name if self.user is not None else "anonymous"
        return f"<{type(self).__name__} {self.base_url} {self.auth.describe()} as {who}>"


class AdminClient(ApiClient):
    """Admin routes (test-data setup), authorised by the admin token (``s.admin``)."""

    def __init__(self, base_url: str, *, token: str, redactor: Redactor, **kwargs: Any):
        config = AuthConfig(mode="bearer", header="Authorization", scheme="Bearer", token=token)
        auth = BearerAuth(config, redactor)
        super().__init__(
            base_url, auth=auth, redactor=redactor, user=Persona("admin"), name="admin", **kwargs
        )

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
