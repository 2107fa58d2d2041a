"""Calls from one service to another: per-call timeout, retries with backoff, circuit breaker.

Every failure to reach a service (refused, reset, timed out, or a 502/503/504 from it) is
retried with exponential backoff when the call is safe to repeat: always when the connection
was never made, and for any error when the caller marks the call ``idempotent``. When the
attempts run out, or the service's circuit is open, the caller gets the platform's
``503 <service> service unavailable``. Each retry is logged and counted in ``/metrics``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from circuitbreaker import CircuitBreaker, CircuitBreakerError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from shopstack.errors import service_unavailable
from shopstack.metrics import CALL_LOG, DOWNSTREAM_RETRIES, REQUEST_ID
from shopstack.topology import service_url
from shopstack.transport import AiohttpSender, HttpxSender, Reply, Sender, SendFailed

log = logging.getLogger("shopstack.downstream")

_RETRYABLE_STATUS = {502, 503, 504}


def _relays_an_outage(response: Reply) -> bool:
    """A live service answering the platform's own ``503 service_unavailable``: one of *its*
    dependencies is down, and it already retried. Pass that answer through unchanged (it names
    the service that is really down) instead of retrying it and blaming the messenger."""
    if response.status_code != 503:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") == "service_unavailable"


class Unreachable(Exception):
    """A service could not be reached or answered with a gateway-type 5xx."""

    def __init__(self, target: str, cause: str, *, connected: bool) -> None:
        super().__init__(f"{target}: {cause}")
        self.target = target
        self.cause = cause
        self.connected = connected


class Downstream:
    """An HTTP client to the other services of the platform, one per process."""

    def __init__(
        self,
        caller: str,
        *,
        timeout_s: float,
        attempts: int = 3,
        breaker_threshold: int = 5,
        breaker_reset_s: float = 5.0,
        transport: Any = None,
        sender: Sender | None = None,
    ) -> None:
        """``transport``: an httpx transport (tests); ``sender``: any :class:`Sender`."""
        self.caller = caller
        self.timeout_s = timeout_s
        self.attempts = attempts
        self._breaker_threshold = breaker_threshold
        self._breaker_reset_s = breaker_reset_s
        self._breakers: dict[str, CircuitBreaker] = {}
        if sender is None:
            sender = HttpxSender(transport=transport) if transport else AiohttpSender()
        self._sender = sender

    def breaker(self, target: str) -> CircuitBreaker:
        if target not in self._breakers:
            self._breakers[target] = CircuitBreaker(
                failure_threshold=self._breaker_threshold,
                recovery_timeout=self._breaker_reset_s,
                expected_exception=Unreachable,
                name=f"{self.caller}->{target}",
            )
        return self._breakers[target]

    async def call(
        self,
        target: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        idempotent: bool,
        timeout_s: float | None = None,
    ) -> Reply:
        """Send one request to ``target``; raise ShopError 503 when it cannot be reached."""
        try:
            return await self.breaker(target).call_async(
                self._with_retries,
                target,
                method,
                path,
                json=json,
                params=params,
                headers=headers,
                idempotent=idempotent,
                timeout_s=timeout_s,
            )
        except CircuitBreakerError as exc:
            log.warning("%s -> %s: circuit open, failing fast", self.caller, target)
            raise service_unavailable(target) from exc
        except Unreachable as exc:
            log.warning(
                "%s -> %s %s %s: giving up: %s", self.caller, target, method, path, exc.cause
            )
            raise service_unavailable(target) from exc

    async def _with_retries(
        self, target: str, method: str, path: str, *, idempotent: bool, **kwargs: Any
    ) -> Reply:
        def retryable(exc: BaseException) -> bool:
            return isinstance(exc, Unreachable) and (idempotent or not exc.connected)

        def before_sleep(state: RetryCallState) -> None:
            DOWNSTREAM_RETRIES.labels(self.caller, target).inc()
            exc = state.outcome.exception() if state.outcome else None
            log.warning(
                "retry %d/%d: %s -> %s %s %s failed (%s)",
                state.attempt_number,
                self.attempts - 1,
                self.caller,
                target,
                method,
                path,
                getattr(exc, "cause", exc),
            )

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential_jitter(multiplier=0.05, max=0.5, jitter=0.05),
            retry=retry_if_exception(retryable),
            before_sleep=before_sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._once(target, method, path, **kwargs)
        raise AssertionError("unreachable")  # pragma: no cover - tenacity reraises

    async def _once(
        self,
        target: str,
        method: str,
        path: str,
        *,
        json: Any,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        timeout_s: float | None,
    ) -> Reply:
        url = service_url(target) + path
        timeout = self.timeout_s if timeout_s is None else timeout_s
        request_id = (headers or {}).get("X-Request-ID") or REQUEST_ID.get()
        if request_id:  # one id across the whole call tree (logs, sequence diagrams)
            headers = {**(headers or {}), "X-Request-ID": request_id}
        started = time.time()
        try:
            response = await self._sender.send(
                method, url, json=json, params=params, headers=headers, timeout_s=timeout
            )
        except SendFailed as exc:
            self._log_call(request_id, target, f"{method} {path}", exc.cause, started)
            raise Unreachable(target, exc.cause, connected=exc.connected) from exc
        self._log_call(request_id, target, f"{method} {path}", response.status_code, started)
        if response.status_code in _RETRYABLE_STATUS and not _relays_an_outage(response):
            raise Unreachable(target, f"answered {response.status_code}", connected=True)
        return response

    def _log_call(
        self, request_id: str | None, target: str, request: str, status: object, started: float
    ) -> None:
        """``call out rid=ID caller->target METHOD path STATUS t0=<epoch s> <ms>ms``."""
        elapsed_ms = (time.time() - started) * 1000
        outcome = str(status).replace(" ", "_")
        CALL_LOG.info(
            "call out rid=%s %s->%s %s %s t0=%.6f %.1fms",
            *(request_id or "-", self.caller, target, request, outcome, started, elapsed_ms),
        )

    async def aclose(self) -> None:
        await self._sender.aclose()
