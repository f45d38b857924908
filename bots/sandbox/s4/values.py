"""Values as the S/4 simulator serves them from the sandbox tables: dates and external amounts.

The sandbox keeps SAP's internal forms (DATS text, CURR amounts in minor units,
see :mod:`bots.sandbox.sap.store`); the OData services give dates and external
amounts (150000 yen is ``150000``, 12.50 euro is ``12.50``).
"""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

from bots.domain import quantize
from bots.sap.values import parse_dats


def sap_date(text: str) -> date | None:
    """A DATS value (``'20260412'``) as a date; blank or ``'00000000'``: None."""
    return parse_dats(text or "")


def currency_decimals(db: sqlite3.Connection) -> dict[str, int]:
    """Decimals per currency that differs from 2 (TCURX)."""
    return dict(db.execute('SELECT CURRKEY, CURRDEC FROM "TCURX"').fetchall())


def external(minor: int, currency: str, decimals: dict[str, int]) -> Decimal:
    """An amount stored in minor units, as the services give it (rounded to the
    currency's decimals)."""
    return quantize(Decimal(minor).scaleb(-decimals.get(currency, 2)), currency)
