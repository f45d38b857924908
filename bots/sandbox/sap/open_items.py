"""``BAPI_AR_ACC_GETOPENITEMS`` in the simulator: one customer's items at a key date.

Open at the key date means posted on or before it and not cleared by then:
the rows of BSID posted by the key date, plus the rows of BSAD posted by it
and cleared after it. Noted items (``BSTAT = 'S'``) only with
``NOTEDITEMS = 'X'``. Special G/L items are returned (the caller decides),
as the real BAPI does. Amounts in ``LINEITEMS`` are external (TCURX applied)
and unsigned, the sign in ``DB_CR_IND``. An unknown customer gives a RETURN
message of type E and no items.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bots.sandbox.sap.interfaces import complete
from bots.sandbox.sap.session import Session

# BAPI3007_2 field <- BSID field (the rest stay initial).
_MAP = {
    "COMP_CODE": "BUKRS", "CUSTOMER": "KUNNR", "SP_GL_IND": "UMSKZ", "CLEAR_DATE": "AUGDT",
    "CLR_DOC_NO": "AUGBL", "ALLOC_NMBR": "ZUONR", "FISC_YEAR": "GJAHR", "DOC_NO": "BELNR",
    "ITEM_NUM": "BUZEI", "PSTNG_DATE": "BUDAT", "DOC_DATE": "BLDAT", "ENTRY_DATE": "CPUDT",
    "CURRENCY": "WAERS", "REF_DOC_NO": "XBLNR", "DOC_TYPE": "BLART", "FIS_PERIOD": "MONAT",
    "POST_KEY": "BSCHL", "DB_CR_IND": "SHKZG", "BUS_AREA": "GSBER", "TAX_CODE": "MWSKZ",
    "ITEM_TEXT": "SGTXT", "BRANCH": "FILKD", "BLINE_DATE": "ZFBDT", "PMNTTRMS": "ZTERM",
    "PYMT_METH": "ZLSCH", "PMNT_BLOCK": "ZLSPR", "INV_REF": "REBZG", "INV_YEAR": "REBZJ",
    "INV_ITEM": "REBZZ", "DUNN_BLOCK": "MANSP", "LAST_DUNN": "MADAT", "DUNN_LEVEL": "MANST",
    "DOC_STATUS": "BSTAT", "REASON_CDE": "RSTGR", "REF_KEY_1": "XREF1", "REF_KEY_2": "XREF2",
}
_AMOUNTS = {"AMT_DOCCUR": ("WRBTR", "WAERS"), "LC_AMOUNT": ("DMBTR", "HWAER"),
            "DSC_AMT_DC": ("WSKTO", "WAERS"), "DISC_BASE": ("SKFBT", "WAERS")}
_DAYS = {"DSCT_DAYS1": "ZBD1T", "DSCT_DAYS2": "ZBD2T", "NETTERMS": "ZBD3T"}
_PCT = {"DSCT_PCT1": "ZBD1P", "DSCT_PCT2": "ZBD2P"}
_COLUMNS = [*_MAP.values(), "WRBTR", "DMBTR", "WSKTO", "SKFBT", *_DAYS.values(),
            *_PCT.values()]


def get_open_items(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The BAPI_AR_ACC_GETOPENITEMS handler."""
    company, customer, key_date = p["COMPANYCODE"], p["CUSTOMER"], p["KEYDATE"]
    if customer.isdigit():
        customer = customer.zfill(10)
    db = session.db
    local = db.execute('SELECT "WAERS" FROM "T001" WHERE "BUKRS" = ?', (company,)).fetchone()
    known = db.execute('SELECT 1 FROM "KNB1" WHERE "KUNNR" = ? AND "BUKRS" = ?',
                       (customer, company)).fetchone()
    if local is None or known is None:
        message = f"Customer {customer} is not defined in company code {company}"
        return {"RETURN": complete("BAPIRETURN", {"TYPE": "E", "CODE": "F2101",
                                                  "MESSAGE": message,
                                                  "MESSAGE_V1": customer,
                                                  "MESSAGE_V2": company}),
                "LINEITEMS": []}
    noted = "" if p["NOTEDITEMS"] == "X" else 'AND "BSTAT" <> \'S\''
    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    base = f'"BUKRS" = ? AND "KUNNR" = ? AND "BUDAT" <= ? {noted}'
    sql = (f'SELECT {columns} FROM "BSID" WHERE {base} UNION ALL '
           f'SELECT {columns} FROM "BSAD" WHERE {base} AND "AUGDT" > ? '
           'ORDER BY "GJAHR", "BELNR", "BUZEI"')
    rows = db.execute(sql, (company, customer, key_date, company, customer, key_date,
                            key_date))
    items = []
    for values in rows:
        row = dict(zip(_COLUMNS, values, strict=True))
        row["HWAER"] = local[0]
        line = {name: row[source] for name, source in _MAP.items()}
        line["LOC_CURRCY"] = local[0]
        for name, (source, currency) in _AMOUNTS.items():
            decimals = session.currency_decimals(row[currency])
            line[name] = Decimal(row[source]).scaleb(-decimals).quantize(Decimal("0.0001"))
        for name, source in _DAYS.items():
            line[name] = Decimal(row[source])
        for name, source in _PCT.items():
            line[name] = Decimal(row[source]).scaleb(-3)
        items.append(complete("BAPI3007_2", line))
    return {"RETURN": complete("BAPIRETURN", {}), "LINEITEMS": items}
