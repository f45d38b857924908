"""Open posting periods (OB52, table T001B) in the simulator.

A posting date is allowed when its period (the sandbox's fiscal year is the
calendar year, a period is a month) lies within ``FRYE1/FRPE1`` to
``TOYE1/TOPE1`` of the company code's ``+`` row (all account types) and of
its ``D`` row (customers) when there is one. No ``+`` row: every period is
closed, as in SAP. A closed period is SAP's message F5 201 ("Posting period
&1 &2 is not open"); here ZARBOTS 041, naming the period, the year and the
company code.
"""

from __future__ import annotations

from bots.sandbox.sap.errors import abap_error
from bots.sandbox.sap.refused import Refused
from bots.sandbox.sap.session import Session


def require_periods(session: Session) -> None:
    """An ABAP exception naming the fix when the sandbox file predates posting periods
    and reversals (no T001B, no BKPF-STGRD): created by an older arbots."""
    columns = {row[1] for row in session.db.execute('PRAGMA table_info("BKPF")')}
    tables = {row[0] for row in session.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'T001B'")}
    if "T001B" not in tables or "STGRD" not in columns:
        raise abap_error("SANDBOX_OUTDATED", "the sandbox database was created by an older "
                         "arbots (no posting periods, table T001B): run `arbots sandbox reset`")


def period_open(session: Session, bukrs: str, budat: str) -> bool:
    """Whether the posting date ``budat`` (YYYYMMDD) is in an open period of ``bukrs``."""
    wanted = (budat[:4], f"{int(budat[4:6]):03d}")
    rows = session.db.execute(
        'SELECT "MKOAR", "FRYE1", "FRPE1", "TOYE1", "TOPE1" FROM "T001B" '
        "WHERE \"BUKRS\" = ? AND \"MKOAR\" IN ('+', 'D')", (bukrs,)).fetchall()
    if not any(row[0] == "+" for row in rows):
        return False
    return all((fy, fp) <= wanted <= (ty, tp) for _, fy, fp, ty, tp in rows)


def closed_period(bukrs: str, budat: str) -> Refused:
    """The refusal of a posting into the closed period of ``budat``."""
    period, year = f"{int(budat[4:6]):03d}", budat[:4]
    return Refused("041", f"Posting period {period} {year} is not open in company code "
                          f"{bukrs}", period, year, bukrs)


def check_period(session: Session, bukrs: str, budat: str) -> None:
    """Refused (ZARBOTS 041) when ``budat`` is in a closed period of ``bukrs``."""
    if budat == "00000000" or not period_open(session, bukrs, budat):
        raise closed_period(bukrs, budat)
