"""A sandbox SAP connection that drops the line at the n-th open-item read, for
``ARBOTS_SAP_CONNECTION``. The test sets :data:`DB` and :data:`FAIL_AT`; every
BSID/BSAD table read that reaches the sandbox is listed in :data:`CALLS`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bots.sandbox.sap import open_sandbox

DB: Path | None = None
FAIL_AT: int | None = None  # the open-item read (1-based) that fails
CALLS: list[str] = []  # each open-item read that reached the sandbox, as text


class CommunicationError(Exception):
    """Named as pyrfc's: mapped to SapTechnicalError (retried by Temporal)."""


class Flaky:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def call(self, function: str, **params: Any) -> Any:
        if "READ_TABLE" in function and params.get("QUERY_TABLE") in ("BSID", "BSAD"):
            if FAIL_AT is not None and len(CALLS) + 1 == FAIL_AT:
                raise CommunicationError("partner not reached (the line dropped)")
            CALLS.append(repr(sorted(params.items())))
        return self.connection.call(function, **params)

    def close(self) -> None:
        self.connection.close()


def connect(**params: Any) -> Flaky:
    assert DB is not None
    return Flaky(open_sandbox(DB, **params))
