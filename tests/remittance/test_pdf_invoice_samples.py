"""Public invoice PDFs (invoice2data's test set) are not remittance advices.

They carry invoice numbers, totals and line-item tables (Description, Qty,
Amount) but no table with an invoice column and a paid/gross column, no
payment number and no remittance title. The reader must not crash on them and
must say plainly what they are: ``not-a-remittance``, with either backend.
"""

from __future__ import annotations

import pytest

from bots.remittance.errors import ExtractError
from bots.remittance.pdf import extract_pdf

INVOICES = ("AmazonWebServices", "FlipkartInvoice", "SammyMaystoneLinesTest", "coolblue2",
            "oyo")


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("name", INVOICES)
def test_invoices_are_not_remittances(samples, name, backend):
    path = samples / "invoice-x__invoice2data" / f"tests__compare__{name}.pdf"
    with pytest.raises(ExtractError) as caught:
        extract_pdf(path.read_bytes(), str(path), backend=backend, templates=())
    assert caught.value.code == "not-a-remittance"
