"""Gateway routes for events (placeholder: answers 503 until the checkout saga lands)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["events"])
