"""Words of portal remittances and bank credit advices, per language, for ``portals.py``
and ``bankcredit.py``: our own, written from what Coupa, SAP Ariba, Taulia, Tungsten,
Basware and Jaggaer print in their remittance e-mails and PDFs, and from the credit
advices of banks in the six languages (MT103 prints, SEPA credit transfers, Italian
"contabile di accredito" with CRO/TRN, Belgian structured communication).

Deliberately not the tune words of the blind corpora: more synonyms, abbreviations
and the wording of other systems, so that the reader is developed for generality.
"""

from __future__ import annotations

LANGS = ("en", "de", "fr", "nl", "es", "it")

#: Record labels of a portal's per-invoice block, by line field.
RECORD: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "ref": ("Invoice #", "Invoice Number", "Supplier Invoice No.", "Invoice ID", "Inv. No.",
                "Your Invoice Ref.", "Bill Number", "Document Number", "Supplier Reference"),
        "voucher": ("Document ID", "Payment Doc.", "Internal Ref.", "Voucher #"),
        "date": ("Invoice Date", "Inv. Date", "Bill Date", "Document Date"),
        "gross": ("Invoice Amount", "Gross Amt", "Original Amount", "Amount Due", "Gross"),
        "disc": ("Discount Taken", "Early Pay Discount", "Disc. Amt"),
        "ded": ("Adjustment", "Short Pay", "Withholding"),
        "paid": ("Amount Paid", "Paid Amount", "Net Paid", "Payment Amt", "Amount Remitted",
                 "Net", "Remittance Amount"),
    },
    "de": {
        "ref": ("Rechnungs-Nr.", "Ihre Rechnungsnummer", "Rg.-Nr.", "Fremdbelegnummer",
                "Rechn.-Nr.", "Ihre Belegnummer", "Dokumentnummer", "Ihr Beleg"),
        "voucher": ("Interne Belegnr.", "Buchungsnummer", "Unser Beleg"),
        "date": ("Belegdatum", "Rg.-Datum", "Rechnungsdatum"),
        "gross": ("Rechnungsbetrag", "Betrag brutto", "Ursprungsbetrag"),
        "disc": ("Skontoabzug", "Skonto", "Abzug Skonto"),
        "ded": ("Sonstiger Abzug", "Einbehalt", "Minderung"),
        "paid": ("Gezahlter Betrag", "Auszahlungsbetrag", "Zahlungsbetrag", "Bezahlt",
                 "Überwiesen", "Ausgleichsbetrag", "Nettobetrag"),
    },
    "fr": {
        "ref": ("Numéro de facture", "Réf. facture", "Votre référence", "N° de facture",
                "Facture n°", "Vos réf.", "N° document", "Pièce fournisseur",
                "Référence document"),
        "voucher": ("N° d'écriture", "Notre pièce", "Réf. interne"),
        "date": ("Date de facture", "Date facture", "Date du document", "Date d'émission"),
        "gross": ("Montant facturé", "Montant initial", "Montant de la facture", "Montant brut",
                  "Montant TTC"),
        "disc": ("Escompte obtenu", "Remise", "Escompte"),
        "ded": ("Retenue", "Compensation", "Déduction"),
        "paid": ("Montant réglé", "Net payé", "Montant versé", "Montant payé", "Réglé",
                 "Montant acquitté", "Montant net", "Net"),
    },
    "nl": {
        "ref": ("Factuurnr.", "Uw factuurnummer", "Factuurnummer", "Uw kenmerk",
                "Nummer factuur", "Documentnummer"),
        "voucher": ("Boekingsnummer", "Ons boekstuk", "Intern nr."),
        "date": ("Factuurdatum", "Datum factuur", "Documentdatum"),
        "gross": ("Factuurbedrag", "Oorspronkelijk bedrag", "Bedrag factuur"),
        "disc": ("Betalingskorting", "Korting"),
        "ded": ("Inhouding", "Verrekening", "Aftrek"),
        "paid": ("Betaald bedrag", "Uitbetaald", "Overgemaakt", "Bedrag betaald", "Netto"),
    },
    "es": {
        "ref": ("Número de factura", "Nº fra.", "Su factura nº", "Factura nº", "Su referencia",
                "Núm. factura", "Nº documento", "Documento"),
        "voucher": ("Nº asiento", "Nuestro documento", "Doc. interno"),
        "date": ("Fecha de factura", "Fecha fra.", "Fecha documento"),
        "gross": ("Importe factura", "Importe original", "Importe bruto"),
        "disc": ("Descuento pronto pago", "Dto. p.p.", "Descuento"),
        "ded": ("Retención", "Compensación", "Deducción"),
        "paid": ("Importe pagado", "Importe abonado", "Líquido pagado", "Pagado",
                 "Importe neto"),
    },
    "it": {
        "ref": ("Numero fattura", "Rif. fattura", "Vs. fattura n.", "N. fattura",
                "Vostro riferimento", "Fatt. n.", "Nr. documento", "Rif. documento",
                "Documento"),
        "voucher": ("N. registrazione", "Ns. documento", "Protocollo IVA"),
        "date": ("Data fattura", "Data documento", "Data doc.", "Data emissione"),
        "gross": ("Importo fattura", "Importo documento", "Importo originario", "Importo lordo",
                  "Totale documento"),
        "disc": ("Abbuono", "Sconto cassa", "Sconto"),
        "ded": ("Ritenuta d'acconto", "Compensazione", "Trattenuta"),
        "paid": ("Importo pagato", "Importo liquidato", "Netto pagato", "Pagato",
                 "Importo bonificato", "Importo saldato", "Importo netto", "Netto"),
    },
}

#: Payment-level labels: payment reference, date, total, our customer number, currency,
#: payer.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "ref": ("Payment Number", "Payment #", "Payment ID", "Remittance No.", "Payment Ref.",
                "Transaction Reference", "Trace Number"),
        "date": ("Payment Date", "Paid On", "Settlement Date", "Value Date", "Date Paid"),
        "total": ("Payment Amount", "Total Paid", "Total Amount", "Amount Remitted"),
        "account": ("Supplier ID", "Vendor Number", "Supplier #", "Our Vendor ID for You",
                    "Your Supplier No."),
        "currency": ("Currency", "Currency Code", "Ccy"),
        "payer": ("Customer", "Buyer", "Paid By", "Payer"),
    },
    "de": {
        "ref": ("Zahlungsreferenz", "Zahllauf-Nr.", "Zahlungs-Nr.", "Avis-Nr.", "Belegnr. Zahlung",
                "Referenznummer"),
        "date": ("Überweisungsdatum", "Zahltag", "Valutadatum", "Buchungsdatum Zahlung",
                 "Zahlungsdatum"),
        "total": ("Überweisungsbetrag", "Zahlungsbetrag gesamt", "Gesamtbetrag", "Summe"),
        "account": ("Ihre Lieferantennummer", "Kreditor-Nr.", "Lief.-Nr.",
                    "Ihre Kreditorennummer bei uns", "Lieferanten-Nr."),
        "currency": ("Währung", "Whrg."),
        "payer": ("Zahlungspflichtiger", "Auftraggeber", "Kunde", "Besteller"),
    },
    "fr": {
        "ref": ("Référence de paiement", "N° de paiement", "Réf. règlement", "N° d'avis",
                "Numéro d'opération", "Référence"),
        "date": ("Date du règlement", "Date de virement", "Date d'exécution", "Date de valeur",
                 "Réglé le"),
        "total": ("Montant du règlement", "Montant total", "Total réglé", "Montant viré"),
        "account": ("Votre code fournisseur", "Code tiers", "N° fournisseur",
                    "Notre n° de fournisseur pour vous", "Compte fournisseur"),
        "currency": ("Devise", "Monnaie"),
        "payer": ("Client", "Émetteur", "Donneur d'ordre", "Payeur"),
    },
    "nl": {
        "ref": ("Betalingsreferentie", "Betaalnummer", "Betalingskenmerk", "Referentienummer",
                "Kenmerk"),
        "date": ("Betaaldatum", "Uitvoeringsdatum", "Datum betaling", "Valutadatum",
                 "Betaald op"),
        "total": ("Totaal betaald", "Betaald bedrag totaal", "Totaalbedrag", "Overgemaakt"),
        "account": ("Crediteurnummer", "Uw leveranciersnummer", "Relatienummer",
                    "Lev.nr.", "Crediteurnr."),
        "currency": ("Valuta", "Munteenheid"),
        "payer": ("Opdrachtgever", "Betaler", "Klant"),
    },
    "es": {
        "ref": ("Nº de pago", "Referencia de la transferencia", "Nº de orden", "Ref. pago",
                "Referencia"),
        "date": ("Fecha de la transferencia", "Fecha de pago", "Fecha valor",
                 "Fecha de ejecución"),
        "total": ("Importe total", "Total transferido", "Importe de la transferencia",
                  "Total pagado"),
        "account": ("Código de proveedor", "Nº acreedor", "Su código de proveedor",
                    "Nº proveedor", "Cód. prov."),
        "currency": ("Divisa", "Moneda"),
        "payer": ("Ordenante", "Cliente", "Pagador"),
    },
    "it": {
        "ref": ("Numero pagamento", "Riferimento bonifico", "CRO", "TRN", "Rif. pagamento",
                "N. disposizione", "Riferimento"),
        "date": ("Data esecuzione", "Data valuta", "Data pagamento", "Data bonifico",
                 "Data operazione"),
        "total": ("Importo totale", "Totale pagato", "Importo bonifico", "Totale"),
        "account": ("Codice fornitore", "Vs. codice fornitore", "Cod. forn.",
                    "Ns. codice fornitore", "Codice creditore"),
        "currency": ("Divisa", "Valuta"),
        "payer": ("Ordinante", "Cliente", "Committente"),
    },
}

#: Titles.
PORTAL_TITLE = {
    "en": ("Payment Remittance", "Remittance Advice", "Payment Notification",
           "Payment Confirmation"),
    "de": ("Zahlungsavis", "Zahlungsbenachrichtigung", "Avis", "Zahlungsmitteilung"),
    "fr": ("Avis de paiement", "Avis de règlement", "Notification de paiement",
           "Confirmation de paiement"),
    "nl": ("Betaaladvies", "Betalingsbericht", "Betaalspecificatie", "Betaalnotificatie"),
    "es": ("Aviso de pago", "Notificación de pago", "Confirmación de pago", "Aviso de remesa"),
    "it": ("Avviso di pagamento", "Notifica di pagamento", "Distinta di pagamento",
           "Conferma di pagamento"),
}
CREDIT_TITLE = {
    "en": ("Credit Advice", "Payment Received", "Incoming Transfer", "Credit Confirmation"),
    "de": ("Gutschriftsanzeige", "Gutschriftsavis", "Zahlungseingang", "Eingangsavis"),
    "fr": ("Avis de crédit", "Avis de virement reçu", "Avis d'opération au crédit"),
    "nl": ("Creditadvies", "Bijschrijvingsbericht", "Ontvangen betaling"),
    "es": ("Aviso de abono", "Abono por transferencia", "Comunicación de abono"),
    "it": ("Contabile di accredito", "Avviso di accredito", "Bonifico a vostro favore"),
}
#: The label of the free-text remittance information.
INFO = {
    "en": ("Remittance Information", "Details of Payment", "Payment Details", "Reference Text",
           "Narrative", "Remittance Info"),
    "de": ("Verwendungszweck", "Zahlungsgrund", "Buchungstext", "Mitteilung an Empfänger"),
    "fr": ("Communication", "Motif", "Libellé", "Informations de paiement", "Objet"),
    "nl": ("Omschrijving", "Mededeling", "Betalingskenmerk en omschrijving", "Betreft"),
    "es": ("Concepto", "Información del pago", "Observaciones", "Concepto de la transferencia"),
    "it": ("Causale", "Causale del bonifico", "Descrizione", "Informazioni di pagamento"),
}
#: Words before an invoice number in free text.
INV_WORDS = {
    "en": ("INV", "INVOICE", "INV NO", "INV#", "Invoice no.", "BILL"),
    "de": ("RE", "RG", "Rechnung", "RE-NR", "Rechn.", "Rg.-Nr."),
    "fr": ("FACT", "Facture", "FA", "Fact. n°", "FACTURE N°"),
    "nl": ("FACTUUR", "FACT", "Factuurnr", "FACT.NR", "factuur"),
    "es": ("FRA", "FACTURA", "Fra.", "Factura nº", "FAC"),
    "it": ("FT", "FATT", "Fattura", "Fatt. n.", "FT N."),
}
#: A sentence before the list (sometimes).
INTRO = {
    "en": ("Payment of invoices", "Settlement of", "Paying"),
    "de": ("Ausgleich", "Zahlung", "Begleichung"),
    "fr": ("Règlement", "Paiement", "Règlement factures"),
    "nl": ("Betaling", "Voldoening", "Betaling facturen"),
    "es": ("Pago", "Pago facturas", "Liquidación"),
    "it": ("Saldo", "Pagamento", "Saldo fatture"),
}
CONNECT = {"en": "and", "de": "und", "fr": "et", "nl": "en", "es": "y", "it": "e"}
BENEFICIARY = {"en": "Beneficiary", "de": "Begünstigter", "fr": "Bénéficiaire",
               "nl": "Begunstigde", "es": "Beneficiario", "it": "Beneficiario"}
ORDERING = {"en": "Ordering Customer", "de": "Auftraggeber", "fr": "Donneur d'ordre",
            "nl": "Opdrachtgever", "es": "Ordenante", "it": "Ordinante"}
PAYERS = {
    "en": ("Acme Industrial Supply Co.", "Bluewater Hospitality Group", "Tri-County Foods Inc."),
    "de": ("Hagedorn Fahrzeugteile GmbH", "Südmetall Handels-AG", "Lindner Gastro KG"),
    "fr": ("Compagnie Alpine de Services", "Établissements Perrin SA", "Normandie Bois SARL"),
    "nl": ("Friesland Techniek B.V.", "Gebroeders Bakker B.V.", "Maasvlakte Opslag N.V."),
    "es": ("Suministros Cantábricos S.A.", "Hostelería Mediterránea S.L.", "Aceros Bilbao S.A."),
    "it": ("Officine Meccaniche Valtellina S.p.A.", "Gruppo Alimentare Sannio S.r.l.",
           "Logistica Padana S.r.l."),
}
BANKS = {
    "en": ("First Harbor Bank", "Midland Commerce Bank plc"),
    "de": ("Kreissparkasse Oberhavel", "Raiffeisenbank Allgäu eG"),
    "fr": ("Caisse d'Épargne Loire-Centre", "Crédit Agricole Pyrénées"),
    "nl": ("ING Bank N.V.", "Triodos Bank"),
    "es": ("Caixa Levante", "Banco de Sabadell Norte"),
    "it": ("Banca Popolare di Sondrio", "Credito Emiliano"),
}
US = ("Arbots Components Ltd", "ARBOTS COMPONENTS GMBH", "Arbots Components S.r.l.")
