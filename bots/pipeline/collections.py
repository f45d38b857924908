"""The collections bot: chase past-due accounts and document every touch in SAP.

Steps, each a plain function with an idempotent side effect, so that a durable
workflow engine can run them one by one:

1. :func:`plan_followups` (pure): from the open-item snapshot, the accounts
   with items past due by at least ``min_days_past_due`` days whose last
   follow-up is ``cadence_days`` or more ago (default 14), with their aging,
   oldest item and reminder level.
2. :func:`write_notes`: a collection note on each such account in SAP, keyed
   by account + day (:attr:`CollectionNote.idempotency_key`); recorded in the
   ledger before the call, done after; a pending intent left by a crash is
   looked up in SAP before writing again, so no note is ever written twice.
3. :func:`send_reminders` (in :mod:`bots.pipeline.reminders`): a reminder
   e-mail per account by level, rendered as ``.eml`` into the outbox and sent
   by SMTP when configured, under the same ledger rule.

Reminder levels follow the oldest item past due: 1 (friendly, up to 30 days),
2 (firm, 31-60), 3 (final notice, over 60), never below the dunning level SAP
already reached for the items (BSID-MANST) or the account (KNB5-MAHNS).

SAP's dunning settings are respected, so that a customer is never dunned twice:
with ``[collections] reminders_by = "sap"`` SAP's dunning run (F150) sends
the reminders and arbots sends none (it still writes its note); an account
with a dunning block (KNB5-MANSP) gets no reminder, and items with one
(BSID-MANSP) are left out of it (none at all when every overdue item has one).

Promises to pay (:mod:`bots.pipeline.promises`) are judged before planning:
an account whose promise is broken comes first in the list, whatever the
cadence, and its collection priority (arbots' own) orders it among the others.
"""

from __future__ import annotations

import json
import smtplib
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bots.config import CollectionsConfig
from bots.domain import CollectionNote, Customer, OpenItem, format_amount, from_minor
from bots.pipeline import promises
from bots.pipeline.aging import bucket_label
from bots.pipeline.cashapp import CLEARED
from bots.pipeline.context import BotContext
from bots.reports.model import BotSection, BotStatus, CollectionRow, ErrorItem, WaitingItem
from bots.sap.errors import SapBusinessError

LEVEL_BOUNDS = ((30, 1), (60, 2))  # (max days past due, level); beyond: 3
NOTE_LINE_WIDTH = 132  # SAPscript long-text line (TLINE-TDLINE)


@dataclass(frozen=True)
class FollowUp:
    """One past-due account the bot touches today, with what it knows of it."""

    company_code: str
    customer: Customer
    currency: str
    overdue_minor: int
    open_minor: int
    overdue_items: tuple[OpenItem, ...]
    oldest: OpenItem
    days_past_due: int
    bucket: str
    level: int
    last_contact: date | None
    next_contact: date
    priority: int = 0  # arbots' collection priority: broken promises of the account
    promise_broken: bool = False  # a broken promise not yet followed up
    remind_items: tuple[OpenItem, ...] = ()  # the overdue items without a dunning block

    @property
    def target(self) -> str:
        """The account as the ledger names it: ``company code/customer``."""
        return account_target(self.company_code, self.customer.number)

    @property
    def overdue(self) -> Decimal:
        return from_minor(self.overdue_minor, self.currency)


def account_target(company_code: str, customer: str) -> str:
    return f"{company_code}/{customer}"


def reminder_level(days_past_due: int, sap_dunning_level: int) -> int:
    """Level 1-3 by the oldest item's days past due, at least SAP's dunning level."""
    level = next((lvl for bound, lvl in LEVEL_BOUNDS if days_past_due <= bound), 3)
    return max(level, min(sap_dunning_level, 3))


def plan_followups(
    items: Iterable[OpenItem],
    customers: dict[tuple[str, str], Customer],
    today: date,
    policy: CollectionsConfig,
    last_contact: Callable[[str], date | None],
    priorities: Mapping[str, int] | None = None,
    escalate: Set[str] = frozenset(),
) -> list[FollowUp]:
    """The accounts to follow up today: broken promises first, then by collection
    priority, then most overdue first.

    ``customers`` is keyed by (company code, customer number); ``last_contact``
    gives the day of the last collection note for an account target;
    ``priorities`` the collection priority per account target; accounts in
    ``escalate`` (a promise broken) are followed up whatever the cadence.
    Accounts are per currency: an account with USD and EUR items is followed up
    on its largest overdue currency.
    """
    by_account: dict[tuple[str, str, str], list[OpenItem]] = defaultdict(list)
    for item in items:
        by_account[(item.company_code, item.customer, item.currency)].append(item)

    best: dict[tuple[str, str], FollowUp] = {}
    for (company_code, number, currency), account_items in by_account.items():
        overdue = [i for i in account_items
                   if i.amount > 0 and i.days_past_due(today) >= policy.min_days_past_due]
        open_minor = sum(i.amount_minor for i in account_items)
        overdue_minor = sum(i.amount_minor for i in overdue)
        if not overdue or open_minor <= 0:
            continue  # nothing past due, or credits cover it
        target = account_target(company_code, number)
        last = last_contact(target)
        if target not in escalate and last is not None and \
                (today - last).days < policy.cadence_days:
            continue
        oldest = max(overdue, key=lambda i: (i.days_past_due(today), i.amount_minor))
        days = oldest.days_past_due(today)
        customer = customers.get((company_code, number)) or Customer(number, number,
                                                                     company_code)
        followup = FollowUp(
            company_code=company_code, customer=customer, currency=currency,
            overdue_minor=min(overdue_minor, open_minor), open_minor=open_minor,
            overdue_items=tuple(sorted(overdue, key=lambda i: i.due_date)), oldest=oldest,
            days_past_due=days,
            bucket=bucket_label(days, policy.aging_buckets),
            level=reminder_level(days, max(customer.dunning_level,
                                           *(i.dunning_level for i in account_items))),
            remind_items=tuple(i for i in sorted(overdue, key=lambda i: i.due_date)
                               if not i.dunning_block),
            last_contact=last, next_contact=today + timedelta(days=policy.cadence_days),
            priority=(priorities or {}).get(target, 0), promise_broken=target in escalate)
        current = best.get((company_code, number))
        if current is None or followup.overdue_minor > current.overdue_minor:
            best[(company_code, number)] = followup
    return sorted(best.values(), key=lambda f: (not f.promise_broken, -f.priority,
                                                -f.days_past_due, -f.overdue_minor,
                                                f.target))


def reminder_withheld(followup: FollowUp, policy: CollectionsConfig) -> str:
    """Why arbots sends no reminder to this account today ("" when it does)."""
    f = followup
    if policy.reminders_by == "sap":
        return "Reminders by SAP's dunning run (F150): arbots sent none."
    if f.customer.dunning_block:
        return f"No reminder: dunning block {f.customer.dunning_block} on the account (KNB5)."
    if not f.remind_items:
        return "No reminder: every overdue item has a dunning block (MANSP)."
    return ""


def note_for(followup: FollowUp, today: date, reminder_sent_to: str | None,
             withheld: str = "") -> CollectionNote:
    """The collection note documenting today's touch of an account (``withheld``: why
    no reminder went out, from :func:`reminder_withheld`)."""
    f = followup
    amount = format_amount(f.overdue, f.currency)
    oldest_ref = f.oldest.invoice_ref or f.oldest.document_no
    lines = [
        f"arbots collections {today.isoformat()}: {len(f.overdue_items)} item(s) past due, "
        f"{amount} {f.currency} overdue.",
        f"Oldest: invoice {oldest_ref} due {f.oldest.due_date.isoformat()}, "
        f"{f.days_past_due} days past due ({f.bucket}).",
        withheld or (f"Reminder level {f.level} e-mailed to {reminder_sent_to}."
                     if reminder_sent_to else f"Reminder level {f.level}: no AR contact on "
                                              "file, call the customer."),
        f"Next follow-up {f.next_contact.isoformat()}.",
    ]
    if f.promise_broken:
        lines.insert(0, f"Promise to pay broken: collection priority {f.priority}, "
                        "account first on today's list.")
    wrapped = [part for line in lines for part in textwrap.wrap(line, NOTE_LINE_WIDTH)]
    return CollectionNote(company_code=f.company_code, customer=f.customer.number, on=today,
                          lines=tuple(wrapped))


# --------------------------------------------------------------------------- the bot


def run(ctx: BotContext) -> BotSection:
    """The bot: plan today's follow-ups, send reminders, write a note on each account."""
    from bots.pipeline.openitems import snapshot

    snap = snapshot(ctx)
    policy = ctx.cfg.collections
    section = BotSection("collections", BotStatus.OK, counts={
        "accounts_past_due": 0, "notes_written": 0, "notes_already_written": 0,
        "reminders_sent": 0, "reminders_rendered": 0, "accounts_without_contact": 0,
        "reminders_left_to_sap": 0, "reminders_blocked": 0})
    finish_open_reminders(ctx, section)  # before planning: a finished note is a contact
    finish_open_notes(ctx, section, "collection_note")
    finish_open_notes(ctx, section, "promise_note")
    cleared = ctx.memo.get(CLEARED, set())  # paid since the snapshot: not chased
    items = [i for i in snap.items if i.key not in cleared]
    promises.judge_promises(ctx, items, section)
    followups = plan_followups(items, snap.customers, ctx.today, policy,
                               lambda target: _last_contact(ctx, target),
                               ctx.store.collection_priorities(), ctx.store.escalations_due())
    section.counts["accounts_past_due"] = len(followups)
    for followup in ctx.progress.track(followups, "Collection notes", len(followups)):
        if ctx.stop.is_set():
            section.waiting.append(WaitingItem(
                f"{len(followups)} accounts", "the next run", "the run was asked to stop"))
            break
        withheld = reminder_withheld(followup, policy)
        if withheld:
            section.counts["reminders_left_to_sap" if policy.reminders_by == "sap"
                           else "reminders_blocked"] += 1
        sent_to = None if withheld else remind(ctx, followup, section)
        errors = len(section.errors)
        write_note(ctx, note_for(followup, ctx.today, sent_to, withheld), section)
        if followup.promise_broken and not ctx.dry_run and len(section.errors) == errors:
            ctx.store.mark_escalated(followup.company_code, followup.customer.number)
        ctx.report.worklist.append(_worklist_row(followup, sent_to, withheld))
    if section.errors:
        section.status = BotStatus.FAILED
    return section


def _last_contact(ctx: BotContext, target: str) -> date | None:
    when = ctx.store.last_write("collection_note", target)
    return when.date() if when else None


def write_note(ctx: BotContext, note: CollectionNote, section: BotSection,
               kind: str = "collection_note") -> None:
    """Write ``note`` to SAP exactly once (ledger + lookup in SAP after a crash).

    ``kind`` is the ledger's name for it: only ``collection_note`` counts as a
    collections contact for the follow-up cadence.
    """
    key, target = note.idempotency_key, account_target(note.company_code, note.customer)
    if ctx.dry_run:
        section.counts["notes_written"] += 1  # would write
        return
    state = ctx.ledger.begin(kind, key, target, note_payload(note))
    if state == "done":
        section.counts["notes_already_written"] += 1
        return
    if state == "busy":  # another live run is writing it now: skip it for now
        section.counts["notes_busy"] = section.counts.get("notes_busy", 0) + 1
        return
    if state == "pending" and ctx.sap.has_note(note.company_code, note.customer, key,
                                               note.document, note.fiscal_year):
        ctx.ledger.done(key, {"found_in_sap": True})
        section.counts["notes_already_written"] += 1
        return
    try:
        ctx.sap.save_note(note)
        ctx.sap.commit()
    except SapBusinessError as exc:
        ctx.sap.rollback()
        ctx.ledger.failed(key, str(exc))
        section.errors.append(ErrorItem(
            target, f"SAP refused the note: {exc}",
            "Check the Z_ARBOTS_SAVE_TEXT wrapper and the RFC user's authorisations "
            "(runbooks/sap-wrappers-install.md); the next run writes the note."))
        return
    ctx.ledger.done(key, {"lines": len(note.lines)})
    section.counts["notes_written"] += 1


def note_payload(note: CollectionNote) -> dict[str, object]:
    """The ledger payload of a note: all of it, so a later run can finish it alone."""
    return {"lines": list(note.lines), "company_code": note.company_code,
            "customer": note.customer, "on": note.on.isoformat(), "kind": note.kind,
            "document": note.document, "fiscal_year": note.fiscal_year}


def note_from_payload(payload: dict[str, Any]) -> CollectionNote | None:
    """The note a ledger payload describes (None for payloads that kept only the lines)."""
    if "kind" not in payload:
        return None
    return CollectionNote(payload["company_code"], payload["customer"],
                          date.fromisoformat(payload["on"]), tuple(payload["lines"]),
                          kind=payload["kind"], document=payload["document"],
                          fiscal_year=payload["fiscal_year"])


def finish_open_notes(ctx: BotContext, section: BotSection, kind: str) -> None:
    """Notes of ``kind`` an earlier run left at intent: found in SAP, or written now.

    A run killed between SAP's commit and the ledger's ``done`` leaves the
    intent open; nothing later plans that note again (its payment is applied,
    its day is past), so it is finished here from the ledger alone. An intent
    a live run holds is left to it (``busy``).
    """
    if ctx.dry_run:
        return
    for row in ctx.store.writes_of(kind, "intent"):
        note = note_from_payload(json.loads(row["payload"]))
        if note is not None and note.idempotency_key == row["key"]:
            write_note(ctx, note, section, kind=kind)


def finish_open_reminders(ctx: BotContext, section: BotSection) -> None:
    """Reminders an earlier run left at intent, settled from the outbox.

    Without SMTP the outbox file is the delivery: there means done, absent
    means the run stopped before rendering it (failed; the plan sends it
    again while the account is due). With SMTP nobody can tell whether the
    server took it: the intent stays, listed for the AR clerk in
    :func:`remind` when the account comes up again.
    """
    from bots.pipeline import reminders

    policy = ctx.cfg.collections
    if ctx.dry_run or policy.smtp_host:
        return
    for row in ctx.store.writes_of("reminder_email", "intent"):
        if ctx.ledger.begin("reminder_email", row["key"], row["target"],
                            json.loads(row["payload"])) != "pending":
            continue  # busy: a live run is sending it
        path = reminders.outbox_path(policy.outbox, row["key"])
        if path.exists():
            ctx.ledger.done(row["key"], {"outbox": str(path), "found_in_outbox": True})
        else:
            ctx.ledger.failed(row["key"], "the run stopped before the reminder was rendered")


def remind(ctx: BotContext, followup: FollowUp, section: BotSection) -> str | None:
    """Render (and send, with SMTP) the reminder; the address it went to, or None."""
    from bots.pipeline import reminders

    address = followup.customer.email
    if not address:
        section.counts["accounts_without_contact"] += 1
        section.waiting.append(WaitingItem(
            f"{followup.customer.name} ({followup.target})", followup.customer.clerk or
            "AR clerk", "no AR e-mail address in SAP (KNB1-INTAD): call the customer"))
        return None
    policy = ctx.cfg.collections
    key = reminders.reminder_key(followup)
    if ctx.dry_run:
        section.counts["reminders_rendered"] += 1
        return address
    state = ctx.ledger.begin("reminder_email", key, followup.target,
                             {"to": address, "level": followup.level})
    if state in ("done", "busy"):  # busy: another live run is sending it now
        return address
    try:
        message = reminders.render_reminder(followup, policy.sender, key,
                                            policy.reminder_templates or reminders.TEMPLATES_DIR)
    except reminders.ReminderTemplateError as exc:
        ctx.ledger.failed(key, str(exc))
        section.errors.append(ErrorItem(
            followup.target, f"reminder not rendered: {exc}",
            "Fix the template in [collections] reminder_templates (config/reminders/); "
            "the next run sends the reminder."))
        return None
    path = reminders.write_outbox(policy.outbox, key, message)
    section.counts["reminders_rendered"] += 1
    if policy.smtp_host:
        if state == "pending":
            section.waiting.append(WaitingItem(
                str(path), "AR clerk", "a reminder may have been sent before a crash: check "
                "the sent mail, then mark it done or send the .eml by hand"))
            return address
        try:
            reminders.send_smtp(policy, message)
        except (OSError, smtplib.SMTPException) as exc:
            ctx.ledger.failed(key, str(exc))
            section.errors.append(ErrorItem(
                str(path), f"SMTP delivery failed: {exc}",
                "Check [collections.smtp] and the server; the .eml is in the outbox."))
            return None
        section.counts["reminders_sent"] += 1
    ctx.ledger.done(key, {"outbox": str(path)})
    return address


def _worklist_row(f: FollowUp, sent_to: str | None, withheld: str) -> CollectionRow:
    return CollectionRow(
        customer=f.customer.number, customer_name=f.customer.name, currency=f.currency,
        overdue=f.overdue, oldest_due=f.oldest.due_date, days_past_due=f.days_past_due,
        bucket=f.bucket, dunning_level=f.level, clerk=f.customer.clerk,
        contact=f.customer.email, last_note=f.last_contact,
        next_step=withheld or (f"reminder level {f.level} sent to {sent_to}" if sent_to
                               else "call: no e-mail on file"), company_code=f.company_code)
