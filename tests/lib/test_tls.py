"""The library's HTTP clients share one TLS context per process (httpx parses certifi's
bundle for every client otherwise: 0.05 CPU s each, three clients per session)."""

from __future__ import annotations

import shutil
import ssl
from pathlib import Path

import certifi
import httpx
from phasebook.api import ApiClient
from phasebook.auth import build_provider
from phasebook.auth.config import AuthConfig
from phasebook.journal import Journal
from phasebook.redact import Redactor
from phasebook.tls import shared_ssl_context


def _api(url: str) -> ApiClient:
    redactor = Redactor()
    auth = build_provider(AuthConfig(), redactor=redactor)
    return ApiClient(url, auth=auth, journal=Journal(), redactor=redactor)


def _context_of(client: httpx.Client) -> ssl.SSLContext:
    return client._transport._pool._ssl_context  # httpx 0.28: HTTPTransport -> httpcore pool


def test_clients_share_one_context_that_verifies_as_httpx_would() -> None:
    first, second = _api("https://a.invalid"), _api("https://b.invalid")
    shared = shared_ssl_context()
    assert _context_of(first._http) is _context_of(second._http) is shared
    assert shared.verify_mode == ssl.CERT_REQUIRED and shared.check_hostname
    fresh = httpx.create_ssl_context()
    assert shared.cert_store_stats() == fresh.cert_store_stats()


def test_ssl_cert_file_is_honoured(tmp_path: Path, monkeypatch) -> None:
    bundle = tmp_path / "bundle.pem"
    shutil.copyfile(certifi.where(), bundle)
    default = shared_ssl_context()
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert shared_ssl_context() is not default
    assert shared_ssl_context() is shared_ssl_context()
