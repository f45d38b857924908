"""The front door finds the format from the content, not the file name."""

from __future__ import annotations

import shutil

import pytest

from bots.remittance import extract
from bots.remittance import sniff as s
from bots.remittance.registry import reader_for


@pytest.mark.parametrize("folder, name, reader", [
    ("freestream__pyedi", "tests__files__820.txt", "x12-820"),
    ("moov-io__bai2", "test__testdata__sample1.txt", "bai2"),
    ("moov-io__bai2", "test__testdata__errors__sample-parseError.txt", "bai2"),
    ("genkgo__camt", "test__data__camt054.v8-with-UETR.xml", "camt"),
    ("wolph__mt940", "mt940_tests__jejik__ing.sta", "mt940"),
    ("mikel__mail", "spec__fixtures__emails__attachment_emails__attachment_pdf.eml", "email"),
    ("invoice-x__invoice2data", "tests__compare__oyo.pdf", "pdf"),
])
def test_samples_sniffed_whatever_their_name(samples, folder, name, reader):
    head = (samples / folder / name).read_bytes()[:s.HEAD_BYTES]
    for hint in (name, "renamed.csv", "noext"):
        found = reader_for(head, hint)
        assert found is not None and found.NAME == reader


def test_xml_root_namespace_skips_prolog_and_prefixes():
    head = (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE x [<!ENTITY a "b">]>'
            b'<p:Document xmlns:xsi="urn:xsi" xmlns:p="urn:iso:std:iso:20022:tech:xsd:'
            b'camt.053.001.08">')
    assert s.xml_root(head) == ("Document", "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08")
    assert s.xml_root(b"Invoice,Paid") is None


@pytest.mark.parametrize("text, delimiter", [
    ("Payer;ACME\n\nInvoice;Paid\n1;2,00\n3;4,00\n", ";"),
    ("Invoice\tPaid\n1\t2.00\n", "\t"),
    ('Invoice,Paid\n1,"1,234.00"\n2,"5.00"\n', ","),
    ("just a sentence, with a comma\n", None),
])
def test_csv_delimiter(text, delimiter):
    assert s.csv_delimiter(text) == delimiter


def test_folder_recursed_hidden_skipped(tmp_path, samples):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    shutil.copy(samples / "freestream__pyedi" / "tests__files__820.txt", tmp_path / "a" / "b")
    (tmp_path / "a" / "pay.csv").write_bytes(b"Invoice,Paid\nA1,1.00\n")
    (tmp_path / ".cache" / "junk.csv").write_bytes(b"\x00garbage")
    (tmp_path / "a" / ".hidden.csv").write_bytes(b"\x00garbage")
    result = extract(tmp_path)
    assert result.failures == []
    assert sorted(r.format for r in result.remittances) == ["csv", "x12-820"]
