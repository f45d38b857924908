"""Bank credit advices: the invoices named in the payment's free-text remittance information.

A bank's credit advice (or the print of a SWIFT MT103) has no table: the
payer's own words travel with the payment in one field, printed under a label
or after the ``:70:`` tag::

    Verwendungszweck:
    RE 4711 1.200,00 / RE 4712 800,00 / RE
    4713 45,90

:func:`find_free_text` finds that block and reads it with the letter reader
(:func:`bots.remittance.letters.read_letter` in its ``listing`` mode: every
reference there is an invoice's, the word printed before each is no part of
it), and gives the invoices as a :class:`~bots.remittance.pdf_layout.Table`,
so the PDF reader goes on as with any table. It is asked only when no table
and no key-value records were found.

The block: the lines after a remittance-information label (EN
``Remittance information``, ``Payment details``; DE ``Verwendungszweck``; FR
``Motif du paiement``, ``Communication``; NL ``Omschrijving``, ``Mededeling``;
ES ``Concepto``; IT ``Causale``; SWIFT ``:70:``, ``70:``), on the same line and below,
until a wider gap, a page end or the next SWIFT tag; its invoices are kept
when the page speaks of a payment (a payment number or date label) or they
add up to the total printed. Without such a label, the lines naming amounts
(no table rows, no ``label: value`` fields) are read as one block, and kept
only when the page speaks of a payment and their invoices add up to its total.

Wrapped lines: banks cut the field into lines of a fixed width (35 characters
in SWIFT), through a reference if need be. A line as long as the longest of
the block may have been cut mid-word; it is read both glued to the next line
and joined by a space, and the reading whose invoices add up to the total
printed on the page (else the one naming more invoices with amounts) wins. A
slash between a reference and its amount (``INV 4711/1.200,00``) is read as a
space; when the amount groups its thousands with a space (``A006453/4 249,24``,
or is ``/26 100,00`` the end of the reference?) both readings are tried.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import product
from statistics import median

from bots.domain import RemittanceLine
from bots.remittance import known as known_items
from bots.remittance.banktext import invoice_refs
from bots.remittance.known import KnownItems
from bots.remittance.letters import read_letter
from bots.remittance.locale import decide_mark, guess_language
from bots.remittance.pdf_fields import labelled_values, unlisted_values
from bots.remittance.pdf_layout import Line, Table
from bots.remittance.pdf_records import speaks_of_payment
from bots.remittance.values import probe_amount

_INFO = (r"remittance\s+(?:info(?:rmation)?|details?|text|advice\s+details)",
         r"(?:payment|transfer|transaction)\s+(?:details?|info(?:rmation)?|narrative|text)",
         r"details\s+of\s+(?:the\s+)?payment", r"information\s+for\s+(?:the\s+)?beneficiary",
         r"reference\s+for\s+(?:the\s+)?(?:beneficiary|payee|recipient)",
         r"unstructured\s+remittance(?:\s+info(?:rmation)?)?", r"narrative",
         r"purpose(?:\s+of\s+(?:the\s+)?payment)?", r"reference\s+text", r"payment\s+for",
         r"verwendungszweck", r"zahlungs(?:details|grund|informationen?|zweck)",
         r"buchungstext", r"mitteilung(?:\s+an\s+den\s+empfanger)?", r"referenztext",
         r"angaben\s+zur\s+zahlung", r"avisinformationen?", r"zweck",
         r"motif(?:\s+d[ue]\s+(?:paiement|virement|reglement))?",
         r"informations?\s+(?:de\s+|du\s+)?(?:paiement|virement|reglement)",
         r"details?\s+d[ue]\s+(?:paiement|virement|reglement)", r"libelle(?:\s+du\s+virement)?",
         r"communication", r"objet(?:\s+du\s+(?:paiement|virement))?",
         r"informations?\s+complementaires?",
         r"omschrijving(?:\s+(?:betaling|overboeking))?", r"mededeling(?:en)?",
         r"betalingsgegevens", r"betalingsomschrijving", r"betreft",
         r"(?:betalings)?kenmerk\s+en\s+omschrijving",
         r"concepto(?:\s+(?:del?\s+|de\s+la\s+)?(?:pago|transferencia|abono))?",
         r"informaci[oó]n\s+(?:del?\s+)?(?:pago|transferencia)",
         r"detalles?\s+del?\s+(?:pago|transferencia)", r"observaciones",
         r"motivo(?:\s+del\s+pago)?",
         r"causale(?:\s+(?:del\s+)?(?:pagamento|bonifico|versamento))?",
         r"informazioni\s+(?:di|sul|del)\s+(?:pagamento|bonifico)",
         r"dettagli?\s+(?:del\s+)?(?:pagamento|bonifico)", r"descrizione(?:\s+operazione)?",
         r"riferimenti(?:\s+(?:del\s+)?(?:pagamento|bonifico))?")
#: "... an Empfänger", "... for the beneficiary": whom the text is for, part of the label
_FOR_WHOM = (r"(?:\s+(?:an|to|for|au|pour|aan|voor|al|para|per)\s+(?:den\s+|die\s+|the\s+|le\s+|"
             r"de\s+|il\s+|el\s+)?(?:empfanger|beneficiary|payee|recipient|beneficiaire|"
             r"begunstigde|ontvanger|beneficiario|destinatario))?")
#: a label, then a colon, a column gap or the line's end ("Remittance Advice" is a title)
_INFO_LABEL = re.compile(r"^\s*(?:(?:" + "|".join(_INFO) + r")" + _FOR_WHOM
                         + r" *(?:\( *:?70:? *\))? *(?::|\t|$)"
                         r"|:?F?70:)", re.I)  # ":70:", "70:", "F70:"
#: a "Label: value" line of its own ("Charges: SHA", "Spesen: 0,00"): the text ends above it
_FIELD_LINE = re.compile(r"^\s*[^\W\d_][^\d:\s]*(?:\s[^\d:\s]+){0,3}\s?:\s+\S")
_SWIFT_TAG = re.compile(r"^\s*:?F?\d{2}[A-Z]?:")
_SWIFT_CODE = re.compile(r"(?<![A-Za-z])/([A-Z]{3,4})/(?=\w)")  # "/INV/4711", "/RFB/..."
_SWIFT_AMOUNT = re.compile(r":3[23][AB]:\s*(?:\d{6})?[A-Z]{3}\s*(\d[\d.,]*)")
_SWIFT_EXPANDED = re.compile(r"^\s*amount\s*:\s*#(\d[\d.,]*)#", re.I)
_BRACKETED = re.compile(r"\(\s*(-?\d[\d.,' ]*\d)\s*\)")  # "4711 (1.200,00)": no credit
_MONEY = re.compile(r"\d[.,]\d{2}(?!\d)")
_ROW = re.compile(r"\d[.,]\d{2}(?:-|\s?CR)?\s+[-(]?\d")  # amounts side by side: a table's row
_MONEY_TEXT = re.compile(r"\d[\d.,' ]*[.,]\d{2}(?!\d)")
_SHAPE = re.compile(r"[^\W_]")
#: "INV 4711/1.200,00": a slash between a reference and its amount (with decimals)
_REF_SLASH_AMOUNT = re.compile(r"(?<=\w)/(?=-?\d[\d.,']*[.,]\d{2}(?![\d/]))")
_REF_SLASH_SPACED = re.compile(r"(?<=\w)/(?=-?\d{1,3}(?:[ .,']\d{3})*[.,]\d{2}(?![\d/]))")
_MAX_GLUED = 4  # lines read both ways at most (2**4 readings of a short text)


def find_free_text(lines: Sequence[Line], known: KnownItems | None) -> Table | None:
    """The invoices of the remittance information on ``lines`` as a table, or None."""
    blocks = list(_labelled_blocks(lines))
    labelled = bool(blocks)
    fields = list(labelled_values(lines))  # the page's fields, read once for every block
    if not blocks:
        blocks = [_amount_lines(lines, fields)]
    page = _PageTotals(lines, fields)
    payment: bool | None = None
    for indices, texts in blocks:
        if not texts:
            continue
        totals = page.totals(set(indices))
        found = _best_reading(texts, totals, known, page.stated)
        if found is None and labelled and page.stated is not None:
            found = _lone_reference(texts, page.stated)
        if found is None:
            continue
        items, mark = found
        adds_up = sum((item.paid_amount for item in items), Decimal(0)) in totals[mark]
        if payment is None:
            payment = speaks_of_payment(lines, fields)
        if not (adds_up and payment if not labelled else adds_up or payment):
            continue
        rows = [_row(item, mark) for item in items]
        return Table(rows=rows, used=set(indices), segments=[rows],
                     labels=("remittance information",), first_header=min(indices))
    return None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _labelled_blocks(lines: Sequence[Line]) -> Iterator[tuple[list[int], list[str]]]:
    """(line indices, texts) of each block under a remittance-information label."""
    pitch = _pitch(lines)
    for index, line in enumerate(lines):
        label = _INFO_LABEL.match(_fold(line.text))
        text = line.text.replace("\t", " ")
        if label is None:
            continue
        swift = bool(_SWIFT_TAG.match(text))
        rest = _fold_offset(text, label.end()).strip()
        indices, texts = [index], [rest] if rest else []
        n = index
        while n + 1 < len(lines):
            below = lines[n + 1]
            if below.page != line.page or below.top - lines[n].top > 2 * pitch \
                    or _SWIFT_TAG.match(below.text) or (not swift and (_INFO_LABEL.match(
                        _fold(below.text)) or (texts and _is_field_line(below.text)))):
                break  # the text's first line may start "Facture: ..."
            n += 1
            indices.append(n)
            texts.append(below.text.replace("\t", " ").strip())
        yield indices, texts


def _is_field_line(text: str) -> bool:
    """A ``Label: value`` line whose label is words without an invoice word (``Charges:
    SHA``), not a line of the text (``RE: 4711 100,00``)."""
    found = _FIELD_LINE.match(text)
    return found is not None and not invoice_refs(found[0] + " 1")


def _fold_offset(text: str, folded_end: int) -> str:
    """``text`` after the first ``folded_end`` characters of its folded form."""
    at = 0
    for n, char in enumerate(text):
        if at >= folded_end:
            return text[n:]
        at += len(_fold(char))
    return ""


def _amount_lines(lines: Sequence[Line], found: list[tuple[int, str, str]]
                  ) -> tuple[list[int], list[str]]:
    """The lines printing money that are no ``label: value`` field (``found``: the
    page's) and no table row (two amounts side by side): one block."""
    fields = {index for index, _, _ in found}
    fields |= {index for index, line in enumerate(lines)  # "Label: value", not "70: RE 4711 9,90"
               if ":" in line.text and sum(bool(re.search(r"\d", word)) for word in
                                           line.text.rpartition(":")[2].split()) < 2}
    indices = [n for n, line in enumerate(lines) if n not in fields and _MONEY.search(line.text)
               and not _ROW.search(line.text)]
    return indices, [lines[n].text.replace("\t", " ") for n in indices]


def _pitch(lines: Sequence[Line]) -> float:
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)
               if a.page == b.page and b.top > a.top]
    return median(pitches) if pitches else 12.0


class _PageTotals:
    """The amounts a page states for its payment, read once per page: under a total
    label (listed, or read from its words), in an MT103's ``:32A:``; ``stated``: the one
    a text naming a lone invoice without its amount takes."""

    def __init__(self, lines: Sequence[Line], fields: list[tuple[int, str, str]]) -> None:
        self.lines = lines
        self.labelled = [value for _, name, value in fields if name == "total"]
        self.swift = swift_amounts(lines)
        self._unlisted: list[str] | None = None
        self.stated = self.swift[0] if self.swift else self._stated(self.labelled)
        if self.stated is None:  # a total label no list names ("Importe de la transferencia")
            self.stated = self._stated(self.unlisted())

    @staticmethod
    def _stated(texts: list[str]) -> Decimal | None:
        """The first of ``texts`` that reads as an amount (with the mark its shape shows)."""
        return next((a for text in texts if (a := probe_amount(text.replace("*", "")))
                     is not None), None)

    def unlisted(self) -> list[str]:
        """The values of total labels read from their words (read once)."""
        if self._unlisted is None:
            self._unlisted = [value for _, _, value in unlisted_values(self.lines, {"total"})]
        return self._unlisted

    def totals(self, block: set[int]) -> dict[str, set[Decimal]]:
        """The stated amounts, and any amount printed outside the ``block`` lines, read
        with each decimal mark (SWIFT's always with a decimal comma)."""
        texts = self.labelled + self.unlisted()
        texts += [part for n, line in enumerate(self.lines) if n not in block
                  and _MONEY.search(line.text)
                  for part in re.split(r"[\t:]", line.text) if _MONEY.search(part)]
        found: dict[str, set[Decimal]] = {".": set(), ",": set()}
        for text in texts:
            for mark, amounts in found.items():
                amount = probe_amount(text.replace("*", ""), mark)
                if amount is not None:
                    amounts.add(amount)
        for amount in self.swift:
            found["."].add(amount)
            found[","].add(amount)
        return found


def swift_amounts(lines: Sequence[Line]) -> list[Decimal]:
    """The amounts of a SWIFT print's ``:32A:``/``:33B:`` fields, or of their expanded
    print's ``Amount : #1200,00#`` (a decimal comma)."""
    found = [probe_amount(m[1], ",") for line in lines
             if (m := _SWIFT_AMOUNT.search(line.text) or _SWIFT_EXPANDED.search(line.text))]
    return [amount for amount in found if amount is not None]


def _joinings(texts: list[str]) -> Iterator[str]:
    """The block's text with its lines joined each possible way (see the docstring)."""
    width = max(len(t) for t in texts)
    cut = [n for n, t in enumerate(texts[:-1])
           if len(t) >= width - 1 and width >= 20 and t[-1:].isalnum()
           and texts[n + 1][:1].isalnum()][:_MAX_GLUED]
    for glue in product((False, True), repeat=len(cut)):
        glued = {n for n, g in zip(cut, glue, strict=True) if g}
        out = texts[0]
        for n, text in enumerate(texts[1:]):
            out += ("" if n in glued else " ") + text  # one field: no sentence ends here
        out = _SWIFT_CODE.sub(r" \1 ", out)
        compact = _REF_SLASH_AMOUNT.sub(" ", out)
        yield compact
        spaced = _REF_SLASH_SPACED.sub(" ", out)  # "A006453/4 249,24": the total decides
        if spaced != compact:
            yield spaced


def _best_reading(texts: list[str], totals: dict[str, set[Decimal]], known: KnownItems | None,
                  stated: Decimal | None = None) -> tuple[list[RemittanceLine], str] | None:
    """The invoices of the best reading of the block, and its decimal mark: the one
    adding up to a stated total, then the one with fewest references unlike the others
    in shape (a year glued to the amount on the next line is no reference; a reference
    cut by a line end and glued back is like its neighbours), then naming the most
    invoices; of equals, the first joining and the mark the amounts' shapes and language
    say. Between readings naming as many invoices, more open items among them.
    Amounts in brackets are read as credits and, again, as amounts in brackets.
    ``stated``: the payment's amount, which a lone invoice named without one takes.
    """
    money = [m[0] for text in texts for m in _MONEY_TEXT.finditer(text)]
    decided, _ = decide_mark(money, known.amounts if known else (), guess_language(texts))
    marks = (",", ".") if decided == "," else (".", ",")
    best: tuple[tuple[bool, int, int, int, int], list[RemittanceLine], str] | None = None
    with known_items.using(known):
        for joined in _joinings(texts):
            for text, mark in product(_bracket_readings(joined), marks):
                hints = {"total": _text(stated, mark)} if stated is not None else None
                letter = read_letter(text, source="", fmt="pdf", mark=mark, listing=True,
                                     hints=hints)
                if letter is None or not letter.lines:
                    continue
                paid = sum((item.paid_amount for item in letter.lines), Decimal(0))
                refs = [item.invoice_ref for item in letter.lines]
                score = (paid in totals[mark], _alike(refs) - len(refs), len(refs),
                         sum(known.has_ref(ref) for ref in refs) if known else 0,
                         _alike(refs))
                if best is None or score > best[0]:
                    best = (score, letter.lines, mark)
    return (best[1], best[2]) if best else None


def _lone_reference(texts: list[str], stated: Decimal) -> tuple[list[RemittanceLine], str] | None:
    """The one invoice a text without amounts names (``Zahlung RE 4711``), paid the
    ``stated`` amount; None unless it names exactly one."""
    refs = invoice_refs(" ".join(texts))
    if len(refs) != 1:
        return None
    return [RemittanceLine(invoice_ref=refs[0], paid_amount=stated)], "."


def _bracket_readings(text: str) -> list[str]:
    """``text``, and when it has amounts in brackets, the same without the brackets."""
    plain = _BRACKETED.sub(r" \1 ", text)
    return [text, plain] if plain != text else [text]


def _alike(refs: list[str]) -> int:
    """How many of ``refs`` have the most usual shape (``91006550``: eight digits), so
    that a reference cut by a line end and glued back reads like its neighbours."""
    shapes = Counter(_SHAPE.sub(lambda m: "9" if m[0].isdigit() else "A", ref) for ref in refs)
    return max(shapes.values(), default=0)


def _text(amount: Decimal, mark: str) -> str:
    return f"{amount:f}".replace(".", mark)


def _row(item: RemittanceLine, mark: str) -> dict[str, str]:
    """One invoice as a table row, its amounts printed with the block's mark."""
    row = {"invoice_ref": item.invoice_ref, "paid_amount": _text(item.paid_amount, mark)}
    if item.gross_amount is not None:
        row["gross_amount"] = _text(item.gross_amount, mark)
    if item.discount:
        row["discount"] = _text(item.discount, mark)
    if item.deduction:
        row["deduction"] = _text(item.deduction, mark)
    if item.deduction_reason:
        row["deduction_reason"] = item.deduction_reason
    if item.invoice_date:
        row["invoice_date"] = item.invoice_date.isoformat()
    if item.po_number:
        row["po_number"] = item.po_number
    return row
