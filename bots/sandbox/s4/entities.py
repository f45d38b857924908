"""The S/4 simulator's entity sets, computed from the SAP sandbox's tables.

Each entity set is a name, its service, its key, its properties (name and
Python type: ``str`` for Edm.String, ``date`` for Edm.DateTime, ``Decimal``
for Edm.Decimal, ``bool`` for Edm.Boolean) and a function reading its rows
in key order from the sandbox SQLite file, the same file the RFC simulator
answers from:

* ``A_OperationalAcctgDocItemCube`` (``API_OPLACCTGDOCITEMCUBE_SRV``): the
  customer items of BSID (open: ``ClearingAccountingDocument`` empty,
  ``IsCleared`` false) and BSAD (cleared: clearing document and date).
  Amounts are external and signed, as the service gives them
  (``AmountInTransactionCurrency`` 150000 for 150,000 yen, negative on the
  credit side); ``NetDueDate`` and ``CashDiscount1DueDate`` are computed by
  SAP's rules (:func:`bots.domain.due_dates`). ``AmountInCompanyCodeCurrency``
  is ``DMBTR`` signed, in the company code's ``CompanyCodeCurrency``
  (``T001-WAERS``). Noted items (BSTAT ``S``) are
  statistical and not in the cube.
* ``A_Customer`` (KNA1), ``A_CustomerCompany`` (KNB1), ``A_CustomerDunning``
  (KNB5), ``A_BusinessPartner`` and ``A_BusinessPartnerAddress`` (KNA1, the
  language as its ISO code; the business partner number is the customer
  number, as with the usual CVI set-up) of ``API_BUSINESS_PARTNER``.
* ``LockboxBatchItem`` (``API_LOCKBOXPOST_IN``): the checks of the lockbox
  batches received (:mod:`bots.sandbox.s4.lockbox`, which also takes the
  batches in);
* ``A_BillingDocument``, ``A_BillingDocumentItem`` and
  ``A_BillingDocumentItemPrcgElmnt`` (``API_BILLING_DOCUMENT_SRV``) and
  ``A_SalesOrderItem`` (``API_SALES_ORDER_SRV``): SD billing, see
  :mod:`bots.sandbox.s4.billing`;
* ``AttachmentContentSet`` (``API_CV_ATTACHMENT_SRV``): files attached to
  documents and customers (the s4 road's notes), see
  :mod:`bots.sandbox.s4.attachments`;
* ``A_CreditBlockedSalesDocument`` (``API_SLS_DOC_WITH_CREDIT_BLOCK``),
  ``CreditManagementAccount`` (``API_CRDTMBUSINESSPARTNER``) and
  ``A_SalesOrder`` (``API_SALES_ORDER_SRV``): credit holds, see
  :mod:`bots.sandbox.s4.credit`.

Only the properties arbots reads, and the keys, are served: a subset of the
published entity types (see :mod:`bots.sandbox.s4`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bots.domain import due_dates
from bots.sandbox.s4 import attachments, billing, credit, lockbox
from bots.sandbox.s4.values import currency_decimals, external, sap_date
from bots.sap.values import ISO_LANGUAGES

Row = dict[str, Any]
CUBE_SERVICE = "API_OPLACCTGDOCITEMCUBE_SRV"
BP_SERVICE = "API_BUSINESS_PARTNER"


@dataclass(frozen=True)
class EntitySet:
    """One entity set: where it lives, its key and properties, how to read its rows."""

    service: str
    name: str
    key: tuple[str, ...]
    properties: dict[str, type]
    read: Callable[[sqlite3.Connection], list[Row]]

    @property
    def type_name(self) -> str:
        return f"{self.service}.{self.name}Type"


_CUBE_COLUMNS = ("BUKRS", "GJAHR", "BELNR", "BUZEI", "KUNNR", "UMSKZ", "SHKZG", "BUDAT",
                 "BLDAT", "BLART", "XBLNR", "ZUONR", "SGTXT", "WAERS", "WRBTR", "ZFBDT",
                 "ZTERM", "ZBD1T", "ZBD2T", "ZBD3T", "ZBD1P", "REBZG", "MANST", "MANSP",
                 "AUGBL", "AUGDT", "DMBTR")


def _cube_rows(db: sqlite3.Connection) -> list[Row]:
    decimals = currency_decimals(db)
    local = dict(db.execute('SELECT BUKRS, WAERS FROM "T001"').fetchall())
    columns = ", ".join(f'"{c}"' for c in _CUBE_COLUMNS)
    rows = []
    for table in ("BSID", "BSAD"):
        for values in db.execute(f'SELECT {columns} FROM "{table}" WHERE BSTAT <> \'S\''):
            rows.append(_cube_row(dict(zip(_CUBE_COLUMNS, values, strict=True)), decimals,
                                  local))
    rows.sort(key=lambda r: (r["CompanyCode"], r["FiscalYear"], r["AccountingDocument"],
                             r["AccountingDocumentItem"]))
    return rows


def _cube_row(r: Row, decimals: dict[str, int], local: dict[str, str]) -> Row:
    currency, local_currency = r["WAERS"], local[r["BUKRS"]]
    amount = external(r["WRBTR"], currency, decimals)
    local_amount = external(r["DMBTR"], local_currency, decimals)
    credit = r["SHKZG"] == "H"
    baseline = sap_date(r["ZFBDT"]) or sap_date(r["BLDAT"])
    assert baseline is not None, "every sandbox item has a document date"
    pct = Decimal(r["ZBD1P"]).scaleb(-3)
    due, discount = due_dates(baseline, r["ZBD1T"], r["ZBD2T"], r["ZBD3T"], pct,
                              credit_memo_unlinked=credit and not r["REBZG"])
    return {
        "CompanyCode": r["BUKRS"], "FiscalYear": r["GJAHR"],
        "AccountingDocument": r["BELNR"], "AccountingDocumentItem": r["BUZEI"],
        "FinancialAccountType": "D", "Customer": r["KUNNR"], "SpecialGLCode": r["UMSKZ"],
        "DebitCreditCode": r["SHKZG"], "PostingDate": sap_date(r["BUDAT"]),
        "DocumentDate": sap_date(r["BLDAT"]), "AccountingDocumentType": r["BLART"],
        "DocumentReferenceID": r["XBLNR"], "AssignmentReference": r["ZUONR"],
        "DocumentItemText": r["SGTXT"], "TransactionCurrency": currency,
        "AmountInTransactionCurrency": -amount if credit else amount,
        "CompanyCodeCurrency": local_currency,
        "AmountInCompanyCodeCurrency": -local_amount if credit else local_amount,
        "DueCalculationBaseDate": baseline, "PaymentTerms": r["ZTERM"],
        "CashDiscount1Days": Decimal(r["ZBD1T"]), "CashDiscount2Days": Decimal(r["ZBD2T"]),
        "NetPaymentDays": Decimal(r["ZBD3T"]), "CashDiscount1Percent": pct,
        "NetDueDate": due, "CashDiscount1DueDate": discount,
        "InvoiceReference": r["REBZG"], "DunningLevel": str(r["MANST"] or "0"),
        "DunningBlockingReason": r["MANSP"],
        "ClearingAccountingDocument": r["AUGBL"], "ClearingDate": sap_date(r["AUGDT"]),
        "IsCleared": bool(r["AUGBL"]),
    }


_CUBE_TYPES: dict[str, type] = {
    name: str for name in (
        "CompanyCode", "FiscalYear", "AccountingDocument", "AccountingDocumentItem",
        "FinancialAccountType", "Customer", "SpecialGLCode", "DebitCreditCode",
        "AccountingDocumentType", "DocumentReferenceID", "AssignmentReference",
        "DocumentItemText", "TransactionCurrency", "CompanyCodeCurrency", "PaymentTerms",
        "InvoiceReference", "DunningLevel", "DunningBlockingReason",
        "ClearingAccountingDocument")}
_CUBE_TYPES.update({name: date for name in (
    "PostingDate", "DocumentDate", "DueCalculationBaseDate", "NetDueDate",
    "CashDiscount1DueDate", "ClearingDate")})
_CUBE_TYPES.update({name: Decimal for name in (
    "AmountInTransactionCurrency", "AmountInCompanyCodeCurrency", "CashDiscount1Days",
    "CashDiscount2Days", "NetPaymentDays", "CashDiscount1Percent")})
_CUBE_TYPES["IsCleared"] = bool


def _customers(db: sqlite3.Connection) -> list[Row]:
    return [{"Customer": kunnr, "CustomerName": name1,
             "CustomerFullName": " ".join(n for n in (name1, name2) if n),
             "CustomerCorporateGroup": konzs}
            for kunnr, name1, name2, konzs in db.execute(
                'SELECT KUNNR, NAME1, NAME2, KONZS FROM "KNA1" ORDER BY KUNNR')]


def _customer_companies(db: sqlite3.Connection) -> list[Row]:
    return [{"Customer": kunnr, "CompanyCode": bukrs, "PaymentTerms": zterm,
             "AccountingClerk": busab, "AccountingClerkInternetAddress": intad,
             "ReconciliationAccount": akont}
            for kunnr, bukrs, zterm, busab, intad, akont in db.execute(
                'SELECT KUNNR, BUKRS, ZTERM, BUSAB, INTAD, AKONT FROM "KNB1" '
                "ORDER BY KUNNR, BUKRS")]


def _partners(db: sqlite3.Connection) -> list[Row]:
    return [{"BusinessPartner": kunnr, "Customer": kunnr, "BusinessPartnerCategory": "2",
             "OrganizationBPName1": name1,
             "BusinessPartnerFullName": " ".join(n for n in (name1, name2) if n)}
            for kunnr, name1, name2 in db.execute(
                'SELECT KUNNR, NAME1, NAME2 FROM "KNA1" ORDER BY KUNNR')]


def _addresses(db: sqlite3.Connection) -> list[Row]:
    return [{"BusinessPartner": kunnr, "AddressID": "1", "Country": land1, "CityName": ort01,
             "Language": ISO_LANGUAGES.get(spras, spras)}
            for kunnr, land1, ort01, spras in db.execute(
                'SELECT KUNNR, LAND1, ORT01, SPRAS FROM "KNA1" ORDER BY KUNNR')]


def _dunning(db: sqlite3.Connection) -> list[Row]:
    return [{"Customer": kunnr, "CompanyCode": bukrs, "DunningArea": maber,
             "DunningProcedure": mahna, "DunningBlock": mansp, "DunningLevel": str(mahns),
             "LastDunnedOn": sap_date(madat)}
            for kunnr, bukrs, maber, mahna, mansp, mahns, madat in db.execute(
                'SELECT KUNNR, BUKRS, MABER, MAHNA, MANSP, MAHNS, MADAT FROM "KNB5" '
                "ORDER BY KUNNR, BUKRS, MABER")]


def _strings(*names: str) -> dict[str, type]:
    return dict.fromkeys(names, str)


ENTITY_SETS: dict[tuple[str, str], EntitySet] = {(e.service, e.name): e for e in (
    EntitySet(CUBE_SERVICE, "A_OperationalAcctgDocItemCube",
              ("CompanyCode", "FiscalYear", "AccountingDocument", "AccountingDocumentItem"),
              _CUBE_TYPES, _cube_rows),
    EntitySet(BP_SERVICE, "A_Customer", ("Customer",),
              _strings("Customer", "CustomerName", "CustomerFullName",
                       "CustomerCorporateGroup"), _customers),
    EntitySet(BP_SERVICE, "A_CustomerCompany", ("Customer", "CompanyCode"),
              _strings("Customer", "CompanyCode", "PaymentTerms", "AccountingClerk",
                       "AccountingClerkInternetAddress", "ReconciliationAccount"),
              _customer_companies),
    EntitySet(BP_SERVICE, "A_BusinessPartner", ("BusinessPartner",),
              _strings("BusinessPartner", "Customer", "BusinessPartnerCategory",
                       "OrganizationBPName1", "BusinessPartnerFullName"), _partners),
    EntitySet(BP_SERVICE, "A_BusinessPartnerAddress", ("BusinessPartner", "AddressID"),
              _strings("BusinessPartner", "AddressID", "Country", "CityName", "Language"),
              _addresses),
    EntitySet(BP_SERVICE, "A_CustomerDunning", ("Customer", "CompanyCode", "DunningArea"),
              {**_strings("Customer", "CompanyCode", "DunningArea", "DunningProcedure",
                          "DunningBlock", "DunningLevel"), "LastDunnedOn": date}, _dunning),
    EntitySet(credit.SALES_SERVICE, credit.SALES_SET, ("SalesDocument",),
              credit.DOCUMENT_TYPES, credit.blocked_documents),
    EntitySet(credit.CREDIT_SERVICE, credit.ACCOUNT_SET, ("BusinessPartner", "CreditSegment"),
              credit.ACCOUNT_TYPES, credit.credit_accounts),
    EntitySet(billing.SALES_ORDER_SERVICE, credit.ORDER_SET, ("SalesOrder",),
              credit.ORDER_TYPES, credit.sales_orders),
    EntitySet(lockbox.SERVICE, "LockboxBatchItem", ("LockboxBatchInternalKey", "LockboxBatchItem"),
              lockbox.ITEM_TYPES, lockbox.item_rows),
    EntitySet(billing.BILLING_SERVICE, "A_BillingDocument", ("BillingDocument",),
              billing.DOCUMENT_TYPES, billing.billing_documents),
    EntitySet(billing.BILLING_SERVICE, "A_BillingDocumentItem",
              ("BillingDocument", "BillingDocumentItem"), billing.ITEM_TYPES,
              billing.billing_items),
    EntitySet(billing.BILLING_SERVICE, "A_BillingDocumentItemPrcgElmnt",
              ("BillingDocument", "BillingDocumentItem", "PricingProcedureStep",
               "PricingProcedureCounter"), billing.PRICING_TYPES, billing.pricing_elements),
    EntitySet(billing.SALES_ORDER_SERVICE, "A_SalesOrderItem", ("SalesOrder", "SalesOrderItem"),
              billing.SALES_ITEM_TYPES, billing.sales_order_items),
    EntitySet(attachments.SERVICE, attachments.ENTITY_SET, attachments.KEY_PROPERTIES,
              attachments.ENTITY_TYPES, attachments.all_rows),
)}

FunctionImport = Callable[[Path, Callable[[], date], dict[str, str]], Row]
"""A function import: (sandbox file, clock, the URL parameters) -> the entity it answers
(or an :class:`~bots.sandbox.s4.odata.ODataError`); it commits its own writes."""

FUNCTION_IMPORTS: dict[tuple[str, str], tuple[FunctionImport, EntitySet]] = {
    (credit.SALES_SERVICE, credit.RELEASE): (
        credit.release_credit_block,
        ENTITY_SETS[(credit.SALES_SERVICE, credit.SALES_SET)]),
}
