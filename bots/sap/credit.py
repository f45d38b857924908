"""SD credit holds (ECC): blocked sales orders, credit masters, and the release wrapper.

Reads over ``RFC_READ_TABLE``: the orders whose overall credit status
``VBUK-CMGST`` is ``B`` (blocked) with their ``VBAK`` header, and the credit
master ``KNKK`` (limit ``KLIMK``; exposure = receivables ``SKFOR`` + special
liabilities ``SSOBL`` + sales value ``SAUFT``). Amounts are integer minor
units of the credit control area's currency.

Releasing goes through our wrapper ``Z_ARBOTS_CREDIT_RELEASE`` (ECC has no
BAPI for it): SAP re-runs its own credit check and refuses with a RETURN
message (raised as :class:`SapBusinessError` with SAP's words); an order
already released answers ``E_EXISTING``. The caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bots.domain import to_minor
from bots.sap.errors import raise_for_return
from bots.sap.read_table import TableReader, Where
from bots.sap.rfc import Rfc

FUNCTION = "Z_ARBOTS_CREDIT_RELEASE"
NOTE_WIDTH = 132


@dataclass(frozen=True)
class BlockedOrder:
    """A sales order blocked for credit (VBUK-CMGST B)."""

    order: str
    customer: str
    credit_account: str
    credit_area: str
    value_minor: int
    currency: str


@dataclass(frozen=True)
class CreditMaster:
    """KNKK of one credit account: limit and exposure in minor units."""

    customer: str
    credit_area: str
    limit_minor: int
    exposure_minor: int


def blocked_orders(reader: TableReader) -> list[BlockedOrder]:
    """Every sales order whose overall credit status is B, in order-number order."""
    numbers = [row["VBELN"] for row in reader.rows("VBUK", ["VBELN"],
                                                     Where().eq("CMGST", "B"))]
    if not numbers:
        return []
    rows = reader.rows("VBAK", ["VBELN", "KUNNR", "NETWR", "WAERK", "KKBER", "KNKLI"],
                       Where().isin("VBELN", numbers))
    return sorted((BlockedOrder(r["VBELN"], r["KUNNR"], r["KNKLI"] or r["KUNNR"], r["KKBER"],
                                to_minor(r["NETWR"] or "0", r["WAERK"]), r["WAERK"])
                   for r in rows), key=lambda o: o.order)


def credit_masters(reader: TableReader, accounts: Sequence[str], credit_area: str,
                   currency: str) -> dict[str, CreditMaster]:
    """KNKK of ``accounts`` in ``credit_area`` (amounts in ``currency``), by account."""
    if not accounts:
        return {}
    found = {}
    for r in reader.rows("KNKK", ["KUNNR", "KKBER", "KLIMK", "SKFOR", "SSOBL", "SAUFT"],
                         Where().eq("KKBER", credit_area).isin("KUNNR", sorted(set(accounts)))):
        exposure = sum(to_minor(r[f] or "0", currency) for f in ("SKFOR", "SSOBL", "SAUFT"))
        found[r["KUNNR"]] = CreditMaster(r["KUNNR"], r["KKBER"],
                                         to_minor(r["KLIMK"] or "0", currency), exposure)
    return found


def release_order(rfc: Rfc, order: str, note: Sequence[str], *, testrun: bool = False) -> bool:
    """Release ``order`` after SAP's re-check (commit afterwards); True when it was already
    released. Raises SapBusinessError with SAP's message when SAP refuses."""
    result = rfc.call(FUNCTION, write=not testrun, I_VBELN=order,
                      I_TESTRUN="X" if testrun else "",
                      T_LINES=[{"TDFORMAT": "*", "TDLINE": line[:NOTE_WIDTH]} for line in note])
    raise_for_return(FUNCTION, result["RETURN"])
    return result["E_EXISTING"] == "X"
