"""The nightly intake reads advices with the run's open items known (issue 9, item 1).

A sheet with two document-number columns and headers that say nothing: read
blind, the left column (the payer's voucher) wins; in the nightly run, where
the open items were pulled first, the column whose values are our open
invoices wins.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import EmailMessage

from bots.config import Config
from bots.domain import Trigger
from bots.runner import run_bots
from bots.sandbox.world import demo_mailbox_path
from bots.sap import connect
from bots.store import Store


def _advice_paying(world: Config) -> list[str]:
    """An e-mail in the demo mailbox paying two open invoices; their numbers."""
    with connect(world.sap) as sap:
        items = [i for i in sap.iter_open_items(world.sap.company_codes,
                                                datetime.now(UTC).date())
                 if i.invoice_ref and i.amount > 0][:2]
    rows = "".join(f"51000000{n:02d},{i.invoice_ref},{i.amount}\n" for n, i in enumerate(items))
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "ap@payer.example", "ar@us.example", "Remittance"
    msg.set_content("Please find our payment advice attached.")
    msg.add_attachment(("Doc No.,Document,Amount Paid\n" + rows).encode(), maintype="text",
                       subtype="csv", filename="advice.csv")
    inbox = demo_mailbox_path(world)
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "advice.eml").write_bytes(bytes(msg))
    return [i.invoice_ref for i in items]


def _stored_refs(world: Config) -> list[str | None]:
    with Store(world.store_path) as store:
        [row] = store.db.execute("SELECT body FROM remittances").fetchall()
    return [line["invoice_ref"] for line in json.loads(row["body"])["lines"]]


def test_the_nightly_intake_takes_the_column_of_our_open_invoices(world: Config) -> None:
    ours = _advice_paying(world)
    run_bots(world, ("openitems", "intake"), Trigger.ON_DEMAND)
    assert _stored_refs(world) == ours


def test_intake_alone_reads_blind_and_takes_the_payers_column(world: Config) -> None:
    ours = _advice_paying(world)
    run_bots(world, ("intake",), Trigger.ON_DEMAND)
    assert _stored_refs(world) == ["5100000000", "5100000001"] != ours
