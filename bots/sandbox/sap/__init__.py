"""The SAP sandbox: a simulated SAP system answering RFC calls from a SQLite file.

    from bots.sandbox.sap import open_sandbox
    conn = open_sandbox(Path("var/sandbox/sap.sqlite"), user="ARBOTS")
    conn.call("STFC_CONNECTION", REQUTEXT="hello")

:func:`open_sandbox` creates the demo data on first use (see
:mod:`bots.sandbox.sap.demo`) and logs on. The sandbox needs no password
unless the environment variable ``ARBOTS_SANDBOX_PASSWORD`` is set; then the
connection's ``passwd`` must match it, else ``LogonError`` (this is how the
wrong-password path is tested; no password is ever stored in the repo).

Modules: ``simulator`` (the connection and dispatch), ``interfaces``
(function-module metadata and parameter checks), ``ddic`` (tables and
structures), ``where`` (OPTIONS parsing), ``read_table``, ``open_items``,
``texts``, ``clearing`` (one per function module family), ``store`` (the
SQLite schema), ``demo`` (the data generator), ``errors`` (pyrfc's classes),
``server`` (the simulator in processes of its own, as a benchmark's SAP).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bots.sandbox.sap.demo import Summary, generate
from bots.sandbox.sap.simulator import SapSimulator

PASSWORD_ENV = "ARBOTS_SANDBOX_PASSWORD"


def open_sandbox(path: Path, *, user: str = "ARBOTS", passwd: str | None = None,
                 **connection: Any) -> SapSimulator:
    """Log on to the sandbox at ``path``, generating the demo data if it is missing.

    Other connection parameters (ashost, client...) are accepted and ignored.
    """
    path = Path(path)
    if not path.exists():
        generate(path)
    return SapSimulator(path, user=user, passwd=passwd,
                        password=os.environ.get(PASSWORD_ENV))


def reset_sandbox(path: Path, *, customers: int = 70, items: int = 3200,
                  seed: int = 7) -> Summary:
    """Replace the sandbox at ``path`` with fresh demo data (dated today)."""
    return generate(Path(path), customers=customers, items=items, seed=seed)


__all__ = ["PASSWORD_ENV", "SapSimulator", "Summary", "generate", "open_sandbox",
           "reset_sandbox"]
