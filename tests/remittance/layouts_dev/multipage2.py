"""Long advices as ERPs really print them over several pages (development only).

Modelled on SAP F110 payment advices (RFFOAVIS: ``Übertrag`` at the foot of a
page and again at the head of the next), DATEV, Oracle Payables, Dynamics,
Sage and Exact prints, in EN/DE/FR/NL/ES/IT. Drawn per document, so that no
one habit carries the reading:

- a box of keys in columns under the letterhead (``Lieferantennr. | Datum |
  Seite`` over ``70012 | 06.05.2026 | 2``) or none;
- the letterhead (payer, address, a phone and VAT line full of digits) and the
  advice's number and date repeated on every page, or on page 1 only, the page
  number beside the advice's number (``Avis-Nr.: 4711   Seite 2 von 3``) or not;
- the table header on every page, abbreviated on continuation pages
  (``Re.-Nr. | Datum | Brutto | Netto``; ``Beleg | Beleg-Nr.``, no longer saying
  which number is ours) or naming only the invoice and paid columns there, or on
  page 1 only;
- the table set a little further left or right on each continuation page, and
  each column a point or two off on its own, or (a report) each column sized by
  that page's values;
- the table starting low on page 1 (a long address block: two to four rows);
- at a page's foot: a per-page subtotal (``Seitensumme``, ``Summe Seite 1``,
  ``Sous-total``, ``Subtotaal``, ``Total página``, ``Totale pagina``), a
  carried-forward row (``Übertrag``, ``Carried forward``, ``A reporter``,
  ``Transport``, ``Suma y sigue``, ``A riportare``), either, both, or a bare
  amount under a rule; at the next page's head the brought-forward row
  (``Vortrag``, ``Übertrag von Seite 1``, ``Report``, ``Van vorige pagina``,
  ``Suma anterior``, ``Riporto``) or none; the label in the first column,
  under the references, or just left of the amount, with or without a colon;
- page footers (``Seite 2 von 3``, ``Blatt 2``, ``Pag. 2/3``, ``- 2 -``) and
  "continued" notes;
- an optional text column (``Buchungstext``) whose long texts wrap, so a row
  may end on the next page; or a page's last row split at the break, its
  references at the foot of one page and its amounts atop the next;
- the grand total on the last page only; running and total rows with the paid
  sum alone or (SAP) the sums of every money column; credit notes ``-51,90`` or
  ``51,90-``; a currency column (``EUR`` on every row) or not.

Truth: the invoice rows; never a subtotal, carried, brought-forward or total row.
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
Words = dict[str, tuple[str, ...]]
WORDS: dict[str, Words] = {
    "en": {"block": ('Supplier No.', 'Date', 'Page'),
           "currency": ("Currency",), "cur": ("Currency",), "cur_short": ("Cur.",),
           "payer": ("Northwind Traders Ltd", "Contoso Manufacturing Inc.", "Fabrikam plc"),
           "street": ("14 Harbour Road, Leeds LS1 4DT", "2200 Lake Shore Dr, Chicago IL 60616"),
           "contact": ("Tel. +44 113 496 0021  VAT GB 284 1100 72", "Phone (312) 555-0147"),
           "title": ("Remittance Advice", "Payment Advice", "Supplier Payment Advice"),
           "payref": ("Payment No.", "Payment Reference", "EFT No."),
           "paydate": ("Payment Date", "Value Date"),
           "intro": ("The following invoices have been paid:", "We have paid the items below."),
           "ref": ("Your Invoice No.", "Invoice Number", "Supplier Invoice"),
           "ref_short": ("Inv. No.", "Invoice", "Document"),
           "date": ("Invoice Date", "Doc. Date"), "date_short": ("Date",),
           "voucher": ("Our Voucher", "Document No."), "voucher_short": ("Voucher", "Doc."),
           "text": ("Description", "Reference Text"), "text_short": ("Descr.",),
           "gross": ("Gross Amount", "Invoice Amount"), "gross_short": ("Gross", "Amount"),
           "discount": ("Discount Taken", "Cash Discount"), "discount_short": ("Disc.",),
           "paid": ("Amount Paid", "Net Amount"), "paid_short": ("Paid", "Net"),
           "carried": ("Carried forward", "Balance c/f", "Total carried forward", "C/F"),
           "brought": ("Brought forward", "Balance b/f", "B/F from page {p}"),
           "pagesum": ("Page total", "Subtotal page {p}", "Sub-total"),
           "footer": ("Page {n} of {m}", "Page {n}", "- {n} -", "{n}/{m}"),
           "continued": ("Continued on next page", "continued ..."),
           "total": ("Total payment", "Payment total", "Total amount paid"),
           "descr": ("Spare parts April delivery", "Freight charges and handling",
                     "Consulting services per agreement of 12 March", "Maintenance"),
           "style": ("en",)},
    "de": {"block": ('Lieferantennr.', 'Datum', 'Seite'),
           "currency": ("Währung",), "cur": ("Währung",), "cur_short": ("Wäh.",),
           "payer": ("Müller Maschinenbau GmbH", "Brenner & Söhne KG", "Nordbau AG"),
           "street": ("Industriestraße 12 · 70565 Stuttgart", "Am Hafen 3 · 28197 Bremen"),
           "contact": ("Tel. +49 711 123456-0 · USt-IdNr. DE 123 456 789",
                       "Telefon 0421 55 90 80 · HRB 20411"),
           "title": ("Zahlungsavis", "Avis", "Zahlungsavis / Überweisung"),
           "payref": ("Avis-Nr.", "Zahlungsbeleg", "Zahlungsnr."),
           "paydate": ("Zahlungsdatum", "Valuta", "Ausführungsdatum"),
           "intro": ("Wir haben folgende Posten zur Zahlung angewiesen:",
                     "Folgende Rechnungen wurden ausgeglichen:"),
           "ref": ("Ihre Belegnr.", "Rechnungsnummer", "Ihre Rechnung"),
           "ref_short": ("Re.-Nr.", "Rechnung", "Beleg-Nr."),
           "date": ("Belegdatum", "Rechnungsdatum"), "date_short": ("Datum",),
           "voucher": ("Unsere Belegnr.", "Buchungsbeleg"), "voucher_short": ("Beleg",),
           "text": ("Buchungstext", "Verwendungszweck"), "text_short": ("Text",),
           "gross": ("Bruttobetrag", "Rechnungsbetrag"), "gross_short": ("Brutto", "Betrag"),
           "discount": ("Skonto", "Skontobetrag"), "discount_short": ("Skonto",),
           "paid": ("Zahlbetrag", "Nettobetrag", "Ausgleichsbetrag"),
           "paid_short": ("Netto", "Zahlbetrag"),
           "carried": ("Übertrag", "Übertrag auf Seite {n}", "Zwischensumme Übertrag"),
           "brought": ("Vortrag", "Übertrag von Seite {p}", "Übertrag", "Vortrag Seite {p}"),
           "pagesum": ("Seitensumme", "Summe Seite {p}", "Zwischensumme"),
           "footer": ("Seite {n} von {m}", "Blatt {n}", "- {n} -", "Seite {n}/{m}"),
           "continued": ("Fortsetzung auf Seite {n}", "./."),
           "total": ("Gesamtsumme", "Summe Zahlung", "Überweisungsbetrag", "Gesamtbetrag"),
           "descr": ("Ersatzteile Lieferung April", "Fracht und Verpackung",
                     "Wartung gemäß Vertrag vom 12.03.", "Montage"),
           "style": ("de",)},
    "fr": {"block": ('N° fournisseur', 'Date', 'Page'),
           "currency": ("Devise",), "cur": ("Devise",), "cur_short": ("Dev.",),
           "payer": ("Société Dupont SAS", "Transports Martin SA", "Laiteries Réunies SARL"),
           "street": ("12 rue de la Gare · 69002 Lyon", "ZI des Chênes · 44800 Saint-Herblain"),
           "contact": ("Tél. 04 78 12 34 56 · SIRET 552 100 554 00025",
                       "TVA FR 40 303 265 045"),
           "title": ("Avis de paiement", "Avis de virement", "Relevé de règlement"),
           "payref": ("N° de virement", "Réf. règlement", "N° avis"),
           "paydate": ("Date de règlement", "Date de valeur"),
           "intro": ("Nous avons réglé les factures suivantes :",
                     "Détail des pièces réglées :"),
           "ref": ("Votre facture", "N° facture", "Réf. facture"),
           "ref_short": ("Facture", "N° fact.", "Document"),
           "date": ("Date facture", "Date pièce"), "date_short": ("Date",),
           "voucher": ("N° pièce", "Notre pièce"), "voucher_short": ("Pièce",),
           "text": ("Libellé", "Désignation"), "text_short": ("Libellé",),
           "gross": ("Montant TTC", "Montant facture"), "gross_short": ("Montant", "TTC"),
           "discount": ("Escompte",), "discount_short": ("Esc.",),
           "paid": ("Montant réglé", "Net payé"), "paid_short": ("Réglé", "Net"),
           "carried": ("A reporter", "Total à reporter", "À reporter"),
           "brought": ("Report", "Report page {p}", "Reporté"),
           "pagesum": ("Total page {p}", "Sous-total", "Total de la page"),
           "footer": ("Page {n}/{m}", "Page {n} sur {m}", "- {n} -"),
           "continued": ("Suite page {n}", "... / ..."),
           "total": ("Total du règlement", "Montant total", "Total payé"),
           "descr": ("Pièces détachées livraison avril", "Frais de port et emballage",
                     "Maintenance selon contrat du 12/03", "Montage"),
           "style": ("fr", "de")},
    "nl": {"block": ('Leveranciersnr.', 'Datum', 'Blad'),
           "currency": ("Valuta",), "cur": ("Valuta",), "cur_short": ("Val.",),
           "payer": ("Van Dijk Installatietechniek B.V.", "Bakkerij De Molen B.V."),
           "street": ("Havenstraat 21 · 3011 AB Rotterdam", "Industrieweg 8 · 5651 GK Eindhoven"),
           "contact": ("Tel. 010 412 34 56 · KvK 24123456 · BTW NL8123.45.678.B01",
                       "IBAN NL91 ABNA 0417 1643 00"),
           "title": ("Betaaladvies", "Betalingsspecificatie", "Betaalspecificatie"),
           "payref": ("Betalingskenmerk", "Betaalnummer", "Batchnr."),
           "paydate": ("Betaaldatum", "Valutadatum"),
           "intro": ("Wij hebben de volgende facturen voldaan:", "Specificatie van de betaling:"),
           "ref": ("Uw factuurnummer", "Factuurnr.", "Uw referentie"),
           "ref_short": ("Factuur", "Fact.nr.", "Document"),
           "date": ("Factuurdatum", "Datum"), "date_short": ("Datum",),
           "voucher": ("Boekstuknr.", "Ons kenmerk"), "voucher_short": ("Boekstuk",),
           "text": ("Omschrijving",), "text_short": ("Omschr.",),
           "gross": ("Factuurbedrag", "Bruto bedrag"), "gross_short": ("Bedrag", "Bruto"),
           "discount": ("Korting", "Betalingskorting"), "discount_short": ("Korting",),
           "paid": ("Betaald bedrag", "Netto betaald"), "paid_short": ("Betaald", "Netto"),
           "carried": ("Transport", "Naar volgende pagina", "Over te brengen"),
           "brought": ("Transport", "Van vorige pagina", "Overgebracht van pagina {p}"),
           "pagesum": ("Subtotaal", "Subtotaal pagina {p}", "Paginatotaal"),
           "footer": ("Pagina {n} van {m}", "Blad {n}", "- {n} -"),
           "continued": ("Vervolg op pagina {n}", "z.o.z."),
           "total": ("Totaal betaald", "Totaalbedrag", "Totaal betaling"),
           "descr": ("Onderdelen levering april", "Vracht en verpakking",
                     "Onderhoud volgens contract van 12-03", "Montage"),
           "style": ("de",)},
    "es": {"block": ('Nº proveedor', 'Fecha', 'Hoja'),
           "currency": ("Moneda",), "cur": ("Moneda",), "cur_short": ("Mon.",),
           "payer": ("Construcciones Ebro S.L.", "Distribuciones Levante S.A."),
           "street": ("C/ Mayor 14 · 50001 Zaragoza", "Av. del Puerto 221 · 46023 Valencia"),
           "contact": ("Tel. 976 12 34 56 · CIF B-50123456", "NIF A46012345"),
           "title": ("Aviso de pago", "Relación de facturas pagadas", "Notificación de pago"),
           "payref": ("Nº transferencia", "Ref. pago", "Nº remesa"),
           "paydate": ("Fecha de pago", "Fecha valor"),
           "intro": ("Les comunicamos el pago de las siguientes facturas:",
                     "Detalle de la transferencia:"),
           "ref": ("Su factura", "Nº factura", "Su referencia"),
           "ref_short": ("Factura", "Nº fra.", "Documento"),
           "date": ("Fecha factura", "Fecha"), "date_short": ("Fecha",),
           "voucher": ("Nº documento", "Nuestro asiento"), "voucher_short": ("Doc.",),
           "text": ("Concepto",), "text_short": ("Concepto",),
           "gross": ("Importe factura", "Importe bruto"), "gross_short": ("Importe", "Bruto"),
           "discount": ("Descuento", "Dto. pronto pago"), "discount_short": ("Dto.",),
           "paid": ("Importe pagado", "Líquido"), "paid_short": ("Pagado", "Líquido"),
           "carried": ("Suma y sigue", "Suma y sigue ...", "Total a trasladar"),
           "brought": ("Suma anterior", "Viene de la página {p}", "Suma y sigue anterior"),
           "pagesum": ("Total página", "Subtotal página {p}", "Suma página"),
           "footer": ("Página {n} de {m}", "Hoja {n}", "Pág. {n}/{m}"),
           "continued": ("Continúa en la página {n}", "sigue ..."),
           "total": ("Total pagado", "Importe total", "Total transferencia"),
           "descr": ("Repuestos entrega abril", "Portes y embalaje",
                     "Mantenimiento según contrato del 12/03", "Montaje"),
           "style": ("de",)},
    "it": {"block": ('Cod. fornitore', 'Data', 'Pagina'),
           "currency": ("Divisa",), "cur": ("Divisa",), "cur_short": ("Div.",),
           "payer": ("Rossi Meccanica S.p.A.", "Fratelli Bianchi S.r.l."),
           "street": ("Via Roma 15 · 20121 Milano", "Viale Europa 88 · 40127 Bologna"),
           "contact": ("Tel. 02 1234 5678 · P.IVA IT 01234567890", "C.F. 01234567890"),
           "title": ("Avviso di pagamento", "Avviso di bonifico", "Distinta di pagamento"),
           "payref": ("N. bonifico", "Rif. pagamento", "N. distinta"),
           "paydate": ("Data pagamento", "Data valuta"),
           "intro": ("Vi comunichiamo il pagamento delle seguenti fatture:",
                     "Dettaglio del bonifico:"),
           "ref": ("Vs. fattura", "N. fattura", "Vs. riferimento"),
           "ref_short": ("Fattura", "N. fatt.", "Documento"),
           "date": ("Data fattura", "Data documento"), "date_short": ("Data",),
           "voucher": ("N. registrazione", "Protocollo"), "voucher_short": ("Prot.",),
           "text": ("Descrizione", "Causale"), "text_short": ("Descr.",),
           "gross": ("Importo fattura", "Importo lordo"), "gross_short": ("Importo", "Lordo"),
           "discount": ("Sconto", "Abbuono"), "discount_short": ("Sconto",),
           "paid": ("Importo pagato", "Netto pagato"), "paid_short": ("Pagato", "Netto"),
           "carried": ("A riportare", "Totale da riportare", "Trasporto"),
           "brought": ("Riporto", "Riporto da pag. {p}", "Trasporto"),
           "pagesum": ("Totale pagina", "Subtotale pagina {p}", "Totale parziale"),
           "footer": ("Pagina {n} di {m}", "Pag. {n}/{m}", "- {n} -"),
           "continued": ("Segue a pagina {n}", "./."),
           "total": ("Totale pagato", "Totale bonifico", "Importo totale"),
           "descr": ("Ricambi consegna aprile", "Trasporto e imballo",
                     "Manutenzione come da contratto del 12/03", "Montaggio"),
           "style": ("de", "ch")},
}
_DATES = {"en": "%m/%d/%Y", "de": "%d.%m.%Y", "ch": "%d.%m.%y", "fr": "%d/%m/%Y"}
_MONEY = ("gross", "discount", "paid")
_TOP, _FLOOR, _LEFT = 800.0, 70.0, 40.0


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One long advice (``family`` is a layouts_dev Family: its ``lang``)."""
    lang = getattr(family, "lang", "en")
    w = WORDS[lang]
    style = rng.choice(w["style"])
    paid_on = date(2026, 1, 5) + timedelta(days=rng.randint(60, 330))
    shape = rng.choice(("{:010d}", "RE-{:06d}", "F26/{:05d}", "{:06d}-26", "INV{:07d}",
                        "9{:08d}"))
    count = rng.randint(28, 75)
    numbers = sorted(rng.sample(range(10000, 10000 + count * 5), count))
    cols = ["ref", "date"] + (["voucher"] if rng.random() < 0.5 else []) \
        + (["text"] if rng.random() < 0.35 else []) + ["gross"] \
        + (["discount"] if rng.random() < 0.6 else []) + ["paid"] \
        + (["cur"] if rng.random() < 0.2 else [])
    if rng.random() < 0.3:
        cols[0], cols[1] = cols[1], cols[0]
    if "voucher" in cols and rng.random() < 0.4:  # the payer's own number first
        cols.remove("voucher")
        cols.insert(0, "voucher")
    rows = []
    for number in numbers:
        gross = (Decimal(rng.randint(2000, 900000)) / 100).quantize(CENT)
        if rng.random() < 0.07:
            gross = -(gross / 9).quantize(CENT)
        disc = (gross * Decimal("0.02")).quantize(CENT) \
            if "discount" in cols and gross > 0 and rng.random() < 0.35 else Decimal(0)
        text = rng.choice(w["descr"])
        rows.append({"ref": shape.format(number), "voucher": f"{rng.randint(10**9, 2 * 10**9)}",
                     "date": (paid_on - timedelta(days=rng.randint(5, 90))).strftime(
                         _DATES[style]),
                     "text": text, "gross": gross, "discount": disc, "paid": gross - disc,
                     "cur": "EUR"})
    payref = f"{rng.choice(('ZV', 'PAY', 'AV', ''))}{rng.randint(100000, 9999999)}"
    total = sum((r["paid"] for r in rows), Decimal(0))
    pdf, pages = _Drawing(w, cols, rows, style, payref, paid_on, total, rng).draw()
    truth = Remittance(id="", source="", format="pdf", currency="EUR",
                       lines=[RemittanceLine(r["ref"], r["paid"]) for r in rows],
                       payer_name=None, payment_ref=payref, payment_date=paid_on, total=total)
    name = getattr(family, "name", "multipage2")
    items = [(r["ref"], r["gross"]) for r in rows]
    return Advice(family, f"{name}-{index:03d}", pdf, truth, pages, items)  # type: ignore[arg-type]


class _Drawing:
    """One document's drawing choices and the canvas it draws on."""

    def __init__(self, w: Words, cols: list[str], rows: list[dict], style: str, payref: str,
                 paid_on: date, total: Decimal, rng: random.Random) -> None:
        self.w, self.cols, self.rows, self.style, self.rng = w, cols, rows, style, rng
        self.payref, self.paid_on, self.total = payref, paid_on, total
        self.buf = io.BytesIO()
        self.c = Canvas(self.buf, pagesize=A4, invariant=1)
        self.supplier = str(rng.randint(10000, 99999))
        self.courier = rng.random() < 0.25
        self.sign = rng.choice(("lead", "lead", "trail"))  # SAP prints 51,90-
        self.font = "Courier" if self.courier else "Helvetica"
        self.size = 8.0 if self.courier else rng.choice((8.0, 8.5, 9.0))
        self.step = self.size + rng.choice((4.0, 5.0, 6.0))
        self.labels = {c: rng.choice(w[c]) for c in cols}
        self.short = {c: rng.choice(w[c + "_short"]) for c in cols}
        if self.courier:
            self.labels = {c: t.upper() for c, t in self.labels.items()}
            self.short = {c: t.upper() for c, t in self.short.items()}
        self.o = {
            "letterhead": rng.random() < 0.6,  # repeated on every page
            # on continuation pages: whole, abbreviated, only some labels, none
            "header": rng.choice(("full", "short", "partial", "none")),
            "shift": rng.choice((0.0, 0.0, 6.0, 12.0, 20.0, 30.0)),
            "resize": rng.random() < 0.25,
            "ref_page": rng.choice((None, None, "all", "later")),
            "all_sums": rng.random() < 0.4, "block": rng.random() < 0.3,
            "split": rng.random() < 0.15,
            "carried": rng.random() < 0.75, "brought": rng.random() < 0.6,
            "pagesum": rng.random() < 0.4, "bare": rng.random() < 0.15,
            "label_at": rng.choice(("first", "ref", "amount")),
            "colon": rng.random() < 0.3, "continued": rng.random() < 0.4,
            "footer": rng.choice(w["footer"]), "carried_word": rng.choice(w["carried"]),
            "brought_word": rng.choice(w["brought"]), "pagesum_word": rng.choice(w["pagesum"]),
            "total_word": rng.choice(w["total"]), "title": rng.choice(w["title"]),
            "payer": rng.choice(w["payer"]), "street": rng.choice(w["street"]),
            "contact": rng.choice(w["contact"]), "payref_label": rng.choice(w["payref"]),
            "paydate_label": rng.choice(w["paydate"]),
        }
        if not (self.o["carried"] or self.o["pagesum"]):
            self.o["bare"] = False
        self.gap = rng.choice((12, 18, 24))
        self.xs = self._columns(rows[:40])

    def text(self, col: str, row: dict) -> str:
        value = row[col]
        if col in _MONEY:
            return money(value, self.style, self.sign) if value else ""
        return value

    def _columns(self, rows: list[dict], short: bool = False,
                 ) -> dict[str, tuple[float, float]]:
        """(left, right) of each column, as wide as its label and the cells of ``rows``."""
        width = self.c.stringWidth
        xs, x = {}, _LEFT
        gap = width("  ", self.font, self.size) if self.courier else self.gap
        for col in self.cols:
            cells = [(self.short if short else self.labels)[col]] + [
                self.text(col, r) for r in rows if col != "text"]
            if col == "text":
                cells += ["X" * 22]
            if col in _MONEY:  # room for the sums of the running and total rows
                cells.append(money(-self.total, self.style, "trail"))
            wide = max(width(t, self.font, self.size) for t in cells)
            xs[col] = (x, x + wide)
            x += wide + gap
        return xs

    def put(self, xs: dict[str, tuple[float, float]], col: str, y: float, text: str) -> None:
        left, right = xs[col]
        if col in _MONEY:
            self.c.drawRightString(right, y, text)
        else:
            self.c.drawString(left, y, text)

    def page_columns(self, n: int, page: list[dict]) -> dict[str, tuple[float, float]]:
        """The columns on page ``n``: page 1 as laid out; later pages shifted as a whole
        and each column a little on its own, or (a report sizing its columns page by
        page) each column as wide as its widest cell on that page."""
        if n == 1:
            return self.xs
        if self.o["resize"]:
            return self._columns(page, self.o["header"] in ("short", "partial"))
        dx = self.rng.uniform(-self.o["shift"], self.o["shift"])
        out = {}
        for col, (a, b) in self.xs.items():
            jitter = self.rng.uniform(-1.5, 1.5) if self.o["shift"] else 0.0
            out[col] = (a + dx + jitter, b + dx + jitter)
        return out

    def letterhead(self, n: int, m: int) -> float:
        c, y = self.c, _TOP
        c.setFont("Helvetica-Bold", 11)
        c.drawString(_LEFT, y, self.o["payer"])
        c.setFont("Helvetica", 7.5)
        c.drawString(_LEFT, y - 11, self.o["street"])
        c.drawString(_LEFT, y - 20, self.o["contact"])
        c.setFont("Helvetica-Bold", 10)
        c.drawRightString(555, y, self.o["title"])
        c.setFont("Helvetica", 8)
        ref = f"{self.o['payref_label']}: {self.payref}"
        if self.o["ref_page"] and (n > 1 or self.o["ref_page"] == "all"):
            ref += "   " + self.o["footer"].format(n=n, m=m)  # "Avis-Nr.: 4711   Seite 2"
        c.drawRightString(555, y - 12, ref)
        c.drawRightString(555, y - 22, f"{self.o['paydate_label']}: "
                                       f"{self.paid_on.strftime(_DATES[self.style])}")
        if n == 1:
            c.drawRightString(555, y - 32, f"{self.w['currency'][0]}: EUR")
        if n > 1 and self.rng.random() < 0.5:
            c.drawRightString(555, y - 34, self.o["footer"].format(n=n, m=m))
        if not self.o["block"]:
            return y - 48
        # a box of keys in columns (SAP's page window): supplier number, date, page
        c.setFont(self.font, self.size)
        values = (self.supplier, self.paid_on.strftime(_DATES[self.style]), str(n))
        for x, label, value in zip((_LEFT, _LEFT + 110, _LEFT + 200), self.w["block"], values,
                                   strict=True):
            c.drawString(x, y - 48, label)
            c.drawString(x, y - 48 - self.step, value)
        return y - 62 - 2 * self.step

    def header(self, xs: dict[str, tuple[float, float]], y: float, short: bool,
               partial: bool = False) -> float:
        self.c.setFont(self.font, self.size)
        for col in self.cols:
            if not partial or col in ("ref", "paid"):
                self.put(xs, col, y, (self.short if short else self.labels)[col])
        self.c.setLineWidth(0.4)
        self.c.line(_LEFT - 4, y - 3, max(b for _, b in xs.values()) + 4, y - 3)
        return y - self.step - 2

    def label_row(self, xs: dict[str, tuple[float, float]], y: float, label: str,
                  sums: dict[str, Decimal]) -> None:
        """A running row (subtotal, carried, brought forward, total): its label and the
        paid sum, or (as SAP prints them) the sums of every money column."""
        text = money(sums["paid"], self.style, self.sign)
        if self.o["colon"] and label:
            label += ":"
        where = self.o["label_at"]
        if where == "amount" and label:
            left = xs["paid"][1] - self.c.stringWidth(text, self.font, self.size) - 12
            self.c.drawRightString(left, y, label)
        elif label:
            x = xs[self.cols[0]][0] if where == "first" else xs["ref"][0]
            self.c.drawString(x, y, label)
        self.put(xs, "paid", y, text)
        for col in ("gross", "discount"):
            if self.o["all_sums"] and col in self.cols and where != "amount":
                self.put(xs, col, y, money(sums[col], self.style, self.sign))

    def draw(self) -> tuple[bytes, int]:
        o, c = self.o, self.c
        rows = list(self.rows)
        plan: list[list[dict]] = []
        wraps = "text" in self.cols  # rows of two lines: fewer to a page
        first = self.rng.randint(8, 12) if wraps else self.rng.randint(14, 24)
        if self.rng.random() < 0.15:  # a long address block: the table starts low
            first = self.rng.randint(2, 4)
        while rows:
            size = first if not plan else self.rng.randint(*((12, 17) if wraps else (20, 32)))
            plan.append(rows[:size])
            rows = rows[size:]
        m = len(plan)
        running = dict.fromkeys(_MONEY, Decimal(0))
        wrap_over: str | None = None  # a text wrapped onto the next page
        split_over: dict | None = None  # a row whose amounts went onto the next page
        for n, page in enumerate(plan, 1):
            xs = self.page_columns(n, page)
            if n == 1 or o["letterhead"]:
                y = self.letterhead(n, m)
            else:
                y = _TOP
            c.setFont(self.font, self.size)
            if n == 1:
                c.drawString(_LEFT, y, self.w["intro"][0] if self.rng.random() < 0.5
                             else self.w["intro"][-1])
                y -= 2 * self.step
            if n == 1 or o["header"] != "none":
                y = self.header(xs, y, n > 1 and o["header"] in ("short", "partial"),
                                n > 1 and o["header"] == "partial")
            c.setFont(self.font, self.size)
            if n > 1 and o["brought"]:
                self.label_row(xs, y, o["brought_word"].format(p=n - 1, n=n), running)
                y -= self.step
            page_sum = dict.fromkeys(_MONEY, Decimal(0))
            if split_over is not None:
                for col in _MONEY:
                    if col in self.cols and split_over[col]:
                        self.put(xs, col, y, self.text(col, split_over))
                    page_sum[col] += split_over[col]
                y -= self.step
                split_over = None
            if wrap_over and "text" in self.cols:
                self.put(xs, "text", y, wrap_over)
                y -= self.step
                wrap_over = None
            for k, row in enumerate(page):
                split = o["split"] and k == len(page) - 1 and n < m
                if split:
                    split_over = row
                for col in self.cols:
                    if split and col in _MONEY:
                        continue
                    text = self.text(col, row)
                    if col == "text" and len(text) > 22:
                        head, _, rest = text[:22].rpartition(" ")
                        text, tail = head, text[len(head) + 1:]
                        if k == len(page) - 1 and n < m:
                            wrap_over = tail
                        else:
                            self.put(xs, col, y - self.step, tail)
                    if text:
                        self.put(xs, col, y, text)
                if "text" in self.cols and len(row["text"]) > 22 and not (
                        k == len(page) - 1 and n < m):
                    y -= self.step
                for col in _MONEY:
                    page_sum[col] += 0 if split else row[col]
                y -= self.step
            running = {col: running[col] + page_sum[col] for col in _MONEY}
            c.setLineWidth(0.4)
            c.line(xs["paid"][0], y + self.step - 3, xs["paid"][1], y + self.step - 3)
            if o["pagesum"] and (n < m or self.rng.random() < 0.5):
                self.label_row(xs, y, "" if o["bare"] and not o["carried"]
                               else o["pagesum_word"].format(p=n, n=n + 1), page_sum)
                y -= self.step
            if n < m and o["carried"]:
                self.label_row(xs, y, "" if o["bare"] else
                               o["carried_word"].format(n=n + 1, p=n), running)
                y -= self.step
            if n < m and o["continued"]:
                c.drawRightString(555, y - 4, self.rng.choice(self.w["continued"]).format(
                    n=n + 1))
            if n == m:
                y -= 4
                self.label_row(xs, y, o["total_word"], running)
            c.setFont("Helvetica", 7)
            footer = o["footer"].format(n=n, m=m)
            c.drawCentredString(297, 30, footer) if footer.startswith("-") \
                else c.drawRightString(555, 30, footer)
            c.showPage()
        c.save()
        return self.buf.getvalue(), m
