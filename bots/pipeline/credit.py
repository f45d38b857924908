"""Credit holds: release the credit-blocked orders of customers who paid tonight.

With ``[credit] enabled``, after cash application has posted the night's
payments, the sales orders blocked for credit (ECC: ``VBUK-CMGST`` ``B``)
are read with their customers' credit masters (``KNKK``). An order is
*proposed* for release when, for its credit account,

* no open item is past due any more once tonight's clearings are counted,
* exposure - tonight's payments + the order's value <= the credit limit
  (ECC: exposure = KNKK receivables + special liabilities + sales value, as
  read; S/4: SAP's exposure has no released API, so :mod:`bots.sap.s4.credit`
  approximates it from open items and open sales orders, for the proposal
  only: the release's re-check is SAP's own),
* and the order's value is at most ``[credit] release_max``.

By default (``auto_release = false``) the proposals are an approval list: a
waiting item per order in the run report (for the credit manager) and a row
in the worklist's sheet *Credit releases*, nothing written to SAP; ``arbots
review apply`` releases the rows approved there (:func:`apply_release_decisions`).
With ``auto_release = true`` each proposal is released
through ``Z_ARBOTS_CREDIT_RELEASE``, which re-runs SAP's own credit check
first: one ledger write per order (kind ``credit_release``, key from the
order number; intent before, done after), a note on the order; a refusal
by SAP is reported with SAP's message and ledgered ``failed`` (a later run
may propose it again). A rerun never releases twice: the ledger says done,
and SAP answers "already released" for an order released before a crash.

Tonight's payments are the open items cash application cleared
(``ctx.memo[CLEARED]``, their amounts from the open-item snapshot); cash on
account is not counted. KNKK-SKFOR is read as SAP holds it when the step
runs; on a system that has already booked tonight's payments into it the
rule counts them twice (optimistic), which SAP's re-check then corrects.
Counts: ``credit_holds_seen``, ``credit_holds_proposed``,
``credit_holds_released``, ``credit_holds_refused`` (review apply also
``credit_releases_not_blocked``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date

from bots.domain import OpenItem, format_amount, from_minor, stable_id, to_minor
from bots.pipeline.context import BotContext
from bots.pipeline.worklist_file import ReviewFileError, WorklistFile
from bots.reports.model import BotSection, CreditReleaseRow, ErrorItem, WaitingItem
from bots.sap.credit import BlockedOrder, CreditMaster
from bots.sap.errors import SapBusinessError, SapError
from bots.sap.s4 import S4Client

KIND = "credit_release"
COUNTS = ("credit_holds_seen", "credit_holds_proposed", "credit_holds_released",
          "credit_holds_refused")
ItemKey = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Assessment:
    """One blocked order and whether arbots proposes to release it (and why not)."""

    order: BlockedOrder
    propose: bool
    reason: str


def tonight(items: Iterable[OpenItem], cleared: Set[ItemKey], currency: str,
            today: date) -> tuple[dict[str, int], dict[str, int]]:
    """(paid, past due) per customer in ``currency``: the minor units of the items
    cleared tonight, and how many debit items stay open past their due date."""
    paid: dict[str, int] = defaultdict(int)
    past_due: dict[str, int] = defaultdict(int)
    for item in items:
        if item.currency != currency:
            continue
        if item.key in cleared:
            paid[item.customer] += item.amount_minor
        elif item.amount > 0 and item.due_date < today:
            past_due[item.customer] += 1
    return dict(paid), dict(past_due)


def assess(orders: Sequence[BlockedOrder], masters: Mapping[str, CreditMaster],
           paid: Mapping[str, int], past_due: Mapping[str, int],
           release_max_minor: int) -> list[Assessment]:
    """The policy: which blocked orders to propose for release, each with its reason."""
    found = []
    for order in orders:
        account = order.credit_account
        master = masters.get(account)
        if master is None:
            found.append(Assessment(order, False, f"no credit master for {account}"))
        elif not paid.get(account):
            found.append(Assessment(order, False, "no payment tonight"))
        elif past_due.get(account):
            found.append(Assessment(order, False,
                                    f"{past_due[account]} item(s) still past due"))
        elif master.exposure_minor - paid[account] + order.value_minor > master.limit_minor:
            after = master.exposure_minor - paid[account] + order.value_minor
            found.append(Assessment(order, False, "exposure with the order "
                                    f"{_money(after, order.currency)} over limit "
                                    f"{_money(master.limit_minor, order.currency)}"))
        elif order.value_minor > release_max_minor:
            found.append(Assessment(order, False, "order value above release_max"))
        else:
            found.append(Assessment(order, True, "paid tonight: nothing past due, exposure "
                                    "under the limit"))
    return found


def _blocked_orders(ctx: BotContext) -> list[BlockedOrder]:
    """Every order blocked for credit. ECC names each order's credit control area
    (VBAK-KKBER); S/4's released API names none, so there each order is in the
    configured credit segment (``[credit] credit_area``)."""
    if isinstance(ctx.sap, S4Client):
        return ctx.sap.blocked_orders(ctx.cfg.credit.credit_area)
    return list(ctx.sap.blocked_orders())


def _money(minor: int, currency: str) -> str:
    return f"{format_amount(from_minor(minor, currency), currency)} {currency}"


def review_holds(ctx: BotContext, items: Iterable[OpenItem], cleared: Set[ItemKey],
                 section: BotSection) -> None:
    """After cash application: propose (or release) the credit-blocked orders."""
    cfg = ctx.cfg.credit
    if not cfg.enabled:
        return
    for name in COUNTS:
        section.counts.setdefault(name, 0)
    try:
        orders = [o for o in _blocked_orders(ctx) if o.credit_area == cfg.credit_area]
        masters = ctx.sap.credit_masters([o.credit_account for o in orders], cfg.credit_area,
                                         cfg.currency)
    except SapError as exc:
        section.errors.append(ErrorItem(
            "credit holds", f"reading the credit-blocked orders and credit masters failed: {exc}",
            "ECC: check the RFC user's S_TABU_NAM for VBUK, VBAK and KNKK; S/4: the "
            "communication user's access to API_SLS_DOC_WITH_CREDIT_BLOCK, "
            "API_CRDTMBUSINESSPARTNER, API_OPLACCTGDOCITEMCUBE_SRV and API_SALES_ORDER_SRV. "
            "The next run reads them again"))
        return
    section.counts["credit_holds_seen"] = len(orders)
    paid, past_due = tonight(items, cleared, cfg.currency, ctx.today)
    for found in assess(orders, masters, paid, past_due,
                        to_minor(cfg.release_max, cfg.currency)):
        if not found.propose:
            continue
        section.counts["credit_holds_proposed"] += 1
        if cfg.auto_release and not ctx.dry_run:
            release(ctx, found.order, section)
            continue
        order, master = found.order, masters[found.order.credit_account]
        section.waiting.append(WaitingItem(
            f"release credit block of sales order {order.order} (customer {order.customer}, "
            f"{_money(order.value_minor, order.currency)})", "credit manager",
            f"{found.reason}; approve it in the worklist, sheet {CreditReleaseRow.SHEET} "
            "([credit] auto_release is off)"))
        paid_minor = paid[order.credit_account]
        ctx.report.worklist.append(CreditReleaseRow(
            order.order, order.customer, order.credit_account, order.credit_area,
            order.currency, from_minor(order.value_minor, order.currency),
            from_minor(paid_minor, order.currency),
            from_minor(master.exposure_minor - paid_minor + order.value_minor, order.currency),
            from_minor(master.limit_minor, order.currency), found.reason))


def apply_release_decisions(ctx: BotContext, book: WorklistFile, section: BotSection
                            ) -> None:
    """``arbots review apply``: release the orders approved in sheet Credit releases.

    The order is read again from SAP (still blocked? its value), so an edited
    cell changes nothing; above ``release_max`` it is refused; the release
    itself is :func:`release` (SAP's re-check, once). A workbook without the
    sheet (an older run) has nothing to apply.
    """
    approved = _approved_orders(book)
    if not approved:
        return
    for name in (*COUNTS, "credit_releases_not_blocked"):
        section.counts.setdefault(name, 0)
    blocked = {o.order: o for o in _blocked_orders(ctx)}
    limit = to_minor(ctx.cfg.credit.release_max, ctx.cfg.credit.currency)
    for number in approved:
        order = blocked.get(number)
        if order is None:  # released already (by arbots or in VKM1) or not an order
            section.counts["credit_releases_not_blocked"] += 1
            continue
        if order.value_minor > limit:
            section.errors.append(ErrorItem(
                f"{book.path.name}: sales order {number}", "order value "
                f"{_money(order.value_minor, order.currency)} is above [credit] release_max",
                "release it in VKM1 if it should be, or raise release_max"))
            continue
        release(ctx, order, section)


def _approved_orders(book: WorklistFile) -> list[str]:
    """The order numbers whose Decision is approve in sheet Credit releases of ``book``."""
    path, rows = book.path, book.rows(CreditReleaseRow.SHEET)
    if rows is None:
        return []
    header = [str(c or "") for c in next(rows, ())]
    if "Order" not in header or "Decision" not in header:
        raise ReviewFileError(f"{path}: sheet {CreditReleaseRow.SHEET!r} lacks the "
                              "column Order or Decision")
    order_col, decision_col = header.index("Order"), header.index("Decision")
    approved = []
    for number, row in enumerate(rows, start=2):
        decision = str(row[decision_col] or "").strip().lower()
        if decision not in ("", "approve", "reject"):
            raise ReviewFileError(f"{path}: {CreditReleaseRow.SHEET} row {number}, "
                                  f"Decision: {decision!r} is not approve or reject")
        if decision == "approve":
            approved.append(str(row[order_col]).strip())
    return approved


def release(ctx: BotContext, order: BlockedOrder, section: BotSection) -> None:
    """Release ``order`` through SAP's re-check, once (ledger kind credit_release)."""
    key = stable_id(KIND, order.order)
    target = f"{order.credit_area}/{order.order}"
    state = ctx.ledger.begin(KIND, key, target, {"order": order.order,
                                                 "customer": order.customer,
                                                 "value_minor": order.value_minor,
                                                 "currency": order.currency})
    if state in ("done", "busy"):
        return
    note = [f"arbots {ctx.run.id}: credit block released after payment of customer "
            f"{order.customer} on {ctx.today.isoformat()} (SAP credit re-check passed)."]
    try:
        existing = ctx.sap.release_credit_block(order.order, note)
        ctx.sap.commit()
    except SapBusinessError as exc:
        ctx.sap.rollback()
        ctx.ledger.failed(key, str(exc))
        section.counts["credit_holds_refused"] += 1
        section.waiting.append(WaitingItem(
            f"credit block of sales order {order.order} (customer {order.customer})",
            "credit manager", f"SAP refused the release: {exc}"))
        return
    ctx.ledger.done(key, {"order": order.order, "found_in_sap": existing})
    section.counts["credit_holds_released"] += 1
