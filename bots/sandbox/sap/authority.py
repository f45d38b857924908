"""The sandbox RFC user's authorisations, and SAP's checks against them.

In SAP a user's roles (PFCG) give it authorisations: per authorisation
object (``F_BKPF_BUK``) any number of authorisations, each allowing values
per field (``BUKRS`` 1000, 2000; ``ACTVT`` 01, 02, 03). An
``AUTHORITY-CHECK`` passes when one authorisation of the object allows the
value of every field checked: the value itself, ``*`` (all) or a prefix
ending in ``*``. A user without an authorisation for the object fails.

The sandbox keeps them in table ``USR_AUTH`` of its file (user, object,
authorisation, field, value), read once at logon as SAP buffers them.
:func:`assign_role` replaces one user's authorisations (a test revoking
one, a trial of a narrower role); a user with no row then has none, as in
SAP. Until a role is assigned (no ``USR_AUTH`` table: every generated
world), every user has :func:`runbook_role`, what
``runbooks/abap-install.md`` gives the arbots RFC user, for the company
codes (``T001``) and credit control areas (``KNKK``) of the file.

Where the simulator checks, as SAP does:

* every call: ``S_RFC`` (``ACTVT`` 16) for the function module's function
  group (``RFC_TYPE`` FUGR) or for the module itself (``RFC_TYPE`` FUNC), else
  a runtime error ``RFC_NO_AUTHORITY`` (AUTHORITY_CHECK_RFC); the same for
  the metadata look-up (function group ``SDIFRUNTIME``);
* ``RFC_READ_TABLE`` and ``Z_ARBOTS_READ_TABLE``: ``VIEW_AUTHORITY_CHECK``,
  ``S_TABU_DIS`` for the table's authorisation group (the sandbox's TDDAT
  assigns none: ``&NC&``), else ``S_TABU_NAM`` for the table, ``ACTVT`` 03,
  else the exception ``NOT_AUTHORIZED``;
* the ``AUTHORITY-CHECK`` statements of our wrappers (``bots/sap/abap/src``),
  in their handlers at the same point and with the same ZARBOTS message.

Not modelled: the checks inside SAP's own BAPIs (``BAPI_AR_ACC_GETOPENITEMS``,
``BAPI_DISPUTE_*``), whose messages no public source documents; ``S_RFC``
guards them here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bots.sandbox.sap.errors import runtime_error
from bots.sandbox.sap.store import open_db

AUTH_TABLE = "USR_AUTH"
NO_GROUP = "&NC&"  # TDDAT-CCLASS of a table without authorisation group

#: Function group of each function module the simulator answers (S_RFC RFC_TYPE FUGR).
FUNCTION_GROUPS = {
    "RFC_PING": "SYST", "STFC_CONNECTION": "STFC", "RFC_READ_TABLE": "SDTX",
    "BAPI_AR_ACC_GETOPENITEMS": "1021", "BAPI_TRANSACTION_COMMIT": "BAPT",
    "BAPI_TRANSACTION_ROLLBACK": "BAPT", "RFC_GET_FUNCTION_INTERFACE": "SDIFRUNTIME",
    "Z_ARBOTS_SAVE_TEXT": "ZARBOTS", "Z_ARBOTS_READ_TEXT": "ZARBOTS",
    "Z_ARBOTS_POST_CLEARING": "ZARBOTS", "Z_ARBOTS_RESET_CLEARING": "ZARBOTS",
    "Z_ARBOTS_READ_TABLE": "ZARBOTS", "Z_ARBOTS_CREDIT_RELEASE": "ZARBOTS",
}
#: Granted by name (RFC_TYPE FUNC): their function group is not documented publicly.
FUNCTION_GRANTS = ("BAPI_DISPUTE_CREATE", "BAPI_DISPUTE_ATTRIBUTES_CHANGE")
#: The tables arbots reads (S_TABU_NAM), as the runbooks list them.
READ_TABLES = ("BSID", "BSAD", "BKPF", "KNA1", "KNB1", "KNB5", "T001", "T001B", "TCURX",
               "VBRK", "VBRP", "VBKD", "KONV", "T006", "VBAK", "VBUK", "KNKK",
               "SCMG_T_CASE_ATTR")


@dataclass(frozen=True)
class Grant:
    """One authorisation: the values it allows per field of ``object``."""

    object: str
    fields: Mapping[str, tuple[str, ...]]

    def allows(self, values: Mapping[str, str]) -> bool:
        """Whether every checked field's value is one this authorisation allows."""
        return all(any(_matches(allowed, value) for allowed in self.fields.get(name, ()))
                   for name, value in values.items())


def _matches(allowed: str, value: str) -> bool:
    if allowed.endswith("*"):
        return value.startswith(allowed[:-1])
    return allowed == value


Role = tuple[Grant, ...]


def runbook_role(company_codes: Sequence[str], credit_areas: Sequence[str]) -> Role:
    """What ``runbooks/abap-install.md`` (section 3) and the credit and dispute
    runbooks give the arbots RFC user, for these company codes and credit areas."""
    codes = tuple(company_codes)
    return (
        Grant("S_RFC", {"RFC_TYPE": ("FUGR",), "ACTVT": ("16",),
                        "RFC_NAME": tuple(sorted(set(FUNCTION_GROUPS.values())))}),
        Grant("S_RFC", {"RFC_TYPE": ("FUNC",), "ACTVT": ("16",), "RFC_NAME": FUNCTION_GRANTS}),
        Grant("S_TABU_NAM", {"ACTVT": ("03",), "TABLE": READ_TABLES}),
        Grant("F_BKPF_BUK", {"BUKRS": codes, "ACTVT": ("01", "02", "03")}),
        Grant("F_BKPF_KOA", {"KOART": ("D", "S"), "ACTVT": ("01", "02", "03")}),
        Grant("F_KNA1_BUK", {"BUKRS": codes, "ACTVT": ("02", "03")}),
        Grant("S_TCODE", {"TCD": ("FB05", "FBRA", "FB08")}),
        Grant("V_KNKK_FRE", {"KKBER": tuple(credit_areas)}),
    )


class Authority:
    """The authorisations of one logged-on user (SAP's user buffer)."""

    def __init__(self, user: str, role: Role) -> None:
        self.user, self.role = user, role

    @classmethod
    def load(cls, db: sqlite3.Connection, user: str) -> Authority:
        """``user``'s authorisations in the file (the runbook role if none were assigned)."""
        if not _has_table(db):
            codes = [r[0] for r in db.execute('SELECT "BUKRS" FROM "T001" ORDER BY 1')]
            areas = [r[0] for r in db.execute('SELECT DISTINCT "KKBER" FROM "KNKK"')]
            return cls(user, runbook_role(codes, areas))
        grants: dict[tuple[str, str], dict[str, list[str]]] = {}
        for obj, auth, field, value in db.execute(
                f'SELECT "OBJCT", "AUTH", "FIELD", "VON" FROM "{AUTH_TABLE}" WHERE "BNAME" = ? '
                'ORDER BY "OBJCT", "AUTH", "FIELD", "SEQ"', (user,)):
            grants.setdefault((obj, auth), {}).setdefault(field, []).append(value)
        return cls(user, tuple(Grant(obj, {f: tuple(v) for f, v in fields.items()})
                               for (obj, _), fields in grants.items()))

    def check(self, obj: str, **values: str) -> bool:
        """AUTHORITY-CHECK OBJECT ``obj`` ID field FIELD value ...: sy-subrc 0?"""
        return any(g.object == obj and g.allows(values) for g in self.role)

    def check_rfc(self, function: str) -> None:
        """S_RFC at an RFC call of ``function``; RFC_NO_AUTHORITY if missing."""
        group = FUNCTION_GROUPS.get(function, "")
        if self.check("S_RFC", RFC_TYPE="FUNC", RFC_NAME=function, ACTVT="16") or (
                group and self.check("S_RFC", RFC_TYPE="FUGR", RFC_NAME=group, ACTVT="16")):
            return
        raise runtime_error("RFC_NO_AUTHORITY",
                            f"User {self.user} has no RFC authorization for function module "
                            f"{function} (function group {group or 'unknown'})")

    def may_display_table(self, table: str) -> bool:
        """VIEW_AUTHORITY_CHECK for display: S_TABU_DIS of its group, else S_TABU_NAM."""
        return (self.check("S_TABU_DIS", DICBERCLS=NO_GROUP, ACTVT="03")
                or self.check("S_TABU_NAM", TABLE=table, ACTVT="03"))


def _has_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                      (AUTH_TABLE,)).fetchone() is not None


def assign_role(path: Path, user: str, role: Role) -> None:
    """Make ``role`` all of ``user``'s authorisations in the sandbox at ``path``
    (from the next logon on). Other users keep theirs; once any role is assigned,
    a user without one has no authorisation."""
    db = open_db(Path(path))
    try:
        db.execute("BEGIN IMMEDIATE")
        if not _has_table(db):
            db.execute(f'CREATE TABLE "{AUTH_TABLE}" ("BNAME" TEXT NOT NULL, "OBJCT" TEXT NOT '
                       'NULL, "AUTH" TEXT NOT NULL, "FIELD" TEXT NOT NULL, "SEQ" INTEGER NOT '
                       'NULL, "VON" TEXT NOT NULL, PRIMARY KEY ("BNAME", "OBJCT", "AUTH", '
                       '"FIELD", "SEQ")) WITHOUT ROWID')
        user = user.upper()
        db.execute(f'DELETE FROM "{AUTH_TABLE}" WHERE "BNAME" = ?', (user,))
        db.executemany(f'INSERT INTO "{AUTH_TABLE}" VALUES (?, ?, ?, ?, ?, ?)',
                       [(user, g.object, f"{n:02d}", field, seq, value)
                        for n, g in enumerate(role, start=1)
                        for field, values in g.fields.items()
                        for seq, value in enumerate(values)])
        db.execute("COMMIT")
    finally:
        db.close()


def without(role: Role, obj: str) -> Role:
    """``role`` with no authorisation for ``obj`` (what a test revokes)."""
    return tuple(g for g in role if g.object != obj)


def role_of(path: Path, user: str = "ARBOTS") -> Role:
    """The authorisations ``user`` has in the sandbox at ``path``."""
    db = open_db(Path(path))
    try:
        return Authority.load(db, user.upper()).role
    finally:
        db.close()
