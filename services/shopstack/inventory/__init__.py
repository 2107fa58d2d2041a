"""Inventory service: stock levels and all-or-nothing reservations with a time to live."""
