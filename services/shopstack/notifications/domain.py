"""The order confirmation email: recipient, subject and a plain-text order summary."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from shopstack.orders.domain import order_id_for
from shopstack.wire import money, to_decimal

SENDER = "shopstack <orders@shopstack.example.com>"


@dataclass(frozen=True)
class Confirmation:
    user_id: int
    recipient: str
    subject: str
    body: str

    def to_email(self) -> EmailMessage:
        message = EmailMessage()
        message["From"] = SENDER
        message["To"] = self.recipient
        message["Subject"] = self.subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain="shopstack.example.com")
        message.set_content(self.body)
        return message


def recipient_for(user_id: int) -> str:
    return f"user{user_id}@example.com"


def _summary_lines(items: list[dict[str, Any]]) -> list[str]:
    lines = []
    for item in items:
        subtotal = money(to_decimal(item["price"]) * int(item["quantity"]))
        name = item.get("product_name") or f"product {item['product_id']}"
        lines.append(f"  {item['quantity']} x {name} @ {money(item['price']):.2f} = {subtotal:.2f}")
    return lines


def confirmation_for(payload: dict[str, Any]) -> Confirmation:
    """The email for a ``checkout.completed`` payload (docs/architecture.md)."""
    user_id = int(payload["user_id"])
    order_id = order_id_for(payload["checkout_id"])
    currency = payload.get("currency", "USD")
    body = "\n".join(
        [
            f"Thank you for your order, user {user_id}.",
            "",
            f"Order: {order_id}",
            f"Checkout: {payload['checkout_id']}",
            f"Payment: {payload.get('payment_id') or '-'}",
            "",
            "Items:",
            *_summary_lines(payload["items"]),
            "",
            f"Total: {money(payload['total_amount']):.2f} {currency}",
            "Status: CONFIRMED",
        ]
    )
    return Confirmation(
        user_id=user_id,
        recipient=recipient_for(user_id),
        subject=f"Order {order_id} confirmed (checkout {payload['checkout_id']})",
        body=body + "\n",
    )
