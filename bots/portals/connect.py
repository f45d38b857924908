"""Which portal sites the bots talk to: the configured ones, or the sandbox's.

Like :func:`bots.sap.connect`, this is the one place production code reaches
into ``bots.sandbox``, on demand: a site without ``base_url`` (allowed only in
sandbox mode) is served by the reference portals, started on loopback for the
duration of the ``with`` block and given the purchase orders of the invoices
about to be submitted (so that the sandbox's SAP invoices can be flipped)::

    with reachable_sites(pcfg, invoices) as (sites, world):
        ...   # world: the running reference portals, or None for real sites
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bots.portals.invoice import PortalInvoice
from bots.portals.settings import PortalsConfig, PortalSite


@contextmanager
def reachable_sites(pcfg: PortalsConfig, invoices: Sequence[PortalInvoice] = ()
                    ) -> Iterator[tuple[list[PortalSite], Any]]:
    """(the sites to use, the running reference portals or None)."""
    sites = list(pcfg.sites.values())
    if all(site.base_url for site in sites):
        yield sites, None
        return
    from bots.sandbox.portals import DEMO_CUSTOMERS, point_sites_at, start_portals
    from bots.sandbox.portals.db import PoLine, PurchaseOrder

    orders = [PurchaseOrder(po, i.customer, i.currency, "Open", tuple(
        PoLine(ln.po_line, ln.description, ln.quantity, ln.unit_price, ln.unit)
        for ln in lines)) for i in invoices for po, lines in i.orders().items()]
    customers = sorted({i.customer for i in invoices} | set(pcfg.customers)) \
        or list(DEMO_CUSTOMERS)
    with start_portals(customers, pcfg.sandbox_dir, orders=orders) as world:
        yield point_sites_at(sites, world), world
