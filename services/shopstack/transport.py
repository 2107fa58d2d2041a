"""How a request to another service goes over the wire, and what comes back.

:class:`Downstream` decides *whether* to send, retry or give up; a sender only sends once and
sorts failures into "never connected" and "connected, then failed". The default sender is
aiohttp's client: measured on this 2-core machine with ``bench/reads.sh``, the gateway in
front of the catalog served 366 req/s with httpx as its client and several times that with
aiohttp (figures in the commit and the issue note). An httpx sender remains for tests, which
inject ``httpx.MockTransport``.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class SendFailed(Exception):
    """The request got no HTTP answer. ``connected`` says whether it may have been received."""

    def __init__(self, cause: str, *, connected: bool) -> None:
        super().__init__(cause)
        self.cause = cause
        self.connected = connected


@dataclass(frozen=True)
class Reply:
    """A service's answer: status, raw body and headers (lower-case names)."""

    status_code: int
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return jsonlib.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class Sender(Protocol):
    async def send(
        self,
        method: str,
        url: str,
        *,
        json: Any,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        timeout_s: float,
    ) -> Reply: ...

    async def aclose(self) -> None: ...


def _query(params: Mapping[str, Any] | None) -> dict[str, str] | None:
    if not params:
        return None
    return {
        k: str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in params.items()
        if v is not None
    }


class AiohttpSender:
    """Pooled keep-alive connections, opened lazily inside the running event loop."""

    def __init__(self, *, max_connections: int = 200) -> None:
        self._max_connections = max_connections
        self._session: Any = None

    def _client(self) -> Any:
        import aiohttp

        if self._session is None or self._session.closed:
            # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so a pooled
            # connection is rarely one the server has just closed.
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, keepalive_timeout=3, ttl_dns_cache=None
            )
            self._session = aiohttp.ClientSession(
                connector=connector, trust_env=False, auto_decompress=False
            )
        return self._session

    async def send(self, method, url, *, json, params, headers, timeout_s) -> Reply:  # noqa: ANN001
        import aiohttp

        body = None if json is None else jsonlib.dumps(json).encode()
        sent_headers = dict(headers or {})
        if body is not None:
            sent_headers.setdefault("Content-Type", "application/json")
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        try:
            async with self._client().request(
                method,
                url,
                data=body,
                params=_query(params),
                headers=sent_headers,
                timeout=timeout,
            ) as response:
                content = await response.read()
                return Reply(
                    response.status, content, {k.lower(): v for k, v in response.headers.items()}
                )
        except aiohttp.ClientConnectorError as exc:
            raise SendFailed(f"{type(exc).__name__}: cannot connect", connected=False) from exc
        except aiohttp.ServerDisconnectedError as exc:
            # The server closed the connection without answering: in practice a pooled keep-alive
            # connection it had just closed, so the request was not handled. Internal calls that
            # change state are keyed (checkout id, event id), so a repeat is harmless anyway.
            raise SendFailed("server closed the connection", connected=False) from exc
        except TimeoutError as exc:
            raise SendFailed(f"no answer within {timeout_s:g}s", connected=True) from exc
        except aiohttp.ClientError as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}", connected=True) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class HttpxSender:
    """httpx's async client; tests inject ``httpx.MockTransport`` through it."""

    def __init__(self, *, transport: Any = None, max_connections: int = 200) -> None:
        import httpx

        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=100)
        self._client = httpx.AsyncClient(limits=limits, transport=transport, trust_env=False)

    async def send(self, method, url, *, json, params, headers, timeout_s) -> Reply:  # noqa: ANN001
        import httpx

        try:
            response = await self._client.request(
                method, url, json=json, params=_query(params), headers=headers, timeout=timeout_s
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise SendFailed(f"{type(exc).__name__}: cannot connect", connected=False) from exc
        except httpx.TimeoutException as exc:
            raise SendFailed(f"no answer within {timeout_s:g}s", connected=True) from exc
        except httpx.TransportError as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}", connected=True) from exc
        return Reply(response.status_code, response.content, dict(response.headers))

    async def aclose(self) -> None:
        await self._client.aclose()
