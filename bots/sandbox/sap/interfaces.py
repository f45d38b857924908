"""Function-module interfaces the simulator knows, and the checks SAP makes.

Each function module has a list of :class:`Param` (name, direction, type,
length, optional, default), as SE37 shows and pyrfc's
``get_function_description`` reports. :func:`check_call` validates a call's
keyword arguments against it and converts them to the simulator's internal
values, raising what the RFC layer would raise:

* unknown parameter or structure field: ``ExternalRuntimeError``
  (``RFC_INVALID_PARAMETER``), as the RFC library refuses to set it;
* a value too long for its CHAR/NUMC field, a NUMC with non-digits, a
  DATS that is not 8 digits, an amount with too many digits:
  ``ExternalRuntimeError`` (``RFC_CONVERSION_FAILURE``);
* a Python value of the wrong kind (a str for an INT4, a float for an
  amount: floats are refused here as everywhere in arbots): ``TypeError``,
  as pyrfc raises while filling the container;
* a missing mandatory import: ``ABAPRuntimeError``
  (``CALL_FUNCTION_PARM_MISSING``), the short dump SAP gives.

Limits: no CHANGING parameters are modelled (none of the function modules
used has one), and INT1/INT4 ranges are checked but not INT2/INT8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bots.sandbox.sap.ddic import INTEGER, PACKED, STRUCTURES, TEXTUAL
from bots.sandbox.sap.ddic import Field as DdicField
from bots.sandbox.sap.errors import conversion_error, parameter_error, runtime_error

IMPORT, EXPORT, TABLES = "RFC_IMPORT", "RFC_EXPORT", "RFC_TABLES"
STRUCTURE, TABLE = "STRUCTURE", "TABLE"
_RFCTYPE = {"CHAR": "RFCTYPE_CHAR", "CUKY": "RFCTYPE_CHAR", "CLNT": "RFCTYPE_CHAR",
            "LANG": "RFCTYPE_CHAR", "NUMC": "RFCTYPE_NUM", "DATS": "RFCTYPE_DATE",
            "CURR": "RFCTYPE_BCD", "DEC": "RFCTYPE_BCD", "INT4": "RFCTYPE_INT",
            "INT1": "RFCTYPE_INT1", STRUCTURE: "RFCTYPE_STRUCTURE", TABLE: "RFCTYPE_TABLE"}
_INT_RANGE = {"INT4": (-2**31, 2**31 - 1), "INT1": (0, 255)}


@dataclass(frozen=True)
class Param:
    """One parameter of a function module."""

    name: str
    direction: str
    kind: str  # a DDIC type (CHAR, NUMC, DATS, DEC, INT4...) or STRUCTURE / TABLE
    length: int = 0
    decimals: int = 0
    structure: str = ""
    optional: bool = True
    default: Any = None
    text: str = ""

    def as_field(self) -> DdicField:
        return DdicField(self.name, self.kind, self.length, self.decimals)


def _imp(name: str, kind: str, length: int = 0, *, optional: bool = False,
         default: Any = None, structure: str = "", text: str = "") -> Param:
    return Param(name, IMPORT, kind, length, 0, structure, optional, default, text)


def _exp(name: str, kind: str, length: int = 0, structure: str = "") -> Param:
    return Param(name, EXPORT, kind, length, 0, structure)


def _tab(name: str, structure: str, text: str = "") -> Param:
    return Param(name, TABLES, TABLE, 0, 0, structure, True, None, text)


_TEXT_KEY = (
    _imp("I_TDOBJECT", "CHAR", 10, text="Text object (e.g. KNB1)"),
    _imp("I_TDNAME", "CHAR", 70, text="Text name (KNB1: customer + company code)"),
    _imp("I_TDID", "CHAR", 4, text="Text ID"),
    _imp("I_TDSPRAS", "LANG", 1, optional=True, default="E", text="Language"),
)

_READ_TABLE = (  # RFC_READ_TABLE, and Z_ARBOTS_READ_TABLE (the same, in primary-key order)
    _imp("QUERY_TABLE", "CHAR", 30, text="Table read"),
    _imp("DELIMITER", "CHAR", 1, optional=True, default="", text="Field separator"),
    _imp("NO_DATA", "CHAR", 1, optional=True, default="", text="X: layout only"),
    _imp("ROWSKIPS", "INT4", 10, optional=True, default=0),
    _imp("ROWCOUNT", "INT4", 10, optional=True, default=0),
    _tab("OPTIONS", "RFC_DB_OPT", "WHERE clause, 72-character lines"),
    _tab("FIELDS", "RFC_DB_FLD", "Fields read, and their layout"),
    _tab("DATA", "TAB512", "Rows"),
)

INTERFACES: dict[str, tuple[Param, ...]] = {
    "RFC_PING": (),
    "STFC_CONNECTION": (_imp("REQUTEXT", "CHAR", 255), _exp("ECHOTEXT", "CHAR", 255),
                        _exp("RESPTEXT", "CHAR", 255)),
    "RFC_READ_TABLE": _READ_TABLE,
    "Z_ARBOTS_READ_TABLE": _READ_TABLE,
    "BAPI_AR_ACC_GETOPENITEMS": (
        _imp("COMPANYCODE", "CHAR", 4), _imp("CUSTOMER", "CHAR", 10),
        _imp("KEYDATE", "DATS", 8), _imp("NOTEDITEMS", "CHAR", 1, optional=True, default=""),
        _imp("SECINDEX", "CHAR", 1, optional=True, default=""),
        _exp("RETURN", STRUCTURE, structure="BAPIRETURN"), _tab("LINEITEMS", "BAPI3007_2"),
    ),
    "BAPI_TRANSACTION_COMMIT": (_imp("WAIT", "CHAR", 1, optional=True, default=""),
                                _exp("RETURN", STRUCTURE, structure="BAPIRET2")),
    "BAPI_TRANSACTION_ROLLBACK": (_exp("RETURN", STRUCTURE, structure="BAPIRET2"),),
    "Z_ARBOTS_SAVE_TEXT": (
        *_TEXT_KEY, _imp("I_APPEND", "CHAR", 1, optional=True, default="X",
                         text="X: append to the existing text"),
        _tab("T_LINES", "TLINE"), _tab("RETURN", "BAPIRET2")),
    "Z_ARBOTS_READ_TEXT": (*_TEXT_KEY, _tab("T_LINES", "TLINE"), _tab("RETURN", "BAPIRET2")),
    "Z_ARBOTS_POST_CLEARING": (
        _imp("I_HEADER", STRUCTURE, structure="ZARBOTS_CLR_HEADER"),
        _imp("I_PAYMENT", STRUCTURE, structure="ZARBOTS_CLR_PAYMENT"),
        _exp("E_BELNR", "CHAR", 10), _exp("E_GJAHR", "NUMC", 4), _exp("E_EXISTING", "CHAR", 1),
        _tab("T_CLEAR", "ZARBOTS_CLR_ITEM"), _tab("T_RESIDUAL", "ZARBOTS_CLR_RESIDUAL"),
        _tab("T_PARTIAL", "ZARBOTS_CLR_PARTIAL", "Part payments: the item stays open"),
        _tab("T_ONACCOUNT", "ZARBOTS_CLR_ONACCT", "Payments on account (no invoice)"),
        _tab("RETURN", "BAPIRET2")),
    "BAPI_DISPUTE_CREATE": (
        _imp("CASE_TYPE", "CHAR", 4, text="Case type"),
        _imp("CASE_GUID_CREATE", "CHAR", 32, optional=True, default="",
             text="GUID of the case to create (initial: SAP draws one)"),
        _imp("TESTRUN", "CHAR", 1, optional=True, default="", text="X: simulate"),
        _imp("UPDATE_TASK", "CHAR", 1, optional=True, default="X",
             text="X: create in the update task (at COMMIT WORK)"),
        _exp("CASE_GUID", "CHAR", 32), _exp("RETURN", STRUCTURE, structure="BAPIRET2"),
        _tab("ATTRIBUTES", "BAPI_DISPUTE_ATTRIBUTE"), _tab("OBJECTS", "BAPI_DISPUTE_OBJECT"),
        _tab("NOTES", "BAPI_DISPUTE_NOTE")),
    "BAPI_DISPUTE_ATTRIBUTES_CHANGE": (
        _imp("CASE_GUID", "CHAR", 32, text="GUID of the dispute case"),
        _imp("TESTRUN", "CHAR", 1, optional=True, default="", text="X: simulate"),
        _exp("RETURN", STRUCTURE, structure="BAPIRET2"),
        _tab("ATTRIBUTES", "BAPI_DISPUTE_ATTRIBUTE"), _tab("NOTES", "BAPI_DISPUTE_NOTE")),
    "Z_ARBOTS_CREDIT_RELEASE": (
        _imp("I_VBELN", "CHAR", 10, text="Sales order blocked for credit"),
        _imp("I_TESTRUN", "CHAR", 1, optional=True, default="",
             text="X: re-check only, release nothing"),
        _exp("E_CMGST", "CHAR", 1), _exp("E_EXISTING", "CHAR", 1),
        _tab("T_LINES", "TLINE", "Note on the order (header text VBBK 0001)"),
        _tab("RETURN", "BAPIRET2")),
    "Z_ARBOTS_RESET_CLEARING": (
        _imp("I_BUKRS", "CHAR", 4, text="Company code"),
        _imp("I_AUGBL", "CHAR", 10, text="Clearing document"),
        _imp("I_GJAHR", "NUMC", 4, text="Fiscal year of the clearing document"),
        _imp("I_REVERSE", "CHAR", 1, optional=True, default="",
             text="X: also reverse the clearing document (FB08)"),
        _imp("I_STGRD", "CHAR", 2, optional=True, default="01", text="Reversal reason"),
        _imp("I_BUDAT", "DATS", 8, optional=True, default="00000000",
             text="Posting date of the reversal (initial: today)"),
        _exp("E_STBLG", "CHAR", 10), _exp("E_EXISTING", "CHAR", 1),
        _tab("T_REOPENED", "ZARBOTS_RST_ITEM", "Items the reset opened again"),
        _tab("RETURN", "BAPIRET2")),
}


# --------------------------------------------------------------------------- description


@dataclass(frozen=True)
class TypeDescription:
    """The shape of pyrfc's TypeDescription: a structure name and its fields."""

    name: str
    fields: list[dict[str, Any]]


@dataclass(frozen=True)
class FunctionDescription:
    """The shape of pyrfc's FunctionDescription: ``name`` and ``parameters``."""

    name: str
    parameters: list[dict[str, Any]] = field(default_factory=list)


def _byte_length(f: DdicField) -> int:
    if f.kind in PACKED:
        return f.length // 2 + 1
    return {"INT4": 4, "INT1": 1}.get(f.kind, f.length)


def _type_description(structure: str) -> TypeDescription:
    fields, offset = [], 0
    for f in STRUCTURES[structure]:
        size = _byte_length(f)
        uc = size if f.kind in PACKED | INTEGER else size * 2
        fields.append({"name": f.name, "field_type": _RFCTYPE[f.kind], "nuc_length": size,
                       "uc_length": uc, "nuc_offset": offset, "uc_offset": offset * 2,
                       "decimals": f.decimals, "type_description": None})
        offset += size
    return TypeDescription(structure, fields)


def describe(name: str) -> FunctionDescription:
    """pyrfc-style description of a function module (KeyError when unknown)."""
    params = []
    for p in INTERFACES[name]:
        typed = p.structure and _type_description(p.structure)
        size = _byte_length(p.as_field()) if not p.structure else 0
        params.append({"name": p.name, "parameter_type": _RFCTYPE[p.kind],
                       "direction": p.direction, "nuc_length": size, "uc_length": size * 2,
                       "decimals": p.decimals, "default_value": p.default or "",
                       "parameter_text": p.text, "optional": p.optional,
                       "type_description": typed or None})
    return FunctionDescription(name, params)


# --------------------------------------------------------------------------- checks


def convert(f: DdicField, value: Any, where: str) -> Any:
    """``value`` checked against field ``f`` and turned into the internal value.

    Internal values: CHAR right-stripped str, NUMC zero-padded str, DATS
    'YYYYMMDD', packed as Decimal, INT as int.
    """
    kind = f.kind
    if kind in TEXTUAL:
        if not isinstance(value, str):
            raise TypeError(f"{where}: a string is required, received {value!r} of type "
                            f"{type(value).__name__}")
        if len(value.rstrip()) > f.length:
            raise conversion_error(f"{where}: value {value[:20]!r}... is longer than "
                                   f"{f.length} characters")
        return value.rstrip()
    if kind == "NUMC":
        if not isinstance(value, str):
            raise TypeError(f"{where}: a numeric string is required, received {value!r}")
        if value and not value.isdigit():
            raise conversion_error(f"{where}: NUMC value {value!r} has non-digit characters")
        if len(value) > f.length:
            raise conversion_error(f"{where}: value {value!r} is longer than {f.length} digits")
        return value.zfill(f.length)
    if kind == "DATS":
        if isinstance(value, date):
            return value.strftime("%Y%m%d")
        if not isinstance(value, str):
            raise TypeError(f"{where}: a date string 'YYYYMMDD' is required, received {value!r}")
        if value.strip() == "":
            return "00000000"
        if len(value) != 8 or not value.isdigit():
            raise conversion_error(f"{where}: date {value!r} is not YYYYMMDD")
        return value
    if kind in INTEGER:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{where}: an integer is required, received {value!r} of type "
                            f"{type(value).__name__}")
        low, high = _INT_RANGE[kind]
        if not low <= value <= high:
            raise conversion_error(f"{where}: {value} is out of range for {kind}")
        return value
    return _packed(f, value, where)


def _packed(f: DdicField, value: Any, where: str) -> Decimal:
    if isinstance(value, float) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"{where}: a Decimal, int or numeric string is required, received "
                        f"{value!r} of type {type(value).__name__}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise conversion_error(f"{where}: {value!r} is not a number") from None
    if not number.is_finite():
        raise conversion_error(f"{where}: {value!r} is not a number")
    exponent = int(number.as_tuple().exponent)
    if -exponent > f.decimals and number != number.quantize(Decimal(1).scaleb(-f.decimals)):
        raise conversion_error(f"{where}: {value} has more than {f.decimals} decimals")
    number = number.quantize(Decimal(1).scaleb(-f.decimals))
    if len(number.as_tuple().digits) > f.length:
        raise conversion_error(f"{where}: {value} has more than {f.length} digits")
    return number


def initial(f: DdicField) -> Any:
    """The initial value of a field, typed as pyrfc delivers it."""
    if f.kind == "NUMC":
        return "0" * f.length
    if f.kind == "DATS":
        return "00000000"
    if f.kind in PACKED:
        return Decimal(0).quantize(Decimal(1).scaleb(-f.decimals))
    if f.kind in INTEGER:
        return 0
    return ""


def _structure(structure: str, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{where}: a dict is required for structure {structure}, "
                        f"received {type(value).__name__}")
    fields = {f.name: f for f in STRUCTURES[structure]}
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise parameter_error(f"field '{unknown[0]}' not found in {structure} ({where})")
    return {name: convert(f, value[name], f"{where}-{name}") if name in value else initial(f)
            for name, f in fields.items()}


def check_call(function: str, params: dict[str, Any]) -> dict[str, Any]:
    """The call's parameters validated and converted, defaults filled in."""
    interface = {p.name: p for p in INTERFACES[function]}
    unknown = sorted(set(params) - set(interface))
    if unknown:
        raise parameter_error(f"field '{unknown[0]}' not found in {function}")
    checked: dict[str, Any] = {}
    for name, p in interface.items():
        if p.direction == EXPORT:
            if name in params:
                raise parameter_error(f"{function}: {name} is an export parameter")
            continue
        if name not in params:
            if p.direction == IMPORT and not p.optional:
                raise runtime_error("CALL_FUNCTION_PARM_MISSING",
                                    f"{function}: mandatory parameter {name} is missing")
            checked[name] = [] if p.kind == TABLE else p.default
            if p.kind == STRUCTURE:
                checked[name] = _structure(p.structure, {}, name)
            continue
        value = params[name]
        if p.kind == TABLE:
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"{function}: table {name} must be a list of dicts")
            checked[name] = [_structure(p.structure, row, f"{name}[{i}]")
                             for i, row in enumerate(value)]
        elif p.kind == STRUCTURE:
            checked[name] = _structure(p.structure, value, name)
        else:
            checked[name] = convert(p.as_field(), value, name)
    return checked


def complete(structure: str, row: dict[str, Any]) -> dict[str, Any]:
    """A result row with every field of ``structure`` (initial values where unset)."""
    result = {}
    for f in STRUCTURES[structure]:
        value = row.get(f.name)
        result[f.name] = initial(f) if value is None else value
    return result
