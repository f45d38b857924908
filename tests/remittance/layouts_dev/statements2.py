"""Statements of account in the vocabulary of real ERPs, not of our word lists (development).

What a payer's accounting prints when it sends its ledger of our account with the
payment: DATEV "Kontoblatt" (Belegfeld 1, Buchungstext, Gegenkonto, Umsatz with an
S/H mark), SAP FBL1N / F.27 (Belegnr, Referenz, Betrag in HW, Ausgleich), A3 /
Sage Despachos / Holded "Extracto de cuenta" / "Mayor de proveedor" (Asiento,
Concepto, Cargo / Abono, Saldo acumulado), TeamSystem / Zucchetti "Scheda contabile"
(Prot., Causale, Addebiti / Accrediti, D/A), Cegid / Sage "Grand livre" (Journal,
Libellé, Lettrage, Solde cumulé), Exact / AFAS / Twinfield "Grootboekkaart"
(Dagboek, Boekstuk, Omschrijving, Af / Bij), QuickBooks / Xero "Vendor transaction
report" (Trans Type, Num, Memo, Charges / Payments, Running Balance).

The column labels are chosen so that the reader's header vocabulary does not name
the table: what is left to tell the columns is arithmetic (a running balance, the
payment row clearing the invoices) and the shape of the values. Drawn per document:
the amounts as two sides, one signed column, or one column and a debit/credit mark
column; a running balance (with a sign, a trailing minus, ``x Cr``, ``xDR`` or a side
mark) or none;
the payer's entry number beside our invoice number or our number only; a noise column
of counter-account numbers or lettering codes; our invoice number in a column or only in the booking
text; the payment row after the invoices, or the payments listed first; the rows
oldest or newest first; one page or (a long one) several, the header on each and the
balance carried over; an opening-balance row (its amount on a side or in the
balance only); a totals row (each side's sum, the closing balance); the locale's
number and date style.

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
from tests.remittance.layouts_dev.statements import money

CENT = Decimal("0.01")

# per language. Column labels: a choice each ("a|b" prints on two lines); "sides": pairs of
# (debit, credit) labels; "marks": (label of the mark column, debit mark, credit mark);
# row texts; "styles": number styles of statements.money; "dates": strftime patterns
WORDS: dict[str, dict[str, tuple]] = {  # type: ignore[type-arg]
    "es": {"title": ("Extracto de cuenta", "Mayor de proveedor", "Estado de cuenta",
                     "Extracto de movimientos"),
           "date": ("Fecha", "F. asiento", "Fecha|operación"),
           "voucher": ("Asiento", "Nº asto.", "Apunte"),
           "ref": ("Documento", "Nº doc.", "Doc. proveedor", "Su nº"),
           "text": ("Concepto", "Descripción", "Concepto|del apunte"),
           "noise": ("Contrapartida", "Punteo"),
           "sides": (("Cargo", "Abono"), ("Cargos", "Abonos"), ("Debe", "Haber")),
           "signed": ("Importe", "Importe|EUR"), "marks": (("D/H", "D", "H"),),
           "balance": ("Saldo acumulado", "Saldo|progresivo", "Acumulado"),
           "opening": ("Saldo anterior", "Saldo de apertura"), "sums": ("Sumas", "Totales"),
           "carry": ("Suma y sigue", "Suma anterior"),
           "invoice": ("Fra. recibida", "Su factura", "Factura proveedor"),
           "note": ("Abono recibido", "Rectificativa"),
           "payment": ("Transferencia emitida", "Pago por transferencia", "Remesa de pagos"),
           "payref": ("Ref. orden de pago:", "Nº remesa:"),
           "paydate": ("Fecha de emisión:", "Fecha de cargo:"),
           "styles": ("de", "fr"), "dates": ("%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y")},
    "de": {"title": ("Kontoblatt", "Kontenblatt Kreditor", "Offene Posten und Ausgleich",
                     "Einzelpostenliste"),
           "date": ("Datum", "Buch.-Dat.", "Beleg-|datum"),
           "voucher": ("Belegnr", "Buchungs-|nummer", "Beleg-Nr. intern"),
           "ref": ("Belegfeld 1", "Referenz", "Fremdbeleg"),
           "text": ("Buchungstext", "Text", "Buchungs-|text"),
           "noise": ("Gegenkonto", "Gkto", "Ausgl."),
           "sides": (("Belastung", "Gutschrift"), ("Soll", "Haben"), ("Umsatz S", "Umsatz H")),
           "signed": ("Betrag in HW", "Betrag|EUR", "Umsatz"), "marks": (("S/H", "S", "H"),),
           "balance": ("Saldo kumuliert", "Kontostand", "lfd. Saldo"),
           "opening": ("EB-Wert", "Saldovortrag"), "sums": ("Summe", "Kontosumme"),
           "carry": ("Übertrag", "Übertrag"),
           "invoice": ("ER", "Eingangsrechnung", "Rechnung"),
           "note": ("Gutschrift", "GS Kreditor"),
           "payment": ("Zahlung SEPA", "Bank Zahlungsausgang", "Zahllauf"),
           "payref": ("Zahlungsbeleg:", "Zahllauf-Nr.:"),
           "paydate": ("Ausführungstag:", "Buchungstag:"),
           "styles": ("de",), "dates": ("%d.%m.%Y", "%d.%m.%y")},
    "it": {"title": ("Scheda contabile fornitore", "Estratto conto", "Mastrino",
                     "Schede contabili"),
           "date": ("Data reg.", "Data|operazione"),
           "voucher": ("Prot.", "N. reg.", "Num. mov."),
           "ref": ("N. documento", "Doc. n.", "Rif. documento"),
           "text": ("Causale", "Descrizione", "Descrizione|movimento"),
           "noise": ("Contropartita", "Conto"),
           "sides": (("Addebiti", "Accrediti"), ("Dare", "Avere")),
           "signed": ("Importo", "Importo|euro"), "marks": (("D/A", "D", "A"), ("Segno", "D", "A")),
           "balance": ("Saldo progressivo", "Progressivo"),
           "opening": ("Saldo iniziale", "Riporto saldo"), "sums": ("Totali", "Tot. movimenti"),
           "carry": ("A riportare", "Riporto"),
           "invoice": ("Fattura acquisto", "Ft. ricevuta"),
           "note": ("Nota credito ricevuta", "NC fornitore"),
           "payment": ("Bonifico SEPA", "Pagamento fornitore", "Disposizione bonifico"),
           "payref": ("CRO:", "Rif. disposizione:"),
           "paydate": ("Data esecuzione:", "Data disposizione:"),
           "styles": ("de", "ch"), "dates": ("%d/%m/%Y", "%d/%m/%y")},
    "fr": {"title": ("Grand livre fournisseur", "Relevé de compte", "Extrait du compte tiers"),
           "date": ("Date", "Date|écriture"),
           "voucher": ("Pièce", "N° écriture", "Jnl / Pièce"),
           "ref": ("Réf. pièce", "N° document", "Référence"),
           "text": ("Libellé", "Libellé écriture"),
           "noise": ("Lettrage", "Let."),
           "sides": (("Débit", "Crédit"), ("Mouvements débit", "Mouvements crédit")),
           "signed": ("Montant", "Montant|EUR"), "marks": (("Sens", "D", "C"),),
           "balance": ("Solde cumulé", "Solde|progressif", "Cumul"),
           "opening": ("Report à nouveau", "A nouveau"), "sums": ("Totaux", "Total compte"),
           "carry": ("À reporter", "Report"),
           "invoice": ("Facture fournisseur", "Fact. achat"),
           "note": ("Avoir fournisseur", "Avoir reçu"),
           "payment": ("Virement émis", "Règlement fournisseur", "Paiement LCR"),
           "payref": ("Réf. remise :", "N° d'ordre :"),
           "paydate": ("Date d'exécution :", "Date d'opération :"),
           "styles": ("fr", "de"), "dates": ("%d/%m/%Y", "%d/%m/%y")},
    "nl": {"title": ("Grootboekkaart", "Rekeningoverzicht", "Openstaande posten crediteur"),
           "date": ("Datum", "Boek-|datum"),
           "voucher": ("Boekstuknr.", "Bkst.", "Dagb./Bkst."),
           "ref": ("Factuurnr.", "Uw ref.", "Referentie"),
           "text": ("Omschrijving", "Oms."),
           "noise": ("Tegenrek.", "Kpl."),
           "sides": (("Af", "Bij"), ("Debet", "Credit")),
           "signed": ("Bedrag", "Bedrag|EUR"), "marks": (("D/C", "D", "C"),),
           "balance": ("Cum. saldo", "Saldo|cumulatief", "Stand"),
           "opening": ("Beginbalans", "Openingsbalans"), "sums": ("Totaal", "Totalen"),
           "carry": ("Transport", "Transport"),
           "invoice": ("Inkoopfactuur", "Inkoop"),
           "note": ("Creditfactuur", "Creditnota inkoop"),
           "payment": ("Betaalbatch", "Bankafschrift betaling", "Uitgaande betaling"),
           "payref": ("Batchnr.:", "Betaalopdracht:"),
           "paydate": ("Uitvoeringsdatum:", "Datum opdracht:"),
           "styles": ("de",), "dates": ("%d-%m-%Y", "%d-%m-%y")},
    "en": {"title": ("Vendor Transaction Report", "Supplier Activity", "Account Transactions"),
           "date": ("Date", "Trans|Date"),
           "voucher": ("Trans No.", "Journal", "Seq."),
           "ref": ("Num", "Supplier Ref.", "Ref"),
           "text": ("Memo", "Details", "Trans Type"),
           "noise": ("Split", "Match"),
           "sides": (("Charges", "Payments"), ("Increase", "Decrease"), ("Debit", "Credit")),
           "signed": ("Amount", "Value|GBP"), "marks": (("Dr/Cr", "Dr", "Cr"),),
           "balance": ("Running Balance", "Balance", "Cumulative"),
           "opening": ("Balance b/f", "Opening balance"), "sums": ("Totals", "Total"),
           "carry": ("Carried forward", "Brought forward"),
           "invoice": ("Bill", "Purchase invoice"),
           "note": ("Vendor credit", "Purchase credit"),
           "payment": ("Bill payment", "BACS payment", "Payment run"),
           "payref": ("Payment run:", "BACS ref.:"),
           "paydate": ("Run date:", "Paid on:"),
           "styles": ("en", "ch"), "dates": ("%d/%m/%Y", "%m/%d/%Y", "%d-%b-%y")},
}
_RIGHT = frozenset({"debit", "credit", "amount", "balance"})
_MINUS = {"lead": "-{}", "trail": "{}-", "paren": "({})"}


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One statement of account (``family`` is a layouts_dev Family: its ``lang``)."""
    lang = getattr(family, "lang", "es")
    w = WORDS[lang]
    style, dates = rng.choice(w["styles"]), rng.choice(w["dates"])
    paid_on = date(2026, 1, 5) + timedelta(days=rng.randint(60, 330))
    shape = rng.choice(("{:08d}", "A-{:06d}", "F26/{:05d}", "{:06d}/26", "FV{:07d}",
                        "2026-{:05d}"))
    count = rng.randint(2, 12) if rng.random() < 0.8 else rng.randint(40, 70)  # long
    numbers = sorted(rng.sample(range(10000, 10000 + count * 9), count))
    voucher_base = rng.choice((5100000000, 190000, 2026000))
    rows: list[tuple[str, str, date, Decimal]] = []  # our ref, payer's entry, date, amount
    for n, number in enumerate(numbers):
        amount = (Decimal(rng.randint(2000, 900000)) / 100).quantize(CENT)
        if n and rng.random() < 0.2:
            amount = -(amount / 6).quantize(CENT)
        rows.append((shape.format(number), str(voucher_base + rng.randint(1, 99999)),
                     paid_on - timedelta(days=rng.randint(5, 90)), amount))
    rows.sort(key=lambda r: r[2])
    if sum(r[3] for r in rows) <= 0:  # a payment is money to us
        rows = [(r[0], r[1], r[2], abs(r[3])) for r in rows]
    total = sum((r[3] for r in rows), Decimal(0))
    payref = f"{rng.choice(('ZL', 'PAY', 'REM-', 'B'))}{rng.randint(10000, 999999)}"
    mode = rng.choice(("sides", "sides", "signed", "marks"))
    balance_sign = rng.choice(("lead", "trail", "mark", "cr", "dr"))
    has_balance = rng.random() < 0.75
    ours_credit = rng.random() < 0.7  # invoices on the credit side: the payer's books
    opening = (Decimal(rng.randint(1000, 200000)) / 100).quantize(CENT) \
        if rng.random() < 0.35 and has_balance else None
    opening_moves = opening is not None and rng.random() < 0.5
    payments_first = rng.random() < 0.25
    minus = rng.choice(tuple(_MINUS))
    sign = rng.choice((1, -1))  # invoices printed positive, or negative (SAP: credits)
    marks = rng.choice(w["marks"])

    in_text = rng.random() < 0.15  # our invoice number only in the booking text
    cols = ["date"] + (["voucher"] if rng.random() < 0.6 else []) + \
        (["text"] if in_text else ["ref", "text"])
    if rng.random() < 0.4:
        cols.insert(rng.randint(1, len(cols)), "noise")
    cols += {"sides": ["debit", "credit"], "signed": ["amount"],
             "marks": ["amount", "mark"]}[mode] + (["balance"] if has_balance else [])
    side_labels = rng.choice(w["sides"])
    labels = {c: rng.choice(w[c]) for c in cols if c in ("date", "voucher", "ref", "text",
                                                          "noise", "balance")}
    labels.update(debit=side_labels[0], credit=side_labels[1], amount=rng.choice(w["signed"]),
                  mark=marks[0])
    # a counter account (the purchases account, the bank's for the payment) or a lettering
    # code (the same on the items one payment clears)
    noise = rng.choice((("3400", "1200"), ("60100000", "51200000"), ("AA", "AA"), ("", "")))

    def fmt(value: Decimal) -> str:
        text = money(abs(value), style)
        return _MINUS[minus].format(text) if value < 0 else text

    def balance_text(value: Decimal) -> str:
        """The balance ``value`` (what is owed to us) as printed: signed as the amounts
        are (minus, trailing minus, " Cr" or "DR"), or unsigned with the side's mark."""
        if balance_sign == "mark":
            credit = (value >= 0) == ours_credit
            return f"{money(abs(value), style)} {marks[2] if credit else marks[1]}"
        if balance_sign in ("cr", "dr") and value * sign < 0:  # one mark for the minus
            return money(abs(value), style) + (" Cr" if balance_sign == "cr" else "DR")
        return money(value * sign, style, "lead" if balance_sign == "lead" else "trail")

    def moves(amount: Decimal) -> dict[str, str]:
        """The amount cells of a booking that raises what is owed to us by ``amount``."""
        credit = (amount > 0) == ours_credit
        if mode == "sides":
            return {"credit" if credit else "debit": money(abs(amount), style)}
        signed = amount * sign
        if mode == "signed":
            return {"amount": fmt(signed)}
        return {"amount": money(abs(amount), style), "mark": marks[2] if credit else marks[1]}

    body: list[dict[str, str]] = []
    balance = Decimal(0)
    if opening is not None:
        balance = opening
        first = {"text": rng.choice(w["opening"]), "date": (paid_on - timedelta(days=120))
                 .strftime(dates)}
        if opening_moves:
            first.update(moves(opening))
        if has_balance:
            first["balance"] = balance_text(balance)
        body.append(first)
    events = [(r[2], {"ref": r[0], "voucher": r[1],
                      "text": rng.choice(w["invoice"] if r[3] > 0 else w["note"])
                      + (f" {r[0]}" if in_text else ""),
                      **({"noise": noise[0]} if "noise" in cols else {})}, r[3]) for r in rows]
    pay_in_ref = rng.random() < 0.4
    payment = {"voucher": str(voucher_base + rng.randint(100000, 199999)), "noise": noise[1],
               "ref": payref if pay_in_ref else "",
               "text": f"{rng.choice(w['payment'])}" + ("" if pay_in_ref else f" {payref}")}
    pay_event = (paid_on, payment, -total)
    events = [pay_event, *events] if payments_first else [*events, pay_event]
    for when, cells, amount in events:
        balance += amount
        row = {**cells, "date": when.strftime(dates), **moves(amount)}
        if has_balance:
            row["balance"] = balance_text(balance)
        body.append(row)
    if rng.random() < 0.4:  # a totals row: each side's sum, the closing balance
        sums = {"text": rng.choice(w["sums"])}
        if mode == "sides":
            for side in ("debit", "credit"):
                sums[side] = money(sum((_money_value(r.get(side, "")) for r in body),
                                       Decimal(0)), style)
        if has_balance:
            sums["balance"] = balance_text(balance)
        body.append(sums)
    if rng.random() < 0.15:  # newest first
        body.reverse()
    head = [rng.choice(w["title"]), "", f"{rng.choice(w['payref'])} {payref}",
            f"{rng.choice(w['paydate'])} {paid_on.strftime(dates)}",
            rng.choice(("EUR", "Moneda: EUR", "Währung EUR", "Valuta EUR", "Devise : EUR",
                        "Currency EUR"))]
    pdf, pages = _draw(head, cols, labels, body, w["carry"], rng.random() < 0.35, rng)
    truth = Remittance(id="", source="", format="pdf", currency="EUR",
                       lines=[RemittanceLine(r[0], r[3]) for r in rows],
                       payer_name=None, payment_ref=payref, payment_date=paid_on,
                       total=total)
    name = getattr(family, "name", "statement2")
    return Advice(family, f"{name}-{index:03d}", pdf, truth, pages,  # type: ignore[arg-type]
                  [(r[0], r[3]) for r in rows])


def _money_value(text: str) -> Decimal:
    """The value of an unsigned amount cell printed by statements.money ("" is 0)."""
    digits = "".join(c for c in text if c.isdigit())
    return Decimal(digits or 0) / 100


def _draw(head: list[str], cols: list[str], labels: dict[str, str],
          body: list[dict[str, str]], carry: tuple[str, str], courier: bool,
          rng: random.Random) -> tuple[bytes, int]:
    """The statement and its page count: columns as wide as their widest cell, amounts set
    flush right, labels printed on two lines where they hold a "|"; on each page the
    header again, and the balance carried over (``carry``: the labels at the foot and at
    the top) when there is one."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    font, size = ("Courier", 7.5) if courier else ("Helvetica", rng.choice((7.5, 8.0, 8.5)))
    c.setFont(font, size)
    y = 800.0
    for text in head:
        c.drawString(40, y, text)
        y -= size + 5
    y -= 18
    labels = {k: v.upper() for k, v in labels.items()} if courier else labels
    xs: dict[str, float] = {}
    x = 40.0
    for col in cols:
        texts = [row.get(col, "") for row in body] + labels[col].split("|")
        width = max(c.stringWidth(t, font, size) for t in texts)
        gap = c.stringWidth("0", font, size) * (1 if courier else rng.uniform(1.6, 3.5))
        xs[col] = x + width if col in _RIGHT else x
        x += width + gap
    two = any("|" in labels[col] for col in cols)
    ruled = courier or rng.random() < 0.5

    def header(y: float) -> float:
        for row in range(2 if two else 1):
            for col in cols:
                parts = labels[col].split("|")
                at = row - (2 if two else 1) + len(parts)
                if 0 <= at < len(parts):
                    (c.drawRightString if col in _RIGHT else c.drawString)(xs[col], y,
                                                                          parts[at])
            y -= size + 2
        if ruled:
            c.line(40, y + size - 1, x, y + size - 1)
        return y - 4

    def put(y: float, row: dict[str, str]) -> float:
        for col in cols:
            if row.get(col):
                (c.drawRightString if col in _RIGHT else c.drawString)(xs[col], y, row[col])
        return y - size - 5

    y, pages, last = header(y), 1, ""
    text = "text" if "text" in cols else cols[1]
    for row in body:
        if y < 60:  # the page is full: carry the balance over, the header again
            if last and "balance" in cols:
                put(y, {text: carry[0], "balance": last})
            c.showPage()
            c.setFont(font, size)
            pages += 1
            y = header(800.0)
            if last and "balance" in cols:
                y = put(y, {text: carry[1], "balance": last})
        y = put(y, row)
        last = row.get("balance", last)
    c.showPage()
    c.save()
    return buf.getvalue(), pages
