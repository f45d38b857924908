"""Applying cash left on account to invoices, when a person decides.

The cash-application bot posts the certain lines of a payment and parks the
uncertain rest on the payer's account (:func:`bots.pipeline.cashapp.plan_postings`):
a credit item of the payment document, tied to no invoice. A person then
decides in the worklist which invoices it pays (``arbots review apply``;
:mod:`bots.pipeline.review` calls :func:`apply_on_account`). That is a
*transfer posting with clearing* (FB05, ``UMBUCHNG``): the on-account item
and the invoices are cleared against each other, with no bank line; what the
person applies less than the credit stays on account as a residual of it
(reason code of ``UNAPPLIED``).

The application goes through the write ledger like every posting: its key
(:func:`bots.pipeline.cashapp.apply_key` of the payment's posting key) is the
document's XBLNR, one application per parked payment, never twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from bots.cashapp.reasons import UNAPPLIED, reason_code
from bots.domain import CollectionNote, OpenItem, Proposal, Remittance, format_amount
from bots.pipeline.cashapp import (
    ItemsByDocument,
    Posting,
    apply_key,
    clearing_request,
    parked_reason,
    reset_key,
    write_done,
)
from bots.pipeline.context import BotContext
from bots.sap.posting import TRANSFER, ClearingRequest, ClearItem, Residual


@dataclass(frozen=True)
class Parked:
    """A payment posted with cash on account that nobody has applied yet."""

    posting_key: str
    remittance_id: str
    company_code: str
    payer: str
    currency: str
    document_no: str
    fiscal_year: str
    amount: Decimal  # on account
    why: str  # why it was not applied
    posted: frozenset[str]  # the invoices the payment cleared or part-paid

    @property
    def review_item(self) -> str:
        """What the worklist says of it: where the cash is, and why."""
        return parked_reason(self.amount, self.currency, self.document_no, self.why)


def parked_postings(ctx: BotContext) -> dict[str, Parked]:
    """Every payment posted with cash on account that nobody applied (or reset) yet, by
    remittance id."""
    out = {}
    for row in ctx.store.writes_of("posting", "done"):
        payload = json.loads(row["payload"])
        if not payload.get("parked") or write_done(ctx, apply_key(row["key"])) \
                or write_done(ctx, reset_key(row["key"])):
            continue
        result = json.loads(row["result"] or "{}")
        year = result.get("fiscal_year") or payload.get("posting_date", "")[:4]
        out[payload["remittance"]] = Parked(
            row["key"], payload["remittance"], payload["company_code"], payload["payer"],
            payload["currency"], result.get("document", "?"), year,
            Decimal(payload["on_account"]), payload["parked"], frozenset(payload["items"]))
    return out


def parked_posting(ctx: BotContext, remittance_id: str) -> Parked | None:
    """The remittance's posting with cash on account, when it is still to be applied."""
    return parked_postings(ctx).get(remittance_id)


def on_account_item(parked: Parked, items: list[OpenItem]) -> OpenItem | None:
    """The open credit ``parked`` put on the payer's account, among ``items``."""
    return next((i for i in items if i.document_no == parked.document_no
                 and i.fiscal_year == parked.fiscal_year and i.amount == -parked.amount), None)


def application_request(remittance: Remittance, parked: Parked, credit: OpenItem,
                        proposals: list[Proposal], open_items: ItemsByDocument,
                        reason_codes: dict[str, str], today: date) -> ClearingRequest:
    """The transfer posting that clears ``credit`` against the invoices of ``proposals``.

    ValueError when the invoices take more than the credit holds.
    """
    paying = clearing_request(remittance, proposals, open_items, reason_codes, "", today)
    if paying.partials or paying.on_account:
        raise ValueError("cash on account is applied to invoices it clears; part payments "
                         "and on-account rows are not applied from it")
    used = paying.amount
    if used > parked.amount:
        raise ValueError(f"the invoices take {format_amount(used, parked.currency)} but only "
                         f"{format_amount(parked.amount, parked.currency)} is on account")
    source = ClearItem(credit.customer, credit.document_no, credit.fiscal_year,
                       credit.line_item, -used)
    rest = () if used == parked.amount else (Residual(
        credit.document_no, credit.fiscal_year, credit.line_item, used - parked.amount,
        reason_code(reason_codes, None, UNAPPLIED), "Still on account"),)
    return replace(paying, reference=apply_key(parked.posting_key), amount=Decimal(0),
                   bank_account="", procedure=TRANSFER, items=(source, *paying.items),
                   residuals=(*paying.residuals, *rest), payer=parked.payer, doc_type="AB")


def note_for_application(posting: Posting, parked: Parked, document: str,
                         today: date) -> CollectionNote:
    """The note documenting cash on account applied by a person."""
    req = posting.request
    invoices = ", ".join(c.document_no for c in req.items[1:])
    used = sum((c.applied for c in req.items[1:]), Decimal(0))
    return CollectionNote(req.company_code, parked.payer, today, (
        f"arbots review {today.isoformat()}: {format_amount(used, req.currency)} "
        f"{req.currency} of the cash on account ({parked.document_no}) applied "
        f"(document {document}).", f"Cleared: {invoices}."[:132]),
        kind=f"cashapp:{req.reference}")
