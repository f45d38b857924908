"""Credit holds on S/4HANA: blocked sales documents, credit accounts, the release.

The same records as the ECC road (:mod:`bots.sap.credit`), over the released APIs:

* blocked orders from ``API_SLS_DOC_WITH_CREDIT_BLOCK/A_CreditBlockedSalesDocument``
  (the set holds blocked documents only, ``TotalCreditCheckStatus`` ``B``);
  the credit account is ``CustomerCreditAccount`` (S/4 Credit Management
  keeps one credit account per business partner; an order of a customer with
  a credit-limit reference counts against the referenced account), the
  credit area ``CreditControlArea``;
* credit masters from ``API_CRDTMBUSINESSPARTNER/CreditManagementAccount`` of
  the credit segment named like the credit control area: limit
  ``CreditLimitAmount``, exposure ``CreditExposureAmount``, both in
  ``CreditSegmentCurrency`` (an account in another currency than asked for
  is a :class:`SapBusinessError`, not a silent conversion);
* the release through the function import ``ReleaseCreditBlock``
  (``SalesDocument`` and ``SDDocumentCategory``), which re-runs SAP's credit
  check and commits on its own (there is no LUW to commit afterwards). Check
  before write: an order no longer in the blocked set counts as released
  (``True``, as the ECC wrapper's ``E_EXISTING``): the set lists blocked
  documents only, so "released meanwhile" (by arbots before a crash, or in
  the Fiori app) and "never blocked" look the same; the credit bot only
  releases orders it has just read as blocked. A refusal (re-check failed,
  not blocked, unknown) is the service's 4xx, raised as
  :class:`SapBusinessError` with its message. The API takes no note text:
  the ECC road's note on the order is not written on S/4.

Entity sets, the function import and its parameters, and the properties
above were checked against public sources (:mod:`bots.sandbox.s4.credit`,
*Provenance*) except two that SAP's published contract does **not** have:
``CreditControlArea`` of a blocked document and ``CreditExposureAmount`` of
a credit account. Against a real system the S/4 road cannot read them as
it stands; ``runbooks/credit-holds.md`` says what that means.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bots.domain import to_minor
from bots.sap.credit import BlockedOrder, CreditMaster
from bots.sap.errors import SapBusinessError
from bots.sap.s4.odata import ODataClient, quote

SALES = ("API_SLS_DOC_WITH_CREDIT_BLOCK", "A_CreditBlockedSalesDocument")
ACCOUNTS = ("API_CRDTMBUSINESSPARTNER", "CreditManagementAccount")
RELEASE = "ReleaseCreditBlock"
CHUNK = 40  # business partners per $filter (URL length)
DOCUMENT_PROPERTIES = ("SalesDocument", "SoldToParty", "CustomerCreditAccount",
                       "CreditControlArea", "TotalNetAmount", "TransactionCurrency")


def blocked_orders(odata: ODataClient) -> list[BlockedOrder]:
    """Every sales document blocked for credit, in document-number order."""
    rows = odata.entities(*SALES, filter="TotalCreditCheckStatus eq 'B'",
                          select=DOCUMENT_PROPERTIES)
    return sorted((_order(row) for row in rows), key=lambda o: o.order)


def _order(row: dict[str, Any]) -> BlockedOrder:
    currency = row["TransactionCurrency"]
    return BlockedOrder(row["SalesDocument"], row["SoldToParty"],
                        row["CustomerCreditAccount"] or row["SoldToParty"],
                        row["CreditControlArea"],
                        to_minor(Decimal(row["TotalNetAmount"]), currency), currency)


def credit_masters(odata: ODataClient, accounts: Sequence[str], credit_area: str,
                   currency: str) -> dict[str, CreditMaster]:
    """The credit accounts of ``accounts`` in segment ``credit_area``, by account."""
    numbers = sorted(set(accounts))
    found = {}
    for start in range(0, len(numbers), CHUNK):
        partners = " or ".join(f"BusinessPartner eq {quote(n)}"
                               for n in numbers[start:start + CHUNK])
        for row in odata.entities(
                *ACCOUNTS, filter=f"CreditSegment eq {quote(credit_area)} and ({partners})",
                select=("BusinessPartner", "CreditSegment", "CreditLimitAmount",
                        "CreditExposureAmount", "CreditSegmentCurrency")):
            if row["CreditSegmentCurrency"] != currency:
                raise SapBusinessError(
                    f"{ACCOUNTS[1]} {row['BusinessPartner']}/{row['CreditSegment']}: credit "
                    f"segment currency {row['CreditSegmentCurrency']}, expected {currency} "
                    "([credit] currency)")
            found[row["BusinessPartner"]] = CreditMaster(
                row["BusinessPartner"], row["CreditSegment"],
                to_minor(Decimal(row["CreditLimitAmount"]), currency),
                to_minor(Decimal(row["CreditExposureAmount"]), currency))
    return found


def release_order(odata: ODataClient, order: str) -> bool:
    """Release ``order`` after SAP's re-check; True when it was no longer blocked.
    Raises SapBusinessError with the service's message when SAP refuses."""
    blocked = list(odata.entities(*SALES, filter=f"SalesDocument eq {quote(order)}",
                                  select=("SalesDocument", "SDDocumentCategory"), top=1))
    if not blocked:
        return True
    odata.call_function(SALES[0], RELEASE,
                        {"SalesDocument": quote(order),
                         "SDDocumentCategory": quote(blocked[0]["SDDocumentCategory"])},
                        what=f"{SALES[0]}/{RELEASE} of sales document {order}")
    return False
