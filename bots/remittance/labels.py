"""The labels of a remittance advice's payment fields, in EN, DE, FR, NL, ES and IT.

:data:`LABELS` maps each payment-level field (payment number, date, total,
payer, our customer number at the payer, currency, method) to the regular
expressions of its labels. :mod:`bots.remittance.pdf_fields` finds them
anywhere on a page; :mod:`bots.remittance.pdf_layout` uses
:func:`is_payment_label` so that a row of labels in boxes (``Payment date |
Advice No. | Supplier No.``) is never taken for a table's header row.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NO = r"(?:no\b\.?|nr\b\.?|number|num\b\.?|#)"
_N = r"(?:n[°ºo]?(?!\w)\.?|nr(?!\w)\.?|no(?!\w)\.?)"  # "N°", "Nº", "N.", "Nr." in front of a noun
#: field -> label patterns (regular expressions, case-insensitive, whole words), EN DE FR NL
#: ES IT
LABELS: dict[str, tuple[str, ...]] = {
    "payment_ref": (
        rf"payment\s*{_NO}", r"payment\s*ref(?:erence)?\b\.?", r"payment\s*id\b",
        rf"payment\s*doc(?:ument)?\b\.?(?:\s*{_NO})?",
        rf"check\s*{_NO}", rf"cheque\s*{_NO}", rf"(?:eft|ach)\s*trace\s*{_NO}?",
        rf"trace\s*{_NO}", r"wire\s*ref(?:erence)?\b\.?", rf"remittance\s*{_NO}",
        rf"advice\s*{_NO}",
        r"zahlungsnummer", r"zahlungsreferenz", r"zahlungsnr\b\.?", r"avis[\s-]*nr\b\.?",
        r"scheck[\s-]*nr\b\.?", r"schecknummer",
        r"r[ée]f[ée]rence\s*(?:de\s*|du\s*)?paiement", rf"{_N}\s*d['’]avis",
        rf"{_N}\s*de\s*virement", rf"{_N}\s*de\s*ch[èe]que", rf"ch[èe]que\s*{_N}",
        r"betalingskenmerk", r"adviesnummer", r"betalingsreferentie", r"chequenummer",
        r"cheque\s*nr\b\.?", r"referencia\s*de\s*pago", rf"{_N}\s*de\s*aviso",
        rf"{_N}\s*de\s*cheque", rf"cheque\s*{_N}", r"rif\.?\s*pagamento",
        rf"{_N}\s*avviso", r"numero\s*disposizione", rf"{_N}\s*assegno",
        rf"assegno\s*{_N}",
        # "<payment> <number>" in the six languages, as ERP prints put it
        rf"{_N}\s*de\s*paiement", r"num[ée]ro\s*de\s*paiement", r"referentie\s*betaling",
        r"betalingsnummer", r"zahlungsbeleg", r"beleg\s*der\s*zahlung",
        r"riferimento\s*bonifico", rf"{_N}\s*distinta",
        r"referencia\s*(?:de\s*la\s*)?transferencia",
        # English AP prints: "EFT No.", "Payment Run No.", "Bank Ref."
        rf"eft\s*(?:{_NO}|ref(?:erence)?\b\.?)", rf"payment\s*run(?:\s*{_NO})?",
        r"bank\s*ref(?:erence)?\b\.?",
        # Italian bank transfers: "CRO" (codice riferimento operazione), "TRN"
        r"(?:cro|trn)(?=\s*:)"),
    "payment_date": (
        r"payment\s*date", r"check\s*date", r"cheque\s*date", r"pay\s*date", r"value\s*date",
        r"date\s*paid", r"settlement\s*date", r"date\s*of\s*payment", r"zahlungsdatum",
        r"valuta(?:datum)?", r"wertstellung", r"ausf[üu]hrungsdatum",
        r"date\s*de\s*paiement", r"date\s*de\s*valeur", r"date\s*d['’]ex[ée]cution",
        r"betaaldatum", r"datum\s*betaling", r"fecha\s*de\s*pago", r"fecha\s*valor",
        r"data\s*(?:di\s*)?pagamento", r"data\s*valuta",
        r"date\s*d[ue]\s*(?:virement|r[èe]glement|paiement)",
        r"datum\s*der\s*(?:zahlung|[üu]berweisung)",
        r"fecha\s*de\s*(?:la\s*)?transferencia", r"data\s*(?:del\s*)?bonifico",
        r"datum\s*(?:van\s*(?:de\s*)?)?overboeking",
        r"remittance\s*date", r"transfer\s*date", r"run\s*date", r"issue\s*date",
        r"date\s*of\s*issue", r"execution\s*date", r"processing\s*date", r"paid\s*on",
        # "<paid> on": "Réglé le", "Betaald op", "Bezahlt am", "Pagado el", "Pagato il"
        r"(?:r[ée]gl[ée]|pay[ée]|vir[ée]|vers[ée])\s*le", r"(?:betaald|overgemaakt)\s*op",
        r"(?:bezahlt|gezahlt|[üu]berwiesen)\s*am", r"(?:pagado|abonado|transferido)\s*el",
        r"(?:pagato|bonificato|accreditato)\s*il"),
    "payment_method": (r"payment\s*method", r"pay(?:ment)?\s*type", r"pay\s*method",
                       r"method(?:\s*of\s*payment)?", r"zahlungsart"),
    "total": (
        r"total\s*paid", r"total\s*payment", r"payment\s*amount", r"payment\s*total",
        r"check\s*amount", r"cheque\s*amount", r"total\s*remitted", r"net\s*payment",
        r"total\s*amount(?:\s*paid)?", r"amount\s*paid", r"amount\s*of\s*payment",
        r"zahlbetrag(?:\s*gesamt)?", r"gesamtbetrag", r"[üu]berweisungsbetrag",
        r"montant\s*total", r"total\s*r[ée]gl[ée]", r"montant\s*du\s*virement",
        r"totaal\s*betaald", r"totaalbedrag", r"importe\s*total", r"total\s*pagado",
        r"importo\s*totale", r"totale\s*pagato", r"importo\s*bonifico",
        r"summe\s*zahlung", r"betrag\s*der\s*[üu]berweisung", r"overgemaakt\s*bedrag",
        r"totale\s*bonifico", r"importo\s*disposto"),
    "payer_name": (r"remit(?:ted)?\s*from", r"remitter", r"ordering\s*party", r"paid\s*by",
                   r"payer(?:\s*name)?(?=\s*:)",
                   r"from(?=\s*:)", r"customer\s*name", r"zahler", r"auftraggeber",
                   r"payeur", r"donneur\s*d['’]ordre", r"betaler", r"opdrachtgever",
                   r"pagador", r"ordenante", r"ordinante", r"pagatore"),
    "payer_account": (r"our\s*account\s*(?:number|no\b\.?)\s*with\s*you",
                      rf"(?:your\s*)?customer\s*(?:{_NO}|id\b|account)",
                      rf"account\s*{_NO}", rf"(?:supplier|vendor)\s*{_NO}",
                      r"unsere\s*kundennr\b\.?\s*bei\s*ihnen", r"kundennummer",
                      r"kundennr\b\.?", r"lieferantennr\b\.?", r"lieferantennummer",
                      rf"notre\s*{_N}\s*(?:de\s*)?client\s*chez\s*vous",
                      rf"{_N}\s*(?:de\s*)?client", rf"{_N}\s*(?:de\s*)?fournisseur",
                      r"ons\s*klantnummer\s*bij\s*u", r"klantnummer",
                      r"leveranciersn(?:r\b\.?|ummer)",
                      rf"nuestro\s*{_N}\s*de\s*cliente", rf"{_N}\s*(?:de\s*)?proveedor",
                      r"ns\.?\s*codice\s*cliente", r"cod(?:ice)?\.?\s*fornitore",
                      r"code\s*fournisseur", r"c[óo]digo\s*(?:de\s*)?proveedor",
                      r"leverancierscode", r"(?:ihre\s*)?kreditorennr\b\.?",
                      r"kreditorennummer", r"crediteurnummer",
                      r"(?:votre\s*)?num[ée]ro\s*(?:de\s*)?fournisseur",
                      rf"(?:your\s*)?(?:supplier|vendor|payee)\s*(?:{_NO}|id\b|code|account)",
                      rf"(?:our\s*)?account\s*{_NO}\s*with\s*us"),
    "currency": (r"(?:payment\s*)?currency(?:\s*code)?", r"währung", r"w[äa]hrung", r"devise",
                 r"monnaie", r"valuta",
                 r"moneda", r"divisa", r"whrg\b\.?", r"munteenheid"),
}

# "... bei uns", "... with you": where the number is kept, part of the label, never its value
_KEPT_AT = (r"(?:\s*(?:bei\s*(?:uns|ihnen)|with\s*(?:us|you)|chez\s*(?:nous|vous)"
            r"|bij\s*(?:ons|u|jullie)\b|presso\s*(?:di\s*)?(?:noi|voi)"
            r"|(?:con|en|para)\s*(?:nosotros|ustedes|vosotros)))?")
LABELS["payer_account"] = tuple(f"(?:{p}){_KEPT_AT}" for p in LABELS["payer_account"])

# the labels no column header shares (a total's "Amount paid" may head a column)
_WHOLE = re.compile("|".join(f"(?:{p})" for name, texts in LABELS.items() if name != "total"
                             for p in texts), re.I)


@lru_cache(maxsize=8192)
def is_payment_label(text: str) -> bool:
    """True when ``text`` (or a half of a bilingual ``A / B``) is a whole label of a
    payment field other than the total (payment number or date, payer, currency, ...)."""
    return any(_WHOLE.fullmatch(half.strip(" :#.")) for half in text.split("/"))
