"""The console's JSON API under ``/api`` (bearer token or session + CSRF header).

Same data and actions as the pages: :mod:`bots.console.runs` to read,
:mod:`bots.console.launcher` to start a run in its own process.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, UploadFile
from pydantic import BaseModel

from bots.console import collections, dashboard, review, runs, whatpays
from bots.console.deps import (
    ConfigDep,
    Reader,
    ReviewerWrite,
    SignedWrite,
    StaffWrite,
    StoreDep,
)
from bots.console.launcher import start_run
from bots.store import StaleDecision

router = APIRouter(tags=["console"])


class RunRequest(BaseModel):
    """What ``POST /api/runs`` starts."""

    bot: str
    dry_run: bool = False
    company_code: str | None = None


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, who: Reader) -> dict[str, Any]:
    """The OpenAPI description of this API."""
    return dict(request.app.openapi())


@router.get("/me")
def me(who: Reader) -> dict[str, str]:
    """Who the token or session belongs to."""
    return {"name": who.user.name, "role": who.user.role}


@router.get("/dashboard")
def get_dashboard(who: Reader, cfg: ConfigDep, db: StoreDep) -> dict[str, Any]:
    """Today's runs by status, the cash-application trend of the last runs (``auto_pct``,
    ``invoice_hit_pct``, ``header_hit_pct``), cash on account, why payments wait, and per
    open-item snapshot and currency ``receivables``: ``{run_id, key_date, currency, open,
    aging: {bucket: amount}, current_pct, billed, dso_days}``."""
    return dashboard.dashboard(db, datetime.now(UTC), cfg.collections.aging_buckets)


@router.get("/runs")
def list_runs(who: Reader, db: StoreDep, bot: str = "", status: str = "", limit: int = 100
              ) -> list[dict[str, Any]]:
    """The runs, newest first: ``{run_id, status, trigger, person, bots, dry_run, started,
    ended, duration_seconds, counts, message}``; filter by ``bot`` and ``status``."""
    return runs.run_list(db, runs.RunFilter(bot, status), min(max(limit, 1), 1000))


@router.get("/runs/{run_id}")
def get_run(run_id: str, who: Reader, cfg: ConfigDep, db: StoreDep, page: int = 1,
            kind: str = "") -> dict[str, Any]:
    """One run: its summary, its ``report.json`` (null until it ended), the files it kept
    (``/runs/{id}/files/{path}`` downloads one) and one page of its external writes
    (``page``, ``kind`` filter)."""
    run = runs.run_summary(db, run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id!r}")
    report = runs.report(cfg.runs_dir, run_id)
    return {**run, "company_codes": runs.company_codes(report), "report": report,
            "files": runs.files(cfg.runs_dir, run_id),
            "writes": runs.writes(db, run_id, page, kind)}


@router.post("/runs", status_code=202)
def post_run(body: RunRequest, who: StaffWrite,
             cfg: ConfigDep, db: StoreDep) -> dict[str, str]:
    """Start ``bot`` (``dry_run``; ``company_code``: that one only, for openitems, portals
    and collections) as its own ``arbots run`` process: ``{run_id}``; follow it with
    ``GET /api/runs/{run_id}`` (its report names the run's ``company_codes``)."""
    try:
        return {"run_id": start_run(cfg, db, body.bot, body.dry_run, who.user.name,
                                    body.company_code or None)}
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


class Decision(BaseModel):
    """A decision on one waiting payment, taken on the ``version`` the person saw.

    ``post`` (approve only): the ``key`` of each proposal to post; the rest of the
    payment goes on the payer's account (left out: the whole payment as proposed)."""

    version: int
    post: list[str] | None = None


class Reassignment(Decision):
    """Post the whole payment to this open item instead of the proposed ones."""

    customer: str
    document_no: str
    fiscal_year: str
    line_item: str = "001"


@router.get("/review")
def review_queue(who: Reader, cfg: ConfigDep, db: StoreDep) -> list[dict[str, Any]]:
    """The payments waiting for review: ``{id, version, payer, payment_ref, amount,
    currency, proposals: [{key, document_no, applied_amount, confidence, reason, ...}],
    decision, held_by}``."""
    return review.queue(cfg, db)


@router.get("/open-items")
def open_items(q: str, who: Reader, db: StoreDep) -> list[dict[str, str]]:
    """Open items of the latest snapshot matching ``q`` (reference, document, PO,
    customer or amount), for a reassignment."""
    return review.search(db, q)


@router.post("/review/{remittance_id}/{action}", status_code=202)
def decide(request: Request, remittance_id: str, action: str, body: Reassignment | Decision,
           who: ReviewerWrite, cfg: ConfigDep, db: StoreDep) -> dict[str, Any]:
    """``approve`` (all proposals, or those named in ``post``: the rest goes on account),
    ``reject`` or ``reassign`` (with the open item) one waiting payment: ``{decision_id,
    status: "queued", run_id}``; 409 (nothing changed) when the payment changed since
    ``version``; 403 for AR staff above the approval limit."""
    if action not in ("approve", "reject", "reassign"):
        raise HTTPException(404, f"no action {action!r}: approve, reject or reassign")
    if action == "reassign" and not isinstance(body, Reassignment):
        raise HTTPException(422, "reassign needs customer, document_no and fiscal_year")
    target = body.model_dump(exclude={"version", "post"}) \
        if isinstance(body, Reassignment) else None
    if body.post is not None and action != "approve":
        raise HTTPException(422, "post: only an approval names the proposals to post")
    try:
        return review.decide(cfg, db, remittance_id, body.version, action, who.user, target,
                             request.app.state.approve_limits, body.post)
    except StaleDecision as exc:
        raise HTTPException(409, str(exc)) from None
    except review.NeedsSupervisor as exc:
        raise HTTPException(403, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/extract")
def extract(request: Request, file: UploadFile, who: SignedWrite, cfg: ConfigDep,
            db: StoreDep) -> dict[str, Any]:
    """What does this pay? Upload a remittance (PDF, e-mail, bank file, ...) as ``file``:
    ``{file, remittances: [{payer, lines, ...}], failures: [{source, code, reason}],
    proposals: [...], snapshot_run}`` against the latest open-item snapshot; nothing
    is posted. 413 past the upload limit."""
    try:
        data = whatpays.read_limited(whatpays.chunks(file.file), request.app.state.upload_limit)
    except whatpays.UploadTooLarge as exc:
        raise HTTPException(413, str(exc)) from None
    return whatpays.what_does_this_pay(cfg, db, data, file.filename or "upload")


class PromiseToPay(BaseModel):
    """A customer's promise to pay ``amount`` by ``promised_date`` (YYYY-MM-DD)."""

    customer: str
    company_code: str
    amount: str
    promised_date: str
    currency: str = ""


@router.get("/collections")
def accounts_due(who: Reader, db: StoreDep) -> list[dict[str, Any]]:
    """Accounts with items past due in the latest snapshot, oldest due first, with their
    open promises, last contact and dispute cases."""
    return collections.accounts_due(db, datetime.now(UTC).date())


@router.post("/collections/promise", status_code=202)
def promise(body: PromiseToPay, who: StaffWrite, cfg: ConfigDep, db: StoreDep
            ) -> dict[str, str]:
    """Record a promise to pay (``arbots collections promise`` in its own process, a note
    in SAP written once): ``{run_id}``."""
    try:
        return {"run_id": collections.start_promise(
            cfg, db, who.user.name, body.customer, body.company_code, body.amount,
            body.promised_date, body.currency)}
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


class Contact(BaseModel):
    """The customer of ``company_code`` was contacted; ``note``: what was said."""

    customer: str
    company_code: str
    note: str = ""


class Dispute(BaseModel):
    """The customer disputes ``invoice`` (document number or reference) for ``reason``;
    ``amount``: the disputed part (left out: all that is open)."""

    customer: str
    company_code: str
    invoice: str
    reason: str
    amount: str = ""


@router.post("/collections/contact", status_code=202)
def contact(body: Contact, who: StaffWrite, cfg: ConfigDep, db: StoreDep) -> dict[str, str]:
    """Mark an account contacted (``arbots collections contacted`` in its own process, a
    collection note in SAP written once per person, account and day; the collections
    cadence counts from it): ``{run_id}``."""
    try:
        return {"run_id": collections.start_contact(cfg, db, who.user.name, body.customer,
                                                    body.company_code, body.note)}
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/collections/dispute", status_code=202)
def dispute(body: Dispute, who: StaffWrite, cfg: ConfigDep, db: StoreDep) -> dict[str, str]:
    """Record a dispute (``arbots collections dispute`` in its own process: an FSCM dispute
    case on the open invoice, opened once; needs [disputes] enabled): ``{run_id}``."""
    try:
        return {"run_id": collections.start_dispute(
            cfg, db, who.user.name, body.customer, body.company_code, body.invoice,
            body.reason, body.amount)}
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
