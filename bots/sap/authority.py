"""What to grant when SAP refuses the RFC user for a missing authorisation.

SAP names the missing authorisation in different ways: a runtime error
``RFC_NO_AUTHORITY`` (no ``S_RFC`` for the function module), the exception
``NOT_AUTHORIZED`` of ``RFC_READ_TABLE``/``Z_ARBOTS_READ_TABLE`` (no
``S_TABU_DIS``/``S_TABU_NAM`` for the table), or a RETURN message of our
wrappers (ZARBOTS 022/023 texts, 024 postings, 067 credit release; see
``bots/sap/abap/src``). :func:`grant_hint` turns each into one sentence
saying which authorisation object, for which company code, text object,
table or credit control area, the RFC user's role lacks, so that the error
a run reports is enough for the SAP security team (SU53 shows the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RUNBOOK = "runbooks/abap-install.md, section 3"
RFC_NO_AUTHORITY = "RFC_NO_AUTHORITY"
NOT_AUTHORIZED = "NOT_AUTHORIZED"
READ_TABLE_FUNCTIONS = ("RFC_READ_TABLE", "Z_ARBOTS_READ_TABLE")
_TEXT_OBJECTS = {"KNB1": ("F_KNA1_BUK", "customer notes"),
                 "BELEG": ("F_BKPF_BUK", "document notes")}
_ACTIVITIES = {"01": "create", "02": "change", "03": "display", "16": "execute"}


def _grant(obj: str, fields: str, why: str) -> str:
    return f"the RFC user's role needs {obj} with {fields} ({why}; {RUNBOOK})"


def _activity(code: str) -> str:
    return f"ACTVT {code} ({_ACTIVITIES.get(code, code)})"


def grant_hint(function: str, *, key: str = "", msg_class: str = "", number: str = "",
               values: tuple[str, ...] = (), params: Mapping[str, Any] | None = None
               ) -> str | None:
    """What to grant for SAP's refusal of ``function`` called with ``params``, or
    None when the refusal is not one for a missing authorisation.

    ``key`` is the RFC error's key, ``msg_class``/``number``/``values`` the
    RETURN message's class, number and MESSAGE_V1..V4.
    """
    params = params or {}
    if key == RFC_NO_AUTHORITY:
        return _grant("S_RFC", f"{_activity('16')} for function module {function} "
                               "(its function group, RFC_TYPE FUGR, or the module, FUNC)",
                      "every RFC call is checked against S_RFC")
    if key == NOT_AUTHORIZED and function in READ_TABLE_FUNCTIONS:
        table = str(params.get("QUERY_TABLE", "")).upper() or "the table"
        return _grant("S_TABU_NAM", f"TABLE {table}, {_activity('03')}",
                      "or S_TABU_DIS for the table's authorisation group; "
                      "VIEW_AUTHORITY_CHECK of the table read")
    if msg_class != "ZARBOTS":
        return None
    first = values[0] if values else ""
    if number in ("022", "023"):
        obj, what = _TEXT_OBJECTS.get(str(params.get("I_TDOBJECT", "")),
                                      ("F_KNA1_BUK or F_BKPF_BUK", "notes"))
        text = f"text object {params.get('I_TDOBJECT', '?')} {params.get('I_TDNAME', '')}"
        return _grant(obj, f"BUKRS {first}, {_activity('02' if number == '022' else '03')}",
                      f"{what}, {text.strip()}")
    if number == "024":
        activity = "02" if function.endswith("RESET_CLEARING") else "01"
        return _grant("F_BKPF_BUK", f"BUKRS {first}, {_activity(activity)}",
                      "accounting documents of the company code")
    if number == "067":
        area = values[1] if len(values) > 1 else "?"
        return _grant("V_KNKK_FRE", f"KKBER {area}",
                      f"releasing sales order {first} from its credit block")
    return None
