"""The SAP simulator: a pyrfc ``Connection`` look-alike over a SQLite file.

    sim = SapSimulator(Path("var/sandbox/sap.sqlite"), user="ARBOTS")
    sim.call("RFC_READ_TABLE", QUERY_TABLE="KNA1", FIELDS=[{"FIELDNAME": "NAME1"}])

Every call is checked against the function module's interface
(:mod:`bots.sandbox.sap.interfaces`) before a handler runs, and answers with
every export and table parameter, typed as pyrfc delivers them. Errors are
pyrfc's exception classes (:mod:`bots.sandbox.sap.errors`).

Function modules: ``RFC_PING``, ``STFC_CONNECTION``, ``RFC_READ_TABLE``,
``BAPI_AR_ACC_GETOPENITEMS``, ``BAPI_TRANSACTION_COMMIT`` /
``BAPI_TRANSACTION_ROLLBACK``, ``BAPI_DISPUTE_CREATE`` and
``BAPI_DISPUTE_ATTRIBUTES_CHANGE`` (FSCM), and our wrappers
``Z_ARBOTS_SAVE_TEXT``, ``Z_ARBOTS_READ_TEXT``, ``Z_ARBOTS_POST_CLEARING``,
``Z_ARBOTS_RESET_CLEARING``, ``Z_ARBOTS_READ_TABLE``, ``Z_ARBOTS_CREDIT_RELEASE``.
Anything else:
``FU_NOT_FOUND``.

Authority: every call needs ``S_RFC`` for its function module, a table read
the table's display authorisation, and the wrappers check what their ABAP
checks (:mod:`bots.sandbox.sap.authority`: the logon user's authorisations,
by default the role the runbook gives the arbots RFC user).

Logon: the sandbox accepts any password unless a password is required
(``password=`` here; :func:`bots.sandbox.sap.open_sandbox` takes it from the
environment variable ``ARBOTS_SANDBOX_PASSWORD``): then any other password
raises ``LogonError``. No secret lives in the repository.

Each simulator object is one RFC connection with its own LUW: writes are
visible to other connections only after ``BAPI_TRANSACTION_COMMIT``;
``close()`` rolls back what was not committed. One connection is used by one
thread at a time, as with pyrfc.

Latency: a real SAP system answers each call after a network round trip and
the work process's own time (tens to hundreds of milliseconds). The
simulator answers at once unless ``latency_ms`` (default: the environment
variable ``ARBOTS_SANDBOX_RFC_LATENCY_MS``, else 0) asks it to wait that
long before every call, without holding the GIL, so that benchmarks of
paging and parallel reads mean something.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bots.sandbox.sap.clearing import post_clearing
from bots.sandbox.sap.credit import credit_release
from bots.sandbox.sap.ddic import TABLES
from bots.sandbox.sap.disputes import dispute_attributes_change, dispute_create
from bots.sandbox.sap.errors import abap_error, communication_error, logon_error
from bots.sandbox.sap.interfaces import (
    EXPORT,
    INTERFACES,
    STRUCTURE,
    FunctionDescription,
    check_call,
    complete,
    describe,
)
from bots.sandbox.sap.open_items import get_open_items
from bots.sandbox.sap.read_table import read_table
from bots.sandbox.sap.reset import reset_clearing
from bots.sandbox.sap.session import Session
from bots.sandbox.sap.texts import commit_text, read_text, save_text

Handler = Callable[[Session, dict[str, Any]], dict[str, Any]]
LATENCY_ENV = "ARBOTS_SANDBOX_RFC_LATENCY_MS"


def _ping(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    return {}


def _connection(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    now = datetime.now()
    return {"ECHOTEXT": p["REQUTEXT"],
            "RESPTEXT": f"SAP R/3 Rel. 750 (arbots sandbox) Sysid: SBX "
                        f"Date: {now:%Y%m%d} Time: {now:%H%M%S} Logon_Data: 100/"
                        f"{session.user}/E"}


def _commit(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    commit_text(session)
    session.commit()
    return {"RETURN": complete("BAPIRET2", {})}


def _rollback(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    session.text_memory.clear()
    session.rollback()
    return {"RETURN": complete("BAPIRET2", {})}


def _read_table(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """RFC_READ_TABLE and Z_ARBOTS_READ_TABLE: VIEW_AUTHORITY_CHECK (display) first."""
    table = p["QUERY_TABLE"].upper()
    if table in TABLES and not session.authority.may_display_table(table):
        raise abap_error("NOT_AUTHORIZED")  # RAISE not_authorized: no message of its own
    return read_table(session, p)


HANDLERS: dict[str, Handler] = {
    "RFC_PING": _ping,
    "STFC_CONNECTION": _connection,
    "RFC_READ_TABLE": _read_table,
    "Z_ARBOTS_READ_TABLE": _read_table,  # rows in primary-key order, as read_table's always are
    "BAPI_AR_ACC_GETOPENITEMS": get_open_items,
    "BAPI_TRANSACTION_COMMIT": _commit,
    "BAPI_TRANSACTION_ROLLBACK": _rollback,
    "Z_ARBOTS_SAVE_TEXT": save_text,
    "Z_ARBOTS_READ_TEXT": read_text,
    "Z_ARBOTS_POST_CLEARING": post_clearing,
    "Z_ARBOTS_RESET_CLEARING": reset_clearing,
    "BAPI_DISPUTE_CREATE": dispute_create,
    "BAPI_DISPUTE_ATTRIBUTES_CHANGE": dispute_attributes_change,
    "Z_ARBOTS_CREDIT_RELEASE": credit_release,
}


class SapSimulator:
    """One connection to the simulated SAP system (the ``pyrfc.Connection`` surface)."""

    def __init__(self, path: Path, *, user: str = "ARBOTS", passwd: str | None = None,
                 password: str | None = None,
                 clock: Callable[[], date] = date.today, latency_ms: float | None = None,
                 **_: Any) -> None:
        """Log on; ``password`` is the one the sandbox requires (None: any);
        ``latency_ms`` is waited before every call (None: from the environment)."""
        if not Path(path).is_file():
            raise communication_error(f"sandbox database {path} does not exist "
                                      "(run `arbots sandbox reset`)")
        if password is not None and not hmac.compare_digest(
                (passwd or "").encode(), password.encode()):
            raise logon_error(user.upper())
        self.path = Path(path)
        self.user = user.upper()
        self._clock = clock
        self.latency = (latency_ms if latency_ms is not None else
                        float(os.environ.get(LATENCY_ENV) or 0)) / 1000
        self._session: Session | None = Session(self.path, self.user, clock)

    @property
    def alive(self) -> bool:
        return self._session is not None

    def call(self, func_name: str, /, **params: Any) -> dict[str, Any]:
        """Run ``func_name`` with ``params``; returns its exports and tables."""
        if self._session is None:
            raise communication_error("connection closed")
        if self.latency:
            time.sleep(self.latency)  # the round trip of a real system
        if func_name not in HANDLERS:
            raise abap_error("FU_NOT_FOUND", f"Function module {func_name} not found",
                             msg_class="FL", msg_type="E", msg_number="046",
                             msg_v1=func_name)
        checked = check_call(func_name, params)
        self._session.authority.check_rfc(func_name)
        result = HANDLERS[func_name](self._session, checked)
        for p in INTERFACES[func_name]:
            if p.direction == EXPORT and p.name not in result:
                result[p.name] = complete(p.structure, {}) if p.kind == STRUCTURE else ""
        return result

    def ping(self) -> None:
        self.call("RFC_PING")

    def get_function_description(self, func_name: str) -> FunctionDescription:
        """The interface of ``func_name``, shaped like pyrfc's FunctionDescription."""
        if self._session is not None:  # RFC_GET_FUNCTION_INTERFACE is an RFC call too
            self._session.authority.check_rfc("RFC_GET_FUNCTION_INTERFACE")
        if func_name not in INTERFACES:
            raise abap_error("FU_NOT_FOUND", f"Function module {func_name} not found")
        return describe(func_name)

    def close(self) -> None:
        """End the connection; uncommitted writes are rolled back."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def reopen(self) -> None:
        """Close and open again (a fresh LUW), as pyrfc's ``reopen``."""
        self.close()
        self._session = Session(self.path, self.user, self._clock)

    def __enter__(self) -> SapSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
