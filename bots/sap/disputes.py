"""FSCM dispute cases: ``BAPI_DISPUTE_CREATE`` with arbots' own case GUID, their status
read back from ``SCMG_T_CASE_ATTR``, and ``BAPI_DISPUTE_ATTRIBUTES_CHANGE`` to close one.

arbots passes ``CASE_GUID_CREATE`` (a GUID derived from its idempotency key),
so asking twice for the same case is refused by SAP as "already exists"
(:class:`DisputeCaseExists`) instead of creating a second one. The BAPI
writes in the update task: the caller commits (``BAPI_TRANSACTION_COMMIT``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bots.sap.errors import SapBusinessError, raise_for_return
from bots.sap.read_table import TableReader, Where
from bots.sap.rfc import Rfc

FUNCTION = "BAPI_DISPUTE_CREATE"
CHANGE = "BAPI_DISPUTE_ATTRIBUTES_CHANGE"
STATUS_ATTRIBUTE = "STAT_ORDERNO"  # the case status as an attribute of ATTRIBUTES_CHANGE
GUIDS_PER_READ = 50  # an IN list per RFC_READ_TABLE call stays well inside OPTIONS
ALREADY_EXISTS = ("UDM_DISPUTE", "002")  # message class and number: the GUID is taken
NOTE_WIDTH = 132


class DisputeCaseExists(SapBusinessError):
    """SAP already has a case with this GUID (created by an earlier attempt)."""


@dataclass(frozen=True)
class DisputeCase:
    """A dispute case to open: type, attributes by SAP attribute id, objects, note lines."""

    case_type: str
    guid: str
    attributes: Mapping[str, str]
    objects: Sequence[tuple[str, str]]  # (OBJ_TYPE, OBJ_KEY), e.g. ("BSEG", key)
    notes: Sequence[str] = ()


def case_guid(idempotency_key: str) -> str:
    """The 32-character case GUID arbots uses for an idempotency key (upper case)."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32].upper()


def item_key(company_code: str, document_no: str, fiscal_year: str, line_item: str) -> str:
    """A BSEG object key: company code (4), document (10), year (4), line (3)."""
    return f"{company_code:<4}{document_no:>010}{fiscal_year}{line_item:>03}"


def create_dispute(rfc: Rfc, case: DisputeCase) -> str:
    """Create ``case`` (commit afterwards); its GUID. Raises DisputeCaseExists or
    SapBusinessError with SAP's message."""
    result = rfc.call(
        FUNCTION, write=True, CASE_TYPE=case.case_type, CASE_GUID_CREATE=case.guid,
        ATTRIBUTES=[{"ATTR_ID": k, "ATTR_VALUE": v} for k, v in case.attributes.items()],
        OBJECTS=[{"OBJ_TYPE": t, "OBJ_KEY": k} for t, k in case.objects],
        NOTES=[{"TDFORMAT": "*", "TDLINE": line[:NOTE_WIDTH]} for line in case.notes])
    ret = result["RETURN"]
    if ret["TYPE"] in ("E", "A") and (ret["ID"], ret["NUMBER"]) == ALREADY_EXISTS:
        raise DisputeCaseExists(f"{FUNCTION}: {ret['MESSAGE']}", msg_class=ret["ID"],
                                msg_type=ret["TYPE"], msg_number=ret["NUMBER"])
    raise_for_return(FUNCTION, [ret])
    return str(result["CASE_GUID"])


def residual_line(reader: TableReader, company_code: str, customer: str, document_no: str,
                  fiscal_year: str, invoice: str) -> str | None:
    """The line of payment document ``document_no`` left open as the residual of
    ``invoice`` (BSID-REBZG), or None."""
    for row in reader.rows("BSID", ["BUZEI", "REBZG"],
                           Where().eq("BUKRS", company_code).eq("KUNNR", customer)
                           .eq("BELNR", document_no).eq("GJAHR", fiscal_year)):
        if row["REBZG"] == invoice:
            return row["BUZEI"]
    return None


def case_statuses(reader: TableReader, guids: Sequence[str]) -> dict[str, str]:
    """``STAT_ORDERNO`` of each case of ``guids`` that SAP has (SCMG_T_CASE_ATTR, read by
    its key in lists of :data:`GUIDS_PER_READ`)."""
    statuses: dict[str, str] = {}
    for start in range(0, len(guids), GUIDS_PER_READ):
        chunk = guids[start:start + GUIDS_PER_READ]
        for row in reader.rows("SCMG_T_CASE_ATTR", ["CASE_GUID", "STAT_ORDERNO"],
                               Where().isin("CASE_GUID", chunk)):
            statuses[row["CASE_GUID"]] = row["STAT_ORDERNO"]
    return statuses


def set_case_status(rfc: Rfc, guid: str, status: str, notes: Sequence[str]) -> None:
    """Give case ``guid`` the status ``status`` with ``notes`` added (commit afterwards).
    Raises SapBusinessError with SAP's message."""
    result = rfc.call(
        CHANGE, write=True, CASE_GUID=guid,
        ATTRIBUTES=[{"ATTR_ID": STATUS_ATTRIBUTE, "ATTR_VALUE": status}],
        NOTES=[{"TDFORMAT": "*", "TDLINE": line[:NOTE_WIDTH]} for line in notes])
    raise_for_return(CHANGE, [result["RETURN"]])
