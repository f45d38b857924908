"""PDFs the reader cannot use: each gives one ExtractError with the right code."""

from __future__ import annotations

import io

import pytest
from pdf_corpus import make_sample
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.errors import ExtractError
from bots.remittance.pdf import extract_pdf

BACKENDS = ("pdfium", "pdfplumber")


def _pdf(draw=None, **canvas_options) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=letter, **canvas_options)
    if draw:
        draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _text(*lines: str):
    def draw(c: Canvas) -> None:
        for n, line in enumerate(lines):
            c.drawString(50, 700 - 14 * n, line)
    return draw


def _code(data: bytes, backend: str, **options) -> str:
    with pytest.raises(ExtractError) as caught:
        extract_pdf(data, "x.pdf", backend=backend, templates=(), **options)
    assert caught.value.reason  # a human sentence for the operator
    return caught.value.code


@pytest.mark.parametrize("backend", BACKENDS)
def test_password_protected(backend):
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = _pdf(_text("Remittance Advice", "Payment No.: 123"),
                encrypt=StandardEncryption("secret", "owner"))
    assert _code(data, backend) == "encrypted"


@pytest.mark.parametrize("backend", BACKENDS)
def test_owner_password_only_is_read(backend):
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = _pdf(_text("REMITTANCE ADVICE", "Payment No.: 4711", "Total Paid: 12.50"),
                encrypt=StandardEncryption("", "owner", canPrint=0))
    [got] = extract_pdf(data, "x.pdf", backend=backend, templates=())
    assert got.payment_ref == "4711" and str(got.total) == "12.50"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("data", [b"%PDF-1.4\n\x00\x01garbage", b"this is not a pdf at all",
                                  make_sample("us-ach", 0).pdf[:700]],
                         ids=["garbage", "no-header", "truncated"])
def test_corrupt(backend, data):
    assert _code(data, backend) == "corrupt"


@pytest.mark.parametrize("backend", BACKENDS)
def test_empty(backend):
    assert _code(b"", backend) == "empty"
    assert _code(_pdf(), backend) == "empty"  # one blank page


@pytest.mark.parametrize("backend", BACKENDS)
def test_scanned_image_needs_ocr(backend):
    image = Image.new("RGB", (200, 100), "white")
    data = _pdf(lambda c: c.drawImage(ImageReader(image), 50, 500, 400, 200))
    assert _code(data, backend, ocr=False) == "needs-ocr"


@pytest.mark.parametrize("backend", BACKENDS)
def test_too_many_pages(backend):
    sample = make_sample("multipage-continued", 0)
    assert sample.pages >= 2
    assert _code(sample.pdf, backend, max_pages=1) == "too-large"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_letter_is_not_a_remittance(backend):
    data = _pdf(_text("Dear customer,", "thank you for your order 4711 of 12 March.",
                      "Amount 1,234.50 is due on 04/30/2026."))
    assert _code(data, backend) == "not-a-remittance"


def test_unknown_backend_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown PDF backend"):
        extract_pdf(make_sample("us-ach", 0).pdf, "x.pdf", backend="ocr")
