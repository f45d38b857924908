"""A harder generated corpus of remittance advices: 36 layout families in 6 languages.

The first corpus (``tests/remittance/pdf_corpus.py``) was drawn beside the
reader it measures. This one is built to catch a reader tuned on what it has
seen: every **family** is one layout template (:data:`STYLES`) in one language
(EN, DE, FR, NL, ES, IT), and within a family each document varies its header
words, column order, number and date locale, fonts, label positions and noise::

    from tests.remittance.layouts import FAMILIES, advices
    for advice in advices(FAMILIES[0], count=30):
        advice.pdf, advice.truth, advice.open_items, advice.family.held_out

What the documents hold (the hard parts of real advices):

- two document numbers per line: the payer's own voucher (``Beleg-Nr.``,
  ``Pièce``, ``Document No.``) beside the reference to OUR invoice (``Your
  reference``, ``Ihre Referenz``, ``Uw referentie``, ``Votre référence``,
  ``Su referencia``, ``Vs. riferimento``); only the latter is ``invoice_ref``;
- bilingual headers (``Datum / Date``), stacked labels;
- numbers as ``1.234,56``, ``1,234.56``, ``1 234,56``, ``1'234.56``, ``1234,56``
  with credits as ``-51,90``, ``51,90-``, ``(51.90)``, ``51.90 CR``; dates as
  ``23.04.2026``, ``04/25/26``, ``April 24, 2026``, ``24 avril 2026``,
  ``24-Apr-2026``;
- header fields as label/value pairs anywhere: payment date, payment or
  cheque number, total, currency, payer, our customer number at the payer;
- long advices over pages with ``Page 2 of 3``, ``continued``, carried-forward
  and subtotal rows; cheques whose face (amount in words) is not a line;
- ruled and unruled tables, Helvetica/Times/Courier, footer noise.

**The split, fixed before any result was looked at**: a family is HELD-OUT when
``(style index + language index) % 3 == 2`` (12 families: every style and
every language has two), the other 24 are TUNE. Reader rules may be
developed against tune families only; the held-out ones are for measuring.

The ground truth (:class:`Advice.truth`) holds what the interchange spec wants
read: lines (``invoice_ref`` as printed, ``paid_amount``), total, currency,
payment date and reference, our customer number. ``open_items`` are the
payer's open items at our side (the invoices paid plus others), as the
``--open-items`` option would give them. Everything is deterministic for a
given seed (reportlab's invariant mode).
"""

from __future__ import annotations

from tests.remittance.layouts.families import (
    FAMILIES,
    STYLES,
    Advice,
    Family,
    advices,
    make_advice,
)

__all__ = ["FAMILIES", "STYLES", "Advice", "Family", "advices", "make_advice"]
