"""The words the generated advices print, per language (EN, DE, FR, NL, ES, IT).

Each entry lists several ways payers say the same thing; a document picks one
at random, so a family (one layout in one language) still varies its words.
These lists are the generator's, written from how advices in those languages
read, not copied from the reader's synonym tables: the reader must find the
roles on its own.
"""

from __future__ import annotations

LANGUAGES = ("en", "de", "fr", "nl", "es", "it")

# column role -> language -> header texts
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "our_ref": {  # the reference to OUR invoice: what invoice_ref must be
        "en": ("Your Reference", "Your Invoice No.", "Invoice No.", "Your Ref.",
               "Supplier Invoice"),
        "de": ("Ihre Referenz", "Ihre Rechnungsnr.", "Rechnungsnummer", "Ihre Re.-Nr.",
               "Ihr Beleg"),
        "fr": ("Votre référence", "Votre facture", "N° facture", "Réf. fournisseur"),
        "nl": ("Uw referentie", "Uw factuurnr.", "Factuurnummer", "Uw kenmerk"),
        "es": ("Su referencia", "Su factura", "Nº factura", "Ref. proveedor"),
        "it": ("Vs. riferimento", "Vs. fattura", "N. fattura", "Rif. fornitore"),
    },
    "voucher": {  # the payer's own document number: never the invoice_ref
        "en": ("Our Voucher", "Voucher No.", "Document No.", "Our Ref.", "Doc. No."),
        "de": ("Beleg-Nr.", "Belegnummer", "Unser Beleg", "Buchungsnr."),
        "fr": ("Pièce", "N° pièce", "Notre pièce", "N° écriture"),
        "nl": ("Boekstuk", "Ons boekstuknr.", "Documentnr."),
        "es": ("Nº documento", "Asiento", "Nuestro documento"),
        "it": ("N. documento", "Ns. protocollo", "Registrazione"),
    },
    "date": {
        "en": ("Invoice Date", "Inv. Date", "Date"),
        "de": ("Rechnungsdatum", "Belegdatum", "Datum"),
        "fr": ("Date facture", "Date"),
        "nl": ("Factuurdatum", "Datum"),
        "es": ("Fecha factura", "Fecha"),
        "it": ("Data fattura", "Data"),
    },
    "gross": {
        "en": ("Invoice Amount", "Gross Amount", "Amount"),
        "de": ("Rechnungsbetrag", "Bruttobetrag", "Betrag"),
        "fr": ("Montant facture", "Montant brut", "Montant"),
        "nl": ("Factuurbedrag", "Bruto bedrag", "Bedrag"),
        "es": ("Importe factura", "Importe bruto", "Importe"),
        "it": ("Importo fattura", "Importo lordo", "Importo"),
    },
    "discount": {
        "en": ("Discount", "Cash Discount"),
        "de": ("Skonto", "Skontobetrag"),
        "fr": ("Escompte", "Remise"),
        "nl": ("Korting", "Betalingskorting"),
        "es": ("Descuento", "Dto. pronto pago"),
        "it": ("Sconto", "Abbuono"),
    },
    "deduction": {
        "en": ("Deduction", "Adjustment"),
        "de": ("Abzug", "Kürzung"),
        "fr": ("Retenue", "Déduction"),
        "nl": ("Inhouding", "Aftrek"),
        "es": ("Deducción", "Retención"),
        "it": ("Trattenuta", "Detrazione"),
    },
    "reason": {
        "en": ("Reason", "Remarks"),
        "de": ("Grund", "Bemerkung"),
        "fr": ("Motif",),
        "nl": ("Reden", "Omschrijving"),
        "es": ("Motivo",),
        "it": ("Causale", "Motivo"),
    },
    "paid": {
        "en": ("Amount Paid", "Net Paid", "Payment Amount"),
        "de": ("Zahlbetrag", "Bezahlt", "Zahlung", "Überwiesen"),
        "fr": ("Montant payé", "Net payé", "Règlement"),
        "nl": ("Betaald", "Betaald bedrag", "Netto betaald"),
        "es": ("Importe pagado", "Pagado", "Neto pagado"),
        "it": ("Importo pagato", "Pagato", "Netto pagato"),
    },
}

# header field -> language -> labels
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "payment_date": {
        "en": ("Payment date", "Value date", "Date of payment"),
        "de": ("Zahlungsdatum", "Wertstellung", "Ausführungsdatum"),
        "fr": ("Date de paiement", "Date de valeur", "Date d'exécution"),
        "nl": ("Betaaldatum", "Valutadatum", "Datum betaling"),
        "es": ("Fecha de pago", "Fecha valor"),
        "it": ("Data pagamento", "Data valuta"),
    },
    "payment_ref": {
        "en": ("Payment ref.", "Advice No.", "Payment number"),
        "de": ("Zahlungsreferenz", "Avis-Nr.", "Zahlungsnr."),
        "fr": ("Référence paiement", "N° d'avis", "N° de virement"),
        "nl": ("Betalingskenmerk", "Adviesnummer", "Betalingsreferentie"),
        "es": ("Referencia de pago", "Nº de aviso"),
        "it": ("Rif. pagamento", "N. avviso", "Numero disposizione"),
    },
    "cheque_no": {
        "en": ("Check No.", "Cheque No."),
        "de": ("Scheck-Nr.", "Schecknummer"),
        "fr": ("N° de chèque", "Chèque n°"),
        "nl": ("Chequenummer", "Cheque nr."),
        "es": ("Nº de cheque", "Cheque nº"),
        "it": ("N. assegno", "Assegno n."),
    },
    "total": {
        "en": ("Total paid", "Payment amount", "Amount of payment"),
        "de": ("Gesamtbetrag", "Überweisungsbetrag", "Zahlbetrag gesamt"),
        "fr": ("Montant total", "Total réglé", "Montant du virement"),
        "nl": ("Totaal betaald", "Totaalbedrag"),
        "es": ("Importe total", "Total pagado"),
        "it": ("Importo totale", "Totale pagato", "Importo bonifico"),
    },
    "currency": {
        "en": ("Currency",),
        "de": ("Währung",),
        "fr": ("Devise", "Monnaie"),
        "nl": ("Valuta",),
        "es": ("Moneda", "Divisa"),
        "it": ("Valuta", "Divisa"),
    },
    "payer": {
        "en": ("Payer", "Remitter", "Paid by"),
        "de": ("Zahler", "Auftraggeber"),
        "fr": ("Payeur", "Donneur d'ordre"),
        "nl": ("Betaler", "Opdrachtgever"),
        "es": ("Pagador", "Ordenante"),
        "it": ("Ordinante", "Pagatore"),
    },
    "account": {  # our customer number at the payer
        "en": ("Our account number with you", "Your customer no.", "Supplier No."),
        "de": ("Unsere Kundennr. bei Ihnen", "Lieferantennr.", "Kundennummer"),
        "fr": ("Notre n° client chez vous", "N° fournisseur"),
        "nl": ("Ons klantnummer bij u", "Leveranciersnr."),
        "es": ("Nuestro nº de cliente", "Nº proveedor"),
        "it": ("Ns. codice cliente", "Cod. fornitore"),
    },
}

TITLES = {
    "en": ("REMITTANCE ADVICE", "Payment Advice"),
    "de": ("Zahlungsavis", "ZAHLUNGSAVIS"),
    "fr": ("Avis de paiement", "AVIS DE VIREMENT"),
    "nl": ("Betalingsadvies", "Betaalspecificatie"),
    "es": ("Aviso de pago", "Notificación de pago"),
    "it": ("Avviso di pagamento", "Avviso di bonifico"),
}
TOTAL_ROW = {"en": "Total", "de": "Summe", "fr": "Total", "nl": "Totaal", "es": "Total",
             "it": "Totale"}
SUBTOTAL_ROW = {"en": "Subtotal", "de": "Zwischensumme", "fr": "Sous-total",
                "nl": "Subtotaal", "es": "Subtotal", "it": "Subtotale"}
CARRIED = {"en": ("Carried forward", "Brought forward"), "de": ("Übertrag", "Übertrag"),
           "fr": ("A reporter", "Report"), "nl": ("Transport", "Transport"),
           "es": ("Suma y sigue", "Suma anterior"), "it": ("A riportare", "Riporto")}
PAGE_OF = {"en": "Page {n} of {m}", "de": "Seite {n} von {m}", "fr": "Page {n} sur {m}",
           "nl": "Pagina {n} van {m}", "es": "Página {n} de {m}", "it": "Pagina {n} di {m}"}
CONTINUED = {"en": "continued", "de": "Fortsetzung", "fr": "suite", "nl": "vervolg",
             "es": "continuación", "it": "segue"}
MONTHS = {
    "en": "January February March April May June July August September October November "
          "December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
          "décembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
          "december",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
          "diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
          "novembre dicembre",
}
DIGIT_WORDS = {  # cheque protection: the amount spelled digit by digit
    "en": "zero one two three four five six seven eight nine",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "nl": "nul een twee drie vier vijf zes zeven acht negen",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "it": "zero uno due tre quattro cinque sei sette otto nove",
}
CHEQUE_FACE = {  # (pay to the order of, amount in words label)
    "en": ("PAY TO THE ORDER OF", "THE SUM OF"),
    "de": ("Zahlen Sie gegen diesen Scheck an", "Betrag in Worten"),
    "fr": ("Payez contre ce chèque à l'ordre de", "La somme de"),
    "nl": ("Betaal tegen deze cheque aan", "Het bedrag van"),
    "es": ("Páguese por este cheque a", "La cantidad de"),
    "it": ("Pagate per questo assegno a", "La somma di"),
}
NOISE = {
    "en": ("Questions? Call Accounts Payable at 1-800-555-0199 (ref 4471).",
           "Please update your records. Thank you for your business."),
    "de": ("Bei Rückfragen: Kreditorenbuchhaltung, Tel. 089 123 456-0.",
           "Bitte gleichen Sie Ihre offenen Posten ab. Mit freundlichen Grüßen"),
    "fr": ("Pour toute question : comptabilité fournisseurs, tél. 01 23 45 67 89.",
           "Merci de lettrer vos comptes. Salutations distinguées"),
    "nl": ("Vragen? Crediteurenadministratie, tel. 020 123 4567.",
           "Gelieve uw openstaande posten af te letteren. Met vriendelijke groet"),
    "es": ("Consultas: contabilidad de proveedores, tel. 91 123 45 67.",
           "Rogamos concilien sus partidas abiertas. Atentamente"),
    "it": ("Per informazioni: contabilità fornitori, tel. 02 1234 5678.",
           "Vogliate riconciliare le partite aperte. Distinti saluti"),
}
REASONS = {
    "en": ("DAMAGED", "PRICING", "SHORTAGE"), "de": ("Beschädigt", "Preisdifferenz", "Fehlmenge"),
    "fr": ("Avarie", "Écart de prix", "Manquant"), "nl": ("Beschadigd", "Prijsverschil", "Tekort"),
    "es": ("Dañado", "Diferencia precio", "Faltante"),
    "it": ("Danneggiato", "Differenza prezzo", "Ammanco"),
}
PAYERS = {
    "en": ("Acme Corp.", "Globex Corporation", "Initech LLC", "Umbrella Retail Ltd"),
    "de": ("Müller Handels GmbH", "Schmidt & Söhne KG", "Bergmann Logistik AG"),
    "fr": ("Duval & Fils SARL", "Société Générale de Bricolage SA", "Martin Distribution"),
    "nl": ("Van Dijk Groothandel B.V.", "De Vries Techniek N.V.", "Jansen Bouw B.V."),
    "es": ("Distribuciones García S.L.", "Ferretería López S.A.", "Suministros Ruiz S.L."),
    "it": ("Rossi Distribuzione S.p.A.", "Bianchi Forniture S.r.l.", "Esposito & C. S.n.c."),
}
