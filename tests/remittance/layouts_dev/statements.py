"""Statements of account used as remittance advices, in six languages (development only).

What payers send when their ERP prints the supplier's account instead of an
advice: SAP F.27 / FBL1N "Kontoauszug" and "Saldenbestätigung", Navision / Exact
/ Sage "Rekeningoverzicht", "Relevé de compte fournisseur", "Extracto de cuenta",
"Estratto conto" / "Partitario": one row per booking with the two sides (Debit /
Credit, Soll / Haben, Débit / Crédit, Debet / Credit, Debe / Haber, Dare / Avere)
and a running balance. The invoices stand on one side (the payer's books: credit;
some print the supplier's view: debit), credit notes on the other, and the
payment that clears them is a row among them. Drawn per document: the side, an
opening balance (brought forward, left unpaid by the payment), the payer's
voucher and our invoice number in either order (or our number only), a type
column, a label printed over two lines, the payment number in the document
column or only in the text, a stated payment amount or none (then the payment
row alone says it), the number style, a balance sign style (``-x``, ``x-``,
``x Cr``), Helvetica or Courier (labels one space apart).

Truth: the invoice and credit-note rows (credit notes negative), never the opening
balance or the payment; the total is their sum, the amount of the payment row.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bots.domain import Remittance, RemittanceLine
from tests.remittance.layouts.families import Advice

CENT = Decimal("0.01")

# per language: titles, then column labels (each a choice; "a|b" prints on two lines),
# row texts, header labels of the payment, the decimal style
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"title": ("Statement of Account", "Supplier Account Statement", "Vendor Ledger"),
           "date": ("Posting Date", "Date", "Doc.|Date"), "type": ("Type", "Doc. Type"),
           "voucher": ("Document No.", "Our Doc.", "Journal No."),
           "ref": ("Your Invoice", "External Doc. No.", "Invoice|Number", "Your|Reference"),
           "debit": ("Debit", "Dr"), "credit": ("Credit", "Cr"),
           "balance": ("Balance", "Running|Balance"),
           "opening": ("Balance brought forward", "Opening balance"),
           "invoice": ("Invoice", "INV"), "note": ("Credit memo", "CRN"),
           "payment": ("Payment", "Bank transfer", "EFT payment"),
           "paid": ("Payment amount:", "Amount paid:"), "payref": ("Payment No.:", "Payment ref.:"),
           "paydate": ("Payment date:", "Value date:"), "style": ("en",)},
    "de": {"title": ("Kontoauszug", "Saldenbestätigung", "Kreditorenkontoauszug"),
           "date": ("Buchungsdatum", "Belegdatum", "Beleg-|datum"), "type": ("BA", "Belegart"),
           "voucher": ("Belegnr.", "Beleg-Nr.", "Buchungsnr."),
           "ref": ("Ihre Rechnung", "Rechnungsnr.", "Ihre|Rechnungsnr.", "Referenz"),
           "debit": ("Soll",), "credit": ("Haben",), "balance": ("Saldo", "Saldo|EUR"),
           "opening": ("Saldovortrag", "Anfangssaldo"),
           "invoice": ("Rechnung", "RE"), "note": ("Gutschrift", "GS"),
           "payment": ("Zahlung", "Überweisung", "Zahlungsausgang"),
           "paid": ("Zahlbetrag:", "Überwiesener Betrag:"), "payref": ("Zahlungsnr.:", "Avis-Nr.:"),
           "paydate": ("Zahlungsdatum:", "Valuta:"), "style": ("de", "ch")},
    "fr": {"title": ("Relevé de compte", "Extrait de compte fournisseur"),
           "date": ("Date", "Date|comptable"), "type": ("Type", "Jnl"),
           "voucher": ("N° pièce", "Écriture"),
           "ref": ("Votre facture", "N° facture", "Votre|référence"),
           "debit": ("Débit",), "credit": ("Crédit",), "balance": ("Solde", "Solde|progressif"),
           "opening": ("Solde reporté", "Solde initial"),
           "invoice": ("Facture", "FA"), "note": ("Avoir", "AV"),
           "payment": ("Virement", "Règlement"),
           "paid": ("Montant réglé :", "Montant du virement :"),
           "payref": ("Réf. virement :", "N° de règlement :"),
           "paydate": ("Date de règlement :", "Date valeur :"), "style": ("fr", "de")},
    "nl": {"title": ("Rekeningoverzicht", "Saldo-overzicht crediteur"),
           "date": ("Boekdatum", "Datum"), "type": ("Soort", "Dagboek"),
           "voucher": ("Boekstuk", "Boekstuknr."),
           "ref": ("Uw factuur", "Factuurnummer", "Uw|kenmerk"),
           "debit": ("Debet",), "credit": ("Credit",), "balance": ("Saldo",),
           "opening": ("Beginsaldo", "Saldo vorige periode"),
           "invoice": ("Factuur", "VF"), "note": ("Creditnota", "CN"),
           "payment": ("Betaling", "Overboeking"),
           "paid": ("Betaald bedrag:", "Bedrag betaling:"), "payref": ("Betalingskenmerk:",),
           "paydate": ("Betaaldatum:", "Valutadatum:"), "style": ("de",)},
    "es": {"title": ("Extracto de cuenta", "Extracto de proveedor"),
           "date": ("Fecha", "Fecha|contable"), "type": ("Tipo", "Clase"),
           "voucher": ("Asiento", "Nº asiento"),
           "ref": ("Su factura", "Nº factura", "Su|referencia"),
           "debit": ("Debe",), "credit": ("Haber",), "balance": ("Saldo",),
           "opening": ("Saldo anterior", "Saldo inicial"),
           "invoice": ("Factura", "FRA"), "note": ("Abono", "Nota de abono"),
           "payment": ("Transferencia", "Pago"),
           "paid": ("Importe pagado:", "Importe transferencia:"),
           "payref": ("Nº de pago:", "Ref. transferencia:"),
           "paydate": ("Fecha de pago:", "Fecha valor:"), "style": ("de",)},
    "it": {"title": ("Estratto conto", "Partitario fornitore"),
           "date": ("Data reg.", "Data|documento"), "type": ("Causale", "Tipo"),
           "voucher": ("N. registrazione", "Protocollo"),
           "ref": ("Vs. fattura", "N. fattura", "Vs.|riferimento"),
           "debit": ("Dare",), "credit": ("Avere",), "balance": ("Saldo", "Saldo|progressivo"),
           "opening": ("Saldo iniziale", "Saldo precedente"),
           "invoice": ("Fattura", "FT"), "note": ("Nota di credito", "NC"),
           "payment": ("Bonifico", "Pagamento"),
           "paid": ("Importo bonifico:", "Importo pagato:"), "payref": ("Rif. bonifico:",),
           "paydate": ("Data valuta:", "Data pagamento:"), "style": ("de", "ch")},
}
_GROUPS = {"en": (",", "."), "de": (".", ","), "ch": ("'", "."), "fr": ("\u00a0", ",")}


def money(value: Decimal, style: str, sign: str = "lead") -> str:
    """``value`` printed in a number ``style`` (en, de, ch, fr) and minus ``sign`` style."""
    group, mark = _GROUPS[style]
    whole, cents = f"{abs(value):,.2f}".split(".")
    text = f"{whole.replace(',', group)}{mark}{cents}".replace("\u00a0", " ")
    if value >= 0:
        return text
    return {"lead": f"-{text}", "trail": f"{text}-", "cr": f"{text} Cr"}[sign]


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One statement of account (``family`` is a layouts_dev Family: its ``lang``)."""
    lang = getattr(family, "lang", "en")
    w = WORDS[lang]
    style, sign = rng.choice(w["style"]), rng.choice(("lead", "trail", "cr"))
    paid_on = date(2026, 1, 5) + timedelta(days=rng.randint(60, 330))
    shape = rng.choice(("{:08d}", "RE-{:06d}", "F26/{:05d}", "{:06d}-26", "INV{:07d}"))
    count = rng.randint(2, 14)
    numbers = sorted(rng.sample(range(10000, 10000 + count * 7), count))
    rows = []
    for n, number in enumerate(numbers):
        amount = (Decimal(rng.randint(2000, 900000)) / 100).quantize(CENT)
        if n and rng.random() < 0.2:
            amount = -(amount / 7).quantize(CENT)
        rows.append((shape.format(number), f"{rng.randint(1000000, 9999999)}",
                     paid_on - timedelta(days=rng.randint(5, 90)), amount))
    rows.sort(key=lambda r: r[2])
    if sum(r[3] for r in rows) <= 0:  # a payment is money to us
        rows = [(r[0], r[1], r[2], abs(r[3])) for r in rows]
    total = sum((r[3] for r in rows), Decimal(0))
    opening = (Decimal(rng.randint(1000, 200000)) / 100).quantize(CENT) \
        if rng.random() < 0.35 else None
    payref = f"{rng.choice(('ZV', 'PAY', 'F110-', ''))}{rng.randint(100000, 9999999)}"
    ours_credit = rng.random() < 0.7  # invoices on the credit side: the payer's books
    cols = ["date"] + (["type"] if rng.random() < 0.6 else [])
    refs = ["voucher", "ref"] if rng.random() < 0.7 else ["ref"]
    if len(refs) == 2 and rng.random() < 0.4:
        refs.reverse()
    cols += refs + ["debit", "credit", "balance"]
    labels = {c: rng.choice(w[c]) for c in cols}
    courier = rng.random() < 0.35
    if courier:
        labels = {c: t.upper() for c, t in labels.items()}
    stated = rng.random() < 0.75
    pay_in_doc = rng.random() < 0.6

    def sides(amount: Decimal, invoice_side: bool) -> tuple[str, str]:
        text = money(abs(amount), style)
        return (("", text) if invoice_side == ours_credit else (text, ""))

    body: list[dict[str, str]] = []
    balance = opening or Decimal(0)
    for ref, voucher, when, amount in rows:
        balance += amount
        debit, credit = sides(amount, amount > 0)
        body.append({"date": when.strftime(_DATES[style]), "voucher": voucher, "ref": ref,
                     "type": rng.choice(w["invoice"] if amount > 0 else w["note"]),
                     "debit": debit, "credit": credit, "balance": money(balance, style, sign)})
    debit, credit = sides(total, False)
    payment_text = rng.choice(w["payment"])
    body.append({"date": paid_on.strftime(_DATES[style]),
                 "voucher": payref if pay_in_doc else "",
                 "ref": "" if pay_in_doc else f"{payment_text} {payref}",
                 "type": payment_text if pay_in_doc else "",
                 "debit": debit, "credit": credit,
                 "balance": money(opening or Decimal(0), style, sign)})
    head = [rng.choice(w["title"]), "", f"{rng.choice(w['payref'])} {payref}",
            f"{rng.choice(w['paydate'])} {paid_on.strftime(_DATES[style])}"]
    if stated:
        head.append(f"{rng.choice(w['paid'])} {money(total, style)} EUR")
    else:
        head.append("EUR")
    pdf = _draw(head, cols, labels, body, money(opening, style, sign) if opening else None,
                rng.choice(w["opening"]), courier, rng)
    truth = Remittance(id="", source="", format="pdf", currency="EUR",
                       lines=[RemittanceLine(r[0], r[3]) for r in rows],
                       payer_name=None, payment_ref=payref, payment_date=paid_on,
                       total=total)
    name = getattr(family, "name", "statement")
    items = [(r[0], r[3]) for r in rows]
    return Advice(family, f"{name}-{index:03d}", pdf, truth, 1, items)  # type: ignore[arg-type]


_DATES = {"en": "%m/%d/%Y", "de": "%d.%m.%Y", "ch": "%d.%m.%y", "fr": "%d/%m/%Y"}
_RIGHT = ("debit", "credit", "balance")


def _draw(head: list[str], cols: list[str], labels: dict[str, str],
          body: list[dict[str, str]], opening: str | None, opening_label: str,
          courier: bool, rng: random.Random) -> bytes:
    """The statement on one A4 page: Courier columns of fixed width one space apart, or
    Helvetica columns at x positions; two-line labels split at "|"."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    font, size = ("Courier", 8.0) if courier else ("Helvetica", rng.choice((8.0, 8.5, 9.0)))
    c.setFont(font, size)
    y = 800.0
    for text in head:
        c.drawString(40, y, text)
        y -= size + 5
    y -= 20
    width = {"date": 11, "type": 9, "voucher": 12, "ref": 16, "debit": 13, "credit": 13,
             "balance": 15}
    for col in cols:  # a column as wide as its longest cell
        width[col] = max(width[col], *(len(values.get(col, "")) for values in body))
    if courier:  # character columns, one space between
        char = c.stringWidth("0", "Courier", size)
        x, xs = 40.0, {}
        for col in cols:
            width[col] = max(width[col], *(len(p) for p in labels[col].split("|")))
            xs[col] = x + (width[col] * char if col in _RIGHT else 0)
            x += (width[col] + 1) * char
    else:
        x, xs = 40.0, {}
        for col in cols:
            step = width[col] * size * 0.55 + rng.randint(8, 20)
            xs[col] = x + (step - 6 if col in _RIGHT else 0)
            x += step
    rows = 2 if any("|" in labels[col] for col in cols) else 1
    for row in range(rows):
        for col in cols:
            parts = labels[col].split("|")  # a one-line label on the lower line
            text = parts[row - (rows - len(parts))] if row >= rows - len(parts) else ""
            if text:
                (c.drawRightString if col in _RIGHT else c.drawString)(xs[col], y, text)
        y -= size + 2
    if courier:
        c.drawString(40, y, "-" * int((x - 40) / c.stringWidth("-", "Courier", size)))
        y -= size + 3
    y -= 3
    if opening is not None:
        c.drawString(xs[cols[1]] if cols[1] not in _RIGHT else 40, y, opening_label)
        c.drawRightString(xs["balance"], y, opening)
        y -= size + 5
    for values in body:
        for col in cols:
            if values.get(col):
                (c.drawRightString if col in _RIGHT else c.drawString)(xs[col], y, values[col])
        y -= size + 5
    c.showPage()
    c.save()
    return buf.getvalue()
