"""An SAP connection factory that refuses the logon, for ``ARBOTS_SAP_CONNECTION``."""

from __future__ import annotations

from typing import NoReturn


class LogonError(Exception):
    """Named as pyrfc's: mapped to SapLogonError."""


def connect(**_params: object) -> NoReturn:
    raise LogonError("Name or password is incorrect (repeat logon)")
