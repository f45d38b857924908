"""From configuration to a logged-on :class:`~bots.sap.client.SapClient`.

``connect(cfg.sap)`` chooses the connection by ``sap.mode``:

* ``"sandbox"``: the SAP simulator on ``sap.sandbox_db`` (demo data
  generated on first use). This is the only place production code reaches
  into ``bots.sandbox``, and it imports it only here, on demand.
* ``"rfc"``: ``pyrfc.Connection`` from SAP's PyRFC or the SDK-free
  erpl-pyrfc (both optional: ``pip install 'arbots[rfc]'``), with the
  ``[sap.connection]`` parameters and ``passwd`` from its secret reference.
* ``"s4"``: S/4HANA's OData APIs (:mod:`bots.sap.s4`, ``[sap.s4]``): an
  :class:`~bots.sap.s4.S4Client` with the read methods only (posting and
  notes raise ConfigError in this mode).

The environment variable ``ARBOTS_SAP_CONNECTION=package.module:callable``
replaces both: the callable gets the connection parameters (passwd
included) as keyword arguments and returns a pyrfc-compatible connection,
for SNC/SSO set-ups or a company's own connection wrapper.

Logon and communication failures come out as :mod:`bots.sap.errors`;
communication failures are retried by the retry policy, logon failures
never.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

from bots.config import ConfigError, SapConfig
from bots.retry import RetryPolicy
from bots.sap.client import SapClient
from bots.sap.errors import SapTechnicalError, map_exception
from bots.sap.rfc import SAP_RETRY, Connection

FACTORY_ENV = "ARBOTS_SAP_CONNECTION"


def connect(sap_cfg: SapConfig, *, retry: RetryPolicy | None = None) -> SapClient:
    """A client logged on to the configured SAP system (or the sandbox)."""
    retry = retry or SAP_RETRY.limited(attempts=sap_cfg.retries + 1)
    if sap_cfg.mode == "s4":
        from bots.sap.s4 import connect_s4

        # duck-typed: SapClient's read methods; its other methods raise ConfigError
        return connect_s4(sap_cfg, retry=retry)  # type: ignore[return-value]
    factory = _factory(sap_cfg)
    params = dict(sap_cfg.connection)
    if sap_cfg.passwd is not None:
        params["passwd"] = sap_cfg.passwd.reveal()

    def logon() -> Connection:
        return retry.run(lambda: _open(factory, params), retry_on=SapTechnicalError,
                         what="SAP logon")

    return SapClient(logon(), functions=sap_cfg.functions, page_size=sap_cfg.page_size,
                     retry=retry, note_text_object=sap_cfg.note_text_object,
                     parallel_connections=sap_cfg.parallel_connections, open_connection=logon)


def _open(factory: Callable[..., Connection], params: dict[str, Any]) -> Connection:
    try:
        return factory(**params)
    except Exception as exc:  # noqa: BLE001 - mapped, or re-raised unchanged
        mapped = map_exception(exc, "logon")
        if mapped is None:
            raise
        raise mapped from exc


def _factory(sap_cfg: SapConfig) -> Callable[..., Connection]:
    custom = os.environ.get(FACTORY_ENV)
    if custom:
        return load_callable(custom)
    if sap_cfg.mode == "sandbox":
        from bots.sandbox.sap import open_sandbox  # the sandbox only through this switch

        return lambda **params: open_sandbox(sap_cfg.sandbox_db, **params)
    try:
        pyrfc = importlib.import_module("pyrfc")
    except ImportError:
        raise ConfigError("sap.mode = \"rfc\" needs the pyrfc module: install SAP's PyRFC "
                          "(with the NW RFC SDK) or `pip install 'arbots[rfc]'` "
                          "(erpl-pyrfc), or set mode = \"sandbox\"") from None
    return pyrfc.Connection  # type: ignore[no-any-return]


def load_callable(spec: str) -> Callable[..., Connection]:
    """``package.module:callable`` imported; ConfigError naming the variable if not."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"{FACTORY_ENV}: expected package.module:callable, got {spec!r}")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"{FACTORY_ENV}: cannot load {spec!r}: {exc}") from None
    if not callable(target):
        raise ConfigError(f"{FACTORY_ENV}: {spec!r} is not callable")
    return target  # type: ignore[no-any-return]
