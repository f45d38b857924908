"""The words of the second corpus, written from real payment advices, blind to the reader.

Each table maps a language to the synonyms real systems print: SAP F110
advices ("Zahlungsavis", "Avis de paiement"), Oracle Payables, NetSuite,
Dynamics 365, Sage, Exact, DATEV, Coupa and Ariba remittances, bank credit
advices and lockbox reports, US cheque stubs. Nothing here was checked against
the reader's vocabulary (that is the point of this corpus).

Column roles:

- ``ref``: OUR invoice number as the payer prints it (the truth's ``invoice_ref``);
- ``voucher``: the payer's own document number (never an invoice_ref);
- ``po``: the payer's purchase order number (never an invoice_ref);
- ``date``: invoice date; ``due``: due date;
- ``gross``: invoice amount; ``disc``: cash discount taken; ``ded``: deduction
  or withholding; ``paid``: the amount paid for the line (the truth's
  ``paid_amount``); ``open``: the balance left open after the payment (a trap:
  never the paid amount).
"""

from __future__ import annotations

LANGS = ("en", "de", "fr", "nl", "es", "it")

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "ref": ("Invoice No.", "Invoice Number", "Inv #", "Your Invoice", "Supplier Invoice",
                "Invoice Ref", "Your Ref.", "Vendor Invoice #", "Invoice", "Bill Number"),
        "voucher": ("Voucher", "Voucher No.", "Our Doc.", "Document #", "Payment Doc",
                    "Our Ref.", "Trans. No.", "Internal ID"),
        "po": ("PO Number", "P.O. #", "Purchase Order", "Order No."),
        "date": ("Invoice Date", "Inv. Date", "Date", "Doc. Date", "Bill Date"),
        "due": ("Due Date", "Due", "Net Due"),
        "gross": ("Invoice Amount", "Gross Amount", "Original Amount", "Inv. Amt",
                  "Invoice Total", "Gross"),
        "disc": ("Discount", "Disc. Taken", "Discount Taken", "Cash Disc."),
        "ded": ("Deduction", "Adjustment", "Withholding", "Short Pay", "Other Ded."),
        "paid": ("Amount Paid", "Net Amount", "Paid Amount", "Payment", "Net Paid",
                 "Net", "Payment Amount", "Amt Paid"),
        "open": ("Balance", "Open Balance", "Remaining"),
    },
    "de": {
        "ref": ("Ihre Rechnung", "Rechnungsnummer", "Re.-Nr.", "Ihre Belegnr.", "Rechnungs-Nr.",
                "Ihr Zeichen", "Fremdbeleg", "Ihre Re.-Nr.", "Rechnung Nr."),
        "voucher": ("Unser Beleg", "Belegnr.", "Buchungsnr.", "Beleg", "Interne Nr.",
                    "Unsere Belegnummer"),
        "po": ("Bestellnr.", "Bestellung", "Auftragsnr."),
        "date": ("Belegdatum", "Rechnungsdatum", "Re.-Datum", "Datum"),
        "due": ("Fällig am", "Fälligkeit", "Nettofällig"),
        "gross": ("Bruttobetrag", "Rechnungsbetrag", "Betrag brutto", "Ursprungsbetrag"),
        "disc": ("Skonto", "Skontobetrag", "Abzug Skonto"),
        "ded": ("Abzug", "Einbehalt", "Kürzung", "Sonstige Abzüge"),
        "paid": ("Nettobetrag", "Zahlbetrag", "Ausgleichsbetrag", "Gezahlt", "Überwiesen",
                 "Zahlung", "Auszahlung"),
        "open": ("Restbetrag", "Offen", "Saldo"),
    },
    "fr": {
        "ref": ("Votre facture", "N° facture", "Réf. facture", "Facture", "Votre référence",
                "Numéro de facture", "Vos réf.", "N° de pièce fournisseur"),
        "voucher": ("N° pièce", "Pièce", "Notre référence", "N° écriture", "Document",
                    "Notre pièce"),
        "po": ("N° commande", "Bon de commande", "Commande"),
        "date": ("Date facture", "Date pièce", "Date", "Date de facture"),
        "due": ("Échéance", "Date d'échéance"),
        "gross": ("Montant TTC", "Montant brut", "Montant facture", "Montant initial"),
        "disc": ("Escompte", "Remise", "Escompte obtenu"),
        "ded": ("Retenue", "Déduction", "Retenue de garantie", "Compensation"),
        "paid": ("Montant réglé", "Net payé", "Montant payé", "Règlement", "Net réglé",
                 "Montant du règlement"),
        "open": ("Solde", "Reste dû", "Restant dû"),
    },
    "nl": {
        "ref": ("Factuurnummer", "Uw factuur", "Factuurnr.", "Uw kenmerk", "Uw referentie",
                "Fact.nr.", "Uw factuurnr."),
        "voucher": ("Boekstuknr.", "Ons kenmerk", "Documentnr.", "Boekingsnr.", "Dagboekstuk"),
        "po": ("Inkoopordernr.", "Bestelnummer", "Ordernr."),
        "date": ("Factuurdatum", "Datum", "Boekdatum", "Fact.datum"),
        "due": ("Vervaldatum", "Vervaldag"),
        "gross": ("Factuurbedrag", "Brutobedrag", "Oorspr. bedrag", "Bedrag factuur"),
        "disc": ("Korting", "Betalingskorting", "Kredietbeperking"),
        "ded": ("Inhouding", "Verrekening", "Aftrek"),
        "paid": ("Betaald bedrag", "Betaald", "Netto bedrag", "Bedrag betaald", "Betaling",
                 "Uitbetaald"),
        "open": ("Openstaand", "Restant", "Saldo"),
    },
    "es": {
        "ref": ("Nº factura", "Su factura", "Factura", "Su referencia", "Número de factura",
                "Núm. fra.", "Fra. nº", "Nº documento proveedor"),
        "voucher": ("Nº documento", "Nuestro doc.", "Asiento", "Nº apunte", "Ntra. ref."),
        "po": ("Pedido", "Nº pedido", "Orden de compra"),
        "date": ("Fecha factura", "Fecha fra.", "Fecha", "Fecha doc.", "Fecha emisión"),
        "due": ("Vencimiento", "Fecha vto."),
        "gross": ("Importe bruto", "Importe factura", "Total factura", "Importe original"),
        "disc": ("Descuento", "Dto. pronto pago", "Dto."),
        "ded": ("Retención", "Ret. IRPF", "Deducción", "Compensación"),
        "paid": ("Importe pagado", "Importe neto", "Líquido", "Pagado", "Importe abonado",
                 "Neto pagado"),
        "open": ("Pendiente", "Saldo pendiente", "Resto"),
    },
    "it": {
        "ref": ("N. fattura", "Vs. fattura", "Fattura n.", "Rif. fattura", "Vostro riferimento",
                "Num. fatt.", "Vs. documento", "Numero fattura"),
        "voucher": ("N. registrazione", "Ns. riferimento", "Protocollo", "N. prot.",
                    "Ns. documento"),
        "po": ("N. ordine", "Ordine", "Rif. ordine"),
        "date": ("Data fattura", "Data doc.", "Data", "Data documento"),
        "due": ("Scadenza", "Data scadenza"),
        "gross": ("Importo fattura", "Importo lordo", "Totale documento", "Imp. originale"),
        "disc": ("Sconto", "Abbuono", "Sconto cassa"),
        "ded": ("Ritenuta", "Ritenuta d'acconto", "Trattenuta", "Compensazione"),
        "paid": ("Importo pagato", "Netto pagato", "Importo netto", "Pagato", "Importo bonificato",
                 "Netto a pagare"),
        "open": ("Residuo", "Saldo residuo", "Da pagare"),
    },
}

#: Header field labels: payment date, payment reference, total, currency, our
#: number at the payer (``account``), the payer (``payer``), cheque number.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "date": ("Payment date", "Pay date", "Date paid", "Value date", "Payment Date",
                 "Settlement date", "Remittance date"),
        "ref": ("Payment number", "Payment reference", "Payment document", "Remittance no.",
                "Payment ID", "EFT reference", "Advice number"),
        "total": ("Total payment", "Payment amount", "Amount paid", "Total amount",
                  "Remittance total", "Net payment"),
        "currency": ("Currency", "Curr.", "Payment currency"),
        "account": ("Vendor number", "Supplier ID", "Vendor No.", "Our vendor ID for you",
                    "Supplier number", "Vendor ID", "Supplier account"),
        "payer": ("Payer", "Paid by", "Remitter", "From"),
        "cheque": ("Check number", "Check No.", "Cheque no."),
    },
    "de": {
        "date": ("Zahlungsdatum", "Ausführungsdatum", "Zahltag", "Datum der Zahlung",
                 "Überweisungsdatum", "Wertstellung"),
        "ref": ("Zahlungsbeleg", "Zahlungsnummer", "Avisnummer", "Zahlungsreferenz",
                "Beleg der Zahlung", "Zahllauf-Nr."),
        "total": ("Zahlbetrag", "Gesamtbetrag", "Überweisungsbetrag", "Summe Zahlung",
                  "Betrag der Überweisung"),
        "currency": ("Währung", "Whrg.", "Zahlungswährung"),
        "account": ("Lieferantennummer", "Ihre Lieferantennr. bei uns", "Kreditorennummer",
                    "Kreditor", "Ihre Kreditorennr.", "Lieferanten-Nr."),
        "payer": ("Zahler", "Auftraggeber", "Zahlungspflichtiger"),
        "cheque": ("Scheck-Nr.", "Schecknummer"),
    },
    "fr": {
        "date": ("Date de paiement", "Date du virement", "Date d'exécution", "Date de règlement",
                 "Date valeur"),
        "ref": ("Numéro de paiement", "Référence du virement", "N° d'avis", "Réf. paiement",
                "Référence règlement", "N° de règlement"),
        "total": ("Montant du paiement", "Montant total", "Montant viré", "Total réglé",
                  "Montant du virement"),
        "currency": ("Devise", "Monnaie"),
        "account": ("Code fournisseur", "N° fournisseur", "Votre numéro fournisseur",
                    "Compte fournisseur", "Votre code tiers"),
        "payer": ("Donneur d'ordre", "Payeur", "Émetteur"),
        "cheque": ("N° de chèque", "Chèque n°"),
    },
    "nl": {
        "date": ("Betaaldatum", "Datum betaling", "Uitvoeringsdatum", "Valutadatum",
                 "Betalingsdatum"),
        "ref": ("Betalingskenmerk", "Betaalreferentie", "Betalingsnummer", "Betaalopdracht",
                "Referentie betaling"),
        "total": ("Totaalbedrag", "Betaald bedrag", "Bedrag betaling", "Totaal betaald",
                  "Overgemaakt bedrag"),
        "currency": ("Valuta", "Munteenheid"),
        "account": ("Leveranciersnummer", "Crediteurnummer", "Uw leveranciersnr.",
                    "Crediteurnr.", "Relatienummer"),
        "payer": ("Opdrachtgever", "Betaler", "Afzender"),
        "cheque": ("Chequenummer", "Cheque nr."),
    },
    "es": {
        "date": ("Fecha de pago", "Fecha valor", "Fecha de la transferencia", "Fecha de emisión",
                 "Fecha ejecución"),
        "ref": ("Nº de pago", "Referencia de pago", "Número de transferencia", "Nº de orden",
                "Ref. pago", "Nº remesa"),
        "total": ("Importe total", "Importe pagado", "Importe de la transferencia", "Total pagado",
                  "Total transferido"),
        "currency": ("Moneda", "Divisa"),
        "account": ("Código de proveedor", "Nº proveedor", "Acreedor", "Cód. proveedor",
                    "Su código de proveedor"),
        "payer": ("Ordenante", "Pagador", "Emisor"),
        "cheque": ("Nº de cheque", "Cheque nº", "Pagaré nº"),
    },
    "it": {
        "date": ("Data pagamento", "Data valuta", "Data esecuzione", "Data del bonifico",
                 "Data disposizione"),
        "ref": ("Numero pagamento", "Rif. pagamento", "N. disposizione", "Riferimento bonifico",
                "N. distinta", "Codice operazione"),
        "total": ("Importo totale", "Importo pagato", "Totale bonifico", "Totale pagato",
                  "Importo disposto"),
        "currency": ("Divisa", "Valuta"),
        "account": ("Codice fornitore", "Cod. fornitore", "N. fornitore", "Vs. codice fornitore",
                    "Conto fornitore"),
        "payer": ("Ordinante", "Pagatore", "Disponente"),
        "cheque": ("N. assegno", "Assegno n."),
    },
}

#: Titles of the document, per template kind.
TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "advice": {
        "en": ("REMITTANCE ADVICE", "Payment Advice", "Remittance Advice", "PAYMENT NOTIFICATION"),
        "de": ("Zahlungsavis", "ZAHLUNGSAVIS", "Zahlungsavis / Überweisung", "Avis"),
        "fr": ("Avis de paiement", "AVIS DE PAIEMENT", "Avis de règlement", "Avis de virement"),
        "nl": ("Betaalspecificatie", "Betalingsadvies", "BETAALADVIES", "Specificatie betaling"),
        "es": ("Aviso de pago", "AVISO DE PAGO", "Relación de facturas pagadas",
               "Comunicación de pago"),
        "it": ("Avviso di pagamento", "Distinta di pagamento", "AVVISO DI BONIFICO",
               "Comunicazione di pagamento"),
    },
    "bank": {
        "en": ("CREDIT ADVICE", "Incoming payment advice", "Lockbox Remittance Report"),
        "de": ("Gutschriftsanzeige", "Gutschrift-Avis", "Zahlungseingang"),
        "fr": ("AVIS DE CRÉDIT", "Avis de virement reçu", "Avis d'opération"),
        "nl": ("Bijschrijvingsadvies", "Creditadvies", "Bericht van bijschrijving"),
        "es": ("Aviso de abono", "Notificación de transferencia recibida", "AVISO DE ABONO"),
        "it": ("Avviso di accredito", "Contabile di accredito", "AVVISO DI ACCREDITO"),
    },
}

#: A sentence before the table.
INTRO: dict[str, tuple[str, ...]] = {
    "en": ("We have made a payment to your account covering the following items:",
           "Please find below the details of our payment.",
           "The following invoices have been paid by electronic funds transfer."),
    "de": ("Wir haben zu Ihren Gunsten folgende Posten beglichen:",
           "Sehr geehrte Damen und Herren, mit unserer Überweisung begleichen wir:",
           "Nachstehende Belege werden mit dieser Zahlung ausgeglichen."),
    "fr": ("Nous avons procédé au règlement des pièces suivantes :",
           "Madame, Monsieur, veuillez trouver ci-dessous le détail de notre virement.",
           "Ce virement solde les factures ci-après."),
    "nl": ("Hierbij ontvangt u de specificatie van onze betaling:",
           "Geachte relatie, wij hebben de volgende posten voldaan.",
           "Onderstaande facturen zijn door ons betaald."),
    "es": ("Les comunicamos que hemos efectuado el pago de las siguientes facturas:",
           "Muy Sres. nuestros: adjuntamos el detalle de la transferencia.",
           "Con esta transferencia liquidamos los documentos siguientes."),
    "it": ("Vi comunichiamo di aver disposto il pagamento delle seguenti fatture:",
           "Spett.le fornitore, di seguito il dettaglio del bonifico.",
           "Con il presente bonifico saldiamo i documenti sotto elencati."),
}

#: Rows and notes that are never invoice lines.
TOTAL_ROW: dict[str, tuple[str, ...]] = {
    "en": ("Total", "TOTAL", "Total paid", "Payment total", "Grand total"),
    "de": ("Summe", "Gesamt", "Gesamtsumme", "Summe Zahlung"),
    "fr": ("Total", "Total réglé", "TOTAL GÉNÉRAL"),
    "nl": ("Totaal", "Totaal betaald", "TOTAAL"),
    "es": ("Total", "Total pagado", "TOTAL"),
    "it": ("Totale", "Totale pagato", "TOTALE"),
}
CARRIED: dict[str, tuple[str, ...]] = {
    "en": ("Carried forward", "Balance c/f", "Continued on next page"),
    "de": ("Übertrag", "Zwischensumme", "Übertrag auf Seite"),
    "fr": ("A reporter", "Sous-total", "Report à la page suivante"),
    "nl": ("Transport", "Subtotaal", "Over te brengen"),
    "es": ("Suma y sigue", "Subtotal", "A la vuelta"),
    "it": ("A riportare", "Subtotale", "Totale parziale"),
}
BROUGHT: dict[str, tuple[str, ...]] = {
    "en": ("Brought forward", "Balance b/f", "Continued from previous page"),
    "de": ("Übertrag", "Vortrag", "Übertrag von Seite"),
    "fr": ("Report", "Reporté", "Report de la page précédente"),
    "nl": ("Transport", "Van vorige pagina"),
    "es": ("Suma anterior", "Viene de la página anterior"),
    "it": ("Riporto", "Da riportare"),
}
PAGE: dict[str, str] = {
    "en": "Page {n} of {of}", "de": "Seite {n} von {of}", "fr": "Page {n} / {of}",
    "nl": "Pagina {n} van {of}", "es": "Página {n} de {of}", "it": "Pagina {n} di {of}",
}
FOOTER: dict[str, tuple[str, ...]] = {
    "en": ("Questions about this payment? Contact accounts.payable@{dom} quoting the payment "
           "number.", "This is a computer generated document and requires no signature.",
           "Please do not reply to this e-mail address."),
    "de": ("Bei Rückfragen wenden Sie sich bitte an kreditoren@{dom}.",
           "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig.",
           "Sitz der Gesellschaft: Hamburg, Amtsgericht HRB 12345, USt-IdNr. DE123456789"),
    "fr": ("Pour toute question, contactez comptabilite.fournisseurs@{dom}.",
           "Document établi automatiquement, sans signature.",
           "SAS au capital de 1 000 000 EUR - RCS Lyon 123 456 789 - TVA FR12 123456789"),
    "nl": ("Vragen? Neem contact op met crediteuren@{dom}.",
           "Dit is een automatisch gegenereerd document.",
           "KvK 12345678 - BTW NL123456789B01 - IBAN NL91 ABNA 0417 1643 00"),
    "es": ("Para cualquier consulta: proveedores@{dom}",
           "Documento generado automáticamente, no requiere firma.",
           "Inscrita en el Registro Mercantil de Madrid, Tomo 1234, CIF B12345678"),
    "it": ("Per informazioni: contabilita.fornitori@{dom}",
           "Documento generato automaticamente, non necessita di firma.",
           "Cap. soc. EUR 500.000 i.v. - P.IVA IT01234567890 - REA MI-123456"),
}

#: Cheque faces: the amount in words is never a line.
CHEQUE: dict[str, dict[str, str]] = {
    "en": {"pay": "PAY TO THE ORDER OF", "words": "dollars", "void": "VOID AFTER 90 DAYS",
           "detach": "DETACH AND RETAIN THIS STATEMENT"},
    "de": {"pay": "Zahlen Sie gegen diesen Scheck an", "words": "Euro",
           "void": "Nicht übertragbar", "detach": "Bitte abtrennen"},
    "fr": {"pay": "Payez contre ce chèque à l'ordre de", "words": "euros",
           "void": "Non endossable sauf au profit d'une banque",
           "detach": "Détacher avant encaissement"},
    "nl": {"pay": "Betaal tegen deze cheque aan", "words": "euro", "void": "Niet overdraagbaar",
           "detach": "Hier afscheuren"},
    "es": {"pay": "Páguese por este cheque a", "words": "euros", "void": "No a la orden",
           "detach": "Separe por la línea de puntos"},
    "it": {"pay": "Pagate per questo assegno a", "words": "euro", "void": "Non trasferibile",
           "detach": "Staccare lungo la linea"},
}

#: The bank advice's own fields.
BANK: dict[str, dict[str, str]] = {
    "en": {"info": "Remittance information", "beneficiary": "Beneficiary", "account": "Account"},
    "de": {"info": "Verwendungszweck", "beneficiary": "Begünstigter", "account": "Konto"},
    "fr": {"info": "Informations de paiement", "beneficiary": "Bénéficiaire", "account": "Compte"},
    "nl": {"info": "Omschrijving", "beneficiary": "Begunstigde", "account": "Rekening"},
    "es": {"info": "Concepto", "beneficiary": "Beneficiario", "account": "Cuenta"},
    "it": {"info": "Causale", "beneficiary": "Beneficiario", "account": "Conto"},
}

#: Month names for written dates.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
}

#: Payers (letterheads) and cities.
PAYERS: dict[str, tuple[str, ...]] = {
    "en": ("Northwind Traders Inc.", "Contoso Retail LLC", "Bluewater Foods Ltd",
           "Summit Hardware Corp.", "Pinecrest Medical Supply"),
    "de": ("Müller Maschinenbau GmbH", "Hanseatische Handels AG", "Brenner & Söhne KG",
           "Alpenland Logistik GmbH", "Rheintal Bau GmbH & Co. KG"),
    "fr": ("Distribution Lyonnaise SAS", "Établissements Martin SA", "Groupe Atlantique SARL",
           "Boulangeries Réunies", "Transports Lefèvre"),
    "nl": ("Van der Berg Groothandel B.V.", "Noordzee Techniek B.V.", "De Vries Bouw N.V.",
           "Hollandse Tuinbouw B.V."),
    "es": ("Distribuciones Ibéricas S.L.", "Construcciones García S.A.",
           "Alimentación del Sur S.L.", "Suministros Levante S.A."),
    "it": ("Ferramenta Rossi S.r.l.", "Officine Bianchi S.p.A.", "Alimentari Lombardi S.r.l.",
           "Trasporti Esposito S.n.c."),
}
CITIES: dict[str, tuple[str, ...]] = {
    "en": ("Chicago, IL 60601", "Seattle, WA 98101", "Manchester M1 1AE"),
    "de": ("20095 Hamburg", "80331 München", "70173 Stuttgart"),
    "fr": ("69002 Lyon", "75008 Paris", "33000 Bordeaux"),
    "nl": ("1012 AB Amsterdam", "3011 AA Rotterdam", "5611 AB Eindhoven"),
    "es": ("28013 Madrid", "08002 Barcelona", "46001 Valencia"),
    "it": ("20121 Milano", "10121 Torino", "40121 Bologna"),
}
#: Our company, the beneficiary.
US = ("Arbots Demo Supplies GmbH", "Arbots Industrial Parts", "ARBOTS DEMO SUPPLIES")
