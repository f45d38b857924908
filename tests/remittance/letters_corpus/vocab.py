"""The words of the generated letters, per language (EN, DE, FR, NL, ES, IT).

Placeholders: ``{list}`` a list of invoices, ``{ref}`` one invoice, ``{amt}``
an amount with its currency, ``{ded}`` a deduction amount, ``{reason}`` its
reason, ``{pct}`` a percentage, ``{net}`` a paid amount, ``{cn}`` a credit
note number, ``{pref}`` the payment reference, ``{voucher}`` the payer's own
document number, ``{acct}`` our customer number at the payer.
"""

from __future__ import annotations

LANGUAGES = ("en", "de", "fr", "nl", "es", "it")

AND = {"en": "and", "de": "und", "fr": "et", "nl": "en", "es": "y", "it": "e"}

SUBJECT = {"en": ("Payment advice", "Remittance", "Our payment"),
           "de": ("Zahlungsavis", "Zahlung", "Überweisung"),
           "fr": ("Avis de paiement", "Règlement", "Virement"),
           "nl": ("Betalingsadvies", "Betaling", "Overboeking"),
           "es": ("Aviso de pago", "Pago", "Transferencia"),
           "it": ("Avviso di pagamento", "Pagamento", "Bonifico")}

SALUTATION = {"en": ("Dear Sir or Madam,", "Hello,", "Dear Accounts Receivable team,"),
              "de": ("Sehr geehrte Damen und Herren,", "Hallo,", "Guten Tag,"),
              "fr": ("Madame, Monsieur,", "Bonjour,"),
              "nl": ("Geachte heer, mevrouw,", "Beste,", "Goedendag,"),
              "es": ("Estimados señores:", "Hola,", "Buenos días:"),
              "it": ("Gentili Signori,", "Spettabile ditta,", "Buongiorno,")}

CLOSING = {"en": ("Kind regards,", "Best regards,", "Yours sincerely,"),
           "de": ("Mit freundlichen Grüßen", "Freundliche Grüße", "Viele Grüße"),
           "fr": ("Cordialement,", "Bien cordialement,", "Salutations distinguées,"),
           "nl": ("Met vriendelijke groet,", "Vriendelijke groeten,", "Groeten,"),
           "es": ("Atentamente,", "Saludos cordiales,", "Un saludo,"),
           "it": ("Cordiali saluti", "Distinti saluti", "Saluti,")}

TITLE = {"en": "Accounts Payable", "de": "Buchhaltung", "fr": "Comptabilité fournisseurs",
         "nl": "Crediteurenadministratie", "es": "Contabilidad", "it": "Contabilità fornitori"}

PEOPLE = ("Jane Doe", "Hans Meier", "Claire Martin", "Jan de Vries", "Lucía Ruiz",
          "Marco Rossi", "Anna Berg", "Pierre Laurent")

PAYERS = {
    "en": ("Northwind Traders Ltd", "Contoso Inc.", "Fabrikam Corp.", "Tailspin Toys LLC"),
    "de": ("Müller Maschinenbau GmbH", "Schneider & Söhne KG", "Hofmann Logistik AG"),
    "fr": ("Dupont Industries SA", "Laurent Distribution SARL", "Moreau & Fils SAS"),
    "nl": ("Bakker Groothandel B.V.", "De Vries Techniek BV", "Visser Bouw N.V."),
    "es": ("Suministros Ruiz S.L.", "García Hermanos S.A.", "Distribuciones Pérez S.L."),
    "it": ("Rossi Forniture S.p.A.", "Bianchi Srl", "Ferrari Componenti S.r.l."),
}

ADDRESS = {"en": ("12 Harbour Road", "Leeds LS1 4AB"),
           "de": ("Industriestraße 7", "70565 Stuttgart"),
           "fr": ("14 rue des Lilas", "69003 Lyon"),
           "nl": ("Keizersgracht 101", "1015 CJ Amsterdam"),
           "es": ("Calle Mayor 23", "28013 Madrid"), "it": ("Via Roma 45", "20121 Milano")}

CURRENCIES = {"en": ("USD", "GBP", "EUR"), "de": ("EUR",), "fr": ("EUR",), "nl": ("EUR",),
              "es": ("EUR",), "it": ("EUR",)}
SYMBOL = {"USD": "$", "GBP": "£", "EUR": "€"}
CURRENCY_WORD = {"it": "euro", "es": "euros"}

# Sentences that pay a list of invoices: {list}
SETTLE = {
    "en": ("With this payment we settle your invoices {list}.",
           "Please note that our transfer covers invoices {list}.",
           "This remittance settles your invoices {list}."),
    "de": ("Mit dieser Zahlung begleichen wir Ihre Rechnungen {list}.",
           "Hiermit bezahlen wir die Rechnungen {list}.",
           "Unsere Überweisung betrifft die Rechnungen {list}."),
    "fr": ("Par ce virement, nous réglons vos factures {list}.",
           "Nous vous informons du paiement des factures {list}.",
           "Notre virement couvre les factures {list}."),
    "nl": ("Hierbij betalen wij uw facturen {list}.",
           "Onze overboeking betreft de facturen {list}.",
           "Betaling facturen {list}."),
    "es": ("Por la presente realizamos el pago de las facturas {list}.",
           "Nuestra transferencia corresponde a las facturas {list}.",
           "Pago de las facturas {list}."),
    "it": ("Con il presente bonifico saldiamo le vostre fatture {list}.",
           "Saldo fatture n. {list}.",
           "Vi comunichiamo il pagamento delle fatture {list}."),
}

TOTAL = {
    "en": ("Total amount: {amt}.", "The total of {amt} will reach your account shortly.",
           "In total we have transferred {amt}."),
    "de": ("Gesamtbetrag: {amt}.", "Insgesamt überweisen wir {amt}.", "Summe: {amt}."),
    "fr": ("Montant total : {amt}.", "Au total, nous virons {amt}.", "Soit un total de {amt}."),
    "nl": ("Totaalbedrag: {amt}.", "In totaal maken wij {amt} over.", "Totaal: {amt}."),
    "es": ("Importe total: {amt}.", "En total transferimos {amt}.", "Total: {amt}."),
    "it": ("Importo totale: {amt}.", "In totale abbiamo bonificato {amt}.", "Totale: {amt}."),
}

# One sentence per invoice: {ref} {amt}
EACH = {
    "en": ("Invoice {ref} for {amt}.", "Invoice no. {ref} amounting to {amt} is paid in full."),
    "de": ("Rechnung {ref} über {amt}.", "Rechnung Nr. {ref} in Höhe von {amt}."),
    "fr": ("Facture {ref} d'un montant de {amt}.", "Facture n° {ref} : {amt}."),
    "nl": ("Factuur {ref} ter waarde van {amt}.", "Factuur nr. {ref}: {amt}."),
    "es": ("Factura {ref} por importe de {amt}.", "Factura n.º {ref}: {amt}."),
    "it": ("Fattura {ref} di {amt}.", "Fattura n. {ref} per un importo di {amt}."),
}
EACH_INTRO = {"en": "Today we have paid the following:", "de": "Heute haben wir bezahlt:",
              "fr": "Nous avons réglé aujourd'hui :", "nl": "Vandaag hebben wij betaald:",
              "es": "Hoy hemos pagado lo siguiente:", "it": "Oggi abbiamo pagato:"}

LIST_INTRO = {
    "en": ("Our payment covers the following invoices:", "Paid invoices:"),
    "de": ("Die Zahlung betrifft folgende Rechnungen:", "Bezahlte Rechnungen:"),
    "fr": ("Le paiement concerne les factures suivantes :", "Factures réglées :"),
    "nl": ("De betaling betreft de volgende facturen:", "Betaalde facturen:"),
    "es": ("El pago corresponde a las siguientes facturas:", "Facturas pagadas:"),
    "it": ("Il pagamento si riferisce alle seguenti fatture:", "Fatture saldate:"),
}
BULLETS = ("- {ref}: {amt}", "• {ref} – {amt}", "* {ref} ({amt})")

REASONS = {
    "en": ("damaged goods", "price difference", "short delivery", "freight charges"),
    "de": ("beschädigte Ware", "Preisdifferenz", "Minderlieferung", "Frachtkosten"),
    "fr": ("marchandise endommagée", "différence de prix", "livraison incomplète"),
    "nl": ("beschadigde goederen", "prijsverschil", "ontbrekende artikelen"),
    "es": ("mercancía dañada", "diferencia de precio", "entrega incompleta"),
    "it": ("merce danneggiata", "differenza di prezzo", "consegna incompleta"),
}
# a deduction right after its invoice: {ded} {reason}
LESS = {
    "en": ("less {ded} for {reason}", "minus {ded} ({reason})"),
    "de": ("abzüglich {ded} für {reason}", "minus {ded} {reason}", "abzgl. {ded} wegen {reason}"),
    "fr": ("moins {ded} pour {reason}", "sous déduction de {ded} ({reason})"),
    "nl": ("min {ded} voor {reason}", "verminderd met {ded} wegens {reason}"),
    "es": ("menos {ded} por {reason}", "descontando {ded} por {reason}"),
    "it": ("meno {ded} per {reason}", "dedotti {ded} per {reason}"),
}
# a deduction in a sentence of its own: {ref} {ded} {reason}
DEDUCTED = {
    "en": ("From invoice {ref} we have deducted {ded} for {reason}.",
           "On invoice {ref} we deducted {ded} ({reason})."),
    "de": ("Von Rechnung {ref} haben wir {ded} für {reason} abgezogen.",
           "Bei Rechnung {ref} wurden {ded} wegen {reason} einbehalten."),
    "fr": ("Sur la facture {ref}, nous avons déduit {ded} pour {reason}.",
           "Facture {ref} : retenue de {ded} pour {reason}."),
    "nl": ("Op factuur {ref} hebben wij {ded} ingehouden wegens {reason}.",
           "Van factuur {ref} is {ded} afgetrokken voor {reason}."),
    "es": ("De la factura {ref} hemos descontado {ded} por {reason}.",
           "En la factura {ref} deducimos {ded} por {reason}."),
    "it": ("Dalla fattura {ref} abbiamo detratto {ded} per {reason}.",
           "Sulla fattura {ref} trattenuta di {ded} per {reason}."),
}
DISCOUNT = {
    "en": ("less {pct} % early payment discount", "less {pct}% discount"),
    "de": ("abzüglich {pct} % Skonto", "abzgl. {pct}% Skonto"),
    "fr": ("moins {pct} % d'escompte", "sous déduction de {pct} % d'escompte"),
    "nl": ("min {pct}% betalingskorting", "verminderd met {pct} % korting"),
    "es": ("menos {pct} % de descuento por pronto pago", "menos un {pct} % de descuento"),
    "it": ("meno {pct}% di sconto", "dedotto lo sconto del {pct} %"),
}
AMOUNT_FIRST = {
    "en": ("{amt} for invoice {ref}", "{amt} on invoice {ref}"),
    "de": ("{amt} für Rechnung {ref}", "{amt} auf Rechnung {ref}"),
    "fr": ("{amt} pour la facture {ref}", "{amt} au titre de la facture {ref}"),
    "nl": ("{amt} voor factuur {ref}", "{amt} inzake factuur {ref}"),
    "es": ("{amt} para la factura {ref}", "{amt} correspondientes a la factura {ref}"),
    "it": ("{amt} per la fattura {ref}", "{amt} a saldo della fattura {ref}"),
}
AMOUNT_FIRST_INTRO = {"en": "Please find our payment:", "de": "Wir zahlen wie folgt:",
                      "fr": "Veuillez trouver notre règlement :", "nl": "Wij betalen als volgt:",
                      "es": "Les enviamos el siguiente pago:", "it": "Vi inviamo il pagamento:"}
SINGLE = {
    "en": ("Today we transferred {amt} to settle invoice {ref}.",
           "We have wired {amt} to your account in payment of invoice {ref}."),
    "de": ("Heute haben wir {amt} zum Ausgleich der Rechnung {ref} überwiesen.",
           "Wir haben {amt} für die Rechnung {ref} auf Ihr Konto überwiesen."),
    "fr": ("Nous avons viré ce jour {amt} en règlement de la facture {ref}.",
           "Un virement de {amt} a été effectué pour la facture {ref}."),
    "nl": ("Vandaag hebben wij {amt} overgemaakt ter betaling van factuur {ref}.",
           "Wij hebben {amt} overgemaakt voor factuur {ref}."),
    "es": ("Hoy hemos transferido {amt} para saldar la factura {ref}.",
           "Hemos realizado una transferencia de {amt} para la factura {ref}."),
    "it": ("Oggi abbiamo bonificato {amt} a saldo della fattura {ref}.",
           "Abbiamo disposto un bonifico di {amt} per la fattura {ref}."),
}
NET = {  # {ref} {net} {ded} {reason}
    "en": ("For invoice {ref} we pay {net} after deducting {ded} ({reason}).",),
    "de": ("Für Rechnung {ref} zahlen wir {net} nach Abzug von {ded} ({reason}).",),
    "fr": ("Pour la facture {ref}, nous payons {net} après déduction de {ded} ({reason}).",),
    "nl": ("Voor factuur {ref} betalen wij {net} na aftrek van {ded} ({reason}).",),
    "es": ("Por la factura {ref} pagamos {net} tras descontar {ded} ({reason}).",),
    "it": ("Per la fattura {ref} paghiamo {net} al netto di {ded} ({reason}).",),
}
CREDIT = {  # {cn} {amt}
    "en": ("We have set off your credit note {cn} ({amt}).", "Less your credit memo {cn} ({amt})."),
    "de": ("Ihre Gutschrift {cn} ({amt}) haben wir verrechnet.",
           "Abzüglich Ihrer Gutschrift {cn} über {amt}."),
    "fr": ("Nous avons imputé votre avoir {cn} ({amt}).", "Moins votre avoir {cn} de {amt}."),
    "nl": ("Uw creditnota {cn} ({amt}) is verrekend.", "Minus uw creditnota {cn} van {amt}."),
    "es": ("Hemos compensado su nota de crédito {cn} ({amt}).",
           "Menos su abono {cn} por {amt}."),
    "it": ("Abbiamo compensato la vostra nota di credito {cn} ({amt}).",
           "Meno la nota di credito {cn} di {amt}."),
}
NUMBERS = {  # the payer's own numbers around the invoices: {pref} {voucher} {acct}
    "en": ("Our payment reference {pref} (voucher {voucher}, customer number {acct}).",),
    "de": ("Unsere Zahlungsreferenz {pref} (Beleg-Nr. {voucher}, Kundennummer {acct}).",),
    "fr": ("Notre référence de paiement {pref} (pièce {voucher}, numéro client {acct}).",),
    "nl": ("Ons betalingskenmerk {pref} (boekstuk {voucher}, klantnummer {acct}).",),
    "es": ("Nuestra referencia de pago {pref} (comprobante {voucher}, número de cliente {acct}).",),
    "it": ("Nostro riferimento pagamento {pref} (documento {voucher}, codice cliente {acct}).",),
}
QUOTED = {  # the line above a quoted earlier message
    "en": "On 2 March 2026, AR Team <ar@arbots.example> wrote:",
    "de": "Am 02.03.2026 schrieb Debitorenbuchhaltung <ar@arbots.example>:",
    "fr": "Le 2 mars 2026, Service clients <ar@arbots.example> a écrit :",
    "nl": "Op 2 maart 2026 schreef Debiteuren <ar@arbots.example>:",
    "es": "El 2 de marzo de 2026, Cobros <ar@arbots.example> escribió:",
    "it": "Il giorno 2 marzo 2026, Crediti <ar@arbots.example> ha scritto:",
}
REMINDER = {  # what the quoted message said (other invoices: never lines)
    "en": "> Invoice {ref} over {amt} is overdue, please pay.",
    "de": "> Rechnung {ref} über {amt} ist überfällig.",
    "fr": "> La facture {ref} de {amt} est échue.",
    "nl": "> Factuur {ref} van {amt} staat nog open.",
    "es": "> La factura {ref} de {amt} está vencida.",
    "it": "> La fattura {ref} di {amt} è scaduta.",
}
