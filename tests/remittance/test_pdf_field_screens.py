"""The screens of :mod:`bots.remittance.pdf_fields` never rule out a line holding a label."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.remittance import pdf_fields

LABEL_TEXTS = ("Payment No.", "Payment Reference", "Check #", "Cheque No", "EFT Trace No",
               "ACH trace", "N° d'avis", "Nº de chèque", "n. avviso", "Nr. distinta",
               "Zahlungsdatum / Payment date", "Valuta", "Wertstellung", "Date de valeur",
               "Total paid", "Überweisungsbetrag", "Importe total", "Remitted from",
               "Payer:", "From:", "Our account number with you", "Your customer no",
               "Kundennr.", "N° client", "Código de proveedor", "Currency code", "Währung",
               "Payment method", "Zahlungsart", "Bank Ref.", "Payment Run No.", "Avis-Nr.")
FILLERS = ("", " ", "\t", ":", "#", "-", "x", "INV-2026-0012", "24.04.2026", "1.234,56", "/")
texts = st.lists(st.sampled_from(LABEL_TEXTS + FILLERS), max_size=6).map("".join)


def test_the_screens_pass_every_listed_label() -> None:
    for text in LABEL_TEXTS:
        lowered = text.lower()
        assert pdf_fields._ANY_LABEL.search(lowered), text
        assert pdf_fields._ANY_LABEL_SCREEN.search(lowered), text


@settings(max_examples=300, deadline=None)
@given(texts)
def test_a_screen_passes_every_line_its_pattern_matches(text: str) -> None:
    lowered = text.lower()
    if pdf_fields._ANY_LABEL.search(lowered):
        assert pdf_fields._ANY_LABEL_SCREEN.search(lowered)
    if pdf_fields._REF_LABEL.search(text):
        assert pdf_fields._REF_LABEL_SCREEN.search(text)


def test_a_screen_rules_out_a_line_without_labels() -> None:
    line = "INV-2026-00123\t04/12/2026\tsteel brackets, hex bolts\t1,234.56"
    assert not pdf_fields._ANY_LABEL_SCREEN.search(line.lower())
    assert not pdf_fields._REF_LABEL_SCREEN.search(line)
