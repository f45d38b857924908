"""``sap.mode = "s4"``: the SAP port on S/4HANA's released OData APIs (read side).

``connect_s4(cfg.sap)`` gives an :class:`S4Client` with the read methods of
:class:`~bots.sap.client.SapClient` (customers, open items, one customer's
open items, is-open check). With ``[sap.s4] base_url`` it talks to that
system with the configured logons; without one it starts the sandbox S/4
simulator (:mod:`bots.sandbox.s4`) on loopback over ``sap.sandbox_db`` and
stops it when the client closes. Modules: ``odata`` (HTTP, logon, CSRF,
paging, errors), ``client`` (mapping to the domain records).
"""

from __future__ import annotations

from dataclasses import replace

from bots.config import SapConfig, Secret
from bots.retry import RetryPolicy
from bots.sap.s4.client import S4Client
from bots.sap.s4.odata import ODataClient


def connect_s4(sap_cfg: SapConfig, *, retry: RetryPolicy) -> S4Client:
    """A client on the configured S/4 system, or on a sandbox S/4 simulator started here."""
    cfg = sap_cfg.s4
    assert cfg is not None, "mode s4 always has its [sap.s4] settings"
    if cfg.base_url is not None:
        return S4Client(ODataClient(cfg, retry=retry))
    from bots.sandbox import s4 as sandbox  # the sandbox only through this switch

    server = sandbox.start_server(sap_cfg.sandbox_db)
    logons = replace(cfg, user=sandbox.SANDBOX_USER,
                     password=Secret.literal(sandbox.SANDBOX_PASSWORD),
                     client_id=sandbox.SANDBOX_CLIENT_ID,
                     client_secret=Secret.literal(sandbox.SANDBOX_CLIENT_SECRET),
                     token_url=f"{server.url}/oauth/token")
    return S4Client(ODataClient(logons, retry=retry, base_url=server.url), on_close=server.stop)


__all__ = ["S4Client", "connect_s4"]
