"""Credit holds on S/4HANA: blocked sales documents, credit accounts, the release.

The same records as the ECC road (:mod:`bots.sap.credit`), over released APIs
and only properties of SAP's published contract:

* blocked orders from ``API_SLS_DOC_WITH_CREDIT_BLOCK/A_CreditBlockedSalesDocument``
  (the set holds blocked documents only, ``TotalCreditCheckStatus`` ``B``);
  the credit account is ``CustomerCreditAccount`` (S/4 Credit Management
  keeps one credit account per business partner; an order of a customer with
  a credit-limit reference counts against the referenced account). The set
  names no credit segment: every order is taken to be in the configured one
  (``[credit] credit_area``, the caller passes it);
* the limit from ``API_CRDTMBUSINESSPARTNER/CreditManagementAccount`` of that
  credit segment: ``CreditLimitAmount`` in ``CreditSegmentCurrency`` (an
  account in another currency than asked for is a :class:`SapBusinessError`,
  not a silent conversion);
* the exposure: SAP Credit Management's own exposure is offered by no released
  OData API we could verify, so arbots **approximates it for its proposal
  only**: the open receivables of the account's customers (the account
  itself and the sold-to parties of its blocked documents) from
  ``API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube``
  (``AmountInCompanyCodeCurrency`` of open customer items without special
  G/L indicator in company codes whose ``CompanyCodeCurrency`` is the
  segment's), plus the net value of their open sales orders not blocked for
  credit from ``API_SALES_ORDER_SRV/A_SalesOrder`` (``TotalNetAmount`` in the
  segment's currency, ``OverallSDProcessStatus`` not ``C``,
  ``TotalCreditCheckStatus`` not ``B``). The blocked orders are not in it: the
  policy adds the order it assesses, as on ECC, where they are not in the
  sales value either. Not counted (so the estimate may be low): special
  liabilities, deliveries and billing documents not yet in FI, company codes
  in other currencies, customers that point to the account without a blocked
  order. Counted high: a partly billed order's full value. A too optimistic
  proposal does no harm: the release below runs SAP's own credit re-check,
  which refuses it with SAP's message;
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

Names checked against public sources: see :mod:`bots.sandbox.s4.credit`,
*Provenance*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from bots.domain import to_minor
from bots.sap.credit import BlockedOrder, CreditMaster
from bots.sap.errors import SapBusinessError
from bots.sap.s4.odata import ODataClient, quote

SALES = ("API_SLS_DOC_WITH_CREDIT_BLOCK", "A_CreditBlockedSalesDocument")
ACCOUNTS = ("API_CRDTMBUSINESSPARTNER", "CreditManagementAccount")
CUBE = ("API_OPLACCTGDOCITEMCUBE_SRV", "A_OperationalAcctgDocItemCube")
ORDERS = ("API_SALES_ORDER_SRV", "A_SalesOrder")
RELEASE = "ReleaseCreditBlock"
CHUNK = 40  # business partners per $filter (URL length)
DOCUMENT_PROPERTIES = ("SalesDocument", "SoldToParty", "CustomerCreditAccount",
                       "TotalNetAmount", "TransactionCurrency")


def blocked_orders(odata: ODataClient, credit_segment: str) -> list[BlockedOrder]:
    """Every sales document blocked for credit, in document-number order, each in
    ``credit_segment`` (the configured one: the API names none)."""
    rows = odata.entities(*SALES, filter="TotalCreditCheckStatus eq 'B'",
                          select=DOCUMENT_PROPERTIES)
    return sorted((_order(row, credit_segment) for row in rows), key=lambda o: o.order)


def _order(row: dict[str, Any], credit_segment: str) -> BlockedOrder:
    currency = row["TransactionCurrency"]
    return BlockedOrder(row["SalesDocument"], row["SoldToParty"],
                        row["CustomerCreditAccount"] or row["SoldToParty"], credit_segment,
                        to_minor(Decimal(row["TotalNetAmount"]), currency), currency)


def credit_masters(odata: ODataClient, accounts: Sequence[str], credit_segment: str,
                   currency: str) -> dict[str, CreditMaster]:
    """The credit accounts of ``accounts`` in ``credit_segment``, by account: SAP's limit
    and arbots' approximate exposure (module docstring), in ``currency``."""
    limits = _limits(odata, sorted(set(accounts)), credit_segment, currency)
    customers = _customers(odata, sorted(limits))
    everyone = sorted({c for group in customers.values() for c in group})
    receivables = _sum_by(odata, CUBE, "Customer", everyone, (
        "FinancialAccountType eq 'D' and SpecialGLCode eq '' and IsCleared eq false and "
        f"CompanyCodeCurrency eq {quote(currency)}"), "AmountInCompanyCodeCurrency", currency)
    orders = _sum_by(odata, ORDERS, "SoldToParty", everyone, (
        "OverallSDProcessStatus ne 'C' and TotalCreditCheckStatus ne 'B' and "
        f"TransactionCurrency eq {quote(currency)}"), "TotalNetAmount", currency)
    return {account: CreditMaster(account, credit_segment, limit, sum(
                receivables.get(c, 0) + orders.get(c, 0) for c in customers[account]))
            for account, limit in limits.items()}


def _any_of(name: str, values: Sequence[str]) -> Iterator[str]:
    """``(name eq 'a' or name eq 'b' ...)`` per :data:`CHUNK` values."""
    for start in range(0, len(values), CHUNK):
        yield "(" + " or ".join(f"{name} eq {quote(v)}"
                                for v in values[start:start + CHUNK]) + ")"


def _limits(odata: ODataClient, accounts: Sequence[str], credit_segment: str,
            currency: str) -> dict[str, int]:
    """CreditLimitAmount per business partner of ``accounts`` in ``credit_segment``."""
    found = {}
    for partners in _any_of("BusinessPartner", accounts):
        for row in odata.entities(
                *ACCOUNTS, filter=f"CreditSegment eq {quote(credit_segment)} and {partners}",
                select=("BusinessPartner", "CreditSegment", "CreditLimitAmount",
                        "CreditSegmentCurrency")):
            if row["CreditSegmentCurrency"] != currency:
                raise SapBusinessError(
                    f"{ACCOUNTS[1]} {row['BusinessPartner']}/{row['CreditSegment']}: credit "
                    f"segment currency {row['CreditSegmentCurrency']}, expected {currency} "
                    "([credit] currency)")
            found[row["BusinessPartner"]] = to_minor(Decimal(row["CreditLimitAmount"]),
                                                     currency)
    return found


def _customers(odata: ODataClient, accounts: Sequence[str]) -> dict[str, set[str]]:
    """Per credit account: itself and the sold-to parties of its blocked documents."""
    found = {account: {account} for account in accounts}
    for condition in _any_of("CustomerCreditAccount", accounts):
        for row in odata.entities(*SALES, filter=condition,
                                  select=("SoldToParty", "CustomerCreditAccount")):
            found[row["CustomerCreditAccount"]].add(row["SoldToParty"])
    return found


def _sum_by(odata: ODataClient, where: tuple[str, str], partner: str,
            partners: Sequence[str], condition: str, amount: str,
            currency: str) -> Mapping[str, int]:
    """Minor units of ``amount`` summed per ``partner`` over the rows of ``where``."""
    total: dict[str, int] = defaultdict(int)
    for chunk in _any_of(partner, partners):
        for row in odata.entities(*where, filter=f"{condition} and {chunk}",
                                  select=(partner, amount)):
            total[row[partner]] += to_minor(Decimal(row[amount]), currency)
    return total


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
