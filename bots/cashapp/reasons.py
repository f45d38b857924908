"""Payment-difference reasons: what a payer wrote, and the SAP reason code (RSTGR) it gets.

Payers explain a short pay in their own words and languages: "damaged",
"beschädigt", "endommagé", "Preisdifferenz", "Fehlmenge", "frais bancaires".
:func:`classify` turns such a text into one canonical *reason key*
(``DAMAGED``, ``PRICING``, ``SHORTAGE`` ...), and :func:`reason_code` looks the
SAP code up in the ``[sap.posting.reason_codes]`` table::

    >>> classify("Transportschaden")
    'DAMAGED'
    >>> classify("écart de prix")
    'PRICING'
    >>> reason_code({"DAMAGED": "D01", "DEFAULT": "Z99"}, "beschädigt")
    'D01'

The table is searched for the printed text as it stands (upper case; so a
customer's own code such as ``DMG`` can be configured directly), then for its
reason key, then ``DEFAULT``. Keys the engine sets itself, without a printed
text: ``UNEARNED_DISCOUNT`` (a discount taken late or without terms),
``OVERPAYMENT`` (the surplus put on account), ``UNAPPLIED`` (the part of a
payment parked on account until a person applies it), ``WRITE_OFF`` and
``SHORT_PAY`` (an unexplained difference).

Two keys change the treatment instead of naming a residual's cause:
``PARTIAL`` (the payer says it pays part: the item stays open) and
``DISCOUNT`` (the payer calls its deduction a cash discount: it is checked
against the terms like one).

Matching: accents and case are dropped; a phrase of six characters or more
matches inside words (German compounds: "Transportschaden"), a shorter one
only as a whole word ("tax", "VAT", "fret"). When several phrases occur, the
one that starts first wins (then the longer one). ``extra`` adds phrases per
key (``[cashapp.reason_synonyms]``).

Limits: the phrase list covers EN, DE, FR, NL, ES, IT, PL, SV, DA, NO, FI,
PT and CS (common words for the usual causes, written from how payers word
deductions, not from any one corpus); a text nothing
matches is ``DEDUCTION`` (stated, cause unknown), which maps to ``DEFAULT``
unless configured.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

DEDUCTION = "DEDUCTION"  # a stated deduction whose cause nothing recognises
OVERPAYMENT = "OVERPAYMENT"  # the excess of an overpayment, put on account
UNAPPLIED = "UNAPPLIED"  # cash of unsure lines, parked on account for a person

SYNONYMS: dict[str, tuple[str, ...]] = {
    "DAMAGED": (
        "damaged", "damage", "broken", "defective", "dmg", "beschadigt", "beschadigung",
        "schaden", "defekt", "bruch", "endommage", "dommage", "avarie", "casse",
        "beschadigd", "schade", "kapot", "danado", "danada", "danados", "danadas", "averiado",
        "roto", "danneggiato", "danneggiata", "danno", "rotto",
        # PL, SV, DA, NO, FI, PT, CS
        "uszkodzony", "uszkodzona", "uszkodzone", "uszkodzenie", "szkoda", "wadliwy",
        "wadliwa", "stluczka", "skadad", "skadade", "skadat", "skada", "transportskada", "trasig",
        "skadet", "skadede", "beskadiget", "beskadigede", "beskadiget vare", "defekt vare",
        "odelagt", "transportskade", "vahingoittunut", "vaurioitunut", "vaurio", "rikki",
        "kuljetusvaurio", "viallinen", "danificado", "danificada", "danificados", "avaria",
        "avariado", "poskozeno", "poskozene", "poskozeny", "poskozeni", "poskozene zbozi",
        "vadne", "vadny", "rozbite", "danni", "transportschaden",
        "transportbeschadigung", "transportskador", "transportskaden", "uszkodzenie w transporcie",
        # stems (six letters or more match inside words: all their endings)
        "uszkodz", "zniszcz", "stluczk", "wadliw", "rozbit", "pekniet", "transportskad",
        "skador", "krossad", "sondrig", "transport damage", "transportation damage",
        "transportschade", "transportbruch", "beskadig", "skadede", "odelag",
        "vahingoittun", "vaurioit", "rikkinainen", "viallis", "danificad", "avariad",
        "quebrad", "defeituos", "estragad", "poskoz", "znicen"),
    "PRICING": (
        "pricing", "price", "prices", "price difference", "price diff", "wrong price",
        "preisdifferenz", "preisabweichung", "preis", "falscher preis", "prix",
        "ecart de prix", "difference de prix", "prijsverschil", "prijs",
        "diferencia de precio", "precio", "differenza di prezzo", "prezzo",
        # PL, SV, DA, NO, FI, PT, CS
        "cena", "ceny", "rozbieznosc cen", "roznica w cenie", "roznica cenowa", "bledna cena",
        "zla cena", "roznica cen", "pris", "prisskillnad", "prisavvikelse", "fel pris",
        "felaktigt pris", "prisforskel", "prisdifference", "prisforskjell", "prisafvigelse",
        "forkert pris", "prisavvik", "feil pris", "hinta",
        "hintaero", "hintavirhe", "hinnoittelu", "vaara hinta", "preco", "diferenca de preco",
        "preco errado", "cenovy rozdil", "rozdil v cene", "chybna cena", "spatna cena",
        "korekta ceny", "korekta cen", "niezgodnosc cen", "zawyzona cena", "prisavvik",
        "prisfel", "prisjustering", "prisdifferens", "prisafvig", "prisregulering",
        "priskorrektion", "prisdifferanse", "hintapoikkeama", "hinnanero",
        "divergencia de preco", "ajuste de preco", "rozdil ceny", "cenovy rozdil"),
    "SHORTAGE": (
        "shortage", "short shipment", "short shipped", "short delivery", "short ship",
        "missing", "quantity", "qty", "fehlmenge", "mindermenge", "minderlieferung",
        "fehlend", "manquant", "manque", "livraison incomplete", "quantite", "tekort",
        "ontbrekend", "faltante", "falta", "manco", "cantidad", "mancante", "ammanco", "quantita",
        # PL, SV, DA, NO, FI, PT, CS
        "brak", "braki", "niedobor", "brak towaru", "niekompletna dostawa", "ilosc",
        "brist", "saknas", "saknad", "saknade", "manko", "kvantitet", "antal", "mangler",
        "manglende", "manglende levering", "mangel pa varer", "mengde", "puuttuu",
        "puuttuva", "puuttuvat", "vajaa toimitus", "vajaus", "maara", "maaraero",
        "leveransbrist", "underleverans", "falta de mercadoria", "em falta", "quantidade",
        "entrega incompleta", "faltam", "chybejici", "chybi",
        "neuplna dodavka", "mnozstvi",
        "brakuj", "niekompletn", "niedostarcz", "mniejsza ilosc", "dostawa czesciowa",
        "czesciowa dostawa", "brister", "ej levererad", "ej levererat",
        "kvantitetsavvik", "mangdavvik", "mindre antal", "delleverans", "ikke leveret",
        "ikke levert", "mankoer", "manglende vare", "dellevering", "puuttu",
        "vajaatoimit", "osatoimitus", "nao entregue", "entrega parcial", "chybej", "nedodan",
        "castecna dodavka", "livraison partielle", "teillieferung"),
    "FREIGHT": (
        "freight", "shipping", "carriage", "delivery charge", "fracht", "frachtkosten",
        "versandkosten", "transportkosten", "fret", "frais de port", "frais de transport",
        "vracht", "vrachtkosten", "verzendkosten", "flete", "portes", "gastos de envio",
        "trasporto", "nolo", "spese di trasporto",
        # PL, SV, DA, NO, FI, PT, CS
        "transport", "koszty transportu", "koszt transportu", "koszty wysylki", "frakt",
        "fraktkostnad", "fraktkostnader", "fraktavgift", "fragt", "fragtomkostninger",
        "fragtgebyr",
        "rahti", "rahtikulut", "toimituskulut", "kuljetuskulut", "frete", "portes de envio",
        "custos de transporte", "doprava", "dopravne", "prepravne", "naklady na dopravu",
        "wysylk", "przesylk", "koszt dostawy", "koszty dostawy", "fraktkostn",
        "frakttillagg", "leveranskostn", "porto", "fraktgebyr", "forsendelse",
        "leveringsomkostning", "leveringsgebyr", "rahtimaksu", "toimituskulu",
        "kuljetuskulu", "kuljetusmaksu", "postikulu", "custo de frete", "despesas de frete",
        "doprav", "prepravn", "postovne"),
    "BANK_CHARGES": (
        "bank charge", "bank charges", "bank fee", "bank fees", "wire fee", "transfer fee",
        "bankgebuhr", "bankgebuhren", "bankspesen", "bankkosten", "uberweisungsgebuhr",
        "frais bancaires", "frais de virement", "frais bancaire", "commission bancaire",
        "comision bancaria", "gastos bancarios", "commissioni bancarie", "spese bancarie",
        # PL, SV, DA, NO, FI, PT, CS
        "oplata bankowa", "oplaty bankowe", "prowizja bankowa", "bankavgift", "bankavgifter",
        "bankgebyr", "bankgebyrer", "pankkikulut", "pankkimaksu",
        "taxa bancaria", "taxas bancarias", "despesas bancarias", "encargos bancarios",
        "bankovni poplatek", "bankovni poplatky",
        "koszty bankowe", "oplata za przelew", "overforselsgebyr", "bankomkostning",
        "pankkikulu", "tarifa bancaria", "custos bancarios", "bankovni poplat"),
    "PROMOTION": (
        "promo", "promotion", "promotional", "allowance", "advertising", "co-op", "coop",
        "werbekostenzuschuss", "wkz", "aktion", "remise promotionnelle", "promocion",
        "promozione", "promotie", "descuento promocional", "sconto promozionale",
        "promozionale",
        # PL, SV, DA, NO, FI, PT, CS
        "promocja", "promocyjny", "promocyjna", "rabat promocyjny", "reklama", "kampanj",
        "kampanjrabatt", "marknadsforing", "marknadsbidrag", "kampagne", "kampagnerabat",
        "markedsforing", "markedsforingsbidrag", "reklamebidrag", "kampanja", "kampanjaalennus",
        "markkinointi", "markkinointituki", "promocao", "promocional", "desconto promocional",
        "akce", "akcni sleva", "propagace", "marketingovy prispevek",
        "promocj", "promocyj", "gazetk", "reklam", "kampanj", "marknadsfor", "annons",
        "kampagne", "kampanje", "markedsfor", "annonce", "annonse", "tilbudsrabat",
        "kampanja", "markkinoin", "werbung", "werbekosten", "mainos", "promoc", "publicidade",
        "verba promocional", "verba de marketing", "marketing", "propagac"),
    "RETURN": (
        "return", "returned", "returns", "rma", "retoure", "rucksendung", "retour",
        "devolucion", "reso", "restituzione",
        # PL, SV, DA, NO, FI, PT, CS
        "zwrot", "zwroty", "zwrot towaru", "retur", "returer", "returnerad", "returneret",
        "returvare", "returvaror", "returnering",
        "palautus", "palautettu", "devolucao", "devolvido", "vraceni", "vratka",
        "vracene zbozi",
        "zwrotu", "returvar", "retursand", "palautuks", "devoluc", "devolvid", "vracen",
        "vratky"),
    "QUALITY": (
        "quality", "maengelruge", "mangelruge", "qualitatsmangel", "mangel", "qualite",
        "kwaliteit", "calidad", "qualita", "non conforme", "nicht konform",
        # PL, SV, DA, NO, FI, PT, CS
        "reklamacja", "jakosc", "kvalitet", "kvalitetsbrist", "reklamation", "reklamasjon",
        "laatu", "laatuvirhe", "reklamaatio", "qualidade", "reclamacao", "kvalita",
        "reklamace",
        "reklamac", "reklamat", "reklamas", "reklamaat", "kvalit", "jakosci"),
    "TAX": (
        "tax", "vat", "sales tax", "withholding", "steuer", "mwst", "ust", "quellensteuer",
        "tva", "taxe", "retenue a la source", "btw", "iva", "impuesto", "retencion",
        "ritenuta",
        # PL, SV, DA, NO, FI, PT, CS
        "podatek", "moms", "kallskatt", "skatt", "skat", "mva", "alv", "arvonlisavero",
        "lahdevero", "imposto", "retencao na fonte", "dph", "srazkova dan",
        "podatku", "podatek u zrodla", "retenc", "lahdeverot"),
    "PARTIAL": (
        "partial payment", "part payment", "partial", "installment", "instalment",
        "teilzahlung", "abschlagszahlung", "ratenzahlung", "paiement partiel", "acompte",
        "deelbetaling", "gedeeltelijke betaling", "pago parcial", "pago a cuenta",
        "pagamento parziale", "acconto",
        # PL, SV, DA, NO, FI, PT, CS
        "czesciowa platnosc", "platnosc czesciowa", "zaliczka", "rata", "delbetalning",
        "delbetaling", "avbetalning", "afdrag", "avdrag", "osamaksu", "osasuoritus",
        "pagamento parcial", "prestacao", "castecna platba", "castecna uhrada", "splatka",
        "czesciowa zaplata", "zaplata czesciowa", "wplata czesciowa", "splata czesciowa",
        "delbetaln", "delbetal", "osamaks", "osasuorit", "parcela", "castecn platb",
        "castecna platba", "splatk", "acontobetaling", "a conto betaling", "aconto"),
    "DISCOUNT": (
        "cash discount", "early payment discount", "discount", "skonto", "escompte",
        "korting", "descuento pronto pago", "descuento", "sconto",
        # PL, SV, DA, NO, FI, PT, CS
        "skonto", "kassarabatt", "kontantrabatt", "kontantrabat", "kassaalennus",
        "kateisalennus", "desconto de pronto pagamento", "desconto financeiro",
        "pronto pagamento"),
}

#: letters NFKD does not decompose into an ASCII letter and a mark (Polish, Nordic, German)
_UNDECOMPOSED = str.maketrans({"ß": "ss", "ẞ": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
                               "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D",
                               "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"})
_LONG = 6  # phrases at least this long match inside words (German compounds)


def fold(text: str) -> str:
    """Lower case, accents dropped, ``ß`` as ``ss``, ``ł`` as ``l``, ``ø`` as ``o``,
    ``æ`` as ``ae``; punctuation kept."""
    text = text.translate(_UNDECOMPOSED)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower()


@lru_cache(maxsize=64)
def _pattern(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str],
                                                                      dict[str, str]]:
    owner: dict[str, str] = {}
    for key, phrases in (*SYNONYMS.items(), *extra):
        for phrase in phrases:
            owner.setdefault(fold(phrase).strip(), key.upper())
    parts = []
    for phrase in sorted(owner, key=len, reverse=True):  # the longer phrase first
        body = re.escape(phrase).replace(r"\ ", r"[\s\-_/]*")
        parts.append(body if len(phrase) >= _LONG else rf"(?<![a-z0-9]){body}(?![a-z0-9])")
    return re.compile("|".join(parts)), owner


def _frozen(extra: Mapping[str, Iterable[str]] | None) -> tuple[tuple[str, tuple[str, ...]],
                                                                 ...]:
    return tuple(sorted((k, tuple(v)) for k, v in (extra or {}).items()))


def classify(text: str | None, extra: Mapping[str, Iterable[str]] | None = None) -> str:
    """The reason key of a printed deduction reason (``DEDUCTION`` when unknown, ``""``
    when there is no text)."""
    return _classify(text or "", _frozen(extra)) if text else ""


@lru_cache(maxsize=4096)
def _classify(text: str, extra: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    folded = fold(text).strip()
    if not folded:
        return ""
    pattern, owner = _pattern(extra)
    found = pattern.search(folded)
    if found is None:
        return DEDUCTION
    phrase = re.sub(r"[\s\-_/]+", " ", found.group(0))
    return owner.get(phrase) or owner.get(found.group(0)) or _owner_of(found.group(0), owner)


def _owner_of(matched: str, owner: dict[str, str]) -> str:
    """The key of a phrase matched with other separators than it was written with."""
    squeezed = re.sub(r"[\s\-_/]+", "", matched)
    for phrase, key in owner.items():
        if re.sub(r"[\s\-_/]+", "", phrase) == squeezed:
            return key
    return DEDUCTION


def reason_code(codes: Mapping[str, str], printed: str | None, key: str = "",
                extra: Mapping[str, Iterable[str]] | None = None) -> str:
    """The SAP reason code for a printed reason, or for ``key`` (see the module docstring)."""
    text = (printed or "").strip().upper()
    key = key or classify(printed, extra)
    for candidate in (text, key):
        if candidate and candidate in codes:
            return codes[candidate]
    return codes.get("DEFAULT", "")
