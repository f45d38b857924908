"""The UBL 2.1 invoice (EN 16931) of an invoice, for customers who want UBL beside Factur-X.

It is not built a second time: ``factur-x`` reads our CII XML into its
EN 16931 business terms (BT-/BG- numbers, amounts kept as strings, never
floats) and writes them as UBL 2.1, checked against the UBL 2.1 XSD it ships.
So the UBL carries exactly what the Factur-X carries.
"""

from __future__ import annotations

import facturx

from bots.einvoice.cii import Party, cii_xml
from bots.portals.invoice import PortalInvoice


def ubl_xml(invoice: PortalInvoice, seller: Party, buyer: Party) -> bytes:
    """The XSD-checked UBL 2.1 Invoice XML of ``invoice`` (UTF-8)."""
    terms = facturx.parse_ubl_cii_xml(cii_xml(invoice, seller, buyer), check_xsd=True)
    result: bytes = facturx.generate_ubl_xml(terms, level="en16931", check_xsd=True,
                                             check_schematron=False)
    return result
