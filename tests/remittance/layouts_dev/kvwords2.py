"""Words of a second round of portal remittances and bank credit advices (``portals2.py``,
``bankcredit2.py``): other systems' wording than ``kvwords.py``, written from what
Oracle iSupplier, SAP Business Network, Jaggaer, Tungsten and Basware print in their
remittance PDFs and e-mails, Italian (Zucchetti, TeamSystem), French (Cegid, Sage),
German (DATEV, SAP), Dutch (Exact, AFAS) and Spanish (A3, Holded) ERP prints, and
English bank credit advices (SWIFT and SEPA credit notifications of UK banks).

Deliberately apart from the tune words of the blind corpora and from ``kvwords.py``:
abbreviations, possessives ("Vs.", "Votre", "Uw", "Su"), the payer's own numbers
printed beside ours, and amount labels that name no amount word ("Pagato", "Réglé",
"Voldaan", "Settled").
"""

from __future__ import annotations

#: Record labels of a per-invoice block, by line field.
RECORD: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "ref": ("Supplier Invoice #", "Your Invoice No.", "Invoice Ref", "Vendor Invoice Number",
                "Invoice No./Ref.", "Payee Invoice #", "Your Document", "Bill Ref."),
        "voucher": ("Buyer Doc #", "System ID", "Our Reference", "Payment Request ID",
                    "Internal Voucher", "Line ID"),
        "date": ("Invoice Dt", "Date of Invoice", "Doc. Date", "Invoice Dated"),
        "gross": ("Invoice Total", "Original Invoice Amount", "Total Due", "Gross Value",
                  "Billed Amount"),
        "disc": ("Discount Applied", "Cash Disc.", "Prompt Pay Disc."),
        "ded": ("Deductions", "Withheld", "Offset Amount", "Debit Memo"),
        "paid": ("Amount Settled", "Net Payment", "Payment Applied", "Paid This Run",
                 "Settled Amount", "Settled"),
    },
    "de": {
        "ref": ("Ihre Rechnung", "Rechnung Nr.", "Ihre Re.-Nr.", "Belegnr. Lieferant",
                "Externe Belegnr.", "Ihr Zeichen", "Rechnungsnr."),
        "voucher": ("Unsere Belegnr.", "Interne Nr.", "Buchungsbeleg", "Unser Zeichen"),
        "date": ("Rechnungsdatum", "Belegdatum", "Datum", "vom"),
        "gross": ("Bruttobetrag", "Forderung", "Betrag brutto", "Rechnungssumme"),
        "disc": ("Skontobetrag", "abzgl. Skonto", "Skonto"),
        "ded": ("Kürzung", "Verrechnung", "Sonstige Abzüge", "Abzug"),
        "paid": ("Zahlbetrag", "Überwiesener Betrag", "Gezahlt", "Auszahlbetrag",
                 "Ausgeglichen"),
    },
    "fr": {
        "ref": ("Votre facture", "N° de facture", "Votre n° de pièce", "Facture fournisseur",
                "Référence fournisseur", "Vos références", "Réf. facture"),
        "voucher": ("N° pièce", "Notre référence", "Pièce comptable", "N° de lettrage"),
        "date": ("Date facture", "Date pièce", "Du", "Date d'émission"),
        "gross": ("Montant brut", "Montant TTC", "Mt facture", "Total TTC", "Montant dû"),
        "disc": ("Escompte", "Remise", "Escompte accordé"),
        "ded": ("Retenue", "Avoir imputé", "Écart de règlement", "Déduction"),
        "paid": ("Montant réglé", "Net réglé", "Mt réglé", "Somme versée", "Réglé",
                 "Montant payé"),
    },
    "nl": {
        "ref": ("Uw factuur", "Uw factuurnr.", "Factuur nr.", "Uw referentie", "Uw kenmerk",
                "Factuurnummer"),
        "voucher": ("Ons kenmerk", "Boekstuknummer", "Intern nummer", "Ons boekstuk"),
        "date": ("Factuurdatum", "Datum factuur", "Datum"),
        "gross": ("Factuurbedrag", "Bruto bedrag", "Oorspronkelijk bedrag", "Bedrag incl. btw"),
        "disc": ("Korting", "Betalingskorting", "Kredietbeperking"),
        "ded": ("Inhouding", "Verrekend", "Aftrek"),
        "paid": ("Betaald", "Betaald bedrag", "Voldaan", "Netto betaald", "Uitbetaald bedrag"),
    },
    "es": {
        "ref": ("Su factura", "Nº factura", "Su referencia", "Nº de documento", "Ref. factura",
                "Núm. fra.", "Factura"),
        "voucher": ("Nuestra ref.", "Nº asiento", "Doc. contable", "Nº apunte"),
        "date": ("Fecha factura", "Fecha fra.", "Fecha documento", "Fecha emisión"),
        "gross": ("Importe bruto", "Importe factura", "Total factura", "Imp. original"),
        "disc": ("Descuento", "Dto. pronto pago", "Dto."),
        "ded": ("Retención", "Deducción", "Compensación"),
        "paid": ("Importe pagado", "Pagado", "Importe abonado", "Líquido", "Importe liquidado"),
    },
    "it": {
        "ref": ("Vs. fattura", "N. fattura", "Rif. fattura", "Num. doc.", "Vs. rif.",
                "Documento n.", "Fattura fornitore", "Documento"),
        "voucher": ("Ns. rif.", "N. registrazione", "Prot. n.", "N. partita", "Ns. protocollo"),
        "date": ("Data documento", "Data fatt.", "Data doc.", "Data emissione"),
        "gross": ("Importo lordo", "Importo documento", "Totale fattura", "Imp. fattura",
                  "Importo originale"),
        "disc": ("Sconto", "Abbuono", "Sconto cassa", "Abbuoni"),
        "ded": ("Trattenuta", "Ritenuta", "Decurtazione", "Compensazione"),
        "paid": ("Importo pagato", "Pagato", "Importo in pagamento", "Importo saldato",
                 "Imp. pagato", "Importo corrisposto"),
    },
}

#: A block's title, printed above each invoice's fields ({n} its number, {of} the count).
BLOCK_TITLE = {
    "en": ("Invoice {n} of {of}", "Document {n}/{of}", "Line {n}", "Item {n}"),
    "de": ("Rechnung {n} von {of}", "Position {n}", "Beleg {n}/{of}", "Pos. {n}"),
    "fr": ("Facture {n} sur {of}", "Ligne {n}", "Document {n}/{of}", "Pièce {n}"),
    "nl": ("Factuur {n} van {of}", "Regel {n}", "Document {n}/{of}", "Post {n}"),
    "es": ("Factura {n} de {of}", "Línea {n}", "Documento {n}/{of}", "Partida {n}"),
    "it": ("Fattura {n} di {of}", "Riga {n}", "Documento {n}/{of}", "Partita {n}"),
}

#: A block's first line naming the invoice and its date: "Fattura n. 123 del 15/03/2026".
DATED = {
    "en": ("Invoice", "Invoice No.", "Your invoice"),
    "de": ("Rechnung Nr.", "Ihre Rechnung Nr.", "Beleg Nr."),
    "fr": ("Facture n°", "Votre facture n°", "Facture"),
    "nl": ("Factuur", "Uw factuur nr.", "Factuurnr."),
    "es": ("Factura nº", "Su factura nº", "Fra. nº"),
    "it": ("Fattura n.", "Vs. fattura n.", "Documento n.", "Ft. n."),
}
#: The word between an invoice number and its date, as each language writes it.
OF_DATE = {"en": ("dated", "of"), "de": ("vom",), "fr": ("du",), "nl": ("van", "d.d."),
           "es": ("de", "del"), "it": ("del",)}

#: Payment-level labels (payment reference, date, total, our number at the payer).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"ref": ("Payment Reference", "Remittance ID", "Transaction Reference",
                   "Payment Number"),
           "date": ("Payment Date", "Value Date", "Settlement Date"),
           "total": ("Total Payment Amount", "Total Paid", "Payment Amount"),
           "account": ("Supplier Number", "Vendor ID", "Your Supplier No.")},
    "de": {"ref": ("Zahlungsreferenz", "Avis-Nr.", "Zahlungsnummer"),
           "date": ("Zahlungsdatum", "Valutadatum", "Ausführungsdatum"),
           "total": ("Zahlbetrag gesamt", "Überweisungsbetrag", "Gesamtbetrag"),
           "account": ("Ihre Lieferantennummer", "Kreditorennummer", "Lieferantennr.")},
    "fr": {"ref": ("Référence du paiement", "N° de virement", "N° d'avis"),
           "date": ("Date de paiement", "Date de valeur", "Date d'exécution"),
           "total": ("Montant total", "Total réglé", "Montant du virement"),
           "account": ("Code fournisseur", "N° fournisseur", "Votre code fournisseur")},
    "nl": {"ref": ("Betalingsreferentie", "Betalingskenmerk", "Betaalnummer"),
           "date": ("Betaaldatum", "Datum betaling", "Valutadatum"),
           "total": ("Totaal betaald", "Totaalbedrag", "Overgemaakt bedrag"),
           "account": ("Leveranciersnummer", "Crediteurnummer", "Uw leveranciersnummer")},
    "es": {"ref": ("Referencia de pago", "Nº de pago", "Referencia de la transferencia"),
           "date": ("Fecha de pago", "Fecha valor", "Fecha de la transferencia"),
           "total": ("Importe total", "Total pagado", "Importe de la transferencia"),
           "account": ("Nº proveedor", "Código de proveedor", "Su código de proveedor")},
    "it": {"ref": ("Riferimento bonifico", "N. distinta", "Rif. pagamento"),
           "date": ("Data pagamento", "Data valuta", "Data bonifico"),
           "total": ("Importo totale", "Totale pagato", "Importo bonifico"),
           "account": ("Codice fornitore", "Vs. codice fornitore", "Cod. fornitore")},
}

#: Titles of a portal's remittance.
TITLE = {
    "en": ("Remittance Advice", "Payment Remittance Details", "Supplier Payment Advice"),
    "de": ("Zahlungsavis", "Avis über Zahlung", "Zahlungsanzeige"),
    "fr": ("Avis de paiement", "Avis de règlement fournisseur", "Relevé de règlement"),
    "nl": ("Betaalspecificatie", "Betalingsadvies", "Specificatie betaling"),
    "es": ("Aviso de pago", "Detalle de pago a proveedor", "Comunicación de pago"),
    "it": ("Avviso di pagamento", "Dettaglio pagamento fornitore", "Distinta di pagamento"),
}

#: English bank credit advices: the payment's own labels, and the remittance text's label.
CREDIT = {
    "title": ("CREDIT ADVICE", "Credit Advice - Incoming Payment", "Notification of Credit",
              "Inward Payment Advice"),
    "amount": ("Amount credited", "Credit amount", "Amount", "Transaction amount"),
    "ref": ("Transaction reference", "Sender's reference", "Payment reference",
            "Related reference"),
    "date": ("Value date", "Credit date", "Booking date", "Date of credit"),
    "payer": ("Ordering customer", "Remitter", "Payer", "Ordering party"),
    "info": ("Remittance information", "Payment details", "Details of payment",
             "Remittance info", "Reference for beneficiary", "Narrative"),
    "noise": (("Beneficiary", "ARBOTS COMPONENTS LTD"), ("Account credited",
              "GB29 NWBK 6016 1331 9268 19"), ("Bank reference", "FT26{:07d}"),
              ("Charges", "SHA"), ("Ordering institution", "BARCGB22"),
              ("Exchange rate", "1.000000"), ("Our reference", "RF{:08d}")),
}
#: How an English bank's remittance text names each invoice.
INVOICE_WORDS = ("INV", "Invoice", "Inv No", "INVOICE NO.", "Inv#", "Bill")
