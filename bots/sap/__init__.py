"""The SAP port: typed operations over RFC for the AR bots.

    from bots.sap import connect
    with connect(cfg.sap) as sap:
        customers = sap.customers(["1000"])
        items = list(sap.iter_open_items(["1000"], date.today()))

Start from :func:`connect` (configuration -> logged-on client) and
:class:`SapClient` (one method per remote operation). Errors:
:class:`SapTechnicalError` (retried), :class:`SapBusinessError` (reported),
:class:`SapLogonError` (never retried). The installation of our wrapper
function modules is in ``runbooks/abap-install.md``, their ABAP in
``bots/sap/abap`` (an abapGit repository).
"""

from bots.sap.client import SapClient
from bots.sap.connect import connect
from bots.sap.errors import (
    SapBusinessError,
    SapError,
    SapInterfaceError,
    SapLogonError,
    SapTechnicalError,
)
from bots.sap.posting import ClearingRequest, ClearingResult, ClearItem, Residual

__all__ = ["ClearItem", "ClearingRequest", "ClearingResult", "Residual", "SapBusinessError",
           "SapClient", "SapError", "SapInterfaceError", "SapLogonError", "SapTechnicalError",
           "connect"]
