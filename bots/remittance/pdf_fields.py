"""The payment's own fields on a remittance advice, found by their labels.

Payer, payment number, date, method, total and currency are printed as
``label: value`` pairs anywhere on the page (a block at the top, a line under
the table, the stub of a check). :func:`read_header` looks for the labels in
:data:`LABELS` on every line that is not part of the table and takes the value
that follows the label on the same line, up to the next column gap (a tab in
:attr:`~bots.remittance.pdf_layout.Line.text`) or the next label; when nothing
follows, the value is the text just below the label (a label stacked over its
value). The first occurrence of a field wins.

When no label names them:

- the payer is the line printed in the largest type above the table on the
  advice's first page (the letterhead), unless it is a title like ``Remittance Advice``;
- the method comes from the kind of payment number (``Check #`` -> check,
  ``EFT Trace`` -> ach, ``Wire Reference`` -> wire);
- the currency comes from an ISO code or a currency sign next to an amount;
- the payment date is the one date printed alone above the table (a letter's
  ``Hamburg, 24. April 2026``);
- on a SWIFT MT103 print, ``:20:`` gives the reference, ``:32A:`` the value date,
  currency and amount, ``:50K:`` the payer.

Labels no list names are read from the words they are made of
(:mod:`bots.remittance.label_grammar`: ``Überweisungsdatum`` = transfer +
date) when the listed ones leave a field empty; a number field takes no date,
amount, IBAN or other ``label: value`` (:func:`is_number`).

Labels (:mod:`bots.remittance.labels`) are in EN, DE, FR, NL, ES and IT, bilingual
ones (``Zahlungsdatum / Payment date``) included; a value must have its field's
shape (a date, an amount, an ISO currency, a number with a digit), so a label
naming two fields (``Valuta``: value date in German, currency in Dutch) takes
the one its value fits. Labels in boxes side by side are read over their own
values.

Limits: a per-payer template (:mod:`bots.remittance.pdf_templates`) adds labels
for a layout these miss.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from re import _parser  # type: ignore[attr-defined]  # the screens read the label patterns
from typing import Any

from bots.domain import PaymentMethod
from bots.remittance.label_grammar import field_of_label
from bots.remittance.labels import LABELS
from bots.remittance.locale import read_date
from bots.remittance.pdf_layout import Line, phrases
from bots.remittance.regex_trie import alternation
from bots.remittance.values import probe_amount

_METHODS = (
    (re.compile(r"\b(?:ach|eft|bacs|ccd|ctx|direct deposit)\b", re.I), PaymentMethod.ACH),
    (re.compile(r"\b(?:check|cheque|chk)\b", re.I), PaymentMethod.CHECK),
    (re.compile(r"\b(?:wire|swift|sepa|transfer|überweisung|virement)", re.I),
     PaymentMethod.WIRE),
    (re.compile(r"\b(?:card|visa|mastercard|amex)\b", re.I), PaymentMethod.CARD),
)
_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_ISO = re.compile(r"\b(USD|EUR|GBP|CAD|CHF|JPY|AUD|SEK|NOK|DKK|PLN|MXN|INR)\b")
_TITLES = re.compile(r"remittance|advice|payment|statement|avis|page\b|continued|invoice",
                     re.IGNORECASE)
_STOP = re.compile(r"^[\s:#.\-/]+")  # "/": the other half of a bilingual label follows
_DIGIT = re.compile(r"\d")
_WORD_WITH_DIGIT = re.compile(r"\S*\d")
_COLON_THEN_SPACE = re.compile(r":(?:\s|$)")  # "Label: value" in a value
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
_REF_LABEL = re.compile("|".join(LABELS["payment_ref"]), re.I)


# --------------------------------------------------------------------------- screens
# Most lines hold no label, and one search of a large alternation costs ~10 us a line.
# A screen is a regex every match of a label pattern must also match: the texts of
# at most eight characters its matches can begin with, as a trie of literals
# (``pay(?:m...)|che...``), which the regex engine rules out a line with quickly; a
# word edge before a head is kept (a short head such as ``n `` of ``N° ...`` would
# otherwise pass the end of every word ending in "n").
# Only lines the screen passes are searched; the readings are the same by construction.
_SPACE, _NOT_WORD_AFTER, _NOT_WORD_BEFORE = "\x00", "\x01", "\x02"
_FRAGMENTS = {_SPACE: r"\s", _NOT_WORD_AFTER: r"(?!\w)", _NOT_WORD_BEFORE: r"(?<!\w)"}


def _heads(items: list[tuple[Any, Any]], size: int = 8) -> set[str]:
    """Texts of which every match of the parsed pattern ``items`` begins with one (at
    most ``size`` characters; the placeholders above stand for ``\\s`` and word edges)."""
    if size == 0 or not items:
        return {""}
    (op, arg), rest = items[0], list(items[1:])
    name = str(op)
    if name == "ASSERT_NOT" and str(arg[1]) == "[(IN, [(CATEGORY, CATEGORY_WORD)])]":
        edge = _NOT_WORD_BEFORE if arg[0] < 0 else _NOT_WORD_AFTER
        return {edge + tail for tail in _heads(rest, size)}
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero width: leave it out (a looser screen)
        return _heads(rest, size)
    if name == "SUBPATTERN":
        return _heads(list(arg[-1]) + rest, size)
    if name == "BRANCH":
        return set().union(*(_heads(list(b) + rest, size) for b in arg[1]))
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, _, body = arg
        once = _heads(list(body), size)  # what one repetition begins with
        return once | _heads(rest, size) if low == 0 else once
    if name == "LITERAL":
        firsts = {chr(arg)}
    elif name == "IN" and str(arg) == "[(CATEGORY, CATEGORY_SPACE)]":
        firsts = {_SPACE}
    elif name == "IN" and all(str(o) == "LITERAL" for o, _ in arg):
        firsts = {chr(v) for _, v in arg}
    else:  # anything else: the match may go on with anything
        return {""}
    return {first + tail for first in firsts for tail in _heads(rest, size - 1)}


def _screen(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """The screen of ``pattern`` (its matches begin with one of its heads)."""
    return re.compile(alternation(_heads(list(_parser.parse(pattern))), _FRAGMENTS), flags)


@dataclass
class Header:
    """The payment-level fields found on the advice (None when not found)."""

    payer_name: str | None = None
    payer_account: str | None = None
    payment_ref: str | None = None
    payment_date: date | None = None
    payment_method: PaymentMethod | None = None
    total: Decimal | None = None
    currency: str | None = None


def _compile(extra: Mapping[str, Sequence[str]]) -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for name, texts in LABELS.items():
        more = [re.escape(t) for t in extra.get(name, ())]
        alternatives = "|".join(more + list(texts))
        patterns.append((name, re.compile(rf"(?<!\w)(?:{alternatives})\s*[:#]?", re.I)))
    return patterns


_DEFAULT = _compile({})
# any default label at all: most lines hold none, and one search of the lower-cased
# line rules them out (faster than a case-insensitive search)
_ANY_LABEL = re.compile("|".join(p.pattern for _, p in _DEFAULT))
_ANY_LABEL_I = re.compile(_ANY_LABEL.pattern, re.I)
_ANY_LABEL_SCREEN = _screen(_ANY_LABEL.pattern)  # of the lower-cased line
_REF_LABEL_SCREEN = _screen(_REF_LABEL.pattern, re.I)
_FIELD_SCREENS = {name: _screen(pattern.pattern, re.I) for name, pattern in _DEFAULT}


def _first_class(pattern: str) -> re.Pattern[str] | None:
    """A one-character regex every match of ``pattern`` begins with (the first characters
    of its heads, case-insensitively), or None when a match may begin with anything."""
    firsts = {head.lstrip(_NOT_WORD_BEFORE)[:1] for head in _heads(list(_parser.parse(pattern)))}
    if firsts & {"", _NOT_WORD_AFTER}:
        return None
    return re.compile("[" + "".join(r"\s" if c == _SPACE else re.escape(c)
                                    for c in sorted(firsts)) + "]", re.I)


_FIRST_CLASSES = [(name, pattern, _first_class(pattern.pattern)) for name, pattern in _DEFAULT]
_DEFAULT_AT: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # first character -> patterns


def _default_at(first: str) -> list[tuple[str, re.Pattern[str]]]:
    """The default label patterns whose matches may begin with the character ``first``."""
    found = _DEFAULT_AT.get(first)
    if found is None:
        found = _DEFAULT_AT[first] = [(name, pattern) for name, pattern, firsts in _FIRST_CLASSES
                                      if firsts is None or firsts.match(first)]
    return found


def read_header(lines: Sequence[Line], *, table_top: tuple[int, float] | None = None,
                day_first: bool = False, decimal: str | None = None,
                extra_labels: Mapping[str, Sequence[str]] | None = None) -> Header:
    """The header fields on ``lines`` (the lines outside the table).

    ``table_top`` is (page, top) of the table's header row, for the letterhead
    rule; ``day_first``/``decimal`` say how this document prints dates and
    amounts; ``extra_labels`` adds label texts per field (a template's).
    """
    raw: dict[str, str] = {}
    for _, name, value in labelled_values(lines, extra_labels):
        if name not in raw and _fits(name, value, day_first, decimal):
            raw[name] = value
    missing = GRAMMAR_FIELDS - raw.keys()
    unlisted = sorted(unlisted_values(lines, missing) if missing else (),
                      key=lambda found: -found[0])  # stable: in order
    for _, name, value in unlisted:
        if name not in raw and _fits(name, value, day_first, decimal):
            raw[name] = value
    return _interpret(raw, lines, table_top, day_first, decimal)


def _fits(name: str, value: str, day_first: bool, decimal: str | None) -> bool:
    """Whether ``value`` has the shape of field ``name`` (``Valuta``: a date or a currency)."""
    if name == "payment_date":
        return _first_date(value, day_first) is not None
    if name == "total":
        return probe_amount(value.replace("*", ""), _own_mark(value, decimal)) is not None
    if name == "currency":
        return _ISO.search(value.upper()) is not None
    if name in ("payment_ref", "payer_account"):
        return is_number(value, day_first)
    return True


_BOTH_MARKS = re.compile(r"\d[.,]\d{3}([.,])\d{1,2}(?!\d)")


def _own_mark(text: str, decimal: str | None) -> str | None:
    """The decimal mark an amount shows itself (``9,510.80``: both marks, the last is the
    decimal one), else the document's."""
    both = _BOTH_MARKS.search(text)
    return both[1] if both and both[0][1] != both[1] else decimal


_IBAN = re.compile(r"[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,}(?:\s?[A-Z0-9]{1,4})?")
_DECIMALS = re.compile(r"\d[.,]\d{2}(?:\s*[A-Z]{3})?$")


def is_number(value: str, day_first: bool = False) -> bool:
    """Whether ``value`` can be a payment or account number: a digit in it, at most
    three words and 35 characters, and not a date, an amount with decimals, an IBAN
    or another ``label: value`` (the value of another label met first).

        >>> is_number("2026-30806"), is_number("24.07.2026"), is_number("10.479,83")
        (True, False, False)
    """
    value = value.strip()
    if len(value) > 35 or len(value.split()) > 3:  # a sentence (35: a SEPA reference)
        return False
    if not _DIGIT.search(value) or _IBAN.fullmatch(value.upper()) \
            or _COLON_THEN_SPACE.search(value):
        return False
    if _DECIMALS.search(value) and probe_amount(value) is not None:
        return False
    return value.isdigit() or read_date(value, day_first) is None  # 20260424: a number


def labelled_values(lines: Sequence[Line],
                    extra_labels: Mapping[str, Sequence[str]] | None = None,
                    only: str | None = None) -> Iterator[tuple[int, str, str]]:
    """(line index, field, value) of every label on ``lines``, in reading order.

    ``only`` restricts the search to one field's labels.
    """
    patterns = _compile(extra_labels) if extra_labels else _DEFAULT
    screen = _ANY_LABEL if patterns is _DEFAULT else None
    field_screen = _FIELD_SCREENS.get(only) if only and patterns is _DEFAULT else None
    if only:
        patterns = [(name, pattern) for name, pattern in patterns if name == only]
        screen = None
    starts = _ANY_LABEL_I if patterns is _DEFAULT else re.compile(
        "|".join(p.pattern for _, p in patterns), re.I)
    for index, line in enumerate(lines):
        text = line.text
        if screen is not None:
            lowered = text.lower()
            if _ANY_LABEL_SCREEN.search(lowered) is None or screen.search(lowered) is None:
                continue
        elif field_screen is not None and field_screen.search(text) is None:
            continue
        # where labels start (one search), then every field's label there (the longest
        # wins); of the default labels, only those that may begin with the character there
        found = sorted((m.start(), -hit.end(), name) for m in starts.finditer(text)
                       for name, pattern in (_default_at(text[m.start():m.start() + 1])
                                             if patterns is _DEFAULT else patterns)
                       if (hit := pattern.match(text, m.start())))
        hits: list[tuple[int, int, str]] = []
        for start, minus_end, name in found:  # the longest label at a place; one span may
            span = (start, -minus_end)        # name two fields ("Valuta": date or currency)
            if not hits or start >= hits[-1][1] or span == hits[-1][:2]:
                hits.append((*span, name))
        places = sorted({h[0] for h in hits})
        for start, end, name in hits:
            stop = next((s for s in places if s > start), len(text))
            value = _STOP.sub("", text[end:stop]).split("\t")[0].strip()
            if value:
                yield index, name, value
            if index + 1 < len(lines):  # a label over its value (read_header takes the
                below = _below(line, lines[index + 1], start, end, stop)  # first that fits)
                if below:
                    yield index, name, below


#: The fields :func:`field_of_label` can name.
GRAMMAR_FIELDS = frozenset({"payment_date", "payment_ref", "total", "payer_account"})


def unlisted_values(lines: Sequence[Line], fields: Collection[str] = GRAMMAR_FIELDS
                    ) -> Iterator[tuple[int, str, str]]:
    """(strength, field, value) of every label :func:`field_of_label` understands,
    for ``fields`` only (the ones still missing).

    A label is a column chunk of a line (the text between column gaps): its text
    up to a colon, or up to the first word with a digit; its value follows in
    the chunk, else in the next chunk of the line, else just below the label.
    """
    for index, line in enumerate(lines):
        at = 0
        chunks = []
        for part in line.text.split("\t"):
            chunks.append((at, part))
            at += len(part) + 1
        for n, (start, chunk) in enumerate(chunks):
            label, colon, value = chunk.partition(":")
            if not colon:
                digit = _WORD_WITH_DIGIT.search(chunk)
                label, value = (chunk[:digit.start()], chunk[digit.start():]) if digit \
                    else (chunk, "")
            found = field_of_label(label)
            if found is None or found[0] not in fields:
                continue
            strength, name = found[1], found[0]
            if value.strip():
                yield strength, name, value.strip()
                continue
            if n + 1 < len(chunks):
                yield strength, name, chunks[n + 1][1].strip()
            if index + 1 < len(lines):
                stop = chunks[n + 1][0] if n + 1 < len(chunks) else len(line.text)
                below = _below(line, lines[index + 1], start, start + len(label), stop)
                if below:
                    yield strength, name, below


def _below(line: Line, under: Line, start: int, end: int, stop: int) -> str:
    """The text of the next line under the label at ``line.text[start:end]``.

    The words starting under the label, before the next label (at ``stop``)
    or the next phrase of the line begins (labels in boxes side by side);
    else the phrase overlapping the label (a value centred under it).
    """
    if under.page != line.page or under.top - line.bottom > max(line.height, under.height):
        return ""
    offsets = _offsets(line)
    label = [w for w, offset in zip(line.words, offsets, strict=True) if start <= offset < end]
    if not label:
        return ""
    chunks = phrases(line.words)
    n = next(i for i, p in enumerate(chunks) if any(w is label[0] for w in p))
    ends = [chunks[n + 1][0].x0] if n + 1 < len(chunks) else [float("inf")]
    right = min(ends + [w.x0 for w, offset in zip(line.words, offsets, strict=True)
                        if offset >= stop])
    starting = [w for w in under.words if label[0].x0 - 2 <= w.x0 < right]
    if starting:
        return " ".join(w.text for w in phrases(tuple(starting))[0])
    x0, x1 = label[0].x0, label[-1].x1
    for phrase in phrases(under.words):
        if phrase[0].x0 < x1 and phrase[-1].x1 > x0:
            return " ".join(w.text for w in phrase)
    return ""


def _offsets(line: Line) -> list[int]:
    """Where each word starts in ``line.text`` (words are joined by one character)."""
    offsets, at = [], 0
    for word in line.words:
        offsets.append(at)
        at += len(word.text) + 1
    return offsets


_SWIFT_TAG = re.compile(r"^\s*:(20|32A|50[AFK]?):\s*(.*)$")
_SWIFT_32A = re.compile(r"(\d{2})(\d{2})(\d{2})([A-Z]{3})\s*(\d[\d,]*)")


_EXPANDED = re.compile(r"^\s*(date|currency|amount)\s*:\s*#?(.+?)#?\s*$", re.I)


def swift_fields(lines: Sequence[Line]) -> dict[str, object]:
    """The payment's fields in a SWIFT MT103 print: ``:20:`` the reference, ``:32A:``
    value date (YYMMDD), currency and amount (a decimal comma), ``:50K:`` the ordering
    customer (the line that is no ``/account``). An interface's expanded print names
    each tag (``:20: Sender's Reference``) and puts the values on the lines under it,
    ``:32A:``'s as ``Date :``, ``Currency :``, ``Amount : #1200,00#``."""
    found: dict[str, object] = {}
    tags = [(n, m) for n, line in enumerate(lines)
            if (m := _SWIFT_TAG.match(line.text.replace("\t", " ")))]
    expanded = any(m[1] == "20" and not _DIGIT.search(m[2]) for _, m in tags)
    for n, tag in tags:
        name, rest = tag[1], tag[2].strip()
        under = []  # the lines up to the next tag
        for below in lines[n + 1:n + 6]:
            if _SWIFT_TAG.match(below.text):
                break
            under.append(below.text.replace("\t", " ").strip())
        values = under if expanded else [rest, *under]
        if name == "20" and values and "payment_ref" not in found:
            found["payment_ref"] = values[0].split()[0]
        elif name == "32A" and (value := _SWIFT_32A.match(rest.replace(" ", ""))):
            try:
                found["payment_date"] = date(2000 + int(value[1]), int(value[2]), int(value[3]))
            except ValueError:
                pass
            found["currency"] = value[4]
            found["total"] = probe_amount(value[5], ",")
        elif name == "32A":
            for part in filter(None, map(_EXPANDED.match, under)):
                key, text = part[1].lower(), part[2]
                if key == "date":
                    found["payment_date"] = read_date(text)
                elif key == "currency":
                    found["currency"] = text[:3].upper()
                else:
                    found["total"] = probe_amount(text, ",")
        elif name.startswith("50"):
            for text in values:
                if text and not text.startswith("/"):
                    found["payer_name"] = text
                    break
    return {key: value for key, value in found.items() if value is not None}


def _interpret(raw: dict[str, str], lines: Sequence[Line], table_top: tuple[int, float] | None,
               day_first: bool, decimal: str | None) -> Header:
    header = Header()
    swift = swift_fields(lines) if any(":32A:" in line.text for line in lines) else {}
    ordering = swift.get("payer_name")
    header.payer_name = raw.get("payer_name") or (
        ordering if isinstance(ordering, str) else None) or _letterhead(lines, table_top)
    header.payer_account = raw.get("payer_account")
    ref = raw.get("payment_ref")
    header.payment_ref = ref if ref and _DIGIT.search(ref) else None
    if "payment_date" in raw:
        header.payment_date = _first_date(raw["payment_date"], day_first)
    else:
        header.payment_date = _letter_date(lines, table_top, day_first)
    method = raw.get("payment_method")
    header.payment_method = _method(method) if method else _method_from_ref_label(lines)
    if "total" in raw:
        header.total = probe_amount(raw["total"].replace("*", ""), _own_mark(raw["total"],
                                                                            decimal))
    currency = raw.get("currency", "")
    iso = _ISO.search(currency.upper())
    header.currency = iso.group(1) if iso else _currency_near_amounts(raw.get("total", ""))
    for name, value in swift.items():  # what the labels left empty
        if getattr(header, name) is None:
            setattr(header, name, value)
    return header


def _first_date(text: str, day_first: bool) -> date | None:
    words = text.split()
    for n in (len(words), 5, 4, 3, 2, 1):
        found = read_date(" ".join(words[:n]), day_first)
        if found:
            return found
    return None


_PLACE = re.compile(r"^[^\d,]{2,40},\s*")  # "Hamburg, " before a letter's date


def _letter_date(lines: Sequence[Line], table_top: tuple[int, float] | None,
                 day_first: bool) -> date | None:
    """The date printed alone (or after the place, ``Hamburg, 24. April 2026``) above
    the table on page one, as letters date themselves; None unless there is one."""
    first_page = min((line.page for line in lines), default=1)
    found = set()
    for line in lines:
        if line.page != first_page or (table_top and (line.page, line.top) >= table_top):
            continue
        chunks = line.text.split("\t")
        for n, chunk in enumerate(chunks):
            day = read_date(_PLACE.sub("", chunk.strip()), day_first)
            if day and not (n and chunks[n - 1].rstrip().endswith(":")):  # no label's
                found.add(day)
    return found.pop() if len(found) == 1 else None


def _method(text: str) -> PaymentMethod:
    for pattern, method in _METHODS:
        if pattern.search(text):
            return method
    return PaymentMethod.OTHER


def _method_from_ref_label(lines: Sequence[Line]) -> PaymentMethod | None:
    """The method a payment number's label implies (``Check #``: check), if any."""
    for line in lines:
        match = _REF_LABEL_SCREEN.search(line.text) and _REF_LABEL.search(line.text)
        if match:
            method = _method(match.group())
            return None if method is PaymentMethod.OTHER else method
    return None


def _currency_near_amounts(total_text: str) -> str | None:
    iso = _ISO.search(total_text.upper())
    if iso:
        return iso.group(1)
    return next((code for sign, code in _SIGNS.items() if sign in total_text), None)


def currency_in(texts: Sequence[str]) -> str | None:
    """An ISO code or a currency sign printed in ``texts`` (amount cells), or None."""
    for text in texts:
        found = _currency_near_amounts(text)
        if found:
            return found
    return None


def _letterhead(lines: Sequence[Line], table_top: tuple[int, float] | None) -> str | None:
    """The largest-type line of the first page above the table, unless it is a title."""
    first_page = min((line.page for line in lines), default=1)
    candidates = [line for line in lines if line.page == first_page and (
        table_top is None or (line.page, line.top) < table_top)]
    for line in sorted(candidates, key=lambda ln: -ln.height)[:3]:
        text = line.text.split("\t")[0].strip()
        if not _TITLES.search(text) and _TWO_LETTERS.search(text) \
                and not _DIGIT.search(text):
            return text
    return None
