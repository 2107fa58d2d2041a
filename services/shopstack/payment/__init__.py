"""Payment service: a simulated card processor, one charge per checkout."""
