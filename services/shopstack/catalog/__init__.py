"""The catalog service: products, read-heavy, with the listing cached in memory."""
