"""Reference customer AP portals: Coupa-, Ariba- and Taulia-like web apps on loopback.

They mirror the real flows the portal bots automate (PO flip, unique invoice
numbers, line-level tax and buyer rules decided later, a TOTP code per new
browser, a Submit that silently does nothing) and can be told to misbehave
(:class:`Faults`: slow pages, a 500 on the Nth request, a response lost after
the invoice was saved, a renamed button; ``expire_sessions()``).

Start them with :func:`start_portals` (see :mod:`.launcher`). Production code
never imports this package; configuration chooses it (a portal without
``base_url``).
"""

from bots.sandbox.portals.faults import Faults
from bots.sandbox.portals.launcher import (
    DEMO_CUSTOMERS,
    SANDBOX_PASSWORD,
    SANDBOX_TOTP_SECRET,
    SANDBOX_USER,
    ReferencePortals,
    RunningPortal,
    point_sites_at,
    start_portals,
)

__all__ = ["DEMO_CUSTOMERS", "Faults", "ReferencePortals", "RunningPortal", "SANDBOX_PASSWORD",
           "SANDBOX_TOTP_SECRET", "SANDBOX_USER", "point_sites_at", "start_portals"]
