"""Bad input through the front door: a clear Failure (code + reason), never a crash.

PDF internals are the PDF reader's business (tests/remittance/test_pdf_errors.py);
here each kind of bad file only has to come out as one named failure while
the rest of the run goes on.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from bots.remittance import Limits, extract

REPO = Path(__file__).resolve().parents[2]
GOOD_CSV = b"Invoice #,Amount Paid\r\n90012,100.00\r\n90013,250.50\r\n"


def _pdf(draw, **kwargs) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, **kwargs)
    draw(page)
    page.save()
    return buffer.getvalue()


def _image_only_pdf() -> bytes:
    png = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(png, "PNG")
    return _pdf(lambda c: c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 50, 400, 300,
                                      200))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _failure(data: bytes, name: str, **kwargs):
    result = extract(data, name, **kwargs)
    assert result.remittances == []
    [failure] = result.failures
    assert failure.source == name and failure.reason
    return failure


@pytest.mark.parametrize("make, code", [
    (lambda: _pdf(lambda c: c.drawString(72, 700, "Invoice 1 10.00"), encrypt="secret"),
     "encrypted"),
    (lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "corrupt"),
    (lambda: b"", "empty"),
    (lambda: b"  \r\n ", "empty"),
    (_image_only_pdf, "needs-ocr"),
    (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "needs-ocr"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
     "encrypted"),
    (lambda: b"From: a@b.example\r\nSubject: remittance\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nMIIB",
     "encrypted"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported"),
])
def test_bad_files_give_a_named_failure(make, code):
    assert _failure(make(), "in/bad.bin").code == code


def test_missing_file_is_a_failure_not_a_crash(tmp_path):
    [failure] = extract(tmp_path / "nope.pdf").failures
    assert (failure.code, failure.source) == ("unreadable", str(tmp_path / "nope.pdf"))


def test_huge_file_refused_before_reading(tmp_path):
    big = tmp_path / "huge.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 5000)
    result = extract(big, limits=Limits(max_file_bytes=4096))
    [failure] = result.failures
    assert failure.code == "too-large" and "4096" in failure.reason


def test_zip_bomb_ratio():
    bomb = _zip({"zeros.csv": b"0" * 30_000_000})
    started = time.perf_counter()
    failure = _failure(bomb, "bomb.zip")
    assert failure.code == "zip-bomb" and "fold" in failure.reason
    assert time.perf_counter() - started < 5  # refused from the directory, not inflated


def test_zip_total_size_members_and_depth():
    assert _failure(_zip({f"{i}.csv": GOOD_CSV for i in range(20)}), "many.zip",
                    limits=Limits(max_members=10)).code == "zip-bomb"
    assert _failure(_zip({"a.csv": GOOD_CSV * 100}), "big.zip",
                    limits=Limits(max_archive_bytes=1000)).code == "zip-bomb"
    nested = GOOD_CSV
    for level in range(5):
        nested = _zip({f"level{level}.zip" if level else "a.csv": nested})
    result = extract(nested, "deep.zip")
    assert [f.code for f in result.failures] == ["zip-bomb"]
    assert "nested" in result.failures[0].reason


def test_zip_with_good_and_bad_members():
    result = extract(_zip({"good.csv": GOOD_CSV, "bad.pdf": b"%PDF-1.4 broken",
                           "logo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 10}), "mixed.zip")
    assert [r.source for r in result.remittances] == ["mixed.zip#good.csv"]
    assert [(f.source, f.code) for f in result.failures] == [("mixed.zip#bad.pdf", "corrupt")]
    assert [f.source for f in result.ignored] == ["mixed.zip#logo.png"]


ISA = ("ISA*00*          *00*          *ZZ*A              *ZZ*B              "
       "*260412*1200*U*00401*000000001*0*P*>~")


@pytest.mark.parametrize("data, words", [
    ((ISA + "ST*820*1~BPR*C*1x0*C~RMR*IV*1*PA*10.00~SE*4*1~").encode(), "not an amount"),
    ((ISA + "ST*820*1~BPR*C*10.00*C~RMR*IV*1*PA*10.00~").encode(), "no SE segment"),
    (b"ISA*00*truncated", "truncated"),
])
def test_malformed_820(data, words):
    failure = _failure(data, "bad.820")
    assert failure.code == "malformed" and words in failure.reason


@pytest.mark.parametrize("data, words", [
    (b"00,0004,1/2/345,06/0321,0829,001,80,1,2/\n", "'00'"),
    (b"01,A,B,260412,0800,1,,,2/\n02,B,A,1,260411,,USD,2/\n03,1,USD/\n16,165,12x,0/\n",
     "not an amount"),
    (b"01,A,B,260412,0800,1,,,2/\n02,B,A,1,260411,,USD,2/\n03,1,USD/\n16,165,1200,0/\n",
     "no file trailer"),
])
def test_malformed_bai2(data, words):
    failure = _failure(data, "bad.bai")
    assert failure.code == "malformed" and words in failure.reason


CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"


@pytest.mark.parametrize("data, words", [
    (f'<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry><Amt Ccy="EUR">'
     f'1O.00</Amt></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>'.encode(),
     "not an amount"),
    (f'<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn>'.encode(),
     "not well-formed"),
])
def test_malformed_camt(data, words):
    failure = _failure(data, "bad.xml")
    assert failure.code == "malformed" and words in failure.reason


def test_xxe_refused_and_no_file_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    data = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
            f'<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry>'
            f'<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls><RmtInf>'
            f'<Ustrd>&x;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Ntfctn>'
            f'</BkToCstmrDbtCdtNtfctn></Document>').encode()
    result = extract(data, "xxe.xml")
    [failure] = result.failures
    assert failure.code == "unsafe"
    assert "TOP-SECRET" not in repr(result)


def test_billion_laughs_refused_quickly():
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    data = (f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>'
            f'<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn>&a9;'
            f'</BkToCstmrDbtCdtNtfctn></Document>').encode()
    started = time.perf_counter()
    assert _failure(data, "lol.xml").code == "unsafe"
    assert time.perf_counter() - started < 2


def test_wrong_encodings_read_with_a_warning():
    cp1252 = "Rechnung;Zahlbetrag;Reason\r\n90012;1.234,56;Müller €\r\n90013;10,00;\r\n"
    [r] = extract(cp1252.encode("cp1252"), "eu.csv").remittances
    assert r.lines[0].paid_amount == Decimal("1234.56")
    assert r.lines[0].deduction_reason == "Müller €"
    assert any("cp1252" in w for w in r.warnings)
    mail = (b"From: ACME <ap@acme.example>\r\nSubject: Remittance from ACME Corp\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            b"Invoice 90012 paid 1.234,56 EUR \xe0 M\xfcller\r\n")
    [r] = extract(mail, "wrong-charset.eml").remittances
    assert (r.lines[0].invoice_ref, r.lines[0].paid_amount) == ("90012", Decimal("1234.56"))
    assert any("declared charset" in w for w in r.warnings)
    assert r.payer_name == "ACME Corp"


def test_html_script_never_read_as_data():
    page = (b"<html><body><script>var t='<table><tr><td>Invoice</td><td>Paid</td></tr>"
            b"<tr><td>666</td><td>9.99</td></tr></table>';fetch('http://evil/')</script>"
            b"<table><tr><th>Invoice #</th><th>Amount Paid</th></tr>"
            b"<tr><td>90012</td><td>100.00</td></tr></table></body></html>")
    [r] = extract(page, "advice.html").remittances
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("90012", Decimal("100.00"))]
    assert any("<script>" in w for w in r.warnings)


def test_reader_bug_is_contained(monkeypatch):
    from bots.remittance import sheets

    def boom(data, source):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(sheets.CsvReader, "read", staticmethod(boom))
    failure = _failure(GOOD_CSV, "x.csv")
    assert failure.code == "internal" and "ZeroDivisionError" in failure.reason


@pytest.mark.slow
def test_cli_folder_mixing_good_and_bad(tmp_path, samples):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.csv").write_bytes(GOOD_CSV)
    (folder / "sub" / "remit.820").write_bytes(
        (samples / "freestream__pyedi" / "tests__files__820.txt").read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "bad.bai").write_bytes(b"00,0004,1/2/345,06/0321,0829,001,80,1,2/\n")
    out = tmp_path / "out.jsonl"
    run = subprocess.run([str(REPO / ".venv" / "bin" / "arbots"), "extract", str(folder),
                          "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    failed = [line for line in run.stderr.splitlines() if line.startswith("failed ")]
    assert len(failed) == 3
    for name, code in (("broken.pdf", "corrupt"), ("empty.csv", "empty"),
                       ("bad.bai", "malformed")):
        assert any(name in line and f"({code})" in line for line in failed)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["format"] for r in records) == ["csv", "x12-820"]
    good = next(r for r in records if r["format"] == "csv")
    assert [(x["invoice_ref"], x["paid_amount"]) for x in good["lines"]] == \
        [("90012", "100.00"), ("90013", "250.50")]
    # stdout stays clean JSON Lines when --out is not given
    run = subprocess.run([sys.executable, "-m", "bots.cli.__main__"] if False else
                         [str(REPO / ".venv" / "bin" / "arbots"), "extract",
                          str(folder / "good.csv")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    assert [json.loads(line)["id"] for line in run.stdout.splitlines()] == [good["id"]]


def _mutations(data: bytes, rng, count: int):
    from tests.fuzz.hostile import mutate

    for _ in range(count):
        yield mutate(data, rng)


def test_mutated_files_never_crash_a_reader(samples):
    """Seeded fuzzing: truncated, garbled, spliced files give failures, never a crash.

    Each bug this found has its fix in the reader (non-ASCII digits in counts, a
    cell after a nested table, a bad XML encoding name, zlib errors...).
    """
    import random

    rng = random.Random(2026)
    folders = ["freestream__pyedi", "moov-io__bai2", "genkgo__camt", "wolph__mt940",
               "mikel__mail"]
    inputs = [p for f in folders for p in sorted((samples / f).iterdir())
              if p.suffix not in (".json", ".pdf")]
    inputs += [p for p in sorted((REPO / "tests" / "remittance" / "golden").iterdir())
               if p.suffix != ".json"]
    crashes = []
    for path in inputs:
        for data in _mutations(path.read_bytes(), rng, 12):
            result = extract(data, path.name)
            crashes += [f for f in result.failures if f.code == "internal"]
    assert crashes == []


# ------------------------------------------------------------------ strict values (spec v1.2)

OUT_OF_RANGE_CELLS = ["1e309", "1E+5", "NaN", "Infinity", "1" * 30, "1" * 19, "12.345"]


@pytest.mark.parametrize("cell", OUT_OF_RANGE_CELLS)
def test_csv_amount_out_of_range_fails_the_document(cell):
    """Never a rounded guess: 1e309 used to read as 1309.00, 30 digits raised InvalidOperation."""
    data = f"Invoice #,Amount Paid\r\n90012,{cell}\r\n90013,250.50\r\n".encode()
    failure = _failure(data, "odd.csv")
    assert failure.code == "out-of-range" and failure.reason.startswith("amount out of range")


@pytest.mark.parametrize("amount", ["1e309", "1" * 30, "NaN", "-INF", "1E+5", "10.123"])
def test_camt_amount_out_of_range_fails_the_document(amount):
    data = (f'<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry>'
            f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls>'
            f'<RmtInf><Ustrd>Invoice 90012</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>'
            f'</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>').encode()
    assert _failure(data, "odd.xml").code == "out-of-range"


@pytest.mark.parametrize("element", ["BPR*C*" + "1" * 30, "BPR*C*1e309", "BPR*C*NaN"])
def test_x12_amount_out_of_range_fails_the_document(element):
    data = (ISA + f"ST*820*1~{element}*C~RMR*IV*1*PA*10.00~SE*4*1~").encode()
    assert _failure(data, "odd.820").code == "out-of-range"


@pytest.mark.parametrize("number", ["1e309", "1E+20", "-1e400"])
def test_xlsx_number_out_of_range_fails_the_document(number):
    """A numeric cell ``<v>1e309</v>`` arrives from openpyxl as float('inf'): refused."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Invoice #", "Amount Paid"])
    book.active.append(["90012", 4242])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as original:
        members = {m: original.read(m) for m in original.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"<v>4242</v>", f"<v>{number}</v>".encode())
    assert _failure(_zip(members), "odd.xlsx").code == "out-of-range"


def test_largest_amounts_still_read():
    data = b"Invoice #,Amount Paid\r\n90012,1234567890123456.78\r\n"
    [r] = extract(data, "big.csv").remittances
    assert r.lines[0].paid_amount == Decimal("1234567890123456.78")
    [yen] = extract(b"Invoice #,Amount Paid (JPY)\r\n90012,1234.00\r\n", "jpy.csv").remittances
    assert yen.currency == "JPY" and yen.lines[0].paid_amount == 1234  # zeros are no decimals


@pytest.mark.parametrize("cell, amount", [
    ("\u2212100.00", Decimal("-100.00")), ("١٢٣.٤٥", Decimal("123.45")),
    ("１２３.００", Decimal("123.00"))])
def test_unicode_minus_and_digits_of_one_script(cell, amount):
    data = f"Invoice #,Amount Paid\r\n90012,{cell}\r\n90013,500.00\r\n".encode()
    [r] = extract(data, "u.csv").remittances
    assert r.lines[0].paid_amount == amount


def test_digits_of_mixed_scripts_are_no_amount():
    data = "Invoice #,Amount Paid\r\n90012,1٢3.00\r\n90013,1.00\r\n".encode()
    [r] = extract(data, "mixed.csv").remittances
    assert [line.invoice_ref for line in r.lines] == ["90013"]
    assert any("90012 has no readable amount" in w for w in r.warnings)


@pytest.mark.parametrize("printed", ["2026-02-30", "31.04.2026", "02/30/2026", "2026-13-01"])
def test_impossible_date_is_a_warning(printed):
    data = f"Invoice #,Invoice Date,Amount Paid\r\n90012,{printed},10.00\r\n".encode()
    [r] = extract(data, "dates.csv").remittances
    assert r.lines[0].invoice_date is None
    assert f"impossible date '{printed}' ignored" in r.warnings


def test_impossible_payment_date_in_x12_is_a_warning():
    data = (ISA + "ST*820*1~BPR*C*10.00*C*ACH*CTX*01*1*DA*2*1*01*3*DA*4*5*20260230~"
                  "RMR*IV*1*PA*10.00~SE*4*1~").encode()
    [r] = extract(data, "d.820").remittances
    assert r.payment_date is None and "impossible date '20260230' ignored" in r.warnings


def test_negative_total_is_flagged():
    data = (ISA + "ST*820*1~BPR*C*-10.00*C~RMR*IV*1*PA*-10.00~SE*4*1~").encode()
    [r] = extract(data, "neg.820").remittances
    assert r.total == Decimal("-10.00")
    assert any(w.startswith("negative total") for w in r.warnings)


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\ufeff", "\u061c", "\u2060"])
def test_bidi_and_zero_width_characters_are_stripped_with_a_warning(char):
    data = (f"Payer,ACME{char} Corp\r\nInvoice #,Amount Paid\r\n"
            f"900{char}12,10.00\r\n").encode()
    [r] = extract(data, "bidi.csv").remittances
    assert (r.lines[0].invoice_ref, r.payer_name) == ("90012", "ACME Corp")
    assert any("lines[0].invoice_ref '90012'" in w for w in r.warnings)
    assert any("payer_name 'ACME Corp'" in w for w in r.warnings)


def test_utf16_sheet_is_read():
    """Excel's "Unicode text" export: tab-separated UTF-16LE with a BOM (and without)."""
    text = "Invoice #\tAmount Paid\r\n90012\t100.00\r\n90013\t250.50\r\n"
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be")):
        [r] = extract(data, "unicode.txt").remittances
        assert [line.paid_amount for line in r.lines] == [Decimal("100.00"), Decimal("250.50")]


def test_decimal_overflow_in_a_reader_is_out_of_range(monkeypatch):
    from decimal import InvalidOperation

    from bots.remittance import sheets

    def overflow(data, source):
        raise InvalidOperation("quantize result has too many digits")

    monkeypatch.setattr(sheets.CsvReader, "read", staticmethod(overflow))
    failure = _failure(GOOD_CSV, "x.csv")
    assert failure.code == "out-of-range" and "amount out of range" in failure.reason


def test_cli_out_into_a_missing_folder_and_a_failed_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bots.cli import main

    (tmp_path / "good.csv").write_bytes(GOOD_CSV)
    (tmp_path / "odd.csv").write_bytes(b"Invoice #,Amount Paid\r\n90012,1e309\r\n")
    out = tmp_path / "some" / "missing" / "folder" / "out.jsonl"
    monkeypatch.setenv("COLUMNS", "300")
    run = CliRunner().invoke(main, ["extract", str(tmp_path / "good.csv"),
                                    str(tmp_path / "odd.csv"), "--out", str(out)])
    assert run.exit_code == 1, run.output
    [failed] = [line for line in run.stderr.splitlines() if line.startswith("failed")]
    assert "odd.csv" in failed and "amount out of range: '1e309'" in failed
    assert [json.loads(line)["source"] for line in out.read_text().splitlines()] == \
        [str(tmp_path / "good.csv")]


def test_a_fifo_or_device_is_refused_not_read_forever(tmp_path):
    import os

    fifo = tmp_path / "advice.csv"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    for path in (fifo, Path("/dev/zero")):
        [failure] = extract(path).failures
        assert (failure.code, failure.reason) == ("unreadable", "not a regular file")


@pytest.mark.parametrize("printed", ["24-Apr-2026", "24 Apr 2026", "24-Apr-26", "24 April, 2026",
                                     "April 24, 2026", "24.04.2026"])
def test_dates_with_month_names_and_dashes_are_read(printed):
    from datetime import date

    from bots.remittance.values import parse_date

    assert parse_date(printed) == date(2026, 4, 24)
