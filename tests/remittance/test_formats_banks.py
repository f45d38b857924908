"""Bank and EDI formats on the public samples: X12 820, BAI2, camt.05x, MT940.

Expected values are read off the sample files themselves; where the source
project's expected output (genkgo's .json) disagrees with the XML, the test
says so and follows the XML.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bots.domain import PaymentMethod, to_minor
from bots.remittance import bai2, camt, extract, x12_820
from bots.remittance.errors import ExtractError
from bots.remittance.jsonl import to_json

# --------------------------------------------------------------------------- X12 820


def test_820_pyedi_sample(samples):
    result = extract(samples / "freestream__pyedi" / "tests__files__820.txt")
    assert result.failures == []
    [r] = result.remittances
    assert r.format == "x12-820" and r.currency == "USD"
    assert r.payer_name == "CompanyA.com"
    # RMR*PO: the lines stay, with their purchase orders and no invoice reference
    assert [(line.invoice_ref, line.po_number, line.paid_amount) for line in r.lines] == [
        ("", "554681037", Decimal("10.49")), ("", "554841872", Decimal("17.99")),
        ("", "554719617", Decimal("8.98")), ("", "554648526", Decimal("20.24"))]
    assert sum(line.paid_amount for line in r.lines) == Decimal("57.70")
    assert r.total is None  # BPR*I*0.00: remittance only, not a zero payment
    assert any("BPR01=I" in w for w in r.warnings)
    assert any("purchase order" in w for w in r.warnings)


def _x12(body: str, element: str = "*", segment: str = "~") -> bytes:
    isa = ("ISA*00*          *00*          *ZZ*PAYER          *ZZ*PAYEE          "
           "*260412*1200*U*00401*000000001*0*P*>")
    text = (isa + "~" + body).replace("*", element).replace("~", segment)
    return text.encode()


def test_820_full_segments_and_custom_separators():
    body = ("GS*RA*P*Q*20260412*1200*1*X*004010~ST*820*0001~"
            "BPR*C*1190.00*C*ACH*CTX*01*011000015*DA*123*1234567890**01*021000021*DA*456*20260412~"
            "TRN*1*EFT0099887~CUR*PR*USD~N1*PR*ACME CORP~N1*PE*US INC~ENT*1~"
            "RMR*IV*90012345*PA*990.00*1000.00*10.00~DTM*003*20260301~"
            "RMR*IV*90012346*PA*200.00*250.00~ADX*-50.00*01~REF*PO*PO-7781~"
            "SE*13*0001~GE*1*1~IEA*1*000000001~")
    for element, segment in (("*", "~"), ("|", "\n"), ("^", "'")):
        [r] = x12_820.read(_x12(body, element, segment), "t.edi")
        assert r.total == Decimal("1190.00") and r.payment_ref == "EFT0099887"
        assert r.payment_method is PaymentMethod.ACH and r.payment_date == date(2026, 4, 12)
        first, second = r.lines
        assert (first.invoice_ref, first.gross_amount, first.discount) == \
            ("90012345", Decimal("1000.00"), Decimal("10.00"))
        assert first.invoice_date == date(2026, 3, 1)
        assert (second.deduction, second.deduction_reason, second.po_number) == \
            (Decimal("50.00"), "01 Pricing Error", "PO-7781")
        assert r.warnings == []


@pytest.mark.parametrize("body, words", [
    ("ST*820*0001~BPR*C*10.00*C*ACH~RMR*IV*1*PA*abc~SE*4*0001~", "not an amount"),
    ("ST*820*0001~BPR*C*10.00*C*ACH~RMR*IV*1*PA*10.00~", "no SE segment"),
    ("GS*RA~GE*1*1~", "no ST transaction set"),
])
def test_820_malformed(body, words):
    with pytest.raises(ExtractError) as info:
        x12_820.read(_x12(body), "bad.edi")
    assert info.value.code == "malformed" and words in info.value.reason


# --------------------------------------------------------------------------- BAI2

BAI = "moov-io__bai2"


@pytest.mark.parametrize("name, details, payments, returns", [
    ("test__testdata__sample1.txt", 17, 5, 0),
    ("test__testdata__sample2.txt", 4, 4, 0),
    # 26 detail records: two physical lines hold two "16" records each (the
    # samples README counts 24 lines); the group control total checks out.
    ("test__testdata__sample3.txt", 26, 13, 0),
    # four of the nine credits are returned items (255 check return, 257 ACH return,
    # 261 ACH credit reject, 266 outgoing wire return); one debit (557) returns an
    # incoming ACH credit
    ("test__testdata__sample4-continuations-newline-delimited.txt", 17, 5, 5),
    ("test__testdata__sample5-issue113.txt", 20, 7, 5),
    ("test__testdata__spec-section3.txt", 1, 1, 0),
])
def test_bai2_samples_parse(samples, name, details, payments, returns):
    data = (samples / BAI / name).read_bytes()
    assert len(bai2.parse(data).details) == details
    kinds = [r.kind for r in bai2.read(data, name)]
    assert (kinds.count("payment"), kinds.count("return")) == (payments, returns)


def test_bai2_returned_items_are_returns_never_payments(samples):
    """Before, an "ACH Credit Reject" of 1,435.00 and an "Outgoing Wire Return" were payments."""
    result = extract(samples / BAI / "test__testdata__sample5-issue113.txt")
    returns = {r.total: r.warnings[-1] for r in result.returns}
    assert returns[Decimal("1435.00")] == "our outgoing payment came back: type 261 ACH " \
                                          "Credit Reject"
    assert returns[Decimal("2000.00")] == "incoming payment returned: type 557 ACH Credit " \
                                          "Receipt Return"
    assert not set(returns) & {r.total for r in result.remittances}


def test_bai2_sample1_amounts_and_dates(samples):
    rems = extract(samples / BAI / "test__testdata__sample1.txt").remittances
    assert [(r.total, r.currency) for r in rems] == [
        (Decimal("2035.00"), "CAD"), (Decimal("25.00"), "CAD"), (Decimal("25.00"), "CAD"),
        (Decimal("115.00"), "CAD"), (Decimal("1000.00"), "CAD")]
    assert rems[0].payment_date == date(2006, 3, 16) and rems[-1].payment_date == date(2006, 3, 17)
    assert all(r.warnings == [] for r in rems)


def test_bai2_spec_section3(samples):
    [r] = extract(samples / BAI / "test__testdata__spec-section3.txt").remittances
    assert (r.total, r.payment_ref, r.payment_method) == \
        (Decimal("15000.00"), "DD1620", PaymentMethod.ACH)


def test_bai2_several_records_on_one_line(samples):
    details = bai2.parse((samples / BAI / "test__testdata__sample3.txt").read_bytes()).details
    assert (details[0].amount, details[0].text) == (Decimal("25.00"),
                                                     "TRANSFER   PAYPAL             PPD")
    assert (details[1].amount, details[1].type_code) == (Decimal("5.00"), 142)


def test_bai2_continuation_tags(samples):
    data = (samples / BAI / "test__testdata__sample5-issue113.txt").read_bytes()
    wire = next(d for d in bai2.parse(data).details if d.amount == Decimal("37979996.24"))
    assert wire.tags["DBNM"] == "TEST AND COMPANY" and wire.customer_ref.startswith("20230821")
    rems = bai2.read(data, "s5")
    incoming = next(r for r in rems if r.total == Decimal("37979996.24"))
    assert incoming.payer_name == "TEST AND COMPANY"
    assert incoming.payment_method is PaymentMethod.WIRE
    # slashes inside a reference do not split records
    assert any(d.customer_ref == "AB/GS/RPFILERP0001/RPBA0001" for d in bai2.parse(data).details)


def test_bai2_parse_error_sample_rejected(samples):
    result = extract(samples / BAI / "test__testdata__errors__sample-parseError.txt")
    assert result.remittances == []
    [failure] = result.failures
    assert failure.code == "malformed" and "'00'" in failure.reason


def test_bai2_truncated_and_remittance_text():
    good = (b"01,BANK,US,260412,0800,1,,,2/\n02,US,BANK,1,260411,,USD,2/\n"
            b"03,555,USD,010,100,,/\n16,165,123450,0,B1,C1,ACH CREDIT/\n"
            b"88,REMI: INV 90012 1,234.50/\n49,123550,3/\n98,123550,1,5/\n99,123550,1,7/\n")
    [r] = bai2.read(good, "ok.bai")
    assert r.total == Decimal("1234.50") and r.warnings == []
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("90012", Decimal("1234.50"))]
    with pytest.raises(ExtractError, match="trailer"):
        bai2.read(good.rsplit(b"99,", 1)[0], "cut.bai")


# --------------------------------------------------------------------------- camt

CAMT = "genkgo__camt"


@pytest.mark.parametrize("stem", [
    "camt052.v2", "camt053.v2.five.decimals", "camt053.v2.minimal.ultimate",
    "camt053.v2.with-account-name", "camt053.v4", "camt054.v2", "camt054.v4",
    "camt054.v8-with-UETR", "camt53.only-Dt-with-DtTm"])
def test_camt_entries_match_genkgo(samples, stem):
    """Entry amounts, signs and currencies agree with genkgo/camt's own dump."""
    expected = json.loads((samples / CAMT / f"test__data__{stem}.json").read_text())
    transactions = camt.parse((samples / CAMT / f"test__data__{stem}.xml").read_bytes())
    entries = {t.entry_index: t for t in transactions}
    want = [(int(e["getAmount"]["getAmount"]), e["getAmount"]["getCurrency"]["getCode"])
            for e in expected.get("getEntries") or []]
    got = [((1 if t.credit else -1) * to_minor(t.entry_amount, "EUR"), t.currency)
           for t in entries.values()]
    # genkgo's minor units are cents for every currency listed in these files
    assert [g for g, _ in got] == [w for w, _ in want]


def test_camt054_v4_transactions_follow_the_xml(samples):
    """The XML says 3.1, 3.2, 3.2 CHF (genkgo's dump shows -320 twice; the README 3.1 twice).

    The transactions claim CRDT inside an entry booked DBIT: the booking wins,
    so the front door finds no incoming payment, and says so.
    """
    path = samples / CAMT / "test__data__camt054.v4.xml"
    transactions = camt.parse(path.read_bytes())
    assert [(t.amount, t.currency, t.credit) for t in transactions] == [
        (Decimal("3.1"), "CHF", False), (Decimal("3.2"), "CHF", False),
        (Decimal("3.2"), "CHF", False)]
    assert "booking is followed" in transactions[0].warnings[0]
    [failure] = extract(path).failures
    assert failure.code == "not-a-remittance"


def test_camt053_five_decimals(samples):
    [r] = extract(samples / CAMT / "test__data__camt053.v2.five.decimals.xml").remittances
    assert r.format == "camt053" and r.total == Decimal("8.850") and r.currency == "EUR"
    assert r.payment_date == date(2015, 1, 2)  # value date (booked 2014-12-31)
    assert r.warnings == []  # 8.850 is 8.85: nothing lost


def test_camt_amount_beyond_currency_decimals_is_out_of_range():
    """Spec v1.2: more decimals than the currency has fails the document, never rounded."""
    result = extract(_camt054("02", "", "EUR", "10.12345"), "x.xml")
    [failure] = result.failures
    assert result.remittances == [] and failure.code == "out-of-range"
    assert failure.reason.startswith("amount out of range") and "2 decimals" in failure.reason


def test_camt053_date_holding_datetime(samples):
    transactions = camt.parse(
        (samples / CAMT / "test__data__camt53.only-Dt-with-DtTm.xml").read_bytes())
    assert transactions == []  # 0 Ntry: parsed, nothing to report


def test_camt_wrong_sample_rejected(samples):
    [failure] = extract(samples / CAMT / "test__data__camt053.v2.wrong.xml").failures
    assert failure.code == "malformed"


def _camt054(version: str, tx: str, ccy: str = "EUR", amount: str = "1190.00") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.{version}">
 <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr>
  <Ntfctn><Id>N1</Id>
   <Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-04-12</Dt></BookgDt><ValDt><DtTm>2026-04-13T00:00:00</DtTm></ValDt>
    <AcctSvcrRef>BANKREF1</AcctSvcrRef>
    <NtryDtls><TxDtls>{tx}</TxDtls></NtryDtls>
   </Ntry>
  </Ntfctn>
 </BkToCstmrDbtCdtNtfctn>
</Document>""".encode()


@pytest.mark.parametrize("version, party", [("02", "<Dbtr><Nm>ACME Corp</Nm></Dbtr>"),
                                            ("08", "<Dbtr><Pty><Nm>ACME Corp</Nm></Pty></Dbtr>")])
def test_camt054_structured_remittance(version, party):
    tx = f"""<Refs><EndToEndId>E2E-77</EndToEndId></Refs><RltdPties>{party}</RltdPties>
      <RmtInf>
       <Strd><RfrdDocInf><Nb>90012345</Nb><RltdDt>2026-03-01</RltdDt></RfrdDocInf>
        <RfrdDocAmt><DuePyblAmt Ccy="EUR">1000.00</DuePyblAmt>
         <DscntApldAmt Ccy="EUR">10.00</DscntApldAmt><RmtdAmt Ccy="EUR">990.00</RmtdAmt>
        </RfrdDocAmt></Strd>
       <Strd><RfrdDocInf><Nb>90012346</Nb></RfrdDocInf>
        <RfrdDocAmt><DuePyblAmt Ccy="EUR">250.00</DuePyblAmt>
         <AdjstmntAmtAndRsn><Amt Ccy="EUR">50.00</Amt><Rsn>DAMAGED</Rsn></AdjstmntAmtAndRsn>
        </RfrdDocAmt></Strd>
      </RmtInf>"""
    [r] = extract(_camt054(version, tx), "n.xml").remittances
    assert (r.format, r.payer_name, r.payment_ref, r.payment_date) == \
        ("camt054", "ACME Corp", "E2E-77", date(2026, 4, 13))
    a, b = r.lines
    assert (a.invoice_ref, a.paid_amount, a.discount, a.invoice_date) == \
        ("90012345", Decimal("990.00"), Decimal("10.00"), date(2026, 3, 1))
    assert (b.paid_amount, b.deduction, b.deduction_reason) == \
        (Decimal("200.00"), Decimal("50.00"), "DAMAGED")
    assert r.warnings == []


def test_camt054_unstructured_and_jpy():
    tx = "<RmtInf><Ustrd>INV 4711 2,700 JPY</Ustrd></RmtInf>"
    [r] = extract(_camt054("04", tx, "JPY", "2700"), "jpy.xml").remittances
    assert (r.currency, r.total) == ("JPY", Decimal("2700"))
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("4711", Decimal("2700"))]
    assert r.payment_ref == "BANKREF1"


# --------------------------------------------------------------------------- MT940

MT = "wolph__mt940"


@pytest.mark.parametrize("name, credits, returns, currency", [
    ("mt940_tests__ASNB__mt940.txt", 3, 0, "EUR"),
    ("mt940_tests__jejik__ing.sta", 2, 0, "EUR"),
    ("mt940_tests__jejik__postfinance.sta", 3, 0, "CHF"),
    ("mt940_tests__self-provided__raphaelm.sta", 8, 0, "DEM"),
    # three of its eight credits are GVC 159 "RETOURE": our own transfers coming back
    ("mt940_tests__betterplace__sepa_snippet.sta", 5, 3, "EUR"),
    ("mt940_tests__mBank__mt942.sta", 3, 0, "PLN"),  # MT942: the currency is in :34F:
])
def test_mt940_credits(samples, name, credits, returns, currency):
    result = extract(samples / MT / name)
    assert result.failures == []
    assert len(result.remittances) == credits and len(result.returns) == returns
    assert {r.currency for r in result.remittances} == {currency}
    assert all(r.format == "mt940" and r.total and r.total > 0 for r in result.remittances)


def test_mt940_ing_values(samples):
    rems = extract(samples / MT / "mt940_tests__jejik__ing.sta").remittances
    assert [(r.total, r.payment_date) for r in rems] == [
        (Decimal("3.68"), date(2010, 7, 22)), (Decimal("1.00"), date(2010, 7, 23))]


def test_mt940_only_debits_is_not_a_remittance(samples):
    [failure] = extract(samples / MT / "mt940_tests__jejik__abnamro.sta").failures
    assert failure.code == "not-a-remittance"


def test_mt940_gvc_subfields():
    data = (b":20:STMT\n:25:12345678/1020304050\n:28C:1\n:60F:C260401EUR100,00\n"
            b":61:2604120412CR1234,50NTRFNONREF//B1\n"
            b":86:166?00GUTSCHRIFT?20EREF+E2E-1?21SVWZ+Rechnung Nr. 90012\n?22 1234,50 EUR"
            b"?32ACME GMBH\n:62F:C260412EUR1334,50\n-")
    [r] = extract(data, "s.sta").remittances
    # the end-to-end reference (EREF+) is the payment's reference, as camt's EndToEndId
    assert (r.total, r.payer_name, r.payment_ref) == (Decimal("1234.50"), "ACME GMBH", "E2E-1")
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("90012", Decimal("1234.50"))]


def test_mt940_gvc_names_and_zero_memo_lines(samples):
    rems = extract(samples / MT / "mt940_tests__betterplace__sepa_snippet.sta").remittances
    assert [(r.total, r.payer_name) for r in rems[:3]] == [
        (Decimal("50990.05"), "KARL KAUFMANN"), (Decimal("154551.93"), "Quentin Quast"),
        (Decimal("154551.93"), "Karl Kaufmann")]
    [failure] = extract(samples / MT / "mt940_tests__citi__mt940.txt").failures
    assert "zero" in failure.reason  # its credits are 0,00 balance memo lines


def test_mt940_swift_blocks(samples):
    rems = extract(samples / MT / "mt940_tests__ASNB__mt940.txt").remittances
    assert [(r.total, r.payment_date.isoformat(), r.payment_ref) for r in rems] == [
        (Decimal("1000.00"), "2020-01-05", "NL56ASNB9999999999"),
        (Decimal("828.72"), "2020-01-29", "NL25INGB9999999999"),
        (Decimal("1000.18"), "2020-01-31", "NL56ASNB9999999999")]


def test_820_two_sets_and_unattached_adjustment():
    one = "ST*820*0001~BPR*C*100.00*C*CHK~TRN*1*CHK501~RMR*IV*A1*PA*100.00~SE*5*0001~"
    two = ("ST*820*0002~BPR*C*40.00*C*FWT~ENT*1~ADX*-10.00*DM~RMR*IV*B1*PA*50.00~"
           "SE*6*0002~")
    first, second = x12_820.read(_x12("GS*RA~" + one + two + "GE*2*1~"), "two.edi")
    assert (first.payment_ref, first.payment_method, first.total) == \
        ("CHK501", PaymentMethod.CHECK, Decimal("100.00"))
    assert second.payment_method is PaymentMethod.WIRE
    # DM is no trade reason in element 426 (it is a medical passthru): shown as printed
    assert "adjustment -10.00 (DM) is not tied to an invoice" in second.warnings
    # the front door adds the sum check
    [_, checked] = extract(_x12("GS*RA~" + one + two + "GE*2*1~"), "two.edi").remittances
    assert any(w.startswith("lines do not add up to total") for w in checked.warnings)


def test_camt053_v4_single_transaction_follows_the_booking(samples):
    """Its one TxDtls says "0 SEK" for an entry booked 8.85 EUR: the booking wins, said."""
    [r] = extract(samples / CAMT / "test__data__camt053.v4.xml").remittances
    assert (r.total, r.currency, r.payer_name) == (Decimal("8.85"), "EUR", "NAME NAME")
    assert [(line.invoice_ref, line.paid_amount) for line in r.lines] == \
        [("4654654654654654", Decimal("8.85"))]
    assert r.warnings == ["transaction amount 0 SEK differs from the booked 8.85 EUR; "
                          "the booking is followed"]


def test_820_qualifiers_decide_the_line_and_payer_from_rm():
    """RMR01 (X12 element 128): IV/IK/OI/R7 are our invoices; PO a purchase order;
    account or policy numbers are no invoice references. N1*RM when there is no PR."""
    body = ("GS*RA~ST*820*0001~BPR*C*350.00*C*ACH~TRN*1*T1~N1*RM*ACME REMIT*91*0000100042~"
            "ENT*1~RMR*IK*90012345*PA*100.00~RMR*PO*PO-77*PA*50.00~REF*IV*90012399~"
            "RMR*11*ACC-5*PA*80.00~RMR*1L*GRP-9*PA*70.00~RMR*R7*90012400*PA*50.00~"
            "ADX*-5.00*54*IV*90012400~SE*12*0001~GE*1*1~")
    [r] = x12_820.read(_x12(body), "q.edi")
    assert (r.payer_name, r.payer_account) == ("ACME REMIT", "0000100042")
    assert [(line.invoice_ref, line.po_number) for line in r.lines] == [
        ("90012345", None), ("90012399", "PO-77"), ("", None), ("", None), ("90012400", None)]
    assert r.lines[-1].deduction_reason == "54 Freight Deducted (90012400)"
    assert "RMR*1L GRP-9 (group or policy number) is no invoice reference; its 70.00 is " \
           "kept without one" in r.warnings
    assert to_json(r)["lines"][2]["invoice_ref"] is None  # "no invoice_ref" in JSON Lines
