"""Credit holds in the S/4 simulator: blocked sales documents, credit accounts, the release.

Served from the same sandbox tables the ECC road reads (:mod:`bots.sandbox.sap.credit`:
``VBAK``, ``VBUK``, ``KNKK``), so both roads see one world:

* ``API_SLS_DOC_WITH_CREDIT_BLOCK/A_CreditBlockedSalesDocument``: the sales
  documents whose overall credit status (``VBUK-CMGST``) is ``B``. Properties:
  ``SalesDocument`` (the key), ``SDDocumentCategory`` (``C``: order),
  ``SalesDocumentType``, ``SalesOrganization``, ``SoldToParty``,
  ``CustomerCreditAccount`` (``VBAK-KNKLI``, the account whose limit counts),
  ``CreationDate``, ``TotalCreditCheckStatus`` (SD's values: ``B`` blocked),
  ``TotalNetAmount``, ``TransactionCurrency``. No credit control area: the
  published contract has none, and a ``$select`` or ``$filter`` naming
  ``CreditControlArea`` gets the 400 of an unknown property.
* ``ReleaseCreditBlock`` (function import, ``POST`` with the URL parameters
  ``SalesDocument='…'`` and ``SDDocumentCategory='…'`` and a CSRF token):
  releases the credit block after the same re-check as the ECC wrapper
  ``Z_ARBOTS_CREDIT_RELEASE`` (SAP's exposure with the order within the
  limit, no item past its net due date); it commits on its own, as an OData
  call is its own LUW. Answers the released document
  (``TotalCreditCheckStatus`` ``D``). Refusals are OData errors with SAP's
  message: 404 for an unknown document, 400 for a document not blocked
  (released already, or never blocked) and for a failed re-check, the code
  being the ECC wrapper's message (``ZARBOTS/063``). The service takes no
  note text; the ECC road's note on the order has no counterpart here.
* ``API_CRDTMBUSINESSPARTNER/CreditManagementAccount``: the credit account
  per business partner and credit segment (KNKK; segment = credit control
  area, business partner = customer, the usual CVI set-up):
  ``BusinessPartner``, ``CreditSegment``, ``CreditLimitAmount``,
  ``CreditSegmentCurrency``. No exposure (the published contract has none;
  ``CreditExposureAmount`` is an unknown property): the re-check of the
  release computes it, as SAP does inside the release.
* ``API_SALES_ORDER_SRV/A_SalesOrder`` (:func:`sales_orders`): the sales order
  headers of ``VBAK`` with ``SalesOrder``, ``SoldToParty``, ``TotalNetAmount``,
  ``TransactionCurrency``, ``OverallSDProcessStatus`` (``VBUK-GBSTK``) and
  ``TotalCreditCheckStatus`` (``VBUK-CMGST``), for the S/4 road's estimate
  of the open order value.

**Provenance** (checked on 2026-12-07 against public sources):

* ``A_CreditBlockedSalesDocument`` is the entity set of the service (SAP's
  API catalogue lists it with ``A_SalesDocumentRjcnReason``; SAP Cloud SDK's
  generated class ``CreditBlockedSalesDocument`` of the service); its
  properties are those of SAP's released CDS view
  ``I_CreditBlockedSalesDocument`` (source published on the Business
  Accelerator Hub: ``TotalCreditCheckStatus = 'B'`` built in). That view has
  **no credit control area**; the credit account is ``CustomerCreditAccount``.
* ``ReleaseCreditBlock`` (and ``RejectCreditBlock``) are its function imports;
  SAP's own test automation calls ``ReleaseCreditBlock?SDDocumentCategory='C'
  &SalesDocument='…'``.
* ``CreditManagementAccount`` is the entity set of the credit account
  (``BusinessPartner``, ``CreditSegment``, ``CreditLimitAmount``,
  ``CreditSegmentCurrency``, ``CreditAccountIsBlocked``, ... as public client
  samples of the API read it); it has **no exposure** (SAP Cloud SDK: the
  service's nodes carry limit, special attention and block reason).
* ``A_SalesOrderType`` of ``API_SALES_ORDER_SRV`` has ``SalesOrder``,
  ``SoldToParty``, ``TotalNetAmount``, ``TransactionCurrency``,
  ``OverallSDProcessStatus`` and ``TotalCreditCheckStatus`` (the service's
  EDMX as SAP generates it, vendored by public CAP projects as
  ``srv/external/API_SALES_ORDER_SRV.edmx``, e.g. gregorwolf/teched2020-DT261-cap);
  ``AmountInCompanyCodeCurrency`` and ``CompanyCodeCurrency`` of the open-item
  cube likewise (``srv/external/API_OPLACCTGDOCITEMCUBE_SRV.edmx``, e.g.
  shritejrasala/Accounting). No EDMX is vendored here.

Only the properties arbots reads are served.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bots.sandbox.s4.odata import ODataError
from bots.sandbox.s4.values import currency_decimals, sap_date
from bots.sandbox.sap.credit import credit_release
from bots.sandbox.sap.session import Session

Row = dict[str, Any]
SALES_SERVICE = "API_SLS_DOC_WITH_CREDIT_BLOCK"
CREDIT_SERVICE = "API_CRDTMBUSINESSPARTNER"
SALES_SET = "A_CreditBlockedSalesDocument"
ORDER_SET = "A_SalesOrder"  # of API_SALES_ORDER_SRV (bots.sandbox.s4.billing)
ACCOUNT_SET = "CreditManagementAccount"
RELEASE = "ReleaseCreditBlock"
ORDER_CATEGORY = "C"  # SDDocumentCategory of a sales order (VBTYP)
CREDIT_CURRENCY = "USD"  # the currency of credit control area 1000 (no T014 in the sandbox)
USER = "S4_COMM_USER"  # the user the simulated release runs as


def _amount(minor: int, currency: str, decimals: dict[str, int]) -> Decimal:
    return Decimal(minor).scaleb(-decimals.get(currency, 2))


def _document(row: Row, decimals: dict[str, int]) -> Row:
    return {"SalesDocument": row["VBELN"], "SDDocumentCategory": ORDER_CATEGORY,
            "SalesDocumentType": row["AUART"],
            "SalesOrganization": row["VKORG"], "SoldToParty": row["KUNNR"],
            "CustomerCreditAccount": row["KNKLI"],
            "CreationDate": sap_date(row["ERDAT"]),
            "TotalCreditCheckStatus": row["CMGST"],
            "TotalNetAmount": _amount(row["NETWR"], row["WAERK"], decimals),
            "TransactionCurrency": row["WAERK"]}


_DOCUMENT_COLUMNS = ("VBELN", "AUART", "VKORG", "KUNNR", "KNKLI", "ERDAT", "CMGST", "GBSTK",
                     "NETWR", "WAERK")
_DOCUMENT_QUERY = ('SELECT k."VBELN", k."AUART", k."VKORG", k."KUNNR", k."KNKLI", k."ERDAT", '
                   'u."CMGST", u."GBSTK", k."NETWR", k."WAERK" FROM "VBAK" k JOIN "VBUK" u '
                   'ON u."VBELN" = k."VBELN"')


def blocked_documents(db: sqlite3.Connection) -> list[Row]:
    """A_CreditBlockedSalesDocument: the documents with credit status B, in number order."""
    decimals = currency_decimals(db)
    return [_document(dict(zip(_DOCUMENT_COLUMNS, values, strict=True)), decimals)
            for values in db.execute(_DOCUMENT_QUERY + ' WHERE u."CMGST" = \'B\' '
                                     'ORDER BY k."VBELN"')]


def sales_orders(db: sqlite3.Connection) -> list[Row]:
    """A_SalesOrder: the order headers of VBAK with their overall and credit status."""
    decimals = currency_decimals(db)
    return [{"SalesOrder": row["VBELN"], "SoldToParty": row["KUNNR"],
             "TotalNetAmount": _amount(row["NETWR"], row["WAERK"], decimals),
             "TransactionCurrency": row["WAERK"], "OverallSDProcessStatus": row["GBSTK"],
             "TotalCreditCheckStatus": row["CMGST"]}
            for row in (dict(zip(_DOCUMENT_COLUMNS, values, strict=True)) for values in
                        db.execute(_DOCUMENT_QUERY + ' ORDER BY k."VBELN"'))]


def credit_accounts(db: sqlite3.Connection) -> list[Row]:
    """CreditManagementAccount: KNKK per business partner and credit segment."""
    decimals = currency_decimals(db)
    return [{"BusinessPartner": kunnr, "CreditSegment": kkber,
             "CreditLimitAmount": _amount(klimk, CREDIT_CURRENCY, decimals),
             "CreditSegmentCurrency": CREDIT_CURRENCY}
            for kunnr, kkber, klimk in db.execute(
                'SELECT KUNNR, KKBER, KLIMK FROM "KNKK" ORDER BY KUNNR, KKBER')]


DOCUMENT_TYPES: dict[str, type] = {
    **dict.fromkeys(("SalesDocument", "SDDocumentCategory", "SalesDocumentType",
                     "SalesOrganization", "SoldToParty", "CustomerCreditAccount",
                     "TotalCreditCheckStatus", "TransactionCurrency"),
                    str), "CreationDate": date, "TotalNetAmount": Decimal}
ACCOUNT_TYPES: dict[str, type] = {
    **dict.fromkeys(("BusinessPartner", "CreditSegment", "CreditSegmentCurrency"), str),
    "CreditLimitAmount": Decimal}
ORDER_TYPES: dict[str, type] = {
    **dict.fromkeys(("SalesOrder", "SoldToParty", "TransactionCurrency",
                     "OverallSDProcessStatus", "TotalCreditCheckStatus"), str),
    "TotalNetAmount": Decimal}


def _string_parameter(query: dict[str, str], name: str) -> str:
    """The value of the function import's string parameter ``name`` ('...' in the URL)."""
    literal = query.get(name, "")
    if len(literal) < 2 or literal[0] != "'" or literal[-1] != "'":
        raise ODataError(400, "/IWBEP/CM_MGW_RT/022",
                         f"Function import parameter '{name}' is missing or not a "
                         "string literal")
    return literal[1:-1].replace("''", "'")


def release_credit_block(sandbox_db: Path, clock: Callable[[], date],
                         query: dict[str, str]) -> Row:
    """The ReleaseCreditBlock function import: the released document, or an ODataError."""
    number = _string_parameter(query, "SalesDocument")
    category = _string_parameter(query, "SDDocumentCategory")
    if category != ORDER_CATEGORY:  # the sandbox has sales orders only
        raise ODataError(404, "ZARBOTS/060", f"Sales document {number} of category "
                                             f"{category} does not exist")
    session = Session(sandbox_db, USER, clock)
    try:
        result = credit_release(session, {"I_VBELN": number, "I_TESTRUN": "",
                                          "T_LINES": []})
        (answer,) = result["RETURN"]
        code = f"{answer['ID']}/{answer['NUMBER']}"
        if answer["TYPE"] == "E":
            raise ODataError(404 if answer["NUMBER"] == "060" else 400, code,
                             answer["MESSAGE"])
        if result["E_EXISTING"] == "X":
            raise ODataError(400, code, f"Sales document {number} is not blocked for credit "
                                        "(credit status D: released)")
        session.commit()
        row = session.db.execute(_DOCUMENT_QUERY + ' WHERE k."VBELN" = ?',
                                 (number,)).fetchone()
        return _document(dict(zip(_DOCUMENT_COLUMNS, row, strict=True)),
                         currency_decimals(session.db))
    finally:
        session.close()
