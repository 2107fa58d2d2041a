"""Checkout adapters: tables and repositories (SQL), and clients of the other services (HTTP)."""
