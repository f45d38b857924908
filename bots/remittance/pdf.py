"""PDF remittance advices: any layout with a text layer, no template per payer.

::

    from bots.remittance.pdf import extract_pdf

    [remittance] = extract_pdf(Path("acme-0412.pdf").read_bytes(), "acme-0412.pdf")
    remittance.payment_ref, remittance.total, remittance.lines[0].invoice_ref

How it reads a PDF, one module per step:

1. :mod:`~bots.remittance.pdf_words`: the words and their boxes, through
   PDFium (fast, default) or pdfplumber (``backend="pdfplumber"``, the
   reference; both give the same lines on the test corpus);
2. :mod:`~bots.remittance.pdf_layout`: lines, the table's header row, its
   columns by x-position, rows, wrapped text, totals rows, pages;
3. :mod:`~bots.remittance.pdf_fields`: payer, payment number, date, method,
   total and currency from their labels anywhere on the page;
4. :mod:`~bots.remittance.pdf_templates`: optional per-payer hints
   (``config/templates/*.toml``) for layouts the rules read wrong;
5. here: how this document prints amounts (``1,234.56`` or ``1.234,56``) and
   dates (US or day first), decided once per document by
   :mod:`~bots.remittance.locale` from its amounts, the open items when known
   (``known=``, or :func:`bots.remittance.known.using`) and its language;
   which of two document-number columns is ours when the open items say so;
   consistency as the judge: when the lines do not add up to the stated total,
   the second of two amount columns as the paid one, a ledger's other side
   (Debit / Credit) as the invoices' side, the other decimal mark, or the table
   without the rows under one of its header rows (a row of labels taken for a
   header), is tried, and the reading
   that adds up wins (else the front door warns); the lines as
   :class:`~bots.domain.RemittanceLine`,
   and the PDF's own warnings: a line whose gross - discount - deduction is not
   its paid amount, a ``Total`` row that disagrees with the stated total, no
   currency printed. The warnings every format shares (lines that do not add
   up to the total) are added by the front door,
   :func:`bots.remittance.records.finish`, called by
   :func:`bots.remittance.extract` on every reader's output.

Unreadable files raise :class:`~bots.remittance.errors.ExtractError`:
``empty``, ``corrupt``, ``encrypted``, ``too-large`` (more than ``max_pages``),
``needs-ocr`` (a scan, and Tesseract is not installed: see
:mod:`~bots.remittance.pdf_ocr`) and ``not-a-remittance`` (no remittance
table and no payment number or "remittance advice" title: an invoice, say).

A PDF holding a batch of advices gives one remittance per advice: a page that
prints a payment number different from the one before starts a new advice.

Limits: OCR only with Tesseract installed, English only; ``03/04/2026`` is
read as US (March 4) unless a day over 12, dotted dates, the document's
language (DE/FR/NL/ES/IT) or a template says day first, and the advice warns
when nothing said; amounts without a paid or gross column are not read; of
two document-number columns whose headers say nothing (``Doc No.`` beside
``Document``) the left one is taken unless open items decide; a line that
cannot be read is left out with a warning naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache

from bots.domain import Remittance, RemittanceLine
from bots.remittance import known as known_items
from bots.remittance import learned, pdf_ocr
from bots.remittance.columns import field_for_header, header_words, normalise_header
from bots.remittance.errors import ExtractError
from bots.remittance.known import KnownItems
from bots.remittance.label_grammar import field_of_label
from bots.remittance.labels import is_payment_label
from bots.remittance.locale import (
    decide_day_first,
    decide_mark,
    either_way,
    guess_language,
    read_date,
)
from bots.remittance.pdf_fields import Header, currency_in, labelled_values, read_header
from bots.remittance.pdf_freetext import find_free_text
from bots.remittance.pdf_layout import (
    AMOUNT_FIELDS,
    Line,
    Table,
    find_table,
    last_amount_text,
    lines_of,
    phrase_columns,
)
from bots.remittance.pdf_records import find_records, repeats_its_header
from bots.remittance.pdf_statement import read_statement
from bots.remittance.pdf_templates import Template, default_templates, template_for
from bots.remittance.pdf_words import MAX_PAGES, read_words
from bots.remittance.records import remittance_id
from bots.remittance.values import probe_amount, try_amount

NAME = "pdf"
DEFAULT_CURRENCY = "USD"
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_LANGUAGE_LINES = 120  # lines read to guess the language and the currency
_TITLE = re.compile(r"(?:remittance(?: advice)?|payment (?:advice|remittance)|advice of payment"
                    r"|zahlungsavis|avis de (?:paiement|virement)|betalingsadvies"
                    r"|betaalspecificatie|aviso de pago|notificaci[óo]n de pago"
                    r"|avviso di (?:pagamento|bonifico))\b", re.I)


def extract_pdf(data: bytes, source: str, *, backend: str = "pdfium",
                templates: Sequence[Template] | None = None,
                max_pages: int = MAX_PAGES, ocr: bool = True,
                known: Iterable[tuple[str, Decimal]] | KnownItems | None = None,
                ) -> list[Remittance]:
    """The remittance advices in a PDF (usually one), or ExtractError.

    ``templates`` defaults to those in ``config/templates``; pass ``()`` for
    none. ``backend`` is ``"pdfium"`` or ``"pdfplumber"``. A scan (no text
    layer) is read by OCR when ``ocr`` and Tesseract is installed, else it is
    ``needs-ocr``. ``known``: the open items, (invoice_ref, amount) pairs
    (default: those of :func:`bots.remittance.known.using`), to decide which
    column holds our invoice references and how amounts are printed.
    """
    if known is None:
        known = known_items.current()
    elif not isinstance(known, KnownItems):
        known = KnownItems.of(known)
    _forget_texts()
    try:
        pages, by_ocr = read_words(data, backend, max_pages), False
    except ExtractError as exc:
        if exc.code != "needs-ocr" or not ocr:
            raise
        if not pdf_ocr.is_available():
            raise ExtractError("needs-ocr", f"{exc.reason}; OCR (tesseract) is not "
                                            "installed") from None
        pages, by_ocr = pdf_ocr.ocr_words(data, max_pages), True
    lines = lines_of(pages)
    template = template_for(lines, default_templates() if templates is None else templates)
    found = [remittance for group in _advices(lines, template)
             if (remittance := _read_advice(source, group, template, known)) is not None]
    if not found:
        raise ExtractError("not-a-remittance", "no remittance table (invoice and amount "
                                               "columns) and no payment number or "
                                               "remittance title")
    for index, remittance in enumerate(found):
        remittance.id = remittance_id(data, index)
        if by_ocr:
            remittance.warnings.insert(0, "read by OCR from a scan: check references and "
                                          "amounts")
    return found


def _forget_texts() -> None:
    """Empty the caches of texts read (amount cells, labels, column headers and their
    words): they serve the readings of one document, and a document read again (a
    benchmark's round) costs what it cost the first time."""
    for cached in (_cell_amount, is_payment_label, field_of_label, normalise_header,
                   field_for_header, header_words, phrase_columns):
        cached.cache_clear()


def _advices(lines: list[Line], template: Template | None) -> list[list[Line]]:
    """The lines of each advice: a page printing a new payment number starts one."""
    if not lines or lines[0].page == lines[-1].page:
        return [lines]
    refs: dict[int, str] = {}
    for index, _, value in labelled_values(lines, template.labels if template else None,
                                           only="payment_ref"):
        if any(c.isdigit() for c in value):
            # its first token with a digit: a page number printed beside it ("4711
            # Seite 2") is no other payment
            refs.setdefault(lines[index].page,
                            next(t for t in value.split() if any(c.isdigit() for c in t)))
    groups: list[list[Line]] = []
    current: str | None = None
    for line in lines:
        ref = refs.get(line.page)
        if not groups or (ref and current and ref != current and line.page != groups[-1][-1].page):
            groups.append([])
        current = ref or current
        groups[-1].append(line)
    return groups


def _read_advice(source: str, lines: list[Line], template: Template | None,
                 known: KnownItems | None) -> Remittance | None:
    """The advice printed on ``lines``; None when they hold no table and no payment header."""
    table = find_table(lines, template.synonyms if template else None)
    table = read_statement(lines, table) or table  # a ledger and its payment: by arithmetic
    if not table.rows or repeats_its_header(table, lines):  # no grid, or a header per invoice
        table = find_records(lines, beside=table) or table
    if not table.rows:  # a bank's free text
        table = find_free_text(lines, known) or table
    if known and known.refs:
        _choose_reference_column(table, known)
    head = [line.text for line in lines[:_LANGUAGE_LINES]]
    lang = guess_language(head)
    amounts = _amount_texts(table)
    either = either_way(amounts)
    # the currency printed: it decides the decimal mark when the amounts read either way,
    # and the day order of an English advice (in GBP, 04/05 is May)
    currency = currency_in(head) if either or lang in (None, "en") else None
    mark, mark_open = decide_mark(amounts, known.amounts if known else (), lang,
                                  currency if either else None)
    if template and template.decimal:
        mark, mark_open = template.decimal, False
    day_first, dates_open = decide_day_first(_date_texts(table, head), lang, currency)
    if template and template.day_first is not None:
        day_first, dates_open = template.day_first, False
    headers: dict[tuple[frozenset[int], str | None], Header] = {}
    remittance = _reading(source, lines, table, template, mark, day_first, headers)
    if remittance is None:
        return None
    if _learned_reference_column(table, remittance.payer_name):
        remittance = _reading(source, lines, table, template, mark, day_first,
                              headers) or remittance
    if table.rows and learned.is_recording():
        _record_layout(table, remittance.payer_name)
    if not _adds_up(remittance):  # consistency decides: the other reading that adds up
        other = _other_reading(source, lines, table, template, mark, day_first, headers)
        if other is not None:
            remittance, mark_open = other, False
    if table.headerless and (remittance.total is None or not _adds_up(remittance)):
        # rows under no header row are lines only when they add up to the stated total;
        # else a bank's free text may name the invoices (its first line after its label)
        free = find_free_text(lines, known)
        remittance = _reading(source, lines, free or Table(), template, mark, day_first,
                              headers)
        if remittance is None:
            return None
        if free is None:
            remittance.warnings.append("rows without a header row do not add up to a stated "
                                       "total; not read as lines")
    if mark_open:
        remittance.warnings.append("the document does not show its decimal mark; amounts "
                                   "read with '.'")
    if dates_open:
        remittance.warnings.append("dates such as 04/05/26 could be day or month first; "
                                   "read month first")
    return remittance


def _reading(source: str, lines: list[Line], table: Table, template: Template | None,
             mark: str | None, day_first: bool,
             headers: dict[tuple[frozenset[int], str | None], Header]) -> Remittance | None:
    """The advice read with one decimal mark and day order. ``headers``: the header
    fields read so far for this advice, by the lines of its table and the decimal mark
    (the readings the totals check compares mostly share them)."""
    key = (frozenset(table.used), mark)
    header = headers.get(key)
    if header is None:
        outside = [line for i, line in enumerate(lines) if i not in table.used]
        first = min(table.used) if table.used else None
        header = headers[key] = read_header(
            outside, day_first=day_first, decimal=mark,
            table_top=(lines[first].page, lines[first].top) if first is not None else None,
            extra_labels=template.labels if template else None)
    if not table.rows and not _is_advice(header, lines):
        return None
    return _remittance(source, header, table, lines, mark, day_first, template)


def _other_reading(source: str, lines: list[Line], table: Table, template: Template | None,
                   mark: str | None, day_first: bool,
                   headers: dict[tuple[frozenset[int], str | None], Header],
                   ) -> Remittance | None:
    """A reading whose lines add up to the total when the first one's do not: the second
    of two amount columns as the paid amount, the other decimal mark, or the table
    without the rows under one of its header rows (a row of labels taken for a header).
    None when no reading adds up."""
    readings: list[tuple[Table, str | None]] = []
    alt = table.alt_amount_paid()
    if alt is not None:  # two amount columns of one name: the second may be the paid one
        readings.append((alt, mark))
    other_side = table.other_side()
    if other_side is not None:  # a ledger whose invoices stand on the side fewer rows use
        readings.append((other_side, mark))
    if not (template and template.decimal):
        readings.append((table, "," if mark != "," else "."))
    if len(table.segments) > 1:
        readings += [(table.without_segment(n), mark) for n in range(len(table.segments))]
    for candidate, candidate_mark in readings:
        found = _reading(source, lines, candidate, template, candidate_mark, day_first,
                         headers)
        if found is not None and found.total is not None and found.lines and _adds_up(found):
            return found
    return None


def _adds_up(remittance: Remittance) -> bool:
    """No stated total, or the lines add up to it."""
    if remittance.total is None or not remittance.lines:
        return True
    return sum((line.paid_amount for line in remittance.lines), Decimal(0)) == remittance.total


def _choose_reference_column(table: Table, known: KnownItems) -> None:
    """Swap in the other document-number column when more of its values are open items."""
    ours = sum(known.has_ref(row.get("invoice_ref", "")) for row in table.rows)
    other = sum(known.has_ref(row.get("alt_ref", "")) for row in table.rows)
    if other > ours:
        table.swap_references()


def _learned_reference_column(table: Table, payer: str | None) -> bool:
    """Swap in the other document-number column when a learned template names it for
    this payer and layout (:mod:`bots.remittance.learned`); True when swapped."""
    hints = learned.current()
    label = hints.label_for(payer, learned.fingerprint(table.labels, NAME)) if hints else None
    if label is None or label == table.ref_labels.get("invoice_ref") \
            or label != table.ref_labels.get("alt_ref"):
        return False
    table.swap_references()
    return True


def _record_layout(table: Table, payer: str | None) -> None:
    """Note the two document-number columns of the table, to learn from a correction."""
    labels = (table.ref_labels.get("invoice_ref", ""), table.ref_labels.get("alt_ref", ""))
    learned.record(learned.Layout(
        learned.fingerprint(table.labels, NAME), NAME, learned.payer_key(payer), labels,
        labels[0], tuple((row.get("invoice_ref", ""), row.get("alt_ref", ""))
                         for row in table.rows)))


def _amount_texts(table: Table) -> list[str]:
    texts = [row.get(f, "") for row in table.rows for f in AMOUNT_FIELDS]
    return [t for t in texts + [table.total_text or ""] if t]


def _date_texts(table: Table, head: list[str]) -> list[str]:
    """The invoice dates of the rows, and the numeric dates on the ``head`` lines."""
    texts = [row.get("invoice_date", "") for row in table.rows]
    return texts + _NUMERIC_DATE.findall("\n".join(head))


def _remittance(source: str, header: Header, table: Table, lines: list[Line],
                decimal: str | None, day_first: bool, template: Template | None) -> Remittance:
    warnings: list[str] = []
    row_total = try_amount((table.total_text or "").replace("*", ""), decimal)
    total = header.total if header.total is not None else row_total
    items, payment = _without_clearing_row(
        [(row, item) for n, row in enumerate(table.rows, 1)
         if (item := _line(n, row, decimal, day_first, warnings)) is not None],
        total, header.payment_ref)
    if total is None and payment is not None:
        total = abs(payment)  # the payment row of a statement states the amount paid
    if header.total is not None and row_total is not None and row_total != header.total:
        warnings.append(f"the Total row says {row_total} but the advice total is "
                        f"{header.total}")
    amount_texts = [row.get(f, "") for row in table.rows for f in AMOUNT_FIELDS]
    currency = (template.currency if template else None) or header.currency \
        or currency_in(amount_texts + [table.total_text or ""]) \
        or currency_in([line.text for line in lines])
    if currency is None:
        currency = DEFAULT_CURRENCY
        warnings.append(f"no currency printed; {DEFAULT_CURRENCY} assumed")
    if not table.rows:
        warnings.append("no remittance table found: payment fields only")
    lines_sum = sum((item.paid_amount for item in items), Decimal(0))
    for text, cells in table.unreferenced:
        # its amount cells (a statement's payment row), else the last amount-shaped run of
        # the line (out of range, that run is several numbers)
        amounts = [abs(a) for cell in cells if (a := _amount(cell, decimal)) is not None]
        run = last_amount_text(text)
        loose = probe_amount(run, decimal)
        amounts += [a for a in (probe_amount(run) if loose is None else loose,) if a is not None]
        stated = lines_sum if total is None else total
        if items and stated in amounts:
            total = stated  # an unlabelled total under the amounts column, or the payment
            continue
        warnings.append(f"left out a line with amounts but no invoice reference: {text!r}")
    if table.dropped_copies:
        warnings.append(f"{table.dropped_copies} repeated copy of the table ignored")
    return Remittance(
        id="", source=source, format=NAME, currency=currency, lines=items,
        payer_name=(template.payer_name if template else None) or header.payer_name,
        payer_account=header.payer_account, payment_ref=header.payment_ref,
        payment_date=header.payment_date, payment_method=header.payment_method,
        total=total, warnings=warnings)


def _without_clearing_row(read: list[tuple[dict[str, str], RemittanceLine]],
                          total: Decimal | None, payment_ref: str | None,
                          ) -> tuple[list[RemittanceLine], Decimal | None]:
    """The lines of the rows ``read``, less the payment on a ledger's other side (a
    statement of account printing the payment among the invoices it pays), and that
    payment's amount (None: no such row). Of the rows on that side, the payment is the
    one whose amount is the stated ``total`` and without which the others add up to it,
    else the one printing the ``payment_ref``; when no total is stated and all rows come
    to nothing, the one printing the payment reference, else the largest."""
    items = [item for _, item in read]
    sides = [n for n, (row, _) in enumerate(read) if row.get("contra")
             and not row.get("paid_amount")]
    if len(items) < 2 or not sides:
        return items, None
    whole = sum((item.paid_amount for item in items), Decimal(0))

    def names_payment(n: int) -> bool:
        return payment_ref is not None and any(payment_ref in text
                                               for text in read[n][0].values())

    if total is not None:
        payment = next((n for n in sides if abs(items[n].paid_amount) == total
                        and whole - items[n].paid_amount == total), None)
    elif whole == 0:
        payment = next((n for n in sides if names_payment(n)),
                       max(sides, key=lambda n: abs(items[n].paid_amount)))
    else:
        payment = None
    if payment is None:
        payment = next((n for n in sides if names_payment(n)), None)
    if payment is None:
        return items, None
    return items[:payment] + items[payment + 1:], items[payment].paid_amount


def _line(n: int, row: dict[str, str], decimal: str | None, day_first: bool,
          warnings: list[str]) -> RemittanceLine | None:
    """One table row as a RemittanceLine, or None (with a warning) when unreadable."""
    ref = row["invoice_ref"]
    amounts = {f: _amount(row.get(f), decimal) for f in AMOUNT_FIELDS}
    gross, paid = amounts["gross_amount"], amounts["paid_amount"]
    discount = abs(amounts["discount"] or Decimal("0.00"))
    deduction = abs(amounts["deduction"] or Decimal("0.00"))
    contra = _amount(row.get("contra"), decimal)  # a ledger's other side: a credit note
    if paid is None and gross is None and contra is not None:
        paid = -contra
    if paid is None and gross is None:
        warnings.append(f"line {n} ({ref}): no readable paid or gross amount; left out")
        return None
    if paid is None:
        paid = gross - discount - deduction  # type: ignore[operator]
    elif gross is not None and gross - discount - deduction != paid:
        warnings.append(f"line {n} ({ref}): gross {gross} - discount {discount} - deduction "
                        f"{deduction} is not the paid {paid}")
    return RemittanceLine(
        invoice_ref=ref, paid_amount=paid, po_number=row.get("po_number") or None,
        invoice_date=read_date(row.get("invoice_date"), day_first), gross_amount=gross,
        discount=discount, deduction=deduction,
        deduction_reason=row.get("deduction_reason") or None)


def _amount(text: str | None, decimal: str | None) -> Decimal | None:
    return _cell_amount(text, decimal) if text else None


@lru_cache(maxsize=8192)
def _cell_amount(text: str, decimal: str | None) -> Decimal | None:
    """An amount cell read with the document's mark, else as printed (read once: the
    readings the totals check compares ask for the same cells)."""
    text = text.replace("*", "")
    found = try_amount(text, decimal)
    return found if found is not None else try_amount(text)


def _is_advice(header: Header, lines: list[Line]) -> bool:
    """A payment number, or a title (a short chunk starting "Remittance ...") on page one."""
    return header.payment_ref is not None or any(
        _TITLE.match(chunk.strip()) and len(chunk.split()) <= 6
        for line in lines if line.page == lines[0].page for chunk in line.text.split("\t"))
