"""End-to-end runs of ``phasebook run`` with real kernels against a /health stub."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        ok = self.path == "/health"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}' if ok else b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def platform_url() -> Iterator[str]:
    """A server that only answers GET /health (the fixture notebooks call nothing else)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def params_file(tmp_path_factory: pytest.TempPathFactory, platform_url: str) -> Path:
    path = tmp_path_factory.mktemp("params") / "suite.yaml"
    path.write_text(f"platform:\n  base_url: {platform_url}\n")
    return path
