"""Small builders for cash-application tests: items, lines, remittances in a line each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bots.cashapp import MatchResult, Policy, match
from bots.domain import Customer, OpenItem, Proposal, Remittance, RemittanceLine

ACME = Customer("0000100042", "ACME Corp.", aliases=("Acme Trading",))
BOLT = Customer("0000100043", "Bolt Industries Inc.")
PARENT = Customer("0000200001", "Global Holdings PLC")
SUB_A = Customer("0000200002", "Global Foods GmbH", parent="0000200001")
SUB_B = Customer("0000200003", "Global Drinks GmbH", parent="0000200001")
CUSTOMERS = [ACME, BOLT, PARENT, SUB_A, SUB_B]


def item(doc: str, amount: str, ref: str = "", customer: str = ACME.number,
         currency: str = "USD", po: str = "", pct: str | None = None,
         discount_date: date | None = None, line_item: str = "001") -> OpenItem:
    """An open item of 2026 in company code 1000."""
    return OpenItem("1000", customer, doc, "2026", line_item, currency, Decimal(amount),
                    date(2026, 3, 1), date(2026, 3, 31), invoice_ref=ref, po_number=po,
                    discount_pct=Decimal(pct) if pct else None, discount_date=discount_date)


def line(ref: str, paid: str, *, po: str | None = None, discount: str = "0",
         deduction: str = "0", reason: str | None = None) -> RemittanceLine:
    return RemittanceLine(ref, Decimal(paid), po_number=po, discount=Decimal(discount),
                          deduction=Decimal(deduction), deduction_reason=reason)


def remit(rid: str, *lines: RemittanceLine, payer: str | None = "ACME Corp.",
          account: str | None = None, currency: str = "USD", total: str | None = None,
          paid_on: date = date(2026, 3, 12), payment_ref: str | None = None) -> Remittance:
    """A remittance; total defaults to the sum of the lines (None when there are none)."""
    if total is None and lines:
        total = str(sum((x.paid_amount for x in lines), Decimal(0)))
    return Remittance(rid, f"test/{rid}.pdf", "pdf", currency, list(lines), payer_name=payer,
                      payer_account=account, payment_ref=payment_ref or f"ACH {rid}",
                      payment_date=paid_on, total=Decimal(total) if total else None)


def run(items: list[OpenItem], *remittances: Remittance, policy: Policy | None = None,
        **kwargs: object) -> MatchResult:
    return match(items, list(remittances), CUSTOMERS, policy or Policy(), **kwargs)


def only(result: MatchResult) -> Proposal:
    """The single proposal of ``result`` (fails otherwise)."""
    assert len(result.proposals) == 1, (result.proposals, result.unmatched)
    return result.proposals[0]
