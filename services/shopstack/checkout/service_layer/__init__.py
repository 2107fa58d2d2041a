"""Checkout service layer: the saga, idempotent entry, recovery, outbox relay, broadcasting."""
