"""The mail sink process: SMTP on $SHOPSTACK_SMTP_PORT and the HTTP API on ``port``."""

from __future__ import annotations

import logging

import uvicorn

from shopstack.mailsink.api import create_api
from shopstack.mailsink.chaos import Chaos
from shopstack.mailsink.mailbox import Mailbox
from shopstack.mailsink.smtp import start_smtp
from shopstack.settings import get_settings

log = logging.getLogger("shopstack.mailsink")


def run(host: str, port: int) -> int:
    settings = get_settings()
    mailbox = Mailbox(capacity=1000)
    chaos = Chaos()
    smtp = start_smtp(mailbox, host="127.0.0.1", port=settings.smtp_port, chaos=chaos)
    log.info("mail sink: SMTP on 127.0.0.1:%d, HTTP on %s:%d", settings.smtp_port, host, port)
    try:
        uvicorn.run(
            create_api(mailbox, chaos),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=3,
        )
    finally:
        smtp.stop()
    return 0
