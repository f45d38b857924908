"""Long advices over several pages, in six languages (development only).

What an ERP prints when a payment settles fifty invoices: the table runs over
pages; each page but the last ends with a carried-forward row (``Carried
forward``, ``Übertrag``, ``A reporter``, ``Transport``, ``Suma y sigue``, ``A
riportare``) holding the running sum, the next page starts with the brought-
forward row (``Brought forward``, ``Übertrag von Seite 1``, ``Report``,
``Suma anterior``, ``Riporto``) and, on some, the header again; a page total,
"page n of m", and the grand total at the end. Drawn per document: the columns
(our invoice, its date, the payer's voucher, gross, discount, paid) and their
order, whether the header repeats, where the carried-forward label stands (first
column or under the references), page totals, Helvetica or Courier, number style.

Truth: the invoice rows, never the carried, brought-forward or total rows.
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
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"title": ("Remittance Advice", "Payment Advice"),
           "ref": ("Your Invoice", "Invoice No."), "date": ("Invoice Date", "Inv. Date"),
           "voucher": ("Our Doc.", "Voucher No."), "gross": ("Gross Amount", "Invoice Amount"),
           "discount": ("Discount", "Cash Disc."), "paid": ("Amount Paid", "Net Paid"),
           "carried": ("Carried forward", "Balance c/f", "Total carried forward"),
           "brought": ("Brought forward", "Balance b/f"), "page": ("Page {n} of {m}",),
           "pagetotal": ("Page total",), "total": ("Total payment", "Total"),
           "payref": ("Payment No.:",), "style": ("en",)},
    "de": {"title": ("Zahlungsavis", "Zahlungsavis / Payment Advice"),
           "ref": ("Ihre Rechnung", "Rechnungsnr."), "date": ("Rechnungsdatum", "Datum"),
           "voucher": ("Belegnr.", "Unser Beleg"), "gross": ("Bruttobetrag", "Rechnungsbetrag"),
           "discount": ("Skonto",), "paid": ("Zahlbetrag", "Überwiesen"),
           "carried": ("Übertrag", "Zwischensumme Übertrag"),
           "brought": ("Übertrag von Seite {p}", "Übertrag"),
           "page": ("Seite {n} von {m}",), "pagetotal": ("Seitensumme",),
           "total": ("Gesamtsumme", "Summe"), "payref": ("Zahlungsnr.:", "Avisnr.:"),
           "style": ("de", "ch")},
    "fr": {"title": ("Avis de paiement", "Avis de virement"),
           "ref": ("Votre facture", "N° facture"), "date": ("Date facture", "Date"),
           "voucher": ("N° pièce", "Notre pièce"), "gross": ("Montant brut", "Montant facture"),
           "discount": ("Escompte",), "paid": ("Montant payé", "Net payé"),
           "carried": ("A reporter", "Total à reporter"),
           "brought": ("Report", "Report page précédente"), "page": ("Page {n}/{m}",),
           "pagetotal": ("Total page",), "total": ("Total du règlement", "Total"),
           "payref": ("Réf. virement :",), "style": ("fr", "de")},
    "nl": {"title": ("Betaaladvies", "Betalingsspecificatie"),
           "ref": ("Uw factuur", "Factuurnr."), "date": ("Factuurdatum", "Datum"),
           "voucher": ("Boekstuk", "Ons kenmerk"), "gross": ("Brutobedrag", "Factuurbedrag"),
           "discount": ("Korting",), "paid": ("Betaald", "Netto betaald"),
           "carried": ("Transport", "Over te brengen"),
           "brought": ("Transport", "Overgebracht"), "page": ("Blad {n} van {m}",),
           "pagetotal": ("Subtotaal pagina",), "total": ("Totaal betaling", "Totaal"),
           "payref": ("Betalingskenmerk:",), "style": ("de",)},
    "es": {"title": ("Aviso de pago", "Relación de pago"),
           "ref": ("Su factura", "Nº factura"), "date": ("Fecha factura", "Fecha"),
           "voucher": ("Nº documento", "Asiento"), "gross": ("Importe bruto", "Importe factura"),
           "discount": ("Descuento",), "paid": ("Importe pagado", "Líquido"),
           "carried": ("Suma y sigue", "A cuenta siguiente"),
           "brought": ("Suma anterior", "Suma y sigue anterior"), "page": ("Hoja {n} de {m}",),
           "pagetotal": ("Subtotal hoja",), "total": ("Total pagado", "Total"),
           "payref": ("Nº de pago:",), "style": ("de",)},
    "it": {"title": ("Avviso di pagamento", "Avviso di bonifico"),
           "ref": ("Vs. fattura", "N. fattura"), "date": ("Data fattura", "Data"),
           "voucher": ("N. documento", "Protocollo"), "gross": ("Importo lordo", "Importo fattura"),
           "discount": ("Sconto",), "paid": ("Importo pagato", "Netto pagato"),
           "carried": ("A riportare", "Totale da riportare"),
           "brought": ("Riporto", "Riporto da pag. precedente"), "page": ("Pagina {n} di {m}",),
           "pagetotal": ("Totale pagina",), "total": ("Totale pagato", "Totale"),
           "payref": ("Rif. bonifico:",), "style": ("de", "ch")},
}
_DATES = {"en": "%m/%d/%Y", "de": "%d.%m.%Y", "ch": "%d.%m.%y", "fr": "%d/%m/%Y"}
_MONEY = ("gross", "discount", "paid")


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One long advice (``family`` is a layouts_dev Family: its ``lang``)."""
    lang = getattr(family, "lang", "en")
    w = WORDS[lang]
    style = rng.choice(w["style"])
    paid_on = date(2026, 1, 5) + timedelta(days=rng.randint(60, 330))
    shape = rng.choice(("{:08d}", "RE-{:06d}", "F26/{:05d}", "{:06d}-26", "INV{:07d}"))
    count = rng.randint(30, 80)
    numbers = sorted(rng.sample(range(10000, 10000 + count * 4), count))
    rows = []
    for number in numbers:
        gross = (Decimal(rng.randint(2000, 900000)) / 100).quantize(CENT)
        if rng.random() < 0.08:
            gross = -(gross / 9).quantize(CENT)
        disc = (gross * Decimal("0.02")).quantize(CENT) if gross > 0 and rng.random() < 0.3 \
            else Decimal(0)
        rows.append({"ref": shape.format(number), "voucher": f"{rng.randint(1000000, 9999999)}",
                     "date": (paid_on - timedelta(days=rng.randint(5, 90))).strftime(
                         _DATES[style]),
                     "gross": gross, "discount": disc, "paid": gross - disc})
    cols = ["ref", "date"] + (["voucher"] if rng.random() < 0.5 else []) + ["gross"] \
        + (["discount"] if rng.random() < 0.7 else []) + ["paid"]
    if rng.random() < 0.4:
        cols[0], cols[1] = cols[1], cols[0]
    labels = {c: rng.choice(w[c]) for c in cols}
    courier = rng.random() < 0.3
    if courier:
        labels = {c: t.upper() for c, t in labels.items()}
    per_page = rng.randint(22, 34)
    pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)]
    payref = f"{rng.choice(('ZV', 'PAY', ''))}{rng.randint(100000, 9999999)}"
    total = sum((r["paid"] for r in rows), Decimal(0))
    setting = {"repeat": rng.random() < 0.6, "pagetotal": rng.random() < 0.3,
               "label_col": rng.choice((0, cols.index("ref"))), "courier": courier,
               "carried": rng.choice(w["carried"]), "brought": rng.choice(w["brought"]),
               "total": rng.choice(w["total"]), "pagetotal_label": w["pagetotal"][0],
               "page": rng.choice(w["page"]), "style": style,
               "head": [rng.choice(w["title"]), f"{rng.choice(w['payref'])} {payref}",
                        paid_on.strftime(_DATES[style]), "EUR"]}
    pdf = _draw(pages, cols, labels, total, setting, rng)
    truth = Remittance(id="", source="", format="pdf", currency="EUR",
                       lines=[RemittanceLine(r["ref"], r["paid"]) for r in rows],
                       payer_name=None, payment_ref=payref, payment_date=paid_on, total=total)
    name = getattr(family, "name", "multipage")
    items = [(r["ref"], r["gross"]) for r in rows]
    return Advice(family, f"{name}-{index:03d}", pdf, truth, len(pages), items)  # type: ignore[arg-type]


def _draw(pages: list[list[dict]], cols: list[str], labels: dict[str, str], total: Decimal,
          s: dict, rng: random.Random) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    font, size = ("Courier", 8.0) if s["courier"] else ("Helvetica", rng.choice((8.0, 8.5)))
    style = s["style"]
    texts = {col: [money(r[col], style) if col in _MONEY else r[col] for r in sum(pages, [])]
             for col in cols}
    xs, x = {}, 40.0
    for col in cols:  # each column as wide as its label and its widest cell
        width = max(c.stringWidth(t, font, size) for t in [labels[col], *texts[col]])
        xs[col] = x + width if col in _MONEY else x
        x += width + (c.stringWidth(" ", font, size) * 2 if s["courier"] else 18)
    label_x = xs[cols[s["label_col"]]] if cols[s["label_col"]] not in _MONEY else 40.0

    def put(col: str, y: float, text: str) -> None:
        (c.drawRightString if col in _MONEY else c.drawString)(xs[col], y, text)

    running = Decimal(0)
    for n, page in enumerate(pages, 1):
        c.setFont(font, size)
        y = 800.0
        if n == 1:
            for line in s["head"]:
                c.drawString(40, y, line)
                y -= size + 5
            y -= 15
        if n == 1 or s["repeat"]:
            for col in cols:
                put(col, y, labels[col])
            y -= size + 6
        if n > 1:
            c.drawString(label_x, y, s["brought"].format(p=n - 1))
            put("paid", y, money(running, style))
            y -= size + 5
        page_sum = Decimal(0)
        for row in page:
            for col in cols:
                text = money(row[col], style) if col in _MONEY else row[col]
                if col != "discount" or row[col]:
                    put(col, y, text)
            page_sum += row["paid"]
            y -= size + 5
        running += page_sum
        if s["pagetotal"]:
            c.drawString(label_x, y, s["pagetotal_label"])
            put("paid", y, money(page_sum, style))
            y -= size + 5
        if n < len(pages):
            c.drawString(label_x, y, s["carried"])
            put("paid", y, money(running, style))
        else:
            c.drawString(label_x, y, s["total"])
            put("paid", y, money(total, style))
        c.drawString(40, 30, s["page"].format(n=n, m=len(pages)))
        c.showPage()
    c.save()
    return buf.getvalue()
