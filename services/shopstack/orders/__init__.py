"""Orders service: orders built from ``checkout.completed`` events."""
