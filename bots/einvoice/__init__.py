"""E-invoicing by e-mail: Factur-X (EN 16931 CII embedded in the invoice PDF), UBL 2.1.

- :mod:`bots.einvoice.cii`: the CII XML of an invoice (EN 16931 profile);
- :mod:`bots.einvoice.document`: that XML embedded in the rendered PDF by ``factur-x``;
- :mod:`bots.einvoice.ubl`: the same invoice as UBL 2.1, for customers who want it too;
- :mod:`bots.einvoice.settings`: ``[einvoice]`` (which customer gets it, at which address);
- :mod:`bots.einvoice.mail`: the e-mail, sent once per invoice through the write ledger.
"""
