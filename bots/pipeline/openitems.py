"""The open-items bot: pull customers and open items from SAP into the run's snapshot.

Every other bot of the run works on this snapshot (``ctx.snapshot()``), so SAP
is read once per run. The report gets the aging buckets per currency.
"""

from __future__ import annotations

from dataclasses import dataclass

from bots.domain import Customer, OpenItem
from bots.pipeline.aging import aging_buckets
from bots.pipeline.context import BotContext
from bots.reports.model import BotSection, BotStatus


@dataclass(frozen=True)
class Snapshot:
    """The open items and customers pulled for one run."""

    items: list[OpenItem]
    customers: dict[tuple[str, str], Customer]  # (company code, customer number) -> Customer


def pull_snapshot(ctx: BotContext) -> Snapshot:
    """Read customers and open items of the configured company codes; store the items."""
    codes = ctx.cfg.sap.company_codes
    customers = {(c.company_code, c.number): c for c in ctx.sap.customers(codes)}
    items = list(ctx.progress.track(ctx.sap.iter_open_items(codes, ctx.today),
                                    "Open items from SAP"))
    ctx.store.save_snapshot(ctx.run.id, items)
    return Snapshot(items, customers)


def snapshot(ctx: BotContext) -> Snapshot:
    """The run's snapshot, pulled on first use."""
    if "snapshot" not in ctx.memo:
        ctx.memo["snapshot"] = pull_snapshot(ctx)
    return ctx.memo["snapshot"]


def run(ctx: BotContext) -> BotSection:
    """The bot: pull the snapshot and report its aging."""
    snap = snapshot(ctx)
    ctx.report.aging.extend(aging_buckets(snap.items, ctx.today,
                                          ctx.cfg.collections.aging_buckets))
    accounts = {(i.company_code, i.customer) for i in snap.items}
    return BotSection("openitems", BotStatus.OK, counts={
        "open_items": len(snap.items), "accounts": len(accounts),
        "customers": len(snap.customers)})
