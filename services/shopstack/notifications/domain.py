"""The order confirmation email: recipient, subject and a plain-text order summary."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from shopstack.contracts import DEFAULT_TENANT, CheckoutCompleted, PurchasedItem
from shopstack.wire import money

SENDER = "shopstack <orders@shopstack.example.com>"


@dataclass(frozen=True)
class Confirmation:
    user_id: int
    tenant_id: str
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


def recipient_for(user_id: int, tenant_id: str = DEFAULT_TENANT) -> str:
    """``user7@example.com`` in the default tenant, ``user7@acme.example.com`` in ``acme``:
    the same user id in two tenants is two people with two mailboxes."""
    if tenant_id == DEFAULT_TENANT:
        return f"user{user_id}@example.com"
    return f"user{user_id}@{tenant_id}.example.com"


def _summary_lines(items: list[PurchasedItem]) -> list[str]:
    return [
        f"  {item.quantity} x {item.product_name or f'product {item.product_id}'}"
        f" @ {money(item.price):.2f} = {money(item.subtotal):.2f}"
        for item in items
    ]


def confirmation_for(event: CheckoutCompleted) -> Confirmation:
    """The email for a ``checkout.completed`` event (docs/architecture.md)."""
    body = "\n".join(
        [
            f"Thank you for your order, user {event.user_id}.",
            "",
            f"Order: {event.order_id}",
            f"Checkout: {event.checkout_id}",
            f"Payment: {event.payment_id or '-'}",
            "",
            "Items:",
            *_summary_lines(event.items),
            "",
            f"Total: {money(event.total_amount):.2f} {event.currency}",
            "Status: CONFIRMED",
        ]
    )
    return Confirmation(
        user_id=event.user_id,
        tenant_id=event.tenant_id,
        recipient=recipient_for(event.user_id, event.tenant_id),
        subject=f"Order {event.order_id} confirmed (checkout {event.checkout_id})",
        body=body + "\n",
    )
