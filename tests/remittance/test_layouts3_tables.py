"""The table families of the third corpus's TUNE part read every line (issue 9).

Line-printer prints, statements of account with the payment among the invoices,
long advices over pages and cheque vouchers: four documents of each tune family
at a seed other than the bench's (held-out families are never read here)."""

from __future__ import annotations

import pytest

from bots.remittance.pdf import extract_pdf
from tests.remittance.layouts3 import FAMILIES, advices

TABLES = ("printer", "statement", "multipage", "cheque")


@pytest.mark.parametrize("family", [f for f in FAMILIES if not f.held_out
                                    and f.template in TABLES], ids=lambda f: f.name)
def test_tune_table_families_read_every_line(family) -> None:
    for advice in advices(family, 4, seed=5):
        found = extract_pdf(advice.pdf, advice.name, templates=())
        got = sorted((x.invoice_ref, x.paid_amount) for r in found for x in r.lines)
        assert got == sorted((x.invoice_ref, x.paid_amount) for x in advice.truth.lines), \
            advice.name
