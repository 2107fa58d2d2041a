"""shopstack."""
