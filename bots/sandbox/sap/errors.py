"""The exceptions the simulator raises: pyrfc's own classes when pyrfc is installed.

With SAP's PyRFC or erpl-pyrfc importable, the simulator raises
``pyrfc.ABAPApplicationError`` and friends, so code tested against the
sandbox meets exactly the classes of production. Without it, look-alike
classes with the same names, hierarchy and fields (``code``, ``key``,
``message``, ``msg_class``, ``msg_type``, ``msg_number``, ``msg_v1..v4``)
stand in. Either way :func:`abap_error` and friends build them.
"""

from __future__ import annotations

from typing import Any


class RFCError(Exception):
    """Base of all RFC errors (stand-in for pyrfc.RFCError)."""


class RFCLibError(RFCError):
    """An error with the fields of the NW RFC SDK's RFC_ERROR_INFO."""

    def __init__(self, message: str = "", code: int = 0, key: str = "",
                 msg_class: str = "", msg_type: str = "", msg_number: str = "",
                 msg_v1: str = "", msg_v2: str = "", msg_v3: str = "",
                 msg_v4: str = "") -> None:
        super().__init__(message, code, key, msg_class, msg_type, msg_number,
                         msg_v1, msg_v2, msg_v3, msg_v4)
        self.message, self.code, self.key = message, code, key
        self.msg_class, self.msg_type, self.msg_number = msg_class, msg_type, msg_number
        self.msg_v1, self.msg_v2, self.msg_v3, self.msg_v4 = msg_v1, msg_v2, msg_v3, msg_v4

    def __str__(self) -> str:
        return f"{self.key} (rc={self.code}): {self.message}"


class ABAPApplicationError(RFCLibError):
    """An ABAP exception raised by the function module (RFC_ABAP_EXCEPTION)."""


class ABAPRuntimeError(RFCLibError):
    """A short dump in the server (RFC_ABAP_RUNTIME_FAILURE)."""


class CommunicationError(RFCLibError):
    """The connection failed (RFC_COMMUNICATION_FAILURE)."""


class LogonError(RFCLibError):
    """Logon refused (RFC_LOGON_FAILURE)."""


class ExternalRuntimeError(RFCLibError):
    """A client-side RFC library error (invalid parameter, conversion failure)."""


try:  # pyrfc's own classes when available (same constructor signature)
    from pyrfc import (  # type: ignore[no-redef]  # noqa: F811
        ABAPApplicationError,
        ABAPRuntimeError,
        CommunicationError,
        ExternalRuntimeError,
        LogonError,
    )
except ImportError:
    pass

RFC_OK, RFC_COMMUNICATION_FAILURE, RFC_LOGON_FAILURE = 0, 1, 2
RFC_ABAP_RUNTIME_FAILURE, RFC_ABAP_EXCEPTION, RFC_INVALID_PARAMETER = 3, 5, 20
RFC_CONVERSION_FAILURE = 22


FIELDS = ("msg_class", "msg_type", "msg_number", "msg_v1", "msg_v2", "msg_v3", "msg_v4")


def _build(cls: type, code: int, key: str, message: str, **fields: Any) -> Exception:
    # by keyword: erpl-pyrfc's LogonError takes (message, code, key, **kwargs)
    error = cls(message, code=code, key=key, **{f: fields.get(f, "") for f in FIELDS})
    for name in FIELDS:  # some pyrfc builds do not keep the fields of every class
        if getattr(error, name, None) is None:
            setattr(error, name, fields.get(name, ""))
    return error


def abap_error(key: str, message: str = "", **fields: Any) -> Exception:
    """An ABAP exception of the function module, e.g. ``DATA_BUFFER_EXCEEDED``."""
    return _build(ABAPApplicationError, RFC_ABAP_EXCEPTION, key, message or key, **fields)


def runtime_error(key: str, message: str) -> Exception:
    """A short dump, e.g. ``CALL_FUNCTION_PARM_MISSING``."""
    return _build(ABAPRuntimeError, RFC_ABAP_RUNTIME_FAILURE, key, message)


def parameter_error(message: str) -> Exception:
    """The RFC library refused a parameter name (unknown parameter or field)."""
    return _build(ExternalRuntimeError, RFC_INVALID_PARAMETER, "RFC_INVALID_PARAMETER",
                  message)


def conversion_error(message: str) -> Exception:
    """The RFC library could not convert a value to the field's type."""
    return _build(ExternalRuntimeError, RFC_CONVERSION_FAILURE, "RFC_CONVERSION_FAILURE",
                  message)


def logon_error(user: str) -> Exception:
    return _build(LogonError, RFC_LOGON_FAILURE, "RFC_LOGON_FAILURE",
                  "Name or password is incorrect (repeat logon)", msg_class="00",
                  msg_type="E", msg_number="152", msg_v1=user)


def communication_error(message: str) -> Exception:
    return _build(CommunicationError, RFC_COMMUNICATION_FAILURE,
                  "RFC_COMMUNICATION_FAILURE", message)
