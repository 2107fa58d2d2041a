"""Checkout entrypoints: the HTTP routes and the WebSocket event stream."""
