"""Checkout domain: sessions and their statuses, the start command, and the events."""
