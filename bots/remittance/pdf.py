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
   dates (US or day first), the lines as :class:`~bots.domain.RemittanceLine`,
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
read as US (March 4) unless the document shows it prints day first (a day
over 12, a comma decimal mark) or a template says so; amounts without a paid
or gross column are not read; a line that cannot be read is left out with a
warning naming it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from bots.domain import Remittance, RemittanceLine
from bots.remittance import pdf_ocr
from bots.remittance.errors import ExtractError
from bots.remittance.pdf_fields import Header, currency_in, labelled_values, read_header
from bots.remittance.pdf_layout import AMOUNT_FIELDS, Line, Table, find_table, lines_of
from bots.remittance.pdf_templates import Template, default_templates, template_for
from bots.remittance.pdf_words import MAX_PAGES, read_words
from bots.remittance.records import remittance_id
from bots.remittance.values import try_amount, try_date

NAME = "pdf"
DEFAULT_CURRENCY = "USD"
_COMMA_DECIMAL = re.compile(r"\d,\d{2}\D{0,4}$")
_DOT_DECIMAL = re.compile(r"\d\.\d{2}\D{0,4}$")
_DAY_FIRST = re.compile(r"^(1[3-9]|2\d|3[01])/\d{1,2}/\d{2,4}$")
_TITLE = re.compile(r"(?:remittance(?: advice)?|payment (?:advice|remittance)|advice of payment"
                    r"|zahlungsavis|avis de paiement)\b", re.I)


def extract_pdf(data: bytes, source: str, *, backend: str = "pdfium",
                templates: Sequence[Template] | None = None,
                max_pages: int = MAX_PAGES, ocr: bool = True) -> list[Remittance]:
    """The remittance advices in a PDF (usually one), or ExtractError.

    ``templates`` defaults to those in ``config/templates``; pass ``()`` for
    none. ``backend`` is ``"pdfium"`` or ``"pdfplumber"``. A scan (no text
    layer) is read by OCR when ``ocr`` and Tesseract is installed, else it is
    ``needs-ocr``.
    """
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
             if (remittance := _read_advice(source, group, template)) is not None]
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


def _advices(lines: list[Line], template: Template | None) -> list[list[Line]]:
    """The lines of each advice: a page printing a new payment number starts one."""
    refs: dict[int, str] = {}
    for index, _, value in labelled_values(lines, template.labels if template else None,
                                           only="payment_ref"):
        if any(c.isdigit() for c in value):
            refs.setdefault(lines[index].page, value)
    groups: list[list[Line]] = []
    current: str | None = None
    for line in lines:
        ref = refs.get(line.page)
        if not groups or (ref and current and ref != current and line.page != groups[-1][-1].page):
            groups.append([])
        current = ref or current
        groups[-1].append(line)
    return groups


def _read_advice(source: str, lines: list[Line], template: Template | None) -> Remittance | None:
    """The advice printed on ``lines``; None when they hold no table and no payment header."""
    table = find_table(lines, template.synonyms if template else None)
    decimal = (template.decimal if template else None) or _decimal_mark(table)
    day_first = template.day_first if template and template.day_first is not None \
        else decimal == "," or _any_day_first(table)
    outside = [line for i, line in enumerate(lines) if i not in table.used]
    first = min(table.used) if table.used else None
    header = read_header(outside, day_first=day_first, decimal=decimal,
                         table_top=(lines[first].page, lines[first].top)
                         if first is not None else None,
                         extra_labels=template.labels if template else None)
    if not table.rows and not _is_advice(header, lines):
        return None
    return _remittance(source, header, table, lines, decimal, day_first, template)


def _remittance(source: str, header: Header, table: Table, lines: list[Line],
                decimal: str | None, day_first: bool, template: Template | None) -> Remittance:
    warnings: list[str] = []
    items = [item for n, row in enumerate(table.rows, 1)
             if (item := _line(n, row, decimal, day_first, warnings)) is not None]
    row_total = try_amount((table.total_text or "").replace("*", ""), decimal)
    total = header.total if header.total is not None else row_total
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
    warnings += [f"left out a line with amounts but no invoice reference: {text!r}"
                 for text in table.unreferenced]
    if table.dropped_copies:
        warnings.append(f"{table.dropped_copies} repeated copy of the table ignored")
    return Remittance(
        id="", source=source, format=NAME, currency=currency, lines=items,
        payer_name=(template.payer_name if template else None) or header.payer_name,
        payer_account=header.payer_account, payment_ref=header.payment_ref,
        payment_date=header.payment_date, payment_method=header.payment_method,
        total=total, warnings=warnings)


def _line(n: int, row: dict[str, str], decimal: str | None, day_first: bool,
          warnings: list[str]) -> RemittanceLine | None:
    """One table row as a RemittanceLine, or None (with a warning) when unreadable."""
    ref = row["invoice_ref"]
    amounts = {f: _amount(row.get(f), decimal) for f in AMOUNT_FIELDS}
    gross, paid = amounts["gross_amount"], amounts["paid_amount"]
    discount = abs(amounts["discount"] or Decimal("0.00"))
    deduction = abs(amounts["deduction"] or Decimal("0.00"))
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
        invoice_date=try_date(row.get("invoice_date"), day_first), gross_amount=gross,
        discount=discount, deduction=deduction,
        deduction_reason=row.get("deduction_reason") or None)


def _amount(text: str | None, decimal: str | None) -> Decimal | None:
    if not text:
        return None
    text = text.replace("*", "")
    found = try_amount(text, decimal)
    return found if found is not None else try_amount(text)


def _decimal_mark(table: Table) -> str | None:
    """',' or '.', whichever more of the table's amounts end with (None: no evidence)."""
    comma = dot = 0
    for row in table.rows:
        for f in AMOUNT_FIELDS:
            text = row.get(f, "")
            comma += bool(_COMMA_DECIMAL.search(text))
            dot += bool(_DOT_DECIMAL.search(text))
    return "," if comma > dot else "." if dot else None


def _any_day_first(table: Table) -> bool:
    return any(_DAY_FIRST.match(row.get("invoice_date", "")) for row in table.rows)


def _is_advice(header: Header, lines: list[Line]) -> bool:
    """A payment number, or a title (a short chunk starting "Remittance ...") on page one."""
    return header.payment_ref is not None or any(
        _TITLE.match(chunk.strip()) and len(chunk.split()) <= 6
        for line in lines if line.page == lines[0].page for chunk in line.text.split("\t"))
