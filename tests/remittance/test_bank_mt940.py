"""MT940/MT942 rules found on real public statements (issue 9, item 9).

Each test names the sample that showed the defect; bank_samples/README.md
says where each comes from.
"""

from __future__ import annotations

import doctest
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.remittance import banktext, extract, mt940

BANK = Path(__file__).resolve().parent / "bank_samples"


def _statement(line61: str, field86: str, balance: str = ":60F:C260401EUR100,00") -> bytes:
    return (f":20:STMT\n:25:12345678/1020304050\n:28C:1\n{balance}\n:61:{line61}\n"
            f":86:{field86}\n:62F:C260412EUR1334,50\n-").encode()


def test_a_date_wrapped_over_two_lines_is_no_invoice_line():
    """raiffeisen-cmi: "2018.04" / ".17" was read as invoice CAB18D... paying 2018.04."""
    [r] = extract(BANK / "wolph__self-provided__raiffeisen-cmi.sta").remittances
    assert (r.total, r.currency) == (Decimal("2066637.00"), "HUF")
    assert r.lines == []


def test_86_is_one_field_and_a_wrapped_time_is_not_a_tag():
    """wrapped_timestamp: ":26:37" starts a line inside :86: (12-09-2014T16:26:37)."""
    fields = mt940._fields((BANK / "wolph__self-provided__wrapped_timestamp.sta").read_text())
    assert [tag for tag, _ in fields] == ["20", "25", "28C", "60F", "61", "86", "62F"]
    found = mt940.details(fields[5][1])
    assert "12-09-2014T16:26:37" in found.purpose
    assert found.refs == {"EREF": "VZ0000000000000000", "MREF": "000000"}


def test_lines_cut_at_65_characters_join_without_a_space():
    """ING NL: "J.J" / "anssen" and "INGBNL2" / "A" are one word each."""
    result = extract(BANK / "oca__test-ing.940")
    payer = {r.total: r.payer_name for r in result.remittances}
    assert payer[Decimal("32.00")] == "J.Janssen"
    assert payer[Decimal("1.56")] == "ING BANK NV INZAKE WEB"  # /CNTP/IBAN/BIC/name/


def test_structured_creditor_reference_is_the_invoice():
    """/REMI/STRD/CUR/9001123412341234/ on a 32.00 credit."""
    r = next(r for r in extract(BANK / "oca__test-ing.940").remittances
             if r.total == Decimal("32.00"))
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("9001123412341234", Decimal("32.00"))]
    assert r.payment_ref == "15814016000676480"  # /EREF/


def test_dutch_invoice_word_and_customer_number():
    """/REMI/USTD//Factuurnr 123456 Klantnr 00123/ (a returned transfer of the ING sample)."""
    ret = next(r for r in extract(BANK / "oca__test-ing.940").returns
               if r.total == Decimal("1.57"))
    assert [line.invoice_ref for line in ret.lines] == ["123456"]
    assert ret.payer_account == "00123"


def test_rabobank_name_and_address_are_split():
    """/ORDP//NAME/R. SMITH/ADDR/Green market 74 .../REMI/...: the old reader kept the address."""
    [r] = extract(BANK / "oca__test-rabo.swi").remittances
    assert (r.payer_name, r.total, r.payment_date) == ("R. SMITH", Decimal("400.00"),
                                                      date(2014, 1, 2))


@pytest.mark.parametrize("field86, refs", [
    ("166?00GUTSCHRIFT?20EREF+NONREF?21SVWZ+Rechnung 4711", ["4711"]),
    ("166?00GUTSCHRIFT?20EREF+NOTPROVIDED?21KREF+?22SVWZ+RE-Nr. 2026-0412", ["2026-0412"]),
    ("166?00GUTSCHRIFT?20EREF+RE 90017?21SVWZ+Danke", ["90017"]),  # the EREF names it
    ("/EREF/NOTPROVIDED/REMI/USTD//Factuur 201403110, 201403113 d.d. 20-05-2011/",
     ["201403110", "201403113"]),
    ("/REMI/USTD//Paiement facture n° F-2026-77 du 12.03.2026/", ["F-2026-77"]),
    ("/REMI/USTD//Periode 01-10-2013 t/m 31-12-2013/", []),
])
def test_invoice_words_and_placeholder_references(field86, refs):
    found = mt940.details(field86)
    assert all(v.upper() not in ("NONREF", "NOTPROVIDED", "") for v in found.refs.values())
    got = banktext.invoice_refs(found.purpose) or \
        [r for v in found.refs.values() for r in banktext.invoice_refs(v)]
    assert got == refs


def test_pref_batch_reference_is_the_payment_reference():
    """ING: ":61:...C1,45NDDTPREF//00000000001008" with "/PREF/M000000001111111/"."""
    r = next(r for r in extract(BANK / "oca__test-ing.940").remittances
             if r.total == Decimal("1.45"))
    assert r.payment_ref == "M000000001111111"


def test_placeholders_are_never_the_payment_reference():
    data = _statement("2604120412CR1234,50NTRFNONREF//B1",
                      "166?00GUTSCHRIFT?20EREF+NOTPROVIDED?21KREF+?22SVWZ+Rechnung 4711")
    [r] = extract(data, "s.sta").remittances
    assert r.payment_ref == "B1"
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("4711", Decimal("1234.50"))]


def test_several_invoices_take_their_stated_amounts():
    data = _statement("2604120412CR1500,00NTRFNONREF//B1",
                      "166?00GUTSCHRIFT?20SVWZ+RE 4711 1000,00 RE 4712?21 500,00?32ACME GMBH")
    [r] = extract(data, "s.sta").remittances
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("4711", Decimal("1000.00")), ("4712", Decimal("500.00"))]


def test_one_malformed_61_is_a_warning_not_a_rejected_file():
    data = (b":20:STMT\n:25:1/2\n:28C:1\n:60F:C260401EUR0,00\n"
            b":61:2604XXC12,00NTRFNONREF\n:86:kaputt\n"
            b":61:2604120412C50,00NTRFNONREF//B2\n:86:Rechnung 4711\n:62F:C260412EUR62,00\n-")
    [r] = extract(data, "m.sta").remittances
    assert r.total == Decimal("50.00")
    assert any("'2604XXC12,00NTRFNONREF' skipped" in w for w in r.warnings)


def test_amount_without_decimal_comma_knab():
    """knab: ":61:1407290729C500NTRF29-07-2014 10:05//..." rejected the whole file before."""
    result = extract(BANK / "wolph__jejik__knab.sta")
    assert result.failures == []
    assert [r.total for r in result.remittances] == [Decimal("500"), Decimal("500")]


def test_currency_from_34f_of_an_mt942(samples):
    rems = extract(samples / "wolph__mt940" / "mt940_tests__mBank__mt942.sta").remittances
    assert {r.currency for r in rems} == {"PLN"} and all(r.format == "mt940" for r in rems)


def test_missing_currency_is_said():
    """sparkassen: a fragment without :20: and without a balance, amount on the next line."""
    [r] = extract(BANK / "wolph__self-provided__sparkassen.sta").remittances
    assert (r.total, r.currency) == (Decimal("30.00"), "EUR")
    assert "currency not stated (no :60F:, :34F: or :62F:); assumed EUR" in r.warnings


def test_currency_from_the_closing_balance_when_no_opening():
    data = (b":20:S\n:25:1/2\n:28C:1\n:61:2604120412C50,00NTRFNONREF//B2\n:86:Rechnung 4711\n"
            b":62F:C260412CHF62,00\n-")
    [r] = extract(data, "c.sta").remittances
    assert r.currency == "CHF" and not any("currency" in w for w in r.warnings)


def test_fragment_without_20_is_named_mt940():
    [failure] = extract(BANK / "wolph__cmxl__statement_line.sta").failures
    assert failure.code == "not-a-remittance"
    assert failure.reason.startswith("an MT940 statement fragment (no :20:)")


def test_february_30_value_date_is_read():
    fields = mt940._fields((BANK / "wolph__self-provided__february_30.sta").read_text())
    line, debit = mt940._statement_line(fields[4][1], "EUR")
    assert line is not None and debit and line.payment_date == date(2016, 2, 29)


def test_banktext_docstring_examples():
    result = doctest.testmod(banktext)
    assert result.attempted > 0 and result.failed == 0


def test_camt_unstructured_dutch_invoice_words():
    """camt <Ustrd> shares the finder: "Factuurnr" was no invoice word before."""
    data = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
     <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M</MsgId></GrpHdr><Ntfctn><Id>N</Id>
      <Ntry><Amt Ccy="EUR">1190.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
       <BookgDt><Dt>2026-04-12</Dt></BookgDt><NtryDtls><TxDtls><RmtInf>
        <Ustrd>Betaling factuurnr 2026-0107 klantnr 4711</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"""
    [r] = extract(data, "nl.xml").remittances
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("2026-0107", Decimal("1190.00"))]



def test_a_long_statement_hashes_its_file_once(monkeypatch):
    """The file's sha256 was computed once per remittance: 20,000 bookings took 70 s."""
    from bots.remittance import records

    calls = []
    real = records.hashlib.sha256
    monkeypatch.setattr(records.hashlib, "sha256",
                        lambda data=b"": calls.append(len(data)) or real(data))
    records.content_hash.cache_clear()
    data = (":20:X\n:60F:C260101EUR0,\n"
            + ":61:2601010101C1,00NTRFNONREF//B\n:86:Rechnung 1\n" * 200).encode()
    assert len(extract(data, "long.sta").remittances) == 200
    assert calls.count(len(data)) == 1
