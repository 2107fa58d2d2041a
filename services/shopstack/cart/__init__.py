"""The cart service: one cart per user, prices from the catalog, reads cached without races."""
