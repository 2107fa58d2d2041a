"""Checkout service: the orchestrated saga, idempotency, recovery, outbox relay, event log."""
