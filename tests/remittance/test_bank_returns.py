"""Returns and reversals in bank files are never payments (issue 9, item 9).

ISO 20022: ``CdtDbtInd`` states the direction of the booking itself, also of a
reversal; ``RvslInd`` does not flip it. A DBIT reversal or a booking with
``RtrInf`` (SEPA reason codes) is a return of an earlier payment. MT940: ``RC``,
``/RTRN/`` and the DK return bookings (GVC 109/159) likewise. Real public
files prove each rule (bank_samples/README.md names their sources).
"""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

from bots.remittance import RETURN_REASON, camt, extract

HERE = Path(__file__).resolve().parent
BANK = HERE / "bank_samples"
REPO = HERE.parents[1]


def _camt(entry: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
 <GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S</Id>{entry}</Stmt></BkToCstmrStmt></Document>
""".encode()


def _entry(indicator: str, reversal: bool, tx: str = "") -> str:
    return (f'<Ntry><Amt Ccy="EUR">450.50</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
            f'{"<RvslInd>true</RvslInd>" if reversal else ""}<Sts>BOOK</Sts>'
            '<BookgDt><Dt>2026-03-06</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef>'
            f'<NtryDtls><TxDtls><Refs><EndToEndId>E2E-9</EndToEndId></Refs>{tx}'
            '<RmtInf><Ustrd>Invoice 2026-0107</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>')


def test_dbit_reversal_is_money_leaving_not_a_payment():
    """The old reader flipped DBIT+RvslInd into a credit: a 450.50 'payment'."""
    [t] = camt.parse(_camt(_entry("DBIT", reversal=True)))
    assert not t.credit and t.reversal and t.is_return
    result = extract(_camt(_entry("DBIT", reversal=True)), "rev.xml")
    assert result.remittances == [] and result.failures == []
    [ret] = result.returns
    assert (ret.kind, ret.total, ret.payment_ref) == ("return", Decimal("450.50"), "E2E-9")
    assert ret.warnings == ["incoming payment returned: reversal (RvslInd)"]


def test_crdt_reversal_stays_money_in_and_goes_to_a_person():
    [r] = extract(_camt(_entry("CRDT", reversal=True)), "rev.xml").remittances
    assert r.kind == "payment" and r.total == Decimal("450.50")
    assert any("undoes an earlier debit" in w for w in r.warnings)  # never auto-applied


def test_plain_debit_is_still_not_a_remittance():
    [failure] = extract(_camt(_entry("DBIT", reversal=False)), "d.xml").failures
    assert failure.code == "not-a-remittance"


def test_credit_with_return_reason_is_our_transfer_coming_back():
    tx = "<RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Konto erloschen</AddtlInf></RtrInf>"
    result = extract(_camt(_entry("CRDT", reversal=False, tx=tx)), "r.xml")
    [ret] = result.returns
    assert result.remittances == []
    assert ret.warnings == ["our outgoing payment came back: AC04 closed account; "
                            "Konto erloschen"]


def test_returned_direct_debit_hbci4java_sample():
    """camt.052 Rücklastschrift: DBIT, RtrInf MS03, booked 53.00 = 50.00 + 3.00 charges."""
    result = extract(BANK / "hbci4java__test-camt-ruecklastschrift.xml")
    assert result.remittances == [] and result.failures == []
    [ret] = result.returns
    assert (ret.format, ret.kind, ret.total, ret.payer_name) == \
        ("camt052", "return", Decimal("53.00"), "Sven Schuldner")
    assert ret.payment_ref is None  # AcctSvcrRef NONREF is a placeholder, not a reference
    assert "incoming payment returned: MS03 reason not specified; RUECKLASTSCHRIFT " \
           "Sonstige Gruende" in ret.warnings


def test_oca_camt053_reversed_batch_gives_two_returns_and_keeps_the_credits():
    """A DBIT RvslInd entry of two AC06 returns (564.05 + 100.00) beside real credits."""
    result = extract(BANK / "oca__test-camt053.xml")
    assert result.failures == []
    assert [(r.total, r.payment_ref) for r in result.returns] == [
        (Decimal("564.05"), "TESTBANK/NL/20141229/01206408"),
        (Decimal("100.00"), "TESTBANK/NL/20141229/01206407")]
    assert all("AC06 blocked account" in r.warnings[-1] for r in result.returns)
    assert [r.total for r in result.remittances] == [Decimal("1405.31")]
    assert all(r.kind == "payment" for r in result.remittances)


def test_mt940_rc_and_dk_retoure_are_returns():
    """betterplace sepa_mt9401: 41 credits before; 17 are GVC 159 RETOURE, 2 are RC."""
    result = extract(BANK / "wolph__betterplace__sepa_mt9401.sta")
    assert result.failures == []
    assert len(result.remittances) == 24 and len(result.returns) == 19
    reversed_credits = [r for r in result.returns if "(RC)" in r.warnings[-1]]
    assert [r.total for r in reversed_credits] == [Decimal("204.88"), Decimal("204.88")]
    retoure = next(r for r in result.returns if r.total == Decimal("915311.55"))
    assert retoure.warnings[-1] == "our outgoing payment came back: GVC 159 RETOURE"
    assert retoure.payment_ref == "TFNR 44003 00002"  # EREF+ value, the keyword dropped


def test_mt940_rtrn_debit_and_credit_ing_sample():
    result = extract(BANK / "oca__test-ing.940")
    returns = {r.total: r for r in result.returns}
    assert set(returns) == {Decimal("1.57"), Decimal("12.75")}
    assert returns[Decimal("12.75")].warnings == ["incoming payment returned: return reason "
                                                   "MS03"]  # D ... NRTI with /RTRN/MS03/
    assert returns[Decimal("1.57")].payment_ref == "20120123456789"
    assert Decimal("1.57") not in {r.total for r in result.remittances}


def test_cli_names_returns_on_stderr_and_writes_no_line(tmp_path):
    path = tmp_path / "ruecklastschrift.xml"
    path.write_bytes((BANK / "hbci4java__test-camt-ruecklastschrift.xml").read_bytes())
    run = subprocess.run([str(REPO / ".venv" / "bin" / "arbots"), "extract", str(path)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert RETURN_REASON in run.stderr and "ruecklastschrift.xml" in run.stderr


def test_bank_charges_are_the_deduction_of_a_fully_paid_invoice():
    """Sent 1,000.00 for invoice 2026-0107, 990.00 arrived, Chrgs 10.00: not a short pay."""
    tx = ('<AmtDtls><InstdAmt><Amt Ccy="EUR">1000.00</Amt></InstdAmt></AmtDtls>'
          '<Chrgs><Amt Ccy="EUR">10.00</Amt></Chrgs>')
    entry = _entry("CRDT", reversal=False, tx=tx).replace("450.50", "990.00")
    [r] = extract(_camt(entry), "chrgs.xml").remittances
    [line] = r.lines
    assert (r.total, line.invoice_ref, line.gross_amount, line.deduction,
            line.deduction_reason, line.paid_amount) == (
        Decimal("990.00"), "2026-0107", Decimal("1000.00"), Decimal("10.00"), "bank charges",
        Decimal("990.00"))
    assert r.warnings == []
