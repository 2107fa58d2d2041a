"""Prometheus metrics of one service process: request counts and latencies by route."""

from __future__ import annotations

import contextvars
import logging
import time
import uuid

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "shopstack_requests_total", "HTTP requests handled", ["service", "method", "route", "status"]
)
LATENCY = Histogram(
    "shopstack_request_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CACHE = Counter("shopstack_cache_total", "Cache lookups", ["service", "result"])
DOWNSTREAM_RETRIES = Counter(
    "shopstack_downstream_retries_total", "Retried calls to another service", ["service", "target"]
)


#: The X-Request-ID of the request being served; Downstream forwards it on every call.
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
#: One line per inbound and outbound call with its request id (phasebook's sequence diagrams).
CALL_LOG = logging.getLogger("shopstack.calls")


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class MetricsAndRequestId:
    """Pure ASGI middleware: echo or assign ``X-Request-ID``; count and time each request."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id") or _new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        status_holder = {"status": 500}
        started, wall = time.perf_counter(), time.time()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "?")
            seconds = time.perf_counter() - started
            LATENCY.labels(self.service, method, route).observe(seconds)
            REQUESTS.labels(self.service, method, route, str(status_holder["status"])).inc()
            REQUEST_ID.reset(token)
            CALL_LOG.info(
                "call in rid=%s %s %s %s t0=%.6f %.1fms",
                request_id,
                method,
                scope.get("path", ""),
                status_holder["status"],
                wall,
                seconds * 1000,
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            text = value.decode("latin-1").strip()
            return text[:128] if text else None
    return None


def _new_request_id() -> str:
    return uuid.uuid4().hex
