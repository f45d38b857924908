"""What can go wrong talking to SAP, in three kinds a caller can act on.

pyrfc raises ``ABAPApplicationError``, ``ABAPRuntimeError``,
``CommunicationError``, ``LogonError``, ``ExternalRuntimeError``... (all
``RFCError``). :func:`map_exception` turns any of them, whichever module they
come from (SAP's PyRFC, erpl-pyrfc or the sandbox simulator, matched by class
name), into one of:

* :class:`SapTechnicalError`: the line or the server failed (communication,
  timeout, short dump in the server). Worth retrying; :class:`bots.sap.rfc.Rfc`
  does so with :mod:`bots.retry`.
* :class:`SapBusinessError`: SAP understood and said no (an ABAP exception, a
  RETURN message of type E or A, a missing authorisation). Never retried;
  reported. :class:`SapInterfaceError` is the business error for a call that
  does not fit the function module's interface (unknown parameter, value too
  long, function module not found): a configuration or installation problem.
* :class:`SapLogonError`: wrong user or password, locked user. Never retried:
  a retry with a wrong password locks the user.

A missing authorisation of the RFC user (``S_RFC``, a table's, a wrapper's
AUTHORITY-CHECK) is a :class:`SapAuthorityError`, a business error whose
message ends with what to grant (:func:`bots.sap.authority.grant_hint`).

Every error keeps SAP's own words as PyRFC does: ``key``, ``msg_class``,
``msg_type``, ``msg_number``, ``msg_v1`` .. ``msg_v4``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bots.sap.authority import RFC_NO_AUTHORITY, grant_hint


class SapError(Exception):
    """Base class: an error of the SAP port, with SAP's message fields."""

    def __init__(self, message: str, *, key: str = "", msg_class: str = "",
                 msg_type: str = "", msg_number: str = "", msg_v1: str = "",
                 msg_v2: str = "", msg_v3: str = "", msg_v4: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.msg_class, self.msg_type, self.msg_number = msg_class, msg_type, msg_number
        self.msg_v1, self.msg_v2, self.msg_v3, self.msg_v4 = msg_v1, msg_v2, msg_v3, msg_v4


class SapTechnicalError(SapError):
    """Communication failure, timeout or server crash: may succeed if retried."""


class SapBusinessError(SapError):
    """SAP refused the request (ABAP exception, RETURN type E/A): not retried."""


class SapInterfaceError(SapBusinessError):
    """The call does not fit the function module as installed (names, types, lengths)."""


class SapAuthorityError(SapBusinessError):
    """The RFC user lacks an authorisation; the message says which one to grant."""


class SapLogonError(SapError):
    """Logon refused (wrong password, locked user): never retried."""


# ABAP runtime errors that mean "this call does not fit the interface", not "try again".
_INTERFACE_DUMPS = ("CALL_FUNCTION_",)
_INTERFACE_KEYS = {"RFC_INVALID_PARAMETER", "RFC_CONVERSION_FAILURE", "FU_NOT_FOUND",
                   "FUNCTION_NOT_FOUND", "RFC_NOT_FOUND"}


def _fields(exc: BaseException) -> dict[str, str]:
    names = ("key", "msg_class", "msg_type", "msg_number", "msg_v1", "msg_v2", "msg_v3",
             "msg_v4")
    return {n: str(getattr(exc, n, "") or "") for n in names}


def map_exception(exc: BaseException, function: str,
                  params: Mapping[str, Any] | None = None) -> SapError | None:
    """The SapError for an exception raised by ``call(function, **params)``, or None.

    None means the exception is not a remote failure (a TypeError from a wrong
    argument, a bug): the caller lets it propagate unchanged.
    """
    if isinstance(exc, SapError):
        return exc
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    fields = _fields(exc)
    text = str(getattr(exc, "message", "") or exc)
    message = f"{function}: {text}"
    if "LogonError" in kinds:
        return SapLogonError(message, **fields)
    if "CommunicationError" in kinds:
        return SapTechnicalError(message, **fields)
    hint = grant_hint(function, key=fields["key"], params=params)
    if hint and (fields["key"] == RFC_NO_AUTHORITY or "ABAPApplicationError" in kinds):
        return SapAuthorityError(f"{message}: {hint}", **fields)  # a dump, yet never retried
    if fields["key"] in _INTERFACE_KEYS or fields["key"].startswith(_INTERFACE_DUMPS):
        return SapInterfaceError(message, **fields)
    if kinds & {"ABAPApplicationError", "ExternalAuthorizationError",
                "ExternalApplicationError"}:
        return SapBusinessError(message, **fields)
    if "RFCError" in kinds or isinstance(exc, (TimeoutError, ConnectionError)):
        return SapTechnicalError(message, **fields)
    return None


def raise_for_return(function: str, messages: Iterable[Mapping[str, Any]],
                     params: Mapping[str, Any] | None = None) -> None:
    """Raise SapBusinessError for the first RETURN message of type E or A
    (SapAuthorityError, naming what to grant, for a missing authorisation;
    ``params``, the call's, tell it which text object or table).

    Works for BAPIRET2 (ID, NUMBER) and the older BAPIRETURN (CODE = class + number).
    """
    for row in messages:
        kind = str(row.get("TYPE", ""))
        if kind not in ("E", "A"):
            continue
        msg_class = str(row.get("ID", "") or str(row.get("CODE", ""))[:2])
        number = str(row.get("NUMBER", "") or str(row.get("CODE", ""))[2:])
        values = tuple(str(row.get(f"MESSAGE_V{i}", "")) for i in range(1, 5))
        message = f"{function}: {row.get('MESSAGE', '')} ({kind} {msg_class} {number})".strip()
        hint = grant_hint(function, msg_class=msg_class, number=number, values=values,
                          params=params)
        error = SapAuthorityError if hint else SapBusinessError
        raise error(f"{message}: {hint}" if hint else message,
                    msg_class=msg_class, msg_type=kind, msg_number=number,
                    msg_v1=values[0], msg_v2=values[1], msg_v3=values[2], msg_v4=values[3])
