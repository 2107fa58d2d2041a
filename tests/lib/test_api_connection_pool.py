"""The API client keeps every connection it opens: 60 threads sending at once, twice, open 60
TCP connections in all. httpx's default keeps only 20 and closes the rest after each burst —
the path on which httpcore 1.0.9 can close a connection under a request (encode/httpcore#1110,
`ReadError: [Errno 9] Bad file descriptor` in 44_consistency_1000)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from phasebook.api import ApiClient
from phasebook.auth import AuthConfig, build_provider
from phasebook.journal import Journal
from phasebook.redact import Redactor

THREADS = 60


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SlowOk)
        self.connections = 0
        self._lock = threading.Lock()

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        with self._lock:
            self.connections += 1
        super().process_request(request, client_address)


class _SlowOk(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        time.sleep(0.05)  # every thread's request is in flight at once
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    served = _CountingServer()
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    served.server_close()


def test_bursts_from_many_threads_reuse_their_connections(server):
    redactor = Redactor()
    api = ApiClient(
        f"http://127.0.0.1:{server.server_address[1]}",
        auth=build_provider(AuthConfig(mode="none", header="", value=None), redactor=redactor),
        journal=Journal(),
        redactor=redactor,
        timeout=10,
    )
    with ThreadPoolExecutor(THREADS) as pool:
        for _burst in range(2):
            statuses = list(pool.map(lambda _: api.get("/ping").status, range(THREADS)))
            assert statuses == [200] * THREADS
    assert THREADS // 2 < server.connections <= THREADS, server.connections
