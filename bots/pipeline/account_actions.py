"""What AR staff record on a customer account by hand: a contact, and a dispute.

Two on-demand bots, each run with its request in ``ctx.memo`` (``arbots
collections contacted`` / ``arbots collections dispute`` and the web console
start them, like ``arbots collections promise``), each writing to SAP once
through the write ledger under the landscape's lease:

- **contact** (:func:`run_contact`): a collection note on the account saying
  who contacted the customer, when, and what was said. It is written with the
  ledger kind ``collection_note``, so it *is* a collections contact: the
  collections bot's cadence counts from it (:func:`bots.pipeline.collections.
  plan_followups`). The same person recording the same account twice in a day
  writes one note.
- **dispute** (:func:`run_dispute`): an FSCM dispute case on an open invoice
  of the account, the customer's reason as its note and reason code
  (``[sap.posting.reason_codes]``, as a printed deduction reason maps), the
  invoice item as its object. It is the one dispute model of
  :mod:`bots.pipeline.disputes` (``create_case``, ledger kind
  ``dispute_case``, a BAPI error queued and tried again by the next
  cash-application run); an invoice disputed twice gets one case. Needs
  ``[disputes] enabled``.

Each request carries the person who recorded it; the ledger payload and the
store's audit log keep their name.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from bots.cashapp.reasons import reason_code
from bots.domain import CollectionNote, OpenItem, format_amount, stable_id
from bots.pipeline.collections import finish_open_notes, write_note
from bots.pipeline.context import BotContext
from bots.pipeline.disputes import create_case
from bots.reports.model import BotSection, BotStatus, ErrorItem
from bots.sap.errors import SapBusinessError
from bots.sap.values import alpha

CONTACT = "contact"  # the bot names, and the memo keys of their requests
DISPUTE = "dispute"
SOURCES = ("cli", "console")


@dataclass(frozen=True)
class AccountAction:
    """A contact or a dispute as a person states it (``invoice``: the disputed invoice's
    document number or reference; ``amount``: the disputed amount, "" for all of it)."""

    customer: str
    company_code: str
    text: str
    recorded_by: str = ""
    source: str = "cli"
    invoice: str = ""
    amount: str = ""

    def as_input(self) -> dict[str, str]:
        """The request as run inputs (plain strings, kept with the run)."""
        return {**asdict(self), "recorded_by": self.recorded_by or getpass.getuser()}

    @classmethod
    def from_input(cls, data: dict[str, str]) -> AccountAction:
        return cls(**data)


def contact_note(action: AccountAction, on: date) -> CollectionNote:
    """The collection note of a contact (one per person, account and day)."""
    return CollectionNote(
        company_code=action.company_code, customer=alpha(action.customer), on=on,
        kind=f"contact:{action.recorded_by}",
        lines=(f"Customer contacted by {action.recorded_by} on {on.isoformat()} "
               f"({action.source}): {action.text}".strip(),))


def run_contact(ctx: BotContext) -> BotSection:
    """The on-demand bot: note the contact handed in ``ctx.memo`` on the account in SAP."""
    section = BotSection(CONTACT, BotStatus.OK, counts={
        "contacts_recorded": 0, "notes_written": 0, "notes_already_written": 0})
    finish_open_notes(ctx, section, "collection_note")
    action = _request(ctx, CONTACT, section)
    if action is not None and _account_items(ctx, action, section) is not None:
        section.counts["contacts_recorded"] += 1
        write_note(ctx, contact_note(action, ctx.today), section)
        _audit(ctx, "account_contact", action, {})
    return _finished(section)


def run_dispute(ctx: BotContext) -> BotSection:
    """The on-demand bot: open the dispute case handed in ``ctx.memo`` in FSCM, once."""
    section = BotSection(DISPUTE, BotStatus.OK, counts={"disputes_recorded": 0})
    action = _request(ctx, DISPUTE, section)
    if action is None:
        return _finished(section)
    if not ctx.cfg.disputes.enabled:
        section.errors.append(ErrorItem(
            f"dispute of {action.invoice}", "FSCM dispute cases are off ([disputes] enabled "
            "= false)", "Enable [disputes] (runbooks/disputes.md) or record it in SAP."))
        return _finished(section)
    items = _account_items(ctx, action, section)
    wanted = {action.invoice.strip(), alpha(action.invoice)}
    item = next((i for i in items or [] if {i.document_no, i.invoice_ref} & wanted
                 and i.amount > 0), None)
    if items is not None and item is None:
        section.errors.append(ErrorItem(
            f"dispute of {action.invoice}", f"no open invoice {action.invoice} on account "
            f"{action.company_code}/{action.customer}", "Check the document number or "
            "reference (the invoice must still be open)."))
    if item is None:
        return _finished(section)
    try:
        amount = Decimal(action.amount) if action.amount else item.amount
    except ArithmeticError:
        amount = Decimal(-1)
    if not amount.is_finite() or not 0 < amount <= item.amount:
        section.errors.append(ErrorItem(
            f"dispute of {action.invoice}", f"amount {action.amount!r}: expected more than 0 "
            f"and at most the open {format_amount(item.amount, item.currency)}",
            "Give the disputed amount, or none for all of it."))
        return _finished(section)
    section.counts["disputes_recorded"] += 1
    if ctx.dry_run:
        return _finished(section)
    key = stable_id("dispute", item.company_code, "person", item.document_no,
                    item.fiscal_year, item.line_item)
    create_case(ctx, key, {
        "company_code": item.company_code, "customer": item.customer,
        "document": item.document_no, "fiscal_year": item.fiscal_year,
        "invoice": item.document_no, "line": item.line_item,
        "amount": format_amount(amount, item.currency), "currency": item.currency,
        "reason_code": reason_code(ctx.cfg.sap.reason_codes, action.text),
        "recorded_by": action.recorded_by,
        "note": [f"arbots: invoice {item.invoice_ref or item.document_no} disputed by the "
                 f"customer ({format_amount(amount, item.currency)} {item.currency}), "
                 f"recorded by {action.recorded_by} ({action.source}, "
                 f"{ctx.today.isoformat()}).", f"Reason: {action.text}"]}, section)
    _audit(ctx, "account_dispute", action, {"invoice": item.document_no, "case_key": key})
    return _finished(section)


def _request(ctx: BotContext, name: str, section: BotSection) -> AccountAction | None:
    if name not in ctx.memo:
        section.errors.append(ErrorItem(name, f"no {name} was handed to this run",
                                        "Record one with `arbots collections`."))
        return None
    return AccountAction.from_input(ctx.memo[name])


def _account_items(ctx: BotContext, action: AccountAction, section: BotSection
                   ) -> list[OpenItem] | None:
    """The account's open items now; None (and the error) when SAP does not know it."""
    try:
        return ctx.sap.open_items_of(action.company_code, alpha(action.customer), ctx.today)
    except SapBusinessError as exc:
        section.errors.append(ErrorItem(
            f"{action.company_code}/{action.customer}", f"SAP does not know the account: {exc}",
            "Check the customer number and --company-code."))
        return None


def _audit(ctx: BotContext, kind: str, action: AccountAction, detail: dict[str, str]) -> None:
    if not ctx.dry_run:
        ctx.store.audit(ctx.run.id, kind, f"{action.company_code}/{alpha(action.customer)}",
                        "recorded", {"by": action.recorded_by, "source": action.source,
                                     "text": action.text, **detail})


def _finished(section: BotSection) -> BotSection:
    if section.errors:
        section.status = BotStatus.FAILED
    return section
