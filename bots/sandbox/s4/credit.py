"""Credit holds in the S/4 simulator: blocked sales documents, credit accounts, the release.

Served from the same sandbox tables the ECC road reads (:mod:`bots.sandbox.sap.credit`:
``VBAK``, ``VBUK``, ``KNKK``), so both roads see one world:

* ``API_SLS_DOC_WITH_CREDIT_BLOCK/A_SalesDocWithCreditBlock``: the sales
  documents whose overall credit status (``VBUK-CMGST``) is ``B``. Properties:
  ``SalesDocument``, ``SalesDocumentType``, ``SalesOrganization``,
  ``SoldToParty``, ``TotalCreditCheckStatus``, ``TotalNetAmount``,
  ``TransactionCurrency`` (names as SAP's sales-document APIs use them; the
  status values are SD's: ``B`` blocked), ``CreditControlArea`` and
  ``CreationDate``.
* ``ReleaseCreditBlock`` (function import, ``POST`` with the URL parameter
  ``SalesDocument='…'`` and a CSRF token): releases the credit block after
  the same re-check as the ECC wrapper ``Z_ARBOTS_CREDIT_RELEASE`` (exposure
  with the order within the limit, no item past its net due date); it
  commits on its own, as an OData call is its own LUW. Answers the released
  document (``TotalCreditCheckStatus`` ``D``). Refusals are OData errors with
  SAP's message: 404 for an unknown document, 400 for a document not blocked
  (released already, or never blocked) and for a failed re-check, the code
  being the ECC wrapper's message (``ZARBOTS/063``). The
  service takes no note text; the ECC road's note on the order has no
  counterpart here.
* ``API_CRDTMBUSINESSPARTNER/A_CreditMgmtAccount``: the credit account per
  business partner and credit segment (KNKK; segment = credit control area,
  business partner = customer, the usual CVI set-up): ``BusinessPartner``,
  ``CreditSegment``, ``CreditLimitAmount``, ``CreditSegmentCurrency`` and
  ``CreditExposureAmount`` (receivables + special liabilities + sales value,
  as the ECC road sums KNKK).

**Provenance.** The service names are SAP's published API names. The entity
set names, the function import's name and parameter, and the properties
``CreditControlArea``, ``CreationDate`` and ``CreditExposureAmount`` are
written from memory of SAP's API documentation and not checked against a
fetched EDMX (none is vendored): they are inferred. In particular, SAP's
credit-account API may not carry the exposure at all (it lives in SAP Credit
Management's totals, shown by the credit exposure app); if it does not, a
real system needs another source for it. Only the properties arbots reads
are served.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bots.sandbox.s4.odata import ODataError
from bots.sandbox.sap.credit import credit_release
from bots.sandbox.sap.session import Session

Row = dict[str, Any]
SALES_SERVICE = "API_SLS_DOC_WITH_CREDIT_BLOCK"
CREDIT_SERVICE = "API_CRDTMBUSINESSPARTNER"
RELEASE = "ReleaseCreditBlock"
CREDIT_CURRENCY = "USD"  # the currency of credit control area 1000 (no T014 in the sandbox)
USER = "S4_COMM_USER"  # the user the simulated release runs as


def _dats(text: str) -> date | None:
    return None if text in ("", "00000000") else date(int(text[:4]), int(text[4:6]),
                                                      int(text[6:8]))


def _decimals(db: sqlite3.Connection) -> dict[str, int]:
    return dict(db.execute('SELECT CURRKEY, CURRDEC FROM "TCURX"').fetchall())


def _amount(minor: int, currency: str, decimals: dict[str, int]) -> Decimal:
    return Decimal(minor).scaleb(-decimals.get(currency, 2))


def _document(row: Row, decimals: dict[str, int]) -> Row:
    return {"SalesDocument": row["VBELN"], "SalesDocumentType": row["AUART"],
            "SalesOrganization": row["VKORG"], "SoldToParty": row["KUNNR"],
            "CreditControlArea": row["KKBER"], "CreationDate": _dats(row["ERDAT"]),
            "TotalCreditCheckStatus": row["CMGST"],
            "TotalNetAmount": _amount(row["NETWR"], row["WAERK"], decimals),
            "TransactionCurrency": row["WAERK"]}


_DOCUMENT_COLUMNS = ("VBELN", "AUART", "VKORG", "KUNNR", "KKBER", "ERDAT", "CMGST", "NETWR",
                     "WAERK")
_DOCUMENT_QUERY = ('SELECT k."VBELN", k."AUART", k."VKORG", k."KUNNR", k."KKBER", k."ERDAT", '
                   'u."CMGST", k."NETWR", k."WAERK" FROM "VBAK" k JOIN "VBUK" u '
                   'ON u."VBELN" = k."VBELN"')


def blocked_documents(db: sqlite3.Connection) -> list[Row]:
    """A_SalesDocWithCreditBlock: the documents with credit status B, in number order."""
    decimals = _decimals(db)
    return [_document(dict(zip(_DOCUMENT_COLUMNS, values, strict=True)), decimals)
            for values in db.execute(_DOCUMENT_QUERY + ' WHERE u."CMGST" = \'B\' '
                                     'ORDER BY k."VBELN"')]


def credit_accounts(db: sqlite3.Connection) -> list[Row]:
    """A_CreditMgmtAccount: KNKK per business partner and credit segment."""
    decimals = _decimals(db)
    return [{"BusinessPartner": kunnr, "CreditSegment": kkber,
             "CreditLimitAmount": _amount(klimk, CREDIT_CURRENCY, decimals),
             "CreditSegmentCurrency": CREDIT_CURRENCY,
             "CreditExposureAmount": _amount(skfor + ssobl + sauft, CREDIT_CURRENCY, decimals)}
            for kunnr, kkber, klimk, skfor, ssobl, sauft in db.execute(
                'SELECT KUNNR, KKBER, KLIMK, SKFOR, SSOBL, SAUFT FROM "KNKK" '
                "ORDER BY KUNNR, KKBER")]


DOCUMENT_TYPES: dict[str, type] = {
    **dict.fromkeys(("SalesDocument", "SalesDocumentType", "SalesOrganization", "SoldToParty",
                     "CreditControlArea", "TotalCreditCheckStatus", "TransactionCurrency"),
                    str), "CreationDate": date, "TotalNetAmount": Decimal}
ACCOUNT_TYPES: dict[str, type] = {
    **dict.fromkeys(("BusinessPartner", "CreditSegment", "CreditSegmentCurrency"), str),
    "CreditLimitAmount": Decimal, "CreditExposureAmount": Decimal}


def release_credit_block(sandbox_db: Path, clock: Callable[[], date],
                         query: dict[str, str]) -> Row:
    """The ReleaseCreditBlock function import: the released document, or an ODataError."""
    literal = query.get("SalesDocument", "")
    if len(literal) < 2 or literal[0] != "'" or literal[-1] != "'":
        raise ODataError(400, "/IWBEP/CM_MGW_RT/022",
                         "Function import parameter 'SalesDocument' is missing or not a "
                         "string literal")
    number = literal[1:-1].replace("''", "'")
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
                         _decimals(session.db))
    finally:
        session.close()
