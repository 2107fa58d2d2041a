"""Mail sink: an SMTP server that keeps messages in memory and a Mailpit-compatible HTTP API."""
