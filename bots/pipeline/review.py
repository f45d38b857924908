"""The review loop: post what AR staff decided in the worklist, and learn from it.

AR staff open a run's ``worklist.xlsx``, sheet *Cash review*, and write in the
*Decision* column of each row ``approve`` (also: yes, ok, post, x) or
``reject`` (no). ``arbots review apply worklist.xlsx`` then, for each payment:

- all its rows approved: posts it like the cash-application bot does (same
  idempotency key, intent before and done after, BKPF lookup after a crash),
  with a note on the account, and teaches the learner (payer aliases,
  reference patterns) so the next run needs the person less;
- any row rejected: the payment stays in review, nothing is posted;
- some rows approved and the others marked ``account`` (also: on account): the
  approved rows post, and the rest of the payment goes on the payer's account
  as unapplied cash, as cash application does with a payment's uncertain part
  (:func:`rest_on_account`; a person applies it later);
- rows without a decision: nothing happens to that payment.

A payment with some rows approved and others left empty is refused with a
clear message: clearing part of a payment would leave the rest of the money
unexplained.

Three kinds of rows take another path than a posting of the payment:

- rows of a payment posted with cash on account (its certain lines went
  through, the rest waits): approved, the cash on account is applied to them
  (:mod:`bots.pipeline.on_account`, a transfer posting with no bank line);
- a *payment returned* row (a bank return; rule ``payment returned``):
  approved, the clearing it names is reset and reversed
  (:mod:`bots.pipeline.resets`), the invoices open again;
- ``wrong`` (also: reset, undo) on a row of a payment arbots posted: the same
  reset; the payment waits for review again and posts under a new key.

Sheet *Credit releases*: an order approved there has its credit block
released through SAP's re-check (:func:`bots.pipeline.credit.apply_release_decisions`).

A reference written in the *Corrected invoice ref* column (sheets *Cash
review* and *Unmatched*) teaches the payer's layout: :func:`learn_correction`
finds the column of the advice that printed it and keeps it as a learned
template (:mod:`bots.store.templates`), so that the next advice of that payer
in that layout reads right. A reference the advice prints nowhere teaches
nothing (a typo on the payer's side); the review result says so.
"""

from __future__ import annotations

import getpass
import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bots.cashapp import Memory, learn
from bots.cashapp.engine import ON_ACCOUNT_RULE
from bots.cashapp.reasons import UNAPPLIED, reason_code
from bots.domain import Decision, OpenItem, Proposal, Remittance, Treatment, format_amount
from bots.pipeline import credit, promises
from bots.pipeline.cash_record import record_person_lines
from bots.pipeline.cashapp import (
    BUSY,
    ItemsByDocument,
    Posting,
    clearing_request,
    items_by_document,
    note_for_payment,
    payment_amount,
    post,
    reset_generations,
    run_policy,
)
from bots.pipeline.collections import write_note
from bots.pipeline.context import BotContext
from bots.pipeline.disputes import open_cases
from bots.pipeline.on_account import (
    Parked,
    application_request,
    note_for_application,
    on_account_item,
    parked_posting,
)
from bots.pipeline.resets import (
    RETURNED,
    find_returned,
    is_reset,
    posted_payments,
    reset_posting,
)
from bots.pipeline.worklist_file import ReviewFileError, WorklistFile, load_worklist
from bots.remittance.jsonl import from_json
from bots.remittance.learned import learn_label
from bots.reports.model import (
    BotSection,
    BotStatus,
    CashReviewRow,
    ErrorItem,
    UnmatchedRow,
    WaitingItem,
)
from bots.reports.worklist import CORRECTED, DECISION, column_title
from bots.store import Row, Store

APPROVE = {"approve", "approved", "yes", "y", "ok", "post", "x"}
REJECT = {"reject", "rejected", "no", "n"}
WRONG = {"wrong", "reset", "undo"}  # a posting a person marks wrong: reset and reverse it
ACCOUNT = {"account", "on account", "on_account"}  # this row's money goes on account
SHEET = CashReviewRow.SHEET


@dataclass(frozen=True)
class ReviewRow:
    """One row of the Cash review sheet with the person's decision."""

    row: int
    remittance_id: str
    proposal: Proposal
    decision: str  # approve | reject | wrong | account | ""


@dataclass(frozen=True)
class Correction:
    """A reference corrected by a person: the advice read ``invoice_ref``, it meant
    ``corrected``."""

    sheet: str
    row: int
    remittance_id: str
    invoice_ref: str
    corrected: str


@dataclass(frozen=True)
class Learning:
    """What one correction taught: the learned template's id, or None and why not."""

    template_id: int | None
    message: str


def read_decisions(book: WorklistFile) -> list[ReviewRow]:
    """The decided and undecided rows of the Cash review sheet of ``book``."""
    path = book.path
    rows = book.rows(SHEET)
    if rows is None:
        raise ReviewFileError(f"{path}: no sheet {SHEET!r}")
    titles = {column_title(f.name).lower(): f.name for f in fields(CashReviewRow)}
    titles[DECISION.lower()] = "decision"
    header = [titles.get(str(h or "").strip().lower(), "") for h in next(rows, ())]
    need = ("remittance_id", "customer", "document_no", "fiscal_year", "line_item",
            "applied_amount", "decision")
    missing = [column_title(n) for n in need if n not in header]
    if missing:
        raise ReviewFileError(f"{path}: sheet {SHEET!r} lacks the column(s) "
                              f"{', '.join(missing)}")
    col = {name: header.index(name) for name in header if name}
    out = []
    for number, values in enumerate(rows, start=2):
        if not any(values):
            continue

        def cell(name: str, values: tuple = values) -> str:
            value = values[col[name]] if name in col else None
            return "" if value is None else str(value).strip().lstrip("'")

        raw = cell("decision").lower()
        decision = "approve" if raw in APPROVE else "reject" if raw in REJECT else \
            "wrong" if raw in WRONG else "account" if raw in ACCOUNT else ""
        if raw and not decision:
            raise ReviewFileError(f"{path}: {SHEET} row {number}, Decision: {raw!r} is "
                                  "neither approve, reject, account nor wrong")
        wrong = decision == "wrong"  # a row added by hand needs only the remittance
        try:
            proposal = confirmed_proposal(cell, wrong)
        except (InvalidOperation, ValueError) as exc:
            raise ReviewFileError(f"{path}: {SHEET} row {number}: {exc}") from None
        out.append(ReviewRow(number, proposal.remittance_id, proposal, decision))
    return out


def confirmed_proposal(cell: Callable[[str], str], wrong: bool = False) -> Proposal:
    """The proposal a person confirmed, from its columns (``cell(name)``: the value of
    column ``name`` of the proposals file, ``""`` if none). ``wrong``: a row marking a
    posting wrong, which needs only the remittance."""
    return Proposal(
        remittance_id=cell("remittance_id"),
        line_index=int(cell("line_index")) if cell("line_index") else None,
        customer=cell("customer"), document_no=cell("document_no"),
        fiscal_year=cell("fiscal_year"), line_item=cell("line_item").zfill(3),
        applied_amount=Decimal(cell("applied_amount") or ("0" if wrong else "")),
        discount_amount=Decimal(cell("discount_amount") or "0"),
        deduction_amount=Decimal(cell("deduction_amount") or "0"),
        treatment=Treatment(cell("treatment") or Treatment.CLEAR),
        reason_code=cell("reason_code"), decision=Decision.AUTO, confidence=1.0,
        rule=cell("rule") or "review", reason="confirmed by a person in review")


def read_corrections(book: WorklistFile) -> list[Correction]:
    """The rows of the Cash review and Unmatched sheets of ``book`` whose *Corrected
    invoice ref* is filled in (a sheet without that column corrects nothing)."""
    out = []
    for sheet in (CashReviewRow.SHEET, UnmatchedRow.SHEET):
        rows = book.rows(sheet)
        if rows is None:
            continue
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        want = [t.lower() for t in (column_title("remittance_id"), column_title("invoice_ref"),
                                    CORRECTED)]
        if not all(t in header for t in want):
            continue
        at = [header.index(t) for t in want]
        for number, values in enumerate(rows, start=2):
            rid, ref, corrected = (str(values[i] if i < len(values) and values[i] is not None
                                       else "").strip().lstrip("'") for i in at)
            if corrected and rid:
                out.append(Correction(sheet, number, rid, ref, corrected))
    return out


def learn_correction(store: Store, remittance_id: str, extracted: str, corrected: str,
                     by: str) -> Learning:
    """Learn from one corrected reference of remittance ``remittance_id`` (read as
    ``extracted``, meant ``corrected``): which column of the payer's layout holds our
    invoice reference. Called by ``arbots review apply``; a console can call it too."""
    layout = store.layout_of(remittance_id)
    if layout is None:
        return Learning(None, f"no table layout kept for {remittance_id} (read before "
                              "learning existed, or not a table): nothing learned")
    if not layout.payer:
        return Learning(None, "the advice names no payer: nothing learned")
    label = learn_label(layout, extracted, corrected)
    if label is None:
        return Learning(None, f"{corrected} appears nowhere in the advice (a typo on the "
                              "payer's side?): no template learned")
    if label == layout.chosen:
        return Learning(None, f"{corrected} is in the column already read ({label!r}): "
                              "nothing to learn")
    template_id = store.learn_template(layout, label, by, remittance_id)
    return Learning(template_id, f"learned: for {layout.payer}, this layout's invoice "
                                 f"reference is column {label!r} (template {template_id})")


def _learn_corrections(ctx: BotContext, book: WorklistFile, section: BotSection,
                       user: str) -> None:
    """Learn from every corrected reference of the worklist (not in a dry run)."""
    if ctx.dry_run:
        return
    for correction in read_corrections(book):
        learning = learn_correction(ctx.store, correction.remittance_id,
                                    correction.invoice_ref, correction.corrected, user)
        if learning.template_id is not None:
            section.counts["templates_learned"] += 1
        else:
            section.waiting.append(WaitingItem(
                f"{book.path.name}: {correction.sheet} row {correction.row}", "AR clerk",
                learning.message))


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def run(ctx: BotContext) -> BotSection:
    """The bot: apply the decisions of the worklist ``ctx.memo["review_file"]`` (its path,
    or the :class:`WorklistFile` ``arbots review apply`` loaded already: the workbook is
    read once), or with ``ctx.memo["queued"]`` those taken in the web console and queued
    in the store.

    ``ctx.memo["user"]``: who decided (``arbots review apply --as``; default: the OS
    user); queued decisions carry their own person.
    """
    section = BotSection("review", BotStatus.OK, counts={
        "rows": 0, "payments_approved": 0, "payments_rejected": 0, "payments_posted": 0,
        "already_posted": 0, "undecided": 0, "aliases_learned": 0, "patterns_learned": 0,
        "notes_written": 0, "notes_already_written": 0, "templates_learned": 0})
    user = str(ctx.memo.get("user") or _who())
    if ctx.memo.get("queued"):
        _apply_queued(ctx, section)
    else:
        source = ctx.memo["review_file"]
        book = source if isinstance(source, WorklistFile) else load_worklist(Path(source))
        rows = read_decisions(book)
        _learn_corrections(ctx, book, section, user)
        apply_decisions(ctx, rows, user, section, where=f"{book.path.name}: ")
        credit.apply_release_decisions(ctx, book, section)
        for request in promises.worklist_promises(book, user, section):
            promises.record(ctx, request, section)
    if section.errors:
        section.status = BotStatus.FAILED
    return section


def apply_decisions(ctx: BotContext, rows: list[ReviewRow], user: str, section: BotSection,
                    where: str = "") -> dict[str, str]:
    """Carry out ``user``'s decisions ``rows`` (the one path of the worklist and the web
    console): post approved payments, leave rejected ones, learn from what was posted.

    Each decided payment is audited with ``user``. Counts and errors go into
    ``section``; the answer says per payment ``"done"`` or why not (the error's reason).
    ``where``: what the rows come from, put before an error's item (``worklist.xlsx: ``).
    """
    section.counts["rows"] += len(rows)
    by_payment: dict[str, list[ReviewRow]] = defaultdict(list)
    for row in rows:
        by_payment[row.remittance_id].append(row)
    confirmed: list[Proposal] = []
    remittances: list[Remittance] = []
    outcomes: dict[str, str] = {}
    for rid, payment_rows in by_payment.items():
        errors = len(section.errors)
        decisions = {r.decision for r in payment_rows}
        posted = _decide_payment(ctx, rid, payment_rows, decisions, section, where)
        if posted:
            confirmed.extend(posted[1])
            remittances.append(posted[0])
        outcomes[rid] = section.errors[-1].reason if len(section.errors) > errors else "done"
        if decisions != {""} and not ctx.dry_run:
            ctx.store.audit(ctx.run.id, "review_decision", rid, "/".join(sorted(decisions)),
                            {"by": user, "outcome": outcomes[rid]})
    if confirmed and not ctx.dry_run:
        customers = ctx.sap.customers(ctx.cfg.sap.company_codes)
        lesson = learn(confirmed, remittances, customers, Memory(ctx.cfg.cashapp_memory_path))
        section.counts["aliases_learned"] += lesson.aliases
        section.counts["patterns_learned"] += lesson.patterns
    return outcomes


def _decide_payment(ctx: BotContext, rid: str, payment_rows: list[ReviewRow],
                    decisions: set[str], section: BotSection, where: str
                    ) -> tuple[Remittance, list[Proposal]] | None:
    """Carry out the decision on one payment; what it confirmed, if it posted."""
    if "wrong" in decisions:
        _undo(ctx, rid, section)
        return None
    if "reject" in decisions:
        section.counts["payments_rejected"] += 1
        return None
    if decisions == {""}:
        section.counts["undecided"] += 1
        return None
    if "" in decisions or decisions == {"account"}:
        section.errors.append(ErrorItem(
            f"{where}payment {rid}", "only some of its rows are approved",
            "Approve every row of the payment, or approve some and mark the others "
            f"'account' (their money goes on account), or reject one; rows "
            f"{', '.join(str(r.row) for r in payment_rows)}."))
        return None
    section.counts["payments_approved"] += 1
    remittance = _remittance(ctx, rid)
    if remittance is None:
        section.errors.append(ErrorItem(
            f"payment {rid}", "not waiting for review in this store (applied already, "
            "or the file is from another installation)", "Check `arbots runs`."))
        return None
    proposals = [r.proposal for r in payment_rows if r.decision == "approve"]
    parked = parked_posting(ctx, rid)
    rest: list[Proposal] = []
    if "account" in decisions:
        try:
            if remittance.kind == "return" or parked is not None:
                raise ValueError("only a payment not posted yet is approved in part")
            rest.append(rest_on_account(remittance, proposals, ctx.cfg.sap.reason_codes))
        except ValueError as exc:
            section.errors.append(ErrorItem(f"{where}payment {rid}", str(exc),
                                            "Approve every row, or reject the payment."))
            return None
    if remittance.kind == "return":
        _reset_returned(ctx, remittance, section)
        return None
    posted = _apply_parked(ctx, remittance, parked, proposals, section) if parked is not None \
        else _post_payment(ctx, remittance, proposals + rest, section)
    if not posted:
        return None
    record_person_lines(ctx, remittance, proposals)
    return remittance, proposals


def rest_on_account(remittance: Remittance, approved: list[Proposal],
                    reason_codes: dict[str, str]) -> Proposal:
    """The rest of a payment approved in part: what it brings beyond the ``approved``
    rows, on the payer's account as unapplied cash (the row the cash-application engine
    parks a payment's uncertain part with). ValueError when nothing is left, or the
    approved rows are of several customers."""
    applied = sum((p.applied_amount for p in approved), Decimal(0))
    paid = payment_amount(remittance, applied)
    customers = {p.customer for p in approved}
    cur = remittance.currency
    if paid <= applied:
        raise ValueError(f"the approved rows apply {format_amount(applied, cur)} {cur} of a "
                         f"payment of {format_amount(paid, cur)}: nothing is left to put on "
                         "account")
    if len(customers) != 1:
        raise ValueError("the approved rows are of several customers: the rest has no "
                         "one account to go on")
    return Proposal(
        remittance_id=remittance.id, line_index=None, customer=customers.pop(),
        document_no="", fiscal_year="", line_item="", applied_amount=paid - applied,
        decision=Decision.AUTO, confidence=1.0, rule=ON_ACCOUNT_RULE,
        reason="the rest of a payment approved in part, put on account by a person",
        treatment=Treatment.ON_ACCOUNT, reason_code=reason_code(reason_codes, None, UNAPPLIED))


def _apply_queued(ctx: BotContext, section: BotSection) -> None:
    """Apply the decisions queued in the store by the web console, each as its person's,
    and say in the store what became of each (not in a dry run)."""
    for queued in ctx.store.queued_decisions():
        rid, why = queued["remittance_id"], ""
        try:
            rows = _queued_rows(ctx, queued)
        except (InvalidOperation, ValueError) as exc:
            rows, why = [], str(exc)
        if rows:
            why = apply_decisions(ctx, rows, queued["person"], section)[rid]
        else:
            section.errors.append(ErrorItem(f"payment {rid}", why or "no proposal to apply",
                                            "Decide again in the console."))
        if not ctx.dry_run:
            ctx.store.settle_decision(queued["id"], "done" if why == "done" else "failed",
                                      "" if why == "done" else why)


def proposal_key(row: Mapping[str, Any]) -> str:
    """How a console decision names one proposal of a payment: customer/document/year/line."""
    return "/".join(str(row.get(k) or "") for k in ("customer", "document_no", "fiscal_year",
                                                    "line_item"))


def _queued_rows(ctx: BotContext, queued: Row) -> list[ReviewRow]:
    """The rows of one decision queued in the store: the engine's latest proposals of the
    payment (approve, reject; an approval naming the proposals to ``post`` marks the
    others ``account``), or the one open item a person chose instead (reassign)."""
    rid, decision = queued["remittance_id"], queued["decision"]
    if decision == "reassign":
        target = json.loads(queued["target"])
        remittance = _remittance(ctx, rid)
        if remittance is None:
            raise ValueError("not waiting for review any more")
        paid = remittance.total if remittance.total is not None else \
            sum((line.paid_amount for line in remittance.lines), Decimal(0))
        row = {**{k: str(target.get(k, "")) for k in
                  ("customer", "document_no", "fiscal_year", "line_item")},
               "remittance_id": rid, "applied_amount": str(paid), "rule": "reassigned"}
        return [ReviewRow(0, rid, confirmed_proposal(_cells(row)), "approve")]
    rows = [r for r in ctx.store.latest_proposals(rid) if r.get("document_no")]
    post = json.loads(queued["target"] or "{}").get("post") if decision == "approve" else None
    return [ReviewRow(n, rid, confirmed_proposal(_cells(r)),
                      "account" if post is not None and proposal_key(r) not in post
                      else decision)
            for n, r in enumerate(rows, start=1)]


def _cells(row: Mapping[str, Any]) -> Callable[[str], str]:
    """``cell(name)`` of a proposals row held as a dict."""
    return lambda name: str(row.get(name) or "")


def _remittance(ctx: BotContext, remittance_id: str) -> Remittance | None:
    """The remittance, if it is waiting for review in this store."""
    row = ctx.store.remittance(remittance_id)
    if not row or row["status"] != "review":
        return None
    body = json.loads(row["body"])
    remittance = from_json(body)
    remittance.kind = body.get("kind", "payment")  # "return": a bank return (intake)
    return remittance


def _open_items(ctx: BotContext, customers: set[str]) -> ItemsByDocument:
    """The open items in SAP now of ``customers``."""
    items: list[OpenItem] = []
    for account in ctx.sap.customers(ctx.cfg.sap.company_codes):
        if account.number in customers:
            items.extend(ctx.sap.open_items_of(account.company_code, account.number, ctx.today))
    return items_by_document(items)


def _settle_applied(ctx: BotContext, remittance_id: str) -> None:
    ctx.store.settle_remittance(remittance_id, "applied")
    digest = ctx.store.remittance_input(remittance_id)
    if digest:
        ctx.store.settle_input(digest, "applied")


def _apply_parked(ctx: BotContext, remittance: Remittance, parked: Parked,
                  proposals: list[Proposal], section: BotSection) -> bool:
    """Apply the cash ``parked`` on account to the approved invoices (no bank line)."""
    open_items = _open_items(ctx, {parked.payer} | {p.customer for p in proposals})
    credit = on_account_item(parked, list(open_items.values()))
    what = f"payment {remittance.payment_ref or remittance.id}"
    if credit is None:
        section.errors.append(ErrorItem(
            what, f"the cash on account (document {parked.document_no}) is no longer open",
            "Someone applied it meanwhile: check FBL5N."))
        return False
    gone = [p.document_no for p in proposals if (p.customer, p.document_no, p.fiscal_year,
                                                 p.line_item) not in open_items]
    try:
        if gone:
            raise ValueError(f"item(s) {', '.join(gone)} are no longer open in SAP")
        request = application_request(remittance, parked, credit, proposals, open_items,
                                      ctx.cfg.sap.reason_codes, ctx.today)
    except ValueError as exc:
        section.errors.append(ErrorItem(what, str(exc),
                                        "Correct the rows in the worklist and apply it again."))
        return False
    posting = Posting(remittance, request, tuple(proposals))
    document = post(ctx, posting, section)
    if document in (None, BUSY):
        return False
    if not ctx.dry_run and document is not None:
        _settle_applied(ctx, remittance.id)
        write_note(ctx, note_for_application(posting, parked, document, ctx.today), section,
                   kind="cashapp_note")
        open_cases(ctx, posting, document, section, run_policy(ctx.cfg))
    return True


def _reset_returned(ctx: BotContext, returned: Remittance, section: BotSection) -> None:
    """Approved *payment returned*: reset and reverse the clearing of the payment."""
    posted = find_returned(ctx, returned)
    if posted is None:
        section.errors.append(ErrorItem(
            f"return {returned.payment_ref or returned.id}",
            "the posting of the returned payment is not found (reset already?)",
            "Check FBL5N; reset it by hand (FBRA) if it is still cleared."))
        return
    why = f"{RETURNED}: {'; '.join(returned.warnings) or 'returned by the bank'}"
    if reset_posting(ctx, posted, why, section, repost=False) and not ctx.dry_run:
        _settle_applied(ctx, returned.id)


def _undo(ctx: BotContext, remittance_id: str, section: BotSection) -> None:
    """A payment marked wrong: reset and reverse its posting; it waits for review again."""
    posted = [p for p in posted_payments(ctx) if p.remittance_id == remittance_id]
    target = next((p for p in reversed(posted) if not is_reset(ctx, p.key)), None)
    if target is None:
        section.errors.append(ErrorItem(
            f"payment {remittance_id}", "marked wrong, but arbots posted nothing for it",
            "Nothing to reset; reject the rows instead."))
        return
    why = "marked wrong by a person in review"
    if reset_posting(ctx, target, why, section, repost=True) and not ctx.dry_run:
        ctx.store.settle_remittance(remittance_id, "review",
                                    f"posting {target.document_no} reset: decide again")


def _post_payment(ctx: BotContext, remittance: Remittance, proposals: list[Proposal],
                  section: BotSection) -> bool:
    open_items = _open_items(ctx, {p.customer for p in proposals})
    gone = [p.document_no for p in proposals if p.document_no and (
        p.customer, p.document_no, p.fiscal_year, p.line_item) not in open_items]
    if gone:
        section.errors.append(ErrorItem(
            f"payment {remittance.payment_ref or remittance.id}",
            f"item(s) {', '.join(gone)} are no longer open in SAP",
            "Someone cleared them meanwhile: check FBL5N and decide again."))
        return False
    try:
        request = clearing_request(remittance, proposals, open_items, ctx.cfg.sap.reason_codes,
                                   ctx.cfg.sap.bank_account, ctx.today,
                                   reset_generations(ctx).get(remittance.id, 0))
    except ValueError as exc:
        section.errors.append(ErrorItem(f"payment {remittance.id}", str(exc),
                                        "Correct the amounts in the worklist row(s)."))
        return False
    posting = Posting(remittance, request, tuple(proposals))
    document = post(ctx, posting, section)
    if document == BUSY:
        section.errors.append(ErrorItem(
            f"payment {remittance.payment_ref or remittance.id}",
            "another run is posting this payment right now", "Apply the worklist again "
            "once that run has ended: a payment it posted is not posted twice."))
        return False
    if document is None or ctx.dry_run:
        return document is not None
    _settle_applied(ctx, remittance.id)
    write_note(ctx, note_for_payment(posting, document, ctx.today), section,
               kind="cashapp_note")
    open_cases(ctx, posting, document, section, run_policy(ctx.cfg))
    return True
