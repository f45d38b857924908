"""A sandbox S/4HANA: the released OData APIs arbots reads, over HTTP on loopback.

::

    with start_s4(Path("var/sandbox/sap.sqlite")) as s4:
        s4.url        # http://127.0.0.1:<free port>
        s4.faults.fail(2)          # the next two OData requests get a 503
        s4.stats.tokens_granted

It answers from the same SQLite file as the RFC simulator
(:mod:`bots.sandbox.sap`; the demo data is generated there on first use), so
both roads can be compared on one world. Services and entity sets:

* ``API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube``;
* ``API_BUSINESS_PARTNER/A_Customer``, ``A_CustomerCompany``, ``A_CustomerDunning``,
  ``A_BusinessPartner``, ``A_BusinessPartnerAddress``;
* ``API_SLS_DOC_WITH_CREDIT_BLOCK/A_CreditBlockedSalesDocument`` and its function
  import ``ReleaseCreditBlock``, ``API_CRDTMBUSINESSPARTNER/CreditManagementAccount``
  (:mod:`.credit`: names checked against public sources; two properties arbots
  needs are not in SAP's contract, see there).

**Provenance.** Written from SAP's API documentation on the SAP Business
Accelerator Hub (entity and property names, V2 JSON conventions, CSRF and
paging behaviour), not from a fetched EDMX: no EDMX is vendored here. The
property names were cross-checked against generated client type listings
in public repositories (names only; no code taken). Only the properties
arbots reads are served; the real entity types have many more.

It knows one communication user (:data:`SANDBOX_USER` /
:data:`SANDBOX_PASSWORD`) and one OAuth client (:data:`SANDBOX_CLIENT_ID` /
:data:`SANDBOX_CLIENT_SECRET`): sandbox values, printed here on purpose;
real secrets only ever come from ``bots.config.Secret``.

Modules: ``odata`` (query options), ``entities`` (entity sets from the
sandbox tables), ``server`` (HTTP, logon, CSRF, faults).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from bots.sandbox.s4.server import Credentials, Faults, S4Server, Stats
from bots.sandbox.sap import open_sandbox

SANDBOX_USER = "ARBOTS_COMM_USER"
SANDBOX_PASSWORD = "sandbox-only-s4-password"
SANDBOX_CLIENT_ID = "arbots-sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-only-client-secret"
SANDBOX_CREDENTIALS = Credentials(SANDBOX_USER, SANDBOX_PASSWORD, SANDBOX_CLIENT_ID,
                                  SANDBOX_CLIENT_SECRET)


def start_server(sandbox_db: Path, *, page_size: int = 1000,
                 auth: dict[str, set[str]] | None = None,
                 tls: ssl.SSLContext | None = None,
                 clock: Callable[[], date] = date.today) -> S4Server:
    """Serve ``sandbox_db`` (demo data generated if missing) until ``stop()``;
    https with ``tls`` (a server context), else http."""
    sandbox_db = Path(sandbox_db)
    if not sandbox_db.exists():
        open_sandbox(sandbox_db).close()
    return S4Server(sandbox_db, SANDBOX_CREDENTIALS, page_size=page_size, auth=auth, tls=tls,
                    clock=clock)


@contextmanager
def start_s4(sandbox_db: Path, *, page_size: int = 1000,
             auth: dict[str, set[str]] | None = None,
             tls: ssl.SSLContext | None = None,
             clock: Callable[[], date] = date.today) -> Iterator[S4Server]:
    """:func:`start_server` for a ``with`` block: stopped when it ends."""
    server = start_server(sandbox_db, page_size=page_size, auth=auth, tls=tls, clock=clock)
    try:
        yield server
    finally:
        server.stop()


__all__ = ["SANDBOX_CLIENT_ID", "SANDBOX_CLIENT_SECRET", "SANDBOX_CREDENTIALS",
           "SANDBOX_PASSWORD", "SANDBOX_USER", "Faults", "S4Server", "Stats", "start_s4",
           "start_server"]
