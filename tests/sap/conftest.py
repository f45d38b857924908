"""Fixtures of the SAP tests (defined in sap_sandbox.py)."""

from sap_sandbox import client, sandbox_db  # noqa: F401
