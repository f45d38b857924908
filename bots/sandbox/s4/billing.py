"""SD billing documents in the S/4 simulator: API_BILLING_DOCUMENT_SRV and the sales order items.

Served from the sandbox tables the ECC road reads (:mod:`bots.sandbox.sap.billing`:
``VBRK``, ``VBRP``, ``VBKD``, ``KONV``), so both roads see the same invoices
with the same lines:

* ``A_BillingDocument``: ``BillingDocument``, ``BillingDocumentType``,
  ``SalesOrganization``, ``BillingDocumentDate``, ``CompanyCode`` and the
  accounting document it posted (``FiscalYear``, ``AccountingDocument``, as
  the customer item names its billing document in BSID/BSAD-VBELN),
  ``SoldToParty``, ``PayerParty``, ``PurchaseOrderByCustomer`` (the sales
  order's header PO number), ``DocumentReferenceID``, ``TransactionCurrency``
  and the external amounts ``TotalNetAmount``, ``TaxAmount``,
  ``TotalGrossAmount``;
* ``A_BillingDocumentItem``: ``BillingDocumentItem``, ``Material``,
  ``BillingDocumentItemText``, ``BillingQuantity`` in
  ``BillingQuantityUnit``, ``NetAmount``, ``TaxAmount``, ``SalesDocument``
  and ``SalesDocumentItem``. The unit is the commercial one, as the OData
  APIs give units in their external form (``PC`` for SAP's internal ``ST``,
  English), not the ISO code;
* ``A_BillingDocumentItemPrcgElmnt``: one price element (``ConditionClass``
  ``B``, ``ConditionRateValue`` the price per ``ConditionQuantity``) and one
  output tax element (``ConditionClass`` ``D``, ``ConditionRateValue`` the
  percentage, ``TaxCode``) per item, with ``ConditionAmount``;
* ``API_SALES_ORDER_SRV/A_SalesOrderItem``: ``PurchaseOrderByCustomer`` and
  ``UnderlyingPurchaseOrderItem`` (the customer's PO line, VBKD-POSEX_E) of
  each order item.

**Provenance.** Entity and property names are those of SAP's published EDMX of
API_BILLING_DOCUMENT_SRV (read from a public project's copy; not vendored)
and of A_SalesOrderItem in API_SALES_ORDER_SRV (from SAP's documentation).
Only the properties arbots reads, and the keys, are served.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from typing import Any

from bots.sandbox.s4.values import currency_decimals, external, sap_date

Row = dict[str, Any]
BILLING_SERVICE = "API_BILLING_DOCUMENT_SRV"
SALES_ORDER_SERVICE = "API_SALES_ORDER_SRV"
COMMERCIAL_UNITS = {"ST": "PC", "H": "H", "KG": "KG"}  # internal -> English commercial


def billing_documents(db: sqlite3.Connection) -> list[Row]:
    """A_BillingDocument rows in key order."""
    decimals = currency_decimals(db)
    posted = {vbeln: (bukrs, gjahr, belnr) for table in ("BSID", "BSAD")
              for vbeln, bukrs, gjahr, belnr in db.execute(
                  f'SELECT VBELN, BUKRS, GJAHR, BELNR FROM "{table}" WHERE VBELN <> \'\'')}
    orders = {vbeln: bstkd for vbeln, bstkd in db.execute(
        'SELECT VBELN, BSTKD FROM "VBKD" WHERE POSNR = \'000000\'')}
    first_order = dict(db.execute('SELECT VBELN, MIN(AUBEL) FROM "VBRP" GROUP BY VBELN'))
    rows = []
    for (vbeln, fkart, waerk, vkorg, fkdat, bukrs, kunag, kunrg, xblnr, netwr,
         mwsbk) in db.execute(
            'SELECT VBELN, FKART, WAERK, VKORG, FKDAT, BUKRS, KUNAG, KUNRG, XBLNR, NETWR, '
            'MWSBK FROM "VBRK" ORDER BY VBELN'):
        company, year, document = posted.get(vbeln, (bukrs, "", ""))
        net, tax = external(netwr, waerk, decimals), external(mwsbk, waerk, decimals)
        rows.append({
            "BillingDocument": vbeln, "BillingDocumentType": fkart,
            "SalesOrganization": vkorg, "BillingDocumentDate": sap_date(fkdat),
            "CompanyCode": company, "FiscalYear": year, "AccountingDocument": document,
            "SoldToParty": kunag, "PayerParty": kunrg,
            "PurchaseOrderByCustomer": orders.get(first_order.get(vbeln, ""), ""),
            "DocumentReferenceID": xblnr, "TransactionCurrency": waerk,
            "TotalNetAmount": net, "TaxAmount": tax, "TotalGrossAmount": net + tax})
    return rows


def billing_items(db: sqlite3.Connection) -> list[Row]:
    """A_BillingDocumentItem rows in key order."""
    decimals = currency_decimals(db)
    currency = dict(db.execute('SELECT VBELN, WAERK FROM "VBRK"'))
    rows = []
    for (vbeln, posnr, fkimg, vrkme, netwr, mwsbp, matnr, arktx, aubel,
         aupos) in db.execute(
            'SELECT VBELN, POSNR, FKIMG, VRKME, NETWR, MWSBP, MATNR, ARKTX, AUBEL, AUPOS '
            'FROM "VBRP" ORDER BY VBELN, POSNR'):
        waerk = currency[vbeln]
        rows.append({
            "BillingDocument": vbeln, "BillingDocumentItem": posnr, "Material": matnr,
            "BillingDocumentItemText": arktx,
            "BillingQuantity": Decimal(fkimg).scaleb(-3),
            "BillingQuantityUnit": COMMERCIAL_UNITS.get(vrkme, vrkme),
            "NetAmount": external(netwr, waerk, decimals),
            "TaxAmount": external(mwsbp, waerk, decimals), "TransactionCurrency": waerk,
            "SalesDocument": aubel, "SalesDocumentItem": aupos})
    return rows


def pricing_elements(db: sqlite3.Connection) -> list[Row]:
    """A_BillingDocumentItemPrcgElmnt rows (price and tax per item) in key order."""
    decimals = currency_decimals(db)
    documents = {knumv: vbeln for vbeln, knumv in db.execute(
        'SELECT VBELN, KNUMV FROM "VBRK"')}
    rows = []
    for (knumv, kposn, stunr, zaehk, kschl, koaid, kbetr, waers, kpein, kwert,
         mwsk1) in db.execute(
            'SELECT KNUMV, KPOSN, STUNR, ZAEHK, KSCHL, KOAID, KBETR, WAERS, KPEIN, KWERT, '
            'MWSK1 FROM "KONV" ORDER BY KNUMV, KPOSN, STUNR, ZAEHK'):
        if knumv not in documents:
            continue
        tax = koaid == "D"
        rows.append({
            "BillingDocument": documents[knumv], "BillingDocumentItem": kposn,
            "PricingProcedureStep": stunr, "PricingProcedureCounter": f"{int(zaehk):03d}",
            "ConditionType": kschl, "ConditionClass": koaid,
            # a percentage (KBETR in per mille, two decimals) or a price per pricing unit
            "ConditionRateValue": Decimal(kbetr).scaleb(-3) if tax
            else external(kbetr, waers, decimals),
            "ConditionQuantity": Decimal(0 if tax else (kpein or 1)),
            "ConditionAmount": external(kwert, waers, decimals),
            "TransactionCurrency": waers, "TaxCode": (mwsk1 or "") if tax else ""})
    rows.sort(key=lambda r: (r["BillingDocument"], r["BillingDocumentItem"],
                             r["PricingProcedureStep"], r["PricingProcedureCounter"]))
    return rows


def sales_order_items(db: sqlite3.Connection) -> list[Row]:
    """A_SalesOrderItem rows (the customer's PO number and line) in key order."""
    return [{"SalesOrder": vbeln, "SalesOrderItem": posnr, "PurchaseOrderByCustomer": bstkd,
             "UnderlyingPurchaseOrderItem": posex or ""}
            for vbeln, posnr, bstkd, posex in db.execute(
                'SELECT VBELN, POSNR, BSTKD, POSEX_E FROM "VBKD" WHERE POSNR <> \'000000\' '
                "ORDER BY VBELN, POSNR")]


DOCUMENT_TYPES: dict[str, type] = {
    **dict.fromkeys(("BillingDocument", "BillingDocumentType", "SalesOrganization",
                     "CompanyCode", "FiscalYear", "AccountingDocument", "SoldToParty",
                     "PayerParty", "PurchaseOrderByCustomer", "DocumentReferenceID",
                     "TransactionCurrency"), str),
    "BillingDocumentDate": date,
    **dict.fromkeys(("TotalNetAmount", "TaxAmount", "TotalGrossAmount"), Decimal)}
ITEM_TYPES: dict[str, type] = {
    **dict.fromkeys(("BillingDocument", "BillingDocumentItem", "Material",
                     "BillingDocumentItemText", "BillingQuantityUnit", "TransactionCurrency",
                     "SalesDocument", "SalesDocumentItem"), str),
    **dict.fromkeys(("BillingQuantity", "NetAmount", "TaxAmount"), Decimal)}
PRICING_TYPES: dict[str, type] = {
    **dict.fromkeys(("BillingDocument", "BillingDocumentItem", "PricingProcedureStep",
                     "PricingProcedureCounter", "ConditionType", "ConditionClass",
                     "TransactionCurrency", "TaxCode"), str),
    **dict.fromkeys(("ConditionRateValue", "ConditionQuantity", "ConditionAmount"), Decimal)}
SALES_ITEM_TYPES: dict[str, type] = dict.fromkeys(
    ("SalesOrder", "SalesOrderItem", "PurchaseOrderByCustomer",
     "UnderlyingPurchaseOrderItem"), str)
