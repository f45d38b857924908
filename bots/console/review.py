"""The review queue of the console: waiting payments, decisions on them, open-item search.

A decision is recorded at once in the store (:meth:`bots.store.Store.decide`,
refused as stale when the payment changed since the version the person saw),
audited with the person's name, and carried out by ``arbots review apply
--queued`` started as its own process: the same :func:`bots.pipeline.review.
apply_decisions` as a worklist. That process waits for the landscape's lease,
so while another run holds it the decision shows as *queued*.

An approval may name the proposals to post (``post``: their keys, see
:func:`bots.pipeline.review.proposal_key`): the others' money goes on the
payer's account, as :func:`bots.pipeline.review.rest_on_account` puts it.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

import psutil

from bots.config import Config
from bots.console.auth import User
from bots.console.launcher import start_review
from bots.landscape import landscape_id
from bots.pipeline.review import proposal_key
from bots.store import Store
from bots.store.leases import is_live

SEARCH_LIMIT = 20


def queue(cfg: Config, store: Store) -> list[dict[str, Any]]:
    """The payments waiting for review, oldest first: ``{id, version, payer, payment_ref,
    payment_date, amount, currency, proposals, decision, held_by}``.

    ``proposals``: the engine's latest rows (item, amount, confidence, the sentence
    that explains it); ``decision``: the last decision taken on this version, if any
    (``queued``, ``done`` or ``failed``); ``held_by``: the run holding the landscape
    while a decision is queued; ``stalled``: a decision is queued but no review process
    is left to carry it out (it waited too long for the landscape, or was killed).
    """
    lease = store.lease(landscape_id(cfg))
    holder = lease.run_id if lease is not None and is_live(lease, store.clock()) else ""
    carrier = _review_process_alive(store)
    out = []
    for row in store.remittances("review"):
        body = json.loads(row["body"])
        decisions = [d for d in store.decisions_of(row["id"])
                     if d["version"] + 1 == row["version"] or d["status"] == "queued"]
        last = decisions[-1] if decisions else None
        out.append({
            "id": row["id"], "version": row["version"], "reason": row["reason"] or "",
            "payer": body.get("payer_name") or "", "payment_ref": body.get("payment_ref") or "",
            "payment_date": body.get("payment_date") or "", "amount": _amount(body),
            "currency": body.get("currency") or "",
            "proposals": [_proposal(p) for p in store.latest_proposals(row["id"])],
            "decision": None if last is None else {
                "id": last["id"], "decision": last["decision"], "person": last["person"],
                "status": last["status"], "message": last["message"] or "",
                "target": json.loads(last["target"])},
            "held_by": holder if last is not None and last["status"] == "queued" else "",
            "stalled": last is not None and last["status"] == "queued" and not carrier})
    return out


def _review_process_alive(store: Store) -> bool:
    """Whether a review process the console started is still going (it carries out the
    queued decisions once it holds the landscape)."""
    return any(launch["bot"] == "review" and launch["exit_code"] is None
               and psutil.pid_exists(launch["pid"] or 0) for launch in store.launches(50))


def item(cfg: Config, store: Store, remittance_id: str) -> dict[str, Any] | None:
    """One waiting payment as in :func:`queue`, or None."""
    return next((i for i in queue(cfg, store) if i["id"] == remittance_id), None)


class NeedsSupervisor(PermissionError):
    """The payment is above the amount AR staff may approve alone."""


def parse_limits(values: tuple[str, ...]) -> dict[str, Decimal]:
    """Approval limits from ``AMOUNT`` (any currency) and ``CUR=AMOUNT`` strings
    (``arbots console --approve-limit``); ValueError naming a bad one."""
    limits = {}
    for value in values:
        currency, _, amount = value.rpartition("=")
        try:
            limit = Decimal(amount.strip())
        except InvalidOperation:
            raise ValueError(f"--approve-limit {value!r}: expected AMOUNT or CUR=AMOUNT, "
                             "e.g. 10000.00 or JPY=1500000") from None
        if not limit.is_finite() or limit < 0:
            raise ValueError(f"--approve-limit {value!r}: expected an amount of 0 or more")
        limits[currency.strip().upper() or "*"] = limit
    return limits


def check_limit(found: dict[str, Any] | None, limits: dict[str, Decimal], role: str) -> None:
    """Refuse (:class:`NeedsSupervisor`) AR staff posting a payment above the limit of its
    currency (``limits``: currency or ``*`` -> amount; none: no limit)."""
    if found is None or role != "ar_staff" or not found["amount"]:
        return
    limit = limits.get(found["currency"], limits.get("*"))
    if limit is not None and Decimal(found["amount"]) > limit:
        raise NeedsSupervisor(f"{found['amount']} {found['currency']} is above "
                              f"{limit} {found['currency']}, the most AR staff may post "
                              "alone: a supervisor decides this payment")


def decide(cfg: Config, store: Store, remittance_id: str, version: int, decision: str,
           user: User, target: dict[str, str] | None = None,
           limits: dict[str, Decimal] | None = None,
           post: list[str] | None = None) -> dict[str, Any]:
    """Record ``user``'s decision and start carrying it out: ``{decision_id, status,
    run_id}``. ``post``: with approve, the keys of the proposals to post (the rest of the
    payment goes on account; None or all of them: the whole payment as proposed).

    Raises :class:`bots.store.StaleDecision` (nothing changed) when the payment is not at
    ``version``; ValueError for a reassignment to an unknown open item or a ``post`` naming
    no or unknown proposals; :class:`NeedsSupervisor` for AR staff posting above the
    approval ``limits``."""
    found = item(cfg, store, remittance_id)
    chosen: dict[str, Any] | None = None
    if decision in ("approve", "reassign"):
        check_limit(found, limits or {}, user.role)
    if decision == "reassign":
        chosen = _open_item(store, target or {})
    if decision == "approve" and post is not None and found is not None:
        chosen = _partial(found, post)
    decision_id = store.decide(remittance_id, version, decision, user.name, chosen)
    run_id = start_review(cfg, store, user.name)
    return {"decision_id": decision_id, "status": "queued", "run_id": run_id}


def _partial(found: dict[str, Any], post: list[str]) -> dict[str, Any] | None:
    """The target of an approval of the proposals ``post`` of payment ``found``: None for
    all of them, else ``{"post": [keys]}``; ValueError for none or an unknown one."""
    keys = [p["key"] for p in found["proposals"] if p["document_no"]]
    unknown = sorted(set(post) - set(keys))
    if unknown:
        raise ValueError(f"{unknown[0]} is not a proposal of this payment")
    if not post:
        raise ValueError("tick at least one line to post, or reject the payment")
    return None if set(post) == set(keys) else {"post": sorted(set(post))}


def search(store: Store, text: str) -> list[dict[str, str]]:
    """Open items of the latest snapshot whose reference, document, PO, customer or amount
    contains ``text`` (at most :data:`SEARCH_LIMIT`)."""
    text = text.strip().lower()
    run_id = store.latest_snapshot_run()
    if not text or run_id is None:
        return []
    found = []
    for i in store.snapshot(run_id):
        fields = (i.invoice_ref, i.document_no, i.po_number, i.customer, str(i.amount))
        if any(text in f.lower() for f in fields):
            found.append({"company_code": i.company_code, "customer": i.customer,
                          "document_no": i.document_no, "fiscal_year": i.fiscal_year,
                          "line_item": i.line_item, "invoice_ref": i.invoice_ref,
                          "amount": str(i.amount), "currency": i.currency,
                          "due_date": i.due_date.isoformat()})
            if len(found) == SEARCH_LIMIT:
                break
    return found


def _open_item(store: Store, target: dict[str, str]) -> dict[str, str]:
    """The open item ``target`` names (customer, document_no, fiscal_year, line_item), as
    found in the latest snapshot; ValueError if it is not there."""
    want = {k: str(target.get(k, "")) for k in ("customer", "document_no", "fiscal_year")}
    want["line_item"] = str(target.get("line_item", "") or "001").zfill(3)
    for hit in search(store, want["document_no"]):
        if all(hit[k] == v for k, v in want.items()):
            return hit
    raise ValueError(f"open item {want['customer']}/{want['document_no']}/"
                     f"{want['fiscal_year']}/{want['line_item']} is not in the latest "
                     "snapshot of open items")


def _proposal(row: dict[str, str]) -> dict[str, str]:
    keys = ("customer", "document_no", "fiscal_year", "line_item", "applied_amount",
            "confidence", "rule", "reason", "decision", "treatment")
    return {"key": proposal_key(row), **{k: str(row.get(k) or "") for k in keys}}


def _amount(body: dict[str, Any]) -> str:
    """The payment's amount as written (the total, else the sum of its lines)."""
    try:
        if body.get("total") not in (None, ""):
            return str(Decimal(str(body["total"])))
        return str(sum((Decimal(str(line.get("paid_amount") or 0))
                        for line in body.get("lines") or []), Decimal(0)))
    except (InvalidOperation, TypeError, AttributeError):
        return ""
