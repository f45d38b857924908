"""Benchmark: invoices per minute through the portal bots with 1, 2 and 4 browser contexts.

Run ``python bench/portals.py`` (or ``python -m bench portals``)::

    python bench/portals.py --per-portal 8 --contexts 1 2 4 --latency-ms 250

Starts the three reference portals on loopback and one headless Chromium,
signs in once (sessions saved, so sign-in cost is outside the timings), then
for each context count submits ``--per-portal`` fresh invoices to each of the
three portals (the whole path: ledger intent, search, PO flip, attach the
rendered PDF, Submit, confirmation, ledger done, trace chunk per attempt) and
prints seconds, invoices per minute and the ratio against 1 context, all in
this process. ``--latency-ms`` makes every portal page that much slower
(real portals answer in 0.3-2 s; loopback in milliseconds), which is what
parallel contexts are for; with 0 the figures show the CPU cost of the bot
and browser alone. The machine's load shows in the figures: run it alone for
stable numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from bots.domain import Trigger
from bots.portals import PortalRunner, PortalSite, open_browser, portal_policy
from bots.portals.settings import SANDBOX_SITES
from bots.sandbox.portals import DEMO_CUSTOMERS, point_sites_at, start_portals
from bots.sandbox.portals.demo import invoice_from_po
from bots.store import Store


async def measure(folder: Path, per_portal: int, counts: list[int],
                  latency: Decimal) -> list[tuple[int, float, Counter]]:
    rows = []
    with start_portals(DEMO_CUSTOMERS, folder / "portals") as world, \
            Store(folder / "arbots.sqlite") as store:
        for family in SANDBOX_SITES.values():
            world[family].faults.delay_seconds = latency
        blank = [PortalSite(name, family, None, "", None) for name, family in
                 SANDBOX_SITES.items()]
        async with open_browser() as browser:
            warm = PortalRunner(point_sites_at(blank, world), ledger=None,
                                artifacts_dir=folder / "runs", state_dir=folder / "state")
            problems = await warm.check(browser)
            if any(problems.values()):
                raise SystemExit(f"sign-in failed: {problems}")
            for n in counts:
                sites = point_sites_at([PortalSite(s.name, s.family, None, "", None,
                                                   contexts=n) for s in blank], world)
                invoices = []
                for site in sites:
                    orders = [po for po in world[site.family].purchase_orders()
                              if po.status == "Open"]
                    invoices += [invoice_from_po(orders[i % len(orders)],
                                                 f"B{n}-{site.family}-{i}", site.name,
                                                 on=date.today())
                                 for i in range(per_portal)]
                run = store.start_run(Trigger.ON_DEMAND, ("portals",))
                runner = PortalRunner(sites, ledger=store.ledger(run.id),
                                      artifacts_dir=folder / "runs" / run.id,
                                      state_dir=folder / "state", max_contexts=n,
                                      retry=portal_policy(attempts=3, backoff_ms=200))
                started = time.perf_counter()
                results = await runner.submit(browser, invoices)
                rows.append((n, time.perf_counter() - started,
                             Counter(r.outcome.value for r in results)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-portal", type=int, default=8,
                        help="invoices per portal and context count (default 8)")
    parser.add_argument("--contexts", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency-ms", type=int, default=250,
                        help="added to every portal page (default 250)")
    args = parser.parse_args(sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="bench-portals-") as tmp:
        rows = asyncio.run(measure(Path(tmp), args.per_portal, args.contexts,
                                   Decimal(args.latency_ms) / 1000))
    total = args.per_portal * 3
    base = total / rows[0][1] * 60
    print(f"portal bots: {total} invoices (3 portals x {args.per_portal}) per row, "
          f"reference portals on loopback with {args.latency_ms} ms per page, "
          "headless Chromium")
    print(f"{'contexts':>8} {'seconds':>8} {'inv/min':>8} {'ratio':>6}  outcomes")
    for n, seconds, outcomes in rows:
        rate = total / seconds * 60
        print(f"{n:>8} {seconds:>8.1f} {rate:>8.1f} {rate / base:>5.2f}x  {dict(outcomes)}")
    return 0 if all(set(o) == {"submitted"} for _, _, o in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
