"""SD billing documents behind open invoices on S/4HANA: API_BILLING_DOCUMENT_SRV.

    docs = billing_documents(odata, items)   # {(company, document, year): BillingDocument}

The same records as the ECC road (:mod:`bots.sap.billing`), read from the
released APIs:

* ``A_BillingDocument`` by the accounting document it posted (``CompanyCode``,
  ``FiscalYear``, ``AccountingDocument``): number, currency, billing date,
  net and tax (external amounts, Edm.Decimal text);
* ``A_BillingDocumentItem``: quantity and unit, net and tax, material and
  text, the sales order item;
* ``A_BillingDocumentItemPrcgElmnt``: the price element (``ConditionClass``
  ``B``: ``ConditionRateValue`` per ``ConditionQuantity``) and the output tax
  element (class ``D``: the percentage and ``TaxCode``) of each item, the
  first of each class, as the ECC road reads KONV;
* ``API_SALES_ORDER_SRV/A_SalesOrderItem``: the customer's PO number and PO
  line (``UnderlyingPurchaseOrderItem``) of each order item; the billing
  header's ``PurchaseOrderByCustomer`` where the item has none.

Units come from the APIs in their external (commercial) form; they are
turned into ISO codes with :data:`ISO_OF_COMMERCIAL` (SAP's standard English
units), which buyers and cXML expect; an unknown unit is passed on as it is.
A unit price without a price element is net / quantity to 6 decimals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from bots.domain import OpenItem, quantize
from bots.sap.billing import BillingDocument, BillingLine, DocKey, plain_number
from bots.sap.s4.odata import ODataClient, parse_date, quote

BILLING = "API_BILLING_DOCUMENT_SRV"
SALES_ORDERS = "API_SALES_ORDER_SRV"
CHUNK = 40  # key values per $filter (URL length)
ISO_OF_COMMERCIAL = {"PC": "PCE", "EA": "EA", "H": "HUR", "HR": "HUR", "KG": "KGM",
                     "G": "GRM", "L": "LTR", "M": "MTR", "M2": "MTK", "M3": "MTQ",
                     "KM": "KMT", "MIN": "MIN", "DAY": "DAY", "MON": "MON", "TO": "TNE",
                     "PAC": "PK", "BOX": "BX", "CAR": "CT"}


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _any_of(name: str, values: Sequence[str]) -> str:
    return "(" + " or ".join(f"{name} eq {quote(v)}" for v in values) + ")"


def _rows(odata: ODataClient, service: str, entity_set: str, name: str,
          values: Sequence[str], select: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    for chunk in _chunks(values):
        yield from odata.entities(service, entity_set, filter=_any_of(name, chunk),
                                  select=select)


def billing_documents(odata: ODataClient, items: Sequence[OpenItem]
                      ) -> dict[DocKey, BillingDocument]:
    """The billing documents behind ``items``, keyed by (company code, document, year);
    items without one (posted in FI, not from SD) are left out."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for item in items:
        wanted.setdefault((item.company_code, item.fiscal_year), set()).add(item.document_no)
    headers: dict[str, dict[str, Any]] = {}
    for (company, year), documents in wanted.items():
        for chunk in _chunks(sorted(documents)):
            for row in odata.entities(
                    BILLING, "A_BillingDocument",
                    filter=f"CompanyCode eq {quote(company)} and FiscalYear eq {quote(year)} "
                           f"and {_any_of('AccountingDocument', chunk)}",
                    select=("BillingDocument", "CompanyCode", "FiscalYear",
                            "AccountingDocument", "TransactionCurrency",
                            "BillingDocumentDate", "TotalNetAmount", "TaxAmount",
                            "PurchaseOrderByCustomer")):
                headers[row["BillingDocument"]] = row
    if not headers:
        return {}
    lines_of: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(odata, BILLING, "A_BillingDocumentItem", "BillingDocument", list(headers),
                     ("BillingDocument", "BillingDocumentItem", "Material",
                      "BillingDocumentItemText", "BillingQuantity", "BillingQuantityUnit",
                      "NetAmount", "TaxAmount", "SalesDocument", "SalesDocumentItem")):
        lines_of.setdefault(row["BillingDocument"], []).append(row)
    elements: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in _rows(odata, BILLING, "A_BillingDocumentItemPrcgElmnt", "BillingDocument",
                     list(headers), ("BillingDocument", "BillingDocumentItem",
                                     "PricingProcedureStep", "PricingProcedureCounter",
                                     "ConditionClass", "ConditionRateValue",
                                     "ConditionQuantity", "TaxCode")):
        elements.setdefault((row["BillingDocument"], row["BillingDocumentItem"],
                             row["ConditionClass"]), row)
    orders = {(r["SalesOrder"], r["SalesOrderItem"]): r for r in _rows(
        odata, SALES_ORDERS, "A_SalesOrderItem", "SalesOrder",
        [r["SalesDocument"] for rows in lines_of.values() for r in rows if r["SalesDocument"]],
        ("SalesOrder", "SalesOrderItem", "PurchaseOrderByCustomer",
         "UnderlyingPurchaseOrderItem"))}
    result: dict[DocKey, BillingDocument] = {}
    for number, header in headers.items():
        currency = header["TransactionCurrency"]
        lines = tuple(_line(row, elements, orders, header, currency)
                      for row in lines_of.get(number, []))
        result[(header["CompanyCode"], header["AccountingDocument"], header["FiscalYear"])] = \
            BillingDocument(number=number, company_code=header["CompanyCode"],
                            currency=currency,
                            billing_date=parse_date(header["BillingDocumentDate"]),
                            net=quantize(Decimal(header["TotalNetAmount"]), currency),
                            tax=quantize(Decimal(header["TaxAmount"]), currency), lines=lines)
    return result


def _line(row: dict[str, Any], elements: dict[tuple[str, str, str], dict[str, Any]],
          orders: dict[tuple[str, str], dict[str, Any]], header: dict[str, Any],
          currency: str) -> BillingLine:
    key = (row["BillingDocument"], row["BillingDocumentItem"])
    price, tax = elements.get((*key, "B")), elements.get((*key, "D"))
    order = orders.get((row["SalesDocument"], row["SalesDocumentItem"]), {})
    quantity = plain_number(Decimal(row["BillingQuantity"]))
    net = quantize(Decimal(row["NetAmount"]), currency)
    unit_price = (Decimal(price["ConditionRateValue"]) /
                  (Decimal(price["ConditionQuantity"]) or Decimal(1))
                  if price else (net / quantity).quantize(Decimal("0.000001")))
    unit = row["BillingQuantityUnit"]
    return BillingLine(
        item=row["BillingDocumentItem"], material=row["Material"],
        description=row["BillingDocumentItemText"], quantity=quantity,
        unit=ISO_OF_COMMERCIAL.get(unit, unit), unit_price=plain_number(unit_price), net=net,
        tax_code=tax["TaxCode"] if tax else "",
        tax_rate=plain_number(Decimal(tax["ConditionRateValue"])) if tax else Decimal(0),
        tax=quantize(Decimal(row["TaxAmount"]), currency),
        po_number=order.get("PurchaseOrderByCustomer") or header["PurchaseOrderByCustomer"],
        po_line=order.get("UnderlyingPurchaseOrderItem", ""))
