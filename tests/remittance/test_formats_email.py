"""E-mails: the mikel/mail edge cases and built messages with bodies and attachments."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from email.message import EmailMessage

import pytest

from bots.remittance import email as mail_reader
from bots.remittance import extract

MAIL = "mikel__mail"
CSV = b"Invoice #;Amount Paid\r\n90012;1.234,56\r\n90013;10,00\r\n"


@pytest.mark.parametrize("stem, attachment", [
    ("attachment_emails__attachment_content_disposition", "api.rb"),  # disposition wins
    ("attachment_emails__attachment_nonascii_filename", "ciële.txt"),
    ("multi_charset__japanese_attachment_long_name", "かきくけこ" * 5 + ".txt"),
])
def test_mikel_attachment_names(samples, stem, attachment):
    data = (samples / MAIL / f"spec__fixtures__emails__{stem}.eml").read_bytes()
    assert [p.name for p in mail_reader.parts(data, "m.eml", None)] == [attachment]
    result = extract(data, "m.eml")
    [failure] = result.failures  # nothing in them is a remittance: said once, plainly
    assert failure.code == "not-a-remittance" and "nor do its 1 parts" in failure.reason
    assert [f.source for f in result.ignored] == [f"m.eml#{attachment}"]


@pytest.mark.parametrize("stem", ["attachment_pdf", "attachment_pdf_non_ascii"])
def test_mikel_broken_pdf_attachment_named(samples, stem):
    path = samples / MAIL / f"spec__fixtures__emails__attachment_emails__{stem}.eml"
    [failure] = extract(path).failures
    assert failure.source == f"{path}#broken.pdf" and failure.code == "corrupt"


def test_mikel_odd_transfer_encoding_does_not_crash(samples):
    path = samples / MAIL / "spec__fixtures__emails__error_emails__" \
                            "content_transfer_encoding_with_8bits.eml"
    [failure] = extract(path).failures
    assert failure.code == "not-a-remittance"


def test_mikel_rfc2231_encoded_name(samples):
    data = (samples / MAIL / "spec__fixtures__emails__attachment_emails__"
                             "attachment_with_encoded_name.eml").read_bytes()
    [part] = mail_reader.parts(data, "m.eml", None)
    assert part.name.startswith("01 Quien Te Dij") and part.name.endswith("Pitbull.mp3")


def _message(subject: str = "Remittance advice from ACME Corp") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Jane Doe <ap@acme.example>"
    message["To"] = "cash@us.example"
    message["Subject"] = subject
    return message


def test_plain_body_lines_and_labels():
    message = _message()
    message.set_content("Hello,\n\nCheck No: 55012\nPayment date: 04/12/2026\n\n"
                        "Invoice 90012345 ... 1,234.56\nInvoice 90012346 ... 765.44\n\n"
                        "Total: 2,000.00\n")
    [r] = extract(message.as_bytes(), "m.eml").remittances
    assert (r.format, r.payer_name, r.payment_ref, str(r.payment_date), r.total) == \
        ("email", "ACME Corp", "55012", "2026-04-12", Decimal("2000.00"))
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == [
        ("90012345", Decimal("1234.56")), ("90012346", Decimal("765.44"))]
    assert r.warnings == ["currency not stated; assumed USD"]


def test_html_table_preferred_over_plain_alternative():
    message = _message("Payment")
    message.set_content("Invoice 1 ... 9.99\n")
    message.add_alternative("<table><tr><th>Inv No.</th><th>Gross</th><th>Disc</th>"
                            "<th>Net Paid</th></tr><tr><td>A-77</td><td>€ 1.000,00</td>"
                            "<td>20,00</td><td>€ 980,00</td></tr></table>", subtype="html")
    [r] = extract(message.as_bytes(), "m.eml").remittances
    assert r.currency == "EUR" and r.payer_name == "Jane Doe"
    [line] = r.lines
    assert (line.invoice_ref, line.gross_amount, line.discount, line.paid_amount) == \
        ("A-77", Decimal("1000.00"), Decimal("20.00"), Decimal("980.00"))


def test_attachments_recursive_zip_and_nested_message():
    inner = _message("Fwd: remittance")
    inner.set_content("see attached")
    inner.add_attachment(CSV, maintype="text", subtype="csv", filename="inner.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("batch/one.csv", CSV)
    outer = _message()
    outer.set_content("Our remittances are attached.")
    outer.add_attachment(buffer.getvalue(), maintype="application", subtype="zip",
                         filename="batch.zip")
    outer.add_attachment(inner)
    result = extract(outer.as_bytes(), "box/outer.eml")
    assert result.failures == []
    assert sorted(r.source for r in result.remittances) == [
        "box/outer.eml#batch.zip#batch/one.csv", "box/outer.eml#part2.eml#inner.csv"]
    # payer hints: the outer subject for the zip, the forwarded message's sender inside it
    assert sorted(r.payer_name for r in result.remittances) == ["ACME Corp", "Jane Doe"]
    for r in result.remittances:
        assert r.format == "csv"
        assert [line.paid_amount for line in r.lines] == [Decimal("1234.56"), Decimal("10.00")]
    # same bytes, same ids, wherever they sit
    assert len({r.id for r in result.remittances}) == 1


def test_unnamed_csv_part_is_extracted_not_lost():
    message = _message()
    message.set_content("see below")
    message.add_attachment(CSV, maintype="text", subtype="csv")
    del message.get_payload()[1]["Content-Disposition"]
    [r] = extract(message.as_bytes(), "m.eml").remittances
    assert r.source == "m.eml#part1.csv" and r.format == "csv"
