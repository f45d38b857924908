"""The simulator's data dictionary: tables and structures with SAP's field types.

Each :class:`Field` carries what SE11 shows (type, length, decimals), which
is what the simulator needs to store values (SQLite column affinity), to
return them typed as pyrfc does, to lay out ``RFC_READ_TABLE`` rows, and to
reject values that would not fit. Field names, types and lengths follow the
public listings in ``shared/reference/sap-structures.md``; tables list only
the fields the bots and tests use (plus enough of BSID/KNA1 to make the
512-character ``RFC_READ_TABLE`` limit real). BAPI3007_2 uses the inferred
English names of that reference; the ``ZARBOTS_*`` structures are the
interface of our own wrapper function modules (``bots/sap/abap``).
"""

from __future__ import annotations

from dataclasses import dataclass

# ABAP internal type letter per DDIC type (what RFC_READ_TABLE reports in FIELDS-TYPE).
ABAP_TYPE = {"CHAR": "C", "CUKY": "C", "CLNT": "C", "LANG": "C", "UNIT": "C", "NUMC": "N",
             "DATS": "D", "CURR": "P", "DEC": "P", "QUAN": "P", "INT4": "I", "INT1": "b"}
TEXTUAL = {"CHAR", "CUKY", "CLNT", "LANG", "UNIT"}
PACKED = {"CURR", "DEC", "QUAN"}
INTEGER = {"INT4", "INT1"}


@dataclass(frozen=True)
class Field:
    """One DDIC field: name, type, length (digits for DEC/CURR), decimals."""

    name: str
    kind: str
    length: int
    decimals: int = 0
    text: str = ""
    key: bool = False

    @property
    def abap_type(self) -> str:
        return ABAP_TYPE[self.kind]

    @property
    def out_length(self) -> int:
        """Width of the field in an RFC_READ_TABLE row (packed: sign and point added)."""
        if self.kind in PACKED:
            return self.length + 2
        if self.kind == "INT4":
            return 11
        return self.length


def C(name: str, length: int, text: str = "", key: bool = False) -> Field:  # noqa: N802
    return Field(name, "CHAR", length, 0, text, key)


def N(name: str, length: int, text: str = "", key: bool = False) -> Field:  # noqa: N802
    return Field(name, "NUMC", length, 0, text, key)


def D(name: str, text: str = "", key: bool = False) -> Field:  # noqa: N802
    return Field(name, "DATS", 8, 0, text, key)


def P(name: str, length: int, decimals: int, text: str = "", kind: str = "DEC") -> Field:  # noqa: N802
    return Field(name, kind, length, decimals, text)


def CURR(name: str, text: str = "") -> Field:  # noqa: N802
    return Field(name, "CURR", 13, 2, text)


def CUKY(name: str, text: str = "", key: bool = False) -> Field:  # noqa: N802
    return Field(name, "CUKY", 5, 0, text, key)


def I4(name: str, text: str = "") -> Field:  # noqa: N802
    return Field(name, "INT4", 10, 0, text)


MANDT = Field("MANDT", "CLNT", 3, 0, "Client", True)

_ITEM_FIELDS = (
    MANDT, C("BUKRS", 4, "Company Code", True), C("KUNNR", 10, "Customer", True),
    C("UMSKS", 1, "Special G/L Transaction Type", True),
    C("UMSKZ", 1, "Special G/L Indicator", True), D("AUGDT", "Clearing Date", True),
    C("AUGBL", 10, "Clearing Document", True), C("ZUONR", 18, "Assignment", True),
    N("GJAHR", 4, "Fiscal Year", True), C("BELNR", 10, "Document Number", True),
    N("BUZEI", 3, "Line Item", True), D("BUDAT", "Posting Date"), D("BLDAT", "Document Date"),
    D("CPUDT", "Entry Date"), CUKY("WAERS", "Currency"), C("XBLNR", 16, "Reference"),
    C("BLART", 2, "Document Type"), N("MONAT", 2, "Fiscal Period"),
    C("BSCHL", 2, "Posting Key"), C("ZUMSK", 1, "Target Special G/L Indicator"),
    C("SHKZG", 1, "Debit/Credit Indicator"), C("GSBER", 4, "Business Area"),
    C("MWSKZ", 2, "Tax Code"), C("PROJN", 16, "WBS Element"), C("AUFNR", 12, "Order"),
    C("ANLN1", 12, "Asset"), C("ANLN2", 4, "Asset Subnumber"), C("SAKNR", 10, "G/L Account"),
    C("HKONT", 10, "G/L Account"), C("FKONT", 3, "Financial Budget Item"),
    C("KIDNO", 30, "Payment Reference"), CURR("DMBTR", "Amount in Local Currency"),
    CURR("WRBTR", "Amount in Document Currency"), CURR("MWSTS", "Tax Amount LC"),
    CURR("WMWST", "Tax Amount DC"), C("SGTXT", 50, "Item Text"),
    C("FILKD", 10, "Branch Account"), D("ZFBDT", "Baseline Date"),
    C("ZTERM", 4, "Terms of Payment Key"), P("ZBD1T", 3, 0, "Cash Discount Days 1"),
    P("ZBD2T", 3, 0, "Cash Discount Days 2"), P("ZBD3T", 3, 0, "Net Payment Terms Period"),
    P("ZBD1P", 5, 3, "Cash Discount Percentage 1"),
    P("ZBD2P", 5, 3, "Cash Discount Percentage 2"),
    CURR("SKFBT", "Amount Eligible for Discount"), CURR("WSKTO", "Cash Discount Amount"),
    C("ZLSCH", 1, "Payment Method"), C("ZLSPR", 1, "Payment Block"),
    C("REBZG", 10, "Invoice Reference"), N("REBZJ", 4, "Fiscal Year of Invoice"),
    N("REBZZ", 3, "Line Item of Invoice"), C("MANSP", 1, "Dunning Block"),
    D("MADAT", "Last Dunned On"), N("MANST", 1, "Dunning Level"),
    C("BSTAT", 1, "Document Status"), C("RSTGR", 3, "Reason Code"),
    C("XREF1", 12, "Reference Key 1"), C("XREF2", 12, "Reference Key 2"),
    C("XREF3", 20, "Reference Key 3"), C("HBKID", 5, "House Bank"),
    C("VBELN", 10, "Billing Document"), C("PRCTR", 10, "Profit Center"),
)

TABLES: dict[str, tuple[Field, ...]] = {
    "T001": (MANDT, C("BUKRS", 4, "Company Code", True), C("BUTXT", 25, "Company Name"),
             C("ORT01", 25, "City"), C("LAND1", 3, "Country"), CUKY("WAERS", "Currency")),
    "TCURX": (CUKY("CURRKEY", "Currency", True),
              Field("CURRDEC", "INT1", 3, 0, "Number of Decimal Places")),
    "KNA1": (MANDT, C("KUNNR", 10, "Customer", True), C("LAND1", 3, "Country"),
             C("NAME1", 35, "Name 1"), C("NAME2", 35, "Name 2"), C("NAME3", 35, "Name 3"),
             C("NAME4", 35, "Name 4"), C("ORT01", 35, "City"), C("ORT02", 35, "District"),
             C("PSTLZ", 10, "Postal Code"), C("REGIO", 3, "Region"),
             C("SORTL", 10, "Search Term"), C("STRAS", 35, "Street"),
             C("TELF1", 16, "Telephone 1"), C("TELFX", 31, "Fax Number"),
             C("ADRNR", 10, "Address"), C("KONZS", 10, "Group Key"),
             C("KTOKD", 4, "Account Group"), C("SPRAS", 1, "Language"),
             C("STCD1", 16, "Tax Number 1"), C("STCD2", 11, "Tax Number 2"),
             C("STCEG", 20, "VAT Registration Number"), D("ERDAT", "Created On"),
             C("ERNAM", 12, "Created By"), C("BRSCH", 4, "Industry Key"),
             C("LZONE", 10, "Transportation Zone"), C("LOEVM", 1, "Deletion Flag")),
    "KNB1": (MANDT, C("KUNNR", 10, "Customer", True), C("BUKRS", 4, "Company Code", True),
             C("AKONT", 10, "Reconciliation Account"), C("ZTERM", 4, "Terms of Payment Key"),
             C("BUSAB", 2, "Accounting Clerk"), C("INTAD", 130, "Internet Address"),
             C("ZUAWA", 3, "Sort Key"), C("MAHNA", 4, "Dunning Procedure"),
             C("ZAHLS", 1, "Payment Block")),
    # Customer master dunning data (per company code and dunning area; MABER blank
    # without dunning areas): procedure, account dunning block, level, last dunned.
    "KNB5": (MANDT, C("KUNNR", 10, "Customer", True), C("BUKRS", 4, "Company Code", True),
             C("MABER", 2, "Dunning Area", True), C("MAHNA", 4, "Dunning Procedure"),
             C("MANSP", 1, "Dunning Block"), D("MADAT", "Last Dunned On"),
             N("MAHNS", 1, "Dunning Level")),
    "BSID": _ITEM_FIELDS,
    "BSAD": _ITEM_FIELDS,
    "BKPF": (MANDT, C("BUKRS", 4, "Company Code", True), C("BELNR", 10, "Document", True),
             N("GJAHR", 4, "Fiscal Year", True), C("BLART", 2, "Document Type"),
             D("BLDAT", "Document Date"), D("BUDAT", "Posting Date"),
             N("MONAT", 2, "Fiscal Period"), D("CPUDT", "Entry Date"),
             C("USNAM", 12, "User Name"), C("TCODE", 20, "Transaction Code"),
             C("XBLNR", 16, "Reference"), C("BKTXT", 25, "Header Text"),
             CUKY("WAERS", "Currency"), C("STBLG", 10, "Reversed With"),
             N("STJAH", 4, "Year of Reversal Document"), C("STGRD", 2, "Reversal Reason")),
    # SD billing (VF01): header, items, the sales order's business data (the
    # customer's PO number and PO item), pricing conditions (KONV: price PR00 with
    # KOAID B, output tax MWST with KOAID D and KBETR in per mille), ISO units (T006).
    "VBRK": (MANDT, C("VBELN", 10, "Billing Document", True), C("FKART", 4, "Billing Type"),
             CUKY("WAERK", "Document Currency"), C("VKORG", 4, "Sales Organization"),
             C("KNUMV", 10, "Document Condition"), D("FKDAT", "Billing Date"),
             C("BUKRS", 4, "Company Code"), C("KUNAG", 10, "Sold-to Party"),
             C("KUNRG", 10, "Payer"), C("XBLNR", 16, "Reference"),
             CURR("NETWR", "Net Value"), CURR("MWSBK", "Tax Amount")),
    "VBRP": (MANDT, C("VBELN", 10, "Billing Document", True), N("POSNR", 6, "Item", True),
             Field("FKIMG", "QUAN", 13, 3, "Billed Quantity"),
             Field("VRKME", "UNIT", 3, 0, "Sales Unit"), CURR("NETWR", "Net Value"),
             CURR("MWSBP", "Tax Amount"), C("MATNR", 18, "Material"),
             C("ARKTX", 40, "Description"), C("MWSKZ", 2, "Tax Code"),
             C("AUBEL", 10, "Sales Document"), N("AUPOS", 6, "Sales Document Item")),
    "VBKD": (MANDT, C("VBELN", 10, "Sales Document", True), N("POSNR", 6, "Item", True),
             C("BSTKD", 35, "Customer Purchase Order Number"), D("BSTDK", "PO Date"),
             C("POSEX_E", 6, "Item Number of the Underlying Purchase Order")),
    "KONV": (MANDT, C("KNUMV", 10, "Document Condition", True),
             N("KPOSN", 6, "Condition Item", True), N("STUNR", 3, "Step Number", True),
             N("ZAEHK", 2, "Condition Counter", True), C("KSCHL", 4, "Condition Type"),
             C("KOAID", 1, "Condition Class"), P("KBETR", 11, 2, "Rate", kind="CURR"),
             CUKY("WAERS", "Currency"), P("KPEIN", 5, 0, "Pricing Unit"),
             Field("KMEIN", "UNIT", 3, 0, "Condition Unit"),
             P("KAWRT", 15, 2, "Condition Base Value", kind="CURR"),
             CURR("KWERT", "Condition Value"), C("MWSK1", 2, "Tax Code")),
    # SD credit management (ECC): sales order header, its overall credit status
    # (VBUK-CMGST: B blocked, A checked OK, D released) and the credit master per
    # customer and credit control area (limit, receivables, special liabilities,
    # sales value); see bots.sandbox.sap.credit.
    "VBAK": (MANDT, C("VBELN", 10, "Sales Document", True), D("ERDAT", "Created On"),
             C("AUART", 4, "Sales Document Type"), C("VKORG", 4, "Sales Organization"),
             C("KUNNR", 10, "Sold-to Party"), CURR("NETWR", "Net Value"),
             CUKY("WAERK", "Document Currency"), C("KKBER", 4, "Credit Control Area"),
             C("KNKLI", 10, "Credit Account"), D("CMFRE", "Credit Release Date")),
    "VBUK": (MANDT, C("VBELN", 10, "Sales Document", True),
             C("CMGST", 1, "Overall Credit Status"), C("GBSTK", 1, "Overall Status")),
    "KNKK": (MANDT, C("KUNNR", 10, "Customer", True), C("KKBER", 4, "Credit Control Area", True),
             CURR("KLIMK", "Credit Limit"), CURR("SKFOR", "Total Receivables"),
             CURR("SSOBL", "Special Liabilities"), CURR("SAUFT", "Sales Value"),
             C("CTLPC", 3, "Risk Category"), C("CRBLB", 1, "Blocked by Credit Management")),
    # FSCM case header, the fields arbots reads (a subset). CASE_GUID is RAW 16 in SAP;
    # RFC_READ_TABLE shows it as its 32 hex characters, as here. STAT_ORDERNO is the
    # status of the case type's status profile (see bots.sandbox.sap.disputes).
    "SCMG_T_CASE_ATTR": (MANDT, C("CASE_GUID", 32, "Case GUID", True),
                         C("EXT_KEY", 12, "Case ID"), C("CASE_TYPE", 4, "Case Type"),
                         C("STAT_ORDERNO", 2, "Status"), C("CREATED_BY", 12, "Created By"),
                         C("CLOSED_BY", 12, "Closed By")),
    "T006": (MANDT, Field("MSEHI", "UNIT", 3, 0, "Unit of Measurement", True),
             C("ISOCODE", 3, "ISO Code")),
    # Posting periods per company code and account type (OB52; the variant is the
    # company code here): + all account types, D customers. FRYE1/FRPE1 to TOYE1/TOPE1.
    "T001B": (MANDT, C("RRCTY", 1, "Record Type", True), C("BUKRS", 4, "Variant", True),
              C("MKOAR", 1, "Account Type", True), C("BKONT", 10, "To Account", True),
              C("VKONT", 10, "From Account"), N("FRYE1", 4, "From Year 1"),
              N("FRPE1", 3, "From Period 1"), N("TOYE1", 4, "To Year 1"),
              N("TOPE1", 3, "To Period 1")),
}

RET2 = (C("TYPE", 1), C("ID", 20), N("NUMBER", 3), C("MESSAGE", 220), C("LOG_NO", 20),
        N("LOG_MSG_NO", 6), C("MESSAGE_V1", 50), C("MESSAGE_V2", 50), C("MESSAGE_V3", 50),
        C("MESSAGE_V4", 50), C("PARAMETER", 32), I4("ROW"), C("FIELD", 30),
        C("SYSTEM", 10))

_AMOUNT = 23  # BAPI external amounts: DEC 23,4

STRUCTURES: dict[str, tuple[Field, ...]] = {
    "BAPIRET2": RET2,
    "BAPIRETURN": (C("TYPE", 1), C("CODE", 5), C("MESSAGE", 220), C("LOG_NO", 20),
                   N("LOG_MSG_NO", 6), C("MESSAGE_V1", 50), C("MESSAGE_V2", 50),
                   C("MESSAGE_V3", 50), C("MESSAGE_V4", 50)),
    "RFC_DB_OPT": (C("TEXT", 72),),
    "RFC_DB_FLD": (C("FIELDNAME", 30), N("OFFSET", 6), N("LENGTH", 6), C("TYPE", 1),
                   C("FIELDTEXT", 60)),
    "TAB512": (C("WA", 512),),
    "TLINE": (C("TDFORMAT", 2), C("TDLINE", 132)),
    "BAPI3007_2": (
        C("COMP_CODE", 4), C("CUSTOMER", 10), C("SP_GL_IND", 1), D("CLEAR_DATE"),
        C("CLR_DOC_NO", 10), C("ALLOC_NMBR", 18), N("FISC_YEAR", 4), C("DOC_NO", 10),
        N("ITEM_NUM", 3), D("PSTNG_DATE"), D("DOC_DATE"), D("ENTRY_DATE"),
        CUKY("CURRENCY"), CUKY("LOC_CURRCY"), C("REF_DOC_NO", 16), C("DOC_TYPE", 2),
        N("FIS_PERIOD", 2), C("POST_KEY", 2), C("DB_CR_IND", 1), C("BUS_AREA", 4),
        C("TAX_CODE", 2), P("LC_AMOUNT", _AMOUNT, 4), P("AMT_DOCCUR", _AMOUNT, 4),
        P("LC_TAX", _AMOUNT, 4), P("TX_DOC_CUR", _AMOUNT, 4), C("ITEM_TEXT", 50),
        C("BRANCH", 10), D("BLINE_DATE"), C("PMNTTRMS", 4), P("DSCT_DAYS1", 3, 0),
        P("DSCT_DAYS2", 3, 0), P("NETTERMS", 3, 0), P("DSCT_PCT1", 5, 3),
        P("DSCT_PCT2", 5, 3), P("DISC_BASE", _AMOUNT, 4), P("DSC_AMT_LC", _AMOUNT, 4),
        P("DSC_AMT_DC", _AMOUNT, 4), C("PYMT_METH", 1), C("PMNT_BLOCK", 1),
        C("FIXEDTERMS", 1), C("INV_REF", 10), N("INV_YEAR", 4), N("INV_ITEM", 3),
        C("DUNN_BLOCK", 1), C("DUNN_KEY", 1), D("LAST_DUNN"), N("DUNN_LEVEL", 1),
        C("DUNN_AREA", 2), C("DOC_STATUS", 1), C("NXT_DOCTYP", 1), C("VAT_REG_NO", 20),
        C("REASON_CDE", 3), C("PMTMTHSUPL", 2), C("REF_KEY_1", 12), C("REF_KEY_2", 12),
        CUKY("T_CURRENCY"), P("AMOUNT", _AMOUNT, 4), P("NET_AMOUNT", _AMOUNT, 4)),
    # Interface of Z_ARBOTS_POST_CLEARING (bots/sap/abap/src/zarbots_clr_*.tabl.xml).
    "ZARBOTS_CLR_HEADER": (C("BUKRS", 4), C("BLART", 2), D("BLDAT"), D("BUDAT"),
                           CUKY("WAERS"), C("XBLNR", 16), C("BKTXT", 25),
                           C("AUGLV", 8, "EINGZAHL incoming payment, UMBUCHNG transfer")),
    "ZARBOTS_CLR_PAYMENT": (C("KUNNR", 10), P("WRBTR", _AMOUNT, 4), C("HKONT", 10),
                            D("VALUT"), C("SGTXT", 50)),
    "ZARBOTS_CLR_ITEM": (C("KUNNR", 10), C("BELNR", 10), N("GJAHR", 4), N("BUZEI", 3),
                         P("WRBTR", _AMOUNT, 4), P("WSKTO", _AMOUNT, 4),
                         P("WOFF", _AMOUNT, 4, "Written off"), C("RSTGR", 3)),
    "ZARBOTS_CLR_RESIDUAL": (C("BELNR", 10), N("GJAHR", 4), N("BUZEI", 3),
                             P("WRBTR", _AMOUNT, 4), C("RSTGR", 3), C("SGTXT", 50)),
    "ZARBOTS_CLR_PARTIAL": (C("KUNNR", 10), C("BELNR", 10), N("GJAHR", 4), N("BUZEI", 3),
                            P("WRBTR", _AMOUNT, 4), C("RSTGR", 3), C("SGTXT", 50)),
    "ZARBOTS_CLR_ONACCT": (C("KUNNR", 10), P("WRBTR", _AMOUNT, 4), C("RSTGR", 3),
                           C("ZUONR", 18), C("SGTXT", 50)),
    # FSCM Dispute Management (BAPI_DISPUTE_CREATE); BAPI_DISPUTE_OBJECT's layout inferred.
    "BAPI_DISPUTE_ATTRIBUTE": (C("ATTR_ID", 30), C("ATTR_VALUE", 132), C("XDELTA", 1)),
    "BAPI_DISPUTE_OBJECT": (C("OBJ_TYPE", 10), C("OBJ_KEY", 70), C("CLASSIFICATION", 30)),
    "BAPI_DISPUTE_NOTE": (C("TDFORMAT", 2), C("TDLINE", 132)),
    # Interface of Z_ARBOTS_RESET_CLEARING (bots/sap/abap/src/zarbots_rst_item.tabl.xml).
    "ZARBOTS_RST_ITEM": (C("KUNNR", 10), C("BELNR", 10), N("GJAHR", 4), N("BUZEI", 3)),
}


def fields_of(table: str) -> dict[str, Field]:
    """The fields of a table or structure by name (KeyError when unknown)."""
    found = TABLES.get(table) or STRUCTURES[table]
    return {f.name: f for f in found}


def key_of(table: str) -> list[str]:
    """Primary-key field names of a table, in DDIC order."""
    return [f.name for f in TABLES[table] if f.key]
