"""A Coupa-like supplier portal: Orders list, Create invoice from the PO, unique Invoice #.

Mirrors the "PO flip" of the Coupa Supplier Portal: the supplier opens the
Orders list, picks *Create invoice* on a PO, finds the lines pre-filled, sets
the VAT rate per line, Shipping and Handling charges, attaches the invoice
image and submits. Coupa checks the Invoice # is unique for the supplier and
that the invoice date is not in the future. The invoice then shows
``Invoice ID: CI-000001`` and ``Status: Pending approval``.
"""

from __future__ import annotations

from bots.sandbox.portals.base import PortalApp


class CoupaPortal(PortalApp):
    family = "coupa"
    title = "Coupa Supplier Portal (reference)"
    confirmation_label = "Invoice ID"
    confirmation_prefix = "CI-"
    number_label = "Invoice #"
    tax_label = "Line {n} VAT rate (%)"
    charge_labels = {"freight": "Shipping", "handling": "Handling"}
    attachment_label = "Invoice image"
    duplicate_message = "Invoice # {number} has already been used on invoice {confirmation}."
    initial_status = "Pending approval"
