"""The development corpus's own words: labels of real English AP/ERP prints, and bilingual ones.

English (``en``) is what Oracle Payables, SAP F110 (English), NetSuite, JD
Edwards, QuickBooks/Sage and Dynamics 365 print; the other languages are the
bilingual headers of international payers (``Rechnungsnr. / Invoice no.``),
local word first. Written from those prints, not from any other corpus's lists.
"""

from __future__ import annotations

LANGS = ("en", "de", "fr", "nl", "es", "it")

_EN_COLUMNS: dict[str, list[str]] = {
    "ref": [
        "Invoice Number",
        "Invoice No.",
        "INVOICE NUM",
        "Supplier Invoice",
        "Vendor Invoice No",
        "Your Invoice",
        "Your Reference",
        "Invoice #",
        "Inv #",
        "Bill No.",
        "Inv. Ref.",
        "External Document No.",
        "Vendor Ref",
        "Supplier Ref",
        "Your Invoice No.",
        "Vendor Invoice Number",
        "Invoice/CM No.",
        "Supplier Doc No.",
    ],
    "voucher": [
        "Voucher",
        "Voucher No.",
        "Voucher Number",
        "Document No.",
        "Doc. No.",
        "Our Reference",
        "Our Ref",
        "Payment Document",
        "Journal No.",
        "Trans. No.",
        "Internal ID",
        "AP Doc No.",
        "Entry No.",
        "Doc Number",
        "Batch/Voucher",
        "Ref. No.",
        "Transaction No.",
        "Document",
    ],
    "po": [
        "PO Number",
        "P.O. No.",
        "Purchase Order",
        "Order No.",
        "PO #",
        "Customer PO",
        "Order Ref",
    ],
    "date": [
        "Invoice Date",
        "Inv Date",
        "Date",
        "Doc Date",
        "Document Date",
        "Trans Date",
        "Posting Date",
        "Transaction Date",
        "Bill Date",
        "Inv. Dt.",
    ],
    "due": [
        "Due Date",
        "Date Due",
        "Net Due Date",
        "Due",
        "Maturity Date",
        "Payment Due",
        "Terms Date",
        "Disc Date",
        "Due Dt.",
    ],
    "gross": [
        "Invoice Amount",
        "Gross Amount",
        "Original Amount",
        "Amount",
        "Inv Amount",
        "Invoice Total",
        "Amount Due",
        "Balance Due",
        "Open Amount",
        "Bill Amount",
        "Orig. Amt",
        "Document Amount",
        "Gross",
        "Total Amount",
        "Amount Invoiced",
        "Inv. Amt",
        "Gross Amt",
    ],
    "disc": [
        "Discount",
        "Discount Taken",
        "Disc. Taken",
        "Cash Discount",
        "Disc Amt",
        "Early Pay Discount",
        "Terms Discount",
        "Discount Amount",
        "Disc.",
        "Disc Taken",
    ],
    "ded": [
        "Deduction",
        "Adjustment",
        "Adjustments",
        "Short Pay",
        "Other Deductions",
        "Chargeback",
        "Withholding",
        "Write-off",
        "Deductions",
        "Adj. Amount",
        "Adj Amt",
    ],
    "paid": [
        "Amount Paid",
        "Net Amount",
        "Payment Amount",
        "Paid Amount",
        "Net Paid",
        "Amount Remitted",
        "Net Payment",
        "Paid This Check",
        "Amount Applied",
        "Payment",
        "Net",
        "Net Amt Paid",
        "Remit Amount",
        "Amt Paid",
        "Net Pmt Amt",
        "Pmt Amount",
        "Paid Amt",
    ],
    "open": [
        "Balance",
        "Remaining Balance",
        "Open Balance",
        "Balance Remaining",
        "Remaining",
        "Bal. Remaining",
        "Unpaid Balance",
    ],
}

# local word / English word, as international payers print them
_BILINGUAL: dict[str, dict[str, list[str]]] = {
    "de": {
        "ref": ["Rechnungsnr.", "Ihre Rechnung", "Ihre Referenz", "Rech.-Nr."],
        "voucher": ["Beleg-Nr.", "Belegnummer", "Unser Beleg"],
        "po": ["Bestellnr.", "Bestellung"],
        "date": ["Datum", "Rechnungsdatum", "Belegdatum"],
        "due": ["Fälligkeit", "Fällig am"],
        "gross": ["Rechnungsbetrag", "Bruttobetrag", "Betrag"],
        "disc": ["Skonto", "Skontobetrag"],
        "ded": ["Abzug", "Kürzung", "Abzüge"],
        "paid": ["Zahlbetrag", "Bezahlt", "Zahlung", "Netto"],
        "open": ["Restbetrag", "Offen"],
    },
    "fr": {
        "ref": ["N° facture", "Votre facture", "Votre réf.", "Réf. facture"],
        "voucher": ["N° pièce", "Pièce", "Notre réf."],
        "po": ["N° commande", "Commande"],
        "date": ["Date", "Date facture"],
        "due": ["Échéance", "Date d'échéance"],
        "gross": ["Montant facture", "Montant TTC", "Montant brut"],
        "disc": ["Escompte", "Remise"],
        "ded": ["Retenue", "Déduction"],
        "paid": ["Montant payé", "Net payé", "Réglé", "Montant réglé"],
        "open": ["Solde", "Reste dû"],
    },
    "nl": {
        "ref": ["Factuurnr.", "Uw factuur", "Uw referentie", "Factuurnummer"],
        "voucher": ["Boekstuk", "Onze ref.", "Documentnr."],
        "po": ["Bestelnr.", "Order"],
        "date": ["Datum", "Factuurdatum"],
        "due": ["Vervaldatum", "Vervaldag"],
        "gross": ["Factuurbedrag", "Bedrag", "Brutobedrag"],
        "disc": ["Korting", "Betalingskorting"],
        "ded": ["Inhouding", "Aftrek"],
        "paid": ["Betaald", "Betaald bedrag", "Netto"],
        "open": ["Openstaand saldo", "Saldo"],
    },
    "es": {
        "ref": ["N.º factura", "Su factura", "Su referencia", "Factura"],
        "voucher": ["Asiento", "N.º documento", "Nuestra ref."],
        "po": ["Pedido", "N.º pedido"],
        "date": ["Fecha", "Fecha factura"],
        "due": ["Vencimiento", "Fecha vto."],
        "gross": ["Importe factura", "Importe bruto", "Importe"],
        "disc": ["Descuento", "Dto. pronto pago"],
        "ded": ["Retención", "Deducción"],
        "paid": ["Importe pagado", "Pagado", "Neto"],
        "open": ["Saldo pendiente", "Pendiente"],
    },
    "it": {
        "ref": ["N. fattura", "Vs. fattura", "Vs. riferimento", "Fattura"],
        "voucher": ["N. registrazione", "Protocollo", "Ns. rif."],
        "po": ["N. ordine", "Ordine"],
        "date": ["Data", "Data fattura"],
        "due": ["Scadenza", "Data scadenza"],
        "gross": ["Importo fattura", "Importo lordo", "Importo"],
        "disc": ["Sconto", "Abbuono"],
        "ded": ["Trattenuta", "Ritenuta"],
        "paid": ["Importo pagato", "Pagato", "Netto"],
        "open": ["Residuo", "Saldo residuo"],
    },
}
_EN_SHORT = {
    "ref": ["Invoice no.", "Invoice", "Your ref."],
    "voucher": ["Document no.", "Voucher"],
    "po": ["PO no.", "Order"],
    "date": ["Date", "Invoice date"],
    "due": ["Due date"],
    "gross": ["Amount", "Invoice amount"],
    "disc": ["Discount"],
    "ded": ["Deduction"],
    "paid": ["Paid", "Amount paid", "Net"],
    "open": ["Balance"],
}


def _bilingual(lang: str) -> dict[str, list[str]]:
    local = _BILINGUAL[lang]
    return {role: [f"{a} / {b}" for a in local[role] for b in _EN_SHORT[role]] for role in local}


COLUMNS: dict[str, dict[str, list[str]]] = {"en": _EN_COLUMNS} | {
    lang: _bilingual(lang) for lang in LANGS[1:]
}

_EN_FIELDS: dict[str, list[str]] = {
    "date": [
        "Payment Date",
        "Check Date",
        "Pay Date",
        "Value Date",
        "Settlement Date",
        "Payment Run Date",
        "Date Paid",
    ],
    "ref": [
        "Payment Reference",
        "Payment No.",
        "Payment Number",
        "EFT Number",
        "Remittance No.",
        "Payment Document",
        "Trace Number",
        "Payment ID",
    ],
    "account": [
        "Supplier No.",
        "Vendor No.",
        "Vendor ID",
        "Supplier Number",
        "Vendor Number",
        "Supplier ID",
        "Vendor Account",
        "Our Vendor No. for You",
    ],
    "total": [
        "Payment Amount",
        "Total Amount",
        "Total Paid",
        "Net Payment",
        "Remittance Total",
        "Amount Paid",
        "Total Payment",
    ],
    "currency": ["Currency", "Payment Currency", "Curr.", "Currency Code"],
    "payer": ["Payer", "From", "Customer", "Remitter", "Paid By"],
    "cheque": ["Check Number", "Check No.", "Cheque No.", "Check #"],
}
_FIELD_LOCAL = {
    "de": {
        "date": "Zahlungsdatum",
        "ref": "Zahlungsnr.",
        "account": "Lieferantennr.",
        "total": "Zahlbetrag",
        "currency": "Währung",
        "payer": "Zahler",
        "cheque": "Scheck-Nr.",
    },
    "fr": {
        "date": "Date de paiement",
        "ref": "Réf. paiement",
        "account": "N° fournisseur",
        "total": "Montant total",
        "currency": "Devise",
        "payer": "Payeur",
        "cheque": "N° chèque",
    },
    "nl": {
        "date": "Betaaldatum",
        "ref": "Betalingskenmerk",
        "account": "Leveranciersnr.",
        "total": "Totaalbedrag",
        "currency": "Valuta",
        "payer": "Betaler",
        "cheque": "Chequenr.",
    },
    "es": {
        "date": "Fecha de pago",
        "ref": "Ref. pago",
        "account": "N.º proveedor",
        "total": "Importe total",
        "currency": "Moneda",
        "payer": "Pagador",
        "cheque": "N.º cheque",
    },
    "it": {
        "date": "Data pagamento",
        "ref": "Rif. pagamento",
        "account": "Cod. fornitore",
        "total": "Importo totale",
        "currency": "Valuta",
        "payer": "Pagatore",
        "cheque": "N. assegno",
    },
}
_FIELD_EN = {
    "date": "Payment date",
    "ref": "Payment ref.",
    "account": "Supplier no.",
    "total": "Total amount",
    "currency": "Currency",
    "payer": "Payer",
    "cheque": "Check no.",
}
FIELDS: dict[str, dict[str, list[str]]] = {"en": _EN_FIELDS} | {
    lang: {k: [f"{v} / {_FIELD_EN[k]}", v] for k, v in _FIELD_LOCAL[lang].items()}
    for lang in LANGS[1:]
}

_TITLE_LOCAL = {
    "de": "Zahlungsavis",
    "fr": "Avis de paiement",
    "nl": "Betaaladvies",
    "es": "Aviso de pago",
    "it": "Avviso di pagamento",
}
TITLES = {
    "advice": {
        "en": [
            "Remittance Advice",
            "REMITTANCE ADVICE",
            "Payment Advice",
            "Vendor Payment Advice",
            "Bill Payment",
            "Payment Notification",
        ]
    }
    | {k: [f"{v} / Payment Advice", v] for k, v in _TITLE_LOCAL.items()},
    "bank": {lang: ["Credit Advice", "Incoming Payment"] for lang in LANGS},
}
INTRO = {
    "en": [
        "The following invoices have been paid:",
        "Please find below details of our payment.",
        "We have remitted the amount below to your account.",
    ]
} | {lang: ["Please find below the invoices settled by this payment."] for lang in LANGS[1:]}
TOTAL_ROW = {
    "en": ["Total", "Totals", "Payment Total", "TOTAL PAID", "Grand Total", "Check Total"]
} | {
    "de": ["Summe / Total", "Gesamt"],
    "fr": ["Total"],
    "nl": ["Totaal / Total", "Totaal"],
    "es": ["Total"],
    "it": ["Totale / Total", "Totale"],
}
CARRIED = {"en": ["Carried forward", "Continued on next page", "Subtotal"]} | {
    "de": ["Übertrag"],
    "fr": ["À reporter"],
    "nl": ["Transport"],
    "es": ["Suma y sigue"],
    "it": ["Da riportare"],
}
BROUGHT = {"en": ["Brought forward", "Continued from previous page"]} | {
    "de": ["Übertrag"],
    "fr": ["Report"],
    "nl": ["Transport"],
    "es": ["Suma anterior"],
    "it": ["Riporto"],
}
FOOTER = {
    lang: ["Questions? accounts.payable@{dom}", "This advice was generated automatically. ap@{dom}"]
    for lang in LANGS
}
US = ["ARbots Supplies Ltd", "Northwind Components Inc.", "ARBOTS TRADING LLC"]
PAYERS = {
    lang: [
        "Globex Corporation",
        "Initech Holdings",
        "Umbrella Retail Group",
        "Acme Distribution GmbH",
        "Stark Logistics S.A.",
    ]
    for lang in LANGS
}
CITIES = {lang: ["Springfield", "Leeds", "Toronto", "Lyon", "Utrecht"] for lang in LANGS}
PAGE = {lang: "Page {n} of {of}" for lang in LANGS}
CHEQUE = {
    lang: {
        "detach": "DETACH AT PERFORATION",
        "words": "DOLLARS",
        "pay": "PAY TO THE ORDER OF",
        "void": "VOID AFTER 90 DAYS",
    }
    for lang in LANGS
}
BANK = {
    lang: {"beneficiary": "Beneficiary", "account": "Account", "info": "Remittance information"}
    for lang in LANGS
}
