"""The one place where a function module is called.

:class:`Rfc` wraps a pyrfc-compatible connection (anything with
``call(name, **params) -> dict``): it resolves logical names to the function
modules configured in ``[sap.functions]``, maps exceptions to
:mod:`bots.sap.errors`, retries technical failures through a
:class:`~bots.retry.RetryPolicy` (:data:`SAP_RETRY` unless told otherwise),
and keeps track of the logical unit of work (LUW).

The LUW rule: writes (postings, notes) are invisible until
``BAPI_TRANSACTION_COMMIT``; when the connection breaks, SAP rolls back what
was not committed. So after a write and before its commit a technical error
is *not* retried: a retry on a fresh connection followed by a commit would
commit only part of the work. The error says so, and the caller's rerun,
guarded by idempotency keys, redoes the whole unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from bots.config import SapConfig
from bots.retry import RetryPolicy
from bots.sap.errors import SapError, SapTechnicalError, map_exception

# ``[sap] retries`` sets the attempts (see :func:`bots.sap.connect.connect`).
SAP_RETRY = RetryPolicy(attempts=4, base_delay=0.5, max_delay=30.0)


class Connection(Protocol):
    """The surface of ``pyrfc.Connection`` the port uses."""

    def call(self, func_name: str, /, **params: Any) -> dict[str, Any]: ...


class Rfc:
    """Calls function modules with retries, error mapping and LUW bookkeeping."""

    def __init__(self, connection: Connection, functions: Mapping[str, str] | None = None,
                 retry: RetryPolicy | None = None) -> None:
        self.connection = connection
        self.functions = {**SapConfig.DEFAULT_FUNCTIONS, **(functions or {})}
        self.retry = retry or SAP_RETRY
        self.uncommitted_writes = 0

    def name(self, function: str) -> str:
        """The configured function module for a logical name (or the name itself)."""
        return self.functions.get(function, function)

    def call(self, function: str, *, write: bool = False, **params: Any) -> dict[str, Any]:
        """Call ``function`` (logical or real name) and return pyrfc's result dict.

        ``write=True`` marks a call that changes data in the current LUW.
        """
        name = self.name(function)
        if self.uncommitted_writes:
            result = self._once(name, params)  # a lost LUW must not be half-retried
        else:
            result = self.retry.run(lambda: self._once(name, params), retry_on=SapTechnicalError,
                                    what=f"SAP {name}", before_retry=self._reopen)
        if write:
            self.uncommitted_writes += 1
        return result

    def end_luw(self) -> None:
        """Forget the pending writes (after commit or rollback)."""
        self.uncommitted_writes = 0

    def close(self) -> None:
        """Close the connection (SAP rolls back anything not committed)."""
        close = getattr(self.connection, "close", None)
        if close is not None:
            close()

    def _once(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.connection.call(name, **params)
        except SapError:
            raise
        except Exception as exc:  # noqa: BLE001 - mapped, or re-raised unchanged
            mapped = map_exception(exc, name, params)
            if mapped is None:
                raise
            if isinstance(mapped, SapTechnicalError) and self.uncommitted_writes:
                mapped = SapTechnicalError(
                    f"{mapped.message} (the connection failed with {self.uncommitted_writes} "
                    "uncommitted write(s): SAP rolled them back; rerun the step)",
                    key=mapped.key)
            raise mapped from exc

    def _reopen(self) -> None:
        """After a communication failure pyrfc needs ``reopen()`` before the next call."""
        if getattr(self.connection, "alive", True) is False and \
                hasattr(self.connection, "reopen"):
            try:
                self.connection.reopen()
            except Exception:  # noqa: BLE001 - the retried call reports the failure
                return
