"""An advice with a typing slip in its reference: the payment it announces waits for review."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from bots.config import Config
from bots.domain import OpenItem, format_amount
from bots.sandbox.world import demo_mailbox_path
from bots.sap import connect


def transposed(ref: str) -> str:
    """The reference with its last two digits swapped (a typing slip)."""
    return ref[:-2] + ref[-1] + ref[-2]


def plant_typing_slip(cfg: Config, today: date) -> OpenItem:
    """Put into the demo mailbox one advice paying a USD item of the sandbox SAP under its
    reference with the last two digits swapped (naming no other item); returns the item."""
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, today))
    refs = {i.invoice_ref for i in items}
    item = next(i for i in items if i.amount > 0 and i.currency == "USD" and i.invoice_ref
                and i.invoice_ref[-1] != i.invoice_ref[-2]
                and transposed(i.invoice_ref) not in refs)
    msg = EmailMessage()
    msg["From"] = "Accounts Payable <ap@payer.example.net>"
    msg["To"] = "remittances@arbots-demo.example"
    msg["Subject"] = "Remittance advice"
    msg.set_content(f"Payment date: {today.isoformat()}\nCurrency: USD\n\n"
                    f"Invoice {transposed(item.invoice_ref)}    "
                    f"{format_amount(item.amount, item.currency)}\n")
    box = demo_mailbox_path(cfg)
    box.mkdir(parents=True)
    (box / "slip.eml").write_bytes(bytes(msg))
    return item
