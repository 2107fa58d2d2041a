"""One TLS context per process for the library's HTTP clients.

httpx builds a new ``ssl.SSLContext`` for every client it creates, parsing certifi's CA
bundle each time (0.045 CPU s measured here), and a session opens three clients (API, auth,
mailbox), before a single request and whether or not the platform speaks HTTPS: 0.135 CPU s
of a one-request notebook. The clients share one context instead, built as httpx builds it
(``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` honoured), once per process and per value of those
variables.
"""

from __future__ import annotations

import functools
import os
import ssl


def shared_ssl_context() -> ssl.SSLContext:
    """The context httpx would build for a client with ``verify=True``, built once."""
    return _context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    import httpx

    return httpx.create_ssl_context()  # reads the same two variables
