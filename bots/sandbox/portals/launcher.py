"""Start the three reference portals on loopback, seeded with purchase orders; stop them.

::

    with start_portals(["0000100042", "0000100043"], folder=Path("var/sandbox/portals")) as world:
        world.coupa.url            # http://127.0.0.1:<free port>
        world.coupa.purchase_orders()
        world.taulia.faults.fail_request(1)

State lives in ``folder/<family>.sqlite`` and survives restarts (seeding is
repeatable: existing POs are kept). Every portal knows one supplier account,
:data:`SANDBOX_USER` with :data:`SANDBOX_PASSWORD`; Taulia also wants codes
from :data:`SANDBOX_TOTP_SECRET`. The Ariba-like portal also takes cXML
InvoiceDetailRequests at ``/cxml`` (:mod:`.cxml`) from :data:`SANDBOX_CXML`'s
identities with :data:`SANDBOX_SHARED_SECRET`. These are sandbox values, printed here on
purpose; real portals' secrets only ever come from ``bots.config.Secret``.

Per customer, POs ``<P>-<customer>-01`` .. ``-NN`` are open (two lines each:
goods and a service) and ``<P>-<customer>-00`` is closed; ``<P>`` is ``CP``,
``AR`` or ``TL``.

Every page answers at once unless the environment variable
``ARBOTS_SANDBOX_PORTAL_LATENCY_MS`` asks each portal to wait that long
before every page (as a real portal's round trip; a nightly run in a child
process, such as the big-day bench, gets it that way); tests set
``world.coupa.faults.delay_seconds`` instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bots.config import Secret
from bots.portals.cxml import Identities
from bots.portals.settings import PortalSite
from bots.sandbox.portals.ariba import AribaPortal
from bots.sandbox.portals.base import PortalApp
from bots.sandbox.portals.coupa import CoupaPortal
from bots.sandbox.portals.cxml import PATH as CXML_PATH
from bots.sandbox.portals.cxml import CxmlEndpoint
from bots.sandbox.portals.db import InvoiceRecord, PoLine, PortalDB, PurchaseOrder
from bots.sandbox.portals.faults import Faults
from bots.sandbox.portals.taulia import TauliaPortal
from bots.sandbox.portals.web import PortalServer

SANDBOX_USER = "supplier@arbots-demo.example"
SANDBOX_PASSWORD = "sandbox-only-password"
SANDBOX_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SANDBOX_SHARED_SECRET = "sandbox-only-shared-secret"  # cXML Sender SharedSecret
SANDBOX_CXML = Identities(from_identity="AN01000000001", to_identity="AN02000000002",
                          sender_identity="AN01000000001", deployment="test")
DEMO_CUSTOMERS = ("0000100001", "0000100002", "0000100003")  # the SAP sandbox's first ones
LATENCY_ENV = "ARBOTS_SANDBOX_PORTAL_LATENCY_MS"
FAMILIES: dict[str, tuple[type[PortalApp], str]] = {
    "coupa": (CoupaPortal, "CP"), "ariba": (AribaPortal, "AR"), "taulia": (TauliaPortal, "TL")}


@dataclass
class RunningPortal:
    """One reference portal being served."""

    family: str
    app: PortalApp
    server: PortalServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def faults(self) -> Faults:
        return self.app.faults

    def expire_sessions(self) -> None:
        self.app.expire_sessions()

    def purchase_orders(self) -> list[PurchaseOrder]:
        return self.app.db.purchase_orders()

    def tokens_issued(self) -> list[str]:
        """Every session and device cookie value this portal handed out (secrets to hunt for)."""
        return list(self.app.db.issued)

    def invoices(self, number: str | None = None) -> list[InvoiceRecord]:
        """Invoices the portal holds (with that supplier number), newest first."""
        return self.app.db.invoices(number=number)


@dataclass
class ReferencePortals:
    coupa: RunningPortal
    ariba: RunningPortal
    taulia: RunningPortal

    def __getitem__(self, family: str) -> RunningPortal:
        return {"coupa": self.coupa, "ariba": self.ariba, "taulia": self.taulia}[family]

    def reset_faults(self) -> None:
        for family in FAMILIES:
            self[family].faults.reset()


def point_sites_at(sites: Sequence[PortalSite], world: ReferencePortals) -> list[PortalSite]:
    """The sites without ``base_url`` pointed at the reference portal of their family
    (a ``cxml`` site: the Ariba-like portal's cXML endpoint)."""
    return [site if site.base_url else site.at_cxml(
        world.ariba.url + CXML_PATH, SANDBOX_CXML, Secret.literal(SANDBOX_SHARED_SECRET))
        if site.is_cxml else site.at(
        world[site.family].url, SANDBOX_USER, Secret.literal(SANDBOX_PASSWORD),
        Secret.literal(SANDBOX_TOTP_SECRET) if site.family == "taulia" else None)
        for site in sites]


def seed_orders(prefix: str, customers: Sequence[str], per_customer: int,
                currency: str) -> list[PurchaseOrder]:
    """The purchase orders of the sandbox customers (deterministic)."""
    orders = []
    for customer in customers:
        short = customer.lstrip("0") or "0"
        for n in range(per_customer + 1):
            lines = (PoLine(1, "Widget A", Decimal(10 + n), Decimal("12.50") + n),
                     PoLine(2, "Installation service", Decimal(1), Decimal("250.00")))
            orders.append(PurchaseOrder(f"{prefix}-{short}-{n:02d}", customer, currency,
                                        "Closed" if n == 0 else "Open", lines))
    return orders


def _latency_from_env() -> Decimal:
    """Seconds every page waits, from :data:`LATENCY_ENV` (milliseconds; 0 when unset)."""
    raw = os.environ.get(LATENCY_ENV) or "0"
    try:
        latency = Decimal(raw)
    except InvalidOperation:
        latency = Decimal(-1)
    if not latency.is_finite() or latency < 0:
        raise ValueError(f"{LATENCY_ENV}: expected milliseconds (0 or more), got {raw!r}")
    return latency / 1000


@contextmanager
def start_portals(customers: Sequence[str], folder: Path, *, per_customer: int = 3,
                  currency: str = "USD", decision_delay: float = 0,
                  session_ttl: float | None = None,
                  orders: Sequence[PurchaseOrder] = ()) -> Iterator[ReferencePortals]:
    """Serve Coupa-, Ariba- and Taulia-like portals on 127.0.0.1 until the block ends.

    Each portal holds the demo purchase orders of ``customers`` and, in addition,
    ``orders`` (e.g. the POs of SAP's invoices to submit).
    """
    latency = _latency_from_env()
    with ExitStack() as stack:
        running = {}
        for family, (app_class, prefix) in FAMILIES.items():
            db = PortalDB(folder / f"{family}.sqlite")
            stack.callback(db.close)
            db.add_user(SANDBOX_USER, SANDBOX_PASSWORD,
                        SANDBOX_TOTP_SECRET if family == "taulia" else None)
            for order in (*seed_orders(prefix, customers, per_customer, currency), *orders):
                db.add_purchase_order(order)
            app = app_class(db, Faults(), session_ttl=session_ttl, decision_delay=decision_delay)
            app.faults.delay_seconds = latency
            if family == "ariba":  # the buyer network also takes cXML invoices
                endpoint = CxmlEndpoint(db, SANDBOX_CXML, SANDBOX_SHARED_SECRET,
                                        clock=app.clock, faults=app.faults, buyer=app)
                app.route("POST", CXML_PATH, endpoint.handle, public=True)
            server = PortalServer(app.dispatch, app.faults, app.expire_sessions)
            stack.callback(server.stop)
            running[family] = RunningPortal(family, app, server)
        yield ReferencePortals(**running)
