"""Notifications service: order confirmation emails for ``checkout.completed`` events."""
