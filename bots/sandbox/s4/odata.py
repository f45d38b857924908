"""OData V2 query options as an S/4HANA gateway applies them, over rows in memory.

:func:`apply` takes the rows of one entity set (dicts keyed by property
name, in key order) and the request's query string, and gives back the page
to send: ``$filter`` (``eq ne gt ge lt le``, ``and``, ``or``, parentheses;
string, ``datetime'...'`` and number literals), ``$orderby``, ``$skip``,
``$top``, ``$select``, ``$inlinecount=allpages`` and server-driven paging
(at most ``page_size`` entities per response; the rest through ``__next``
with a ``$skiptoken``). Whatever the gateway would refuse is an
:class:`ODataError` (status 400 and SAP's message): an unknown property, a
filter that does not parse, a function such as ``substringof`` (not offered
here), an unknown system query option, a comparison of a date with a string.

Values: ``Edm.String`` as str, ``Edm.DateTime`` as ``date``, ``Edm.Decimal``
as ``Decimal``; :func:`to_json` writes them as V2 JSON does
(``"/Date(1733529600000)/"``, decimals as strings).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Row = dict[str, Any]
OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le")
SYSTEM_OPTIONS = {"$filter", "$top", "$skip", "$skiptoken", "$select", "$orderby",
                  "$format", "$inlinecount", "sap-client", "sap-language"}


class ODataError(Exception):
    """A request the service refuses: HTTP ``status`` and SAP's ``code`` and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        """The V2 JSON error body (``error.code``, ``error.message.value``)."""
        return {"error": {"code": self.code,
                          "message": {"lang": "en", "value": self.message}}}


def bad_request(message: str) -> ODataError:
    return ODataError(400, "/IWBEP/CM_MGW_RT/022", message)


@dataclass(frozen=True)
class Page:
    """One response's entities, the total count (``$inlinecount``) and the next skiptoken."""

    rows: list[Row]
    count: int | None
    next_skiptoken: int | None


def apply(rows: Sequence[Row], properties: Mapping[str, type], query: dict[str, str],
          page_size: int) -> Page:
    """The page of ``rows`` that ``query`` asks for (see the module docstring).

    ``properties``: the entity type's property names and their Python types.
    """
    unknown = sorted(k for k in query if k not in SYSTEM_OPTIONS and k.startswith("$"))
    if unknown:
        raise bad_request(f"System query option '{unknown[0]}' is not supported")
    known = dict(properties)
    selected = list(rows)
    if query.get("$filter"):
        predicate = parse_filter(query["$filter"], known)
        selected = [row for row in selected if predicate(row)]
    for name, descending in reversed(_orderby(query.get("$orderby", ""), known)):
        selected.sort(key=_sort_key(name), reverse=descending)
    if query.get("$inlinecount", "allpages") not in ("allpages", "none"):
        raise bad_request(f"Invalid value '{query['$inlinecount']}' for $inlinecount")
    count = len(selected) if query.get("$inlinecount") == "allpages" else None
    skip = _number(query, "$skip", 0) + _number(query, "$skiptoken", 0)
    top = _number(query, "$top", None)
    end = len(selected) if top is None else min(len(selected), _number(query, "$skip", 0) + top)
    stop = min(end, skip + page_size)
    page = selected[skip:stop]
    fields = _select(query.get("$select", ""), known)
    if fields:
        page = [{name: row[name] for name in fields} for row in page]
    more = stop < end
    return Page(page, count, stop - _number(query, "$skip", 0) if more else None)


def _number(query: dict[str, str], option: str, default: Any) -> Any:
    raw = query.get(option)
    if raw is None:
        return default
    if not raw.isdigit():
        raise bad_request(f"Invalid value '{raw}' for {option}")
    return int(raw)


def _sort_key(name: str) -> Callable[[Row], tuple[bool, Any]]:
    """Nulls first, then the values (only compared with each other)."""
    return lambda row: (row[name] is not None, row[name] if row[name] is not None else 0)


def _select(text: str, known: Mapping[str, type]) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    for name in names:
        if name not in known:
            raise bad_request(f"Property '{name}' not found in $select")
    return names


def _orderby(text: str, known: Mapping[str, type]) -> list[tuple[str, bool]]:
    order = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, direction = part.partition(" ")
        if name not in known:
            raise bad_request(f"Property '{name}' not found in $orderby")
        if direction.strip() not in ("", "asc", "desc"):
            raise bad_request(f"Invalid sort order '{direction.strip()}' in $orderby")
        order.append((name, direction.strip() == "desc"))
    return order


# --------------------------------------------------------------------------- $filter

_TOKEN = re.compile(r"\s*(?:(?P<open>\()|(?P<close>\))|(?P<dt>datetime'[^']*')"
                    r"|(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?[mMdD]?)|(?P<comma>,)"
                    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")
Predicate = Callable[[Row], bool]


def parse_filter(text: str, known: Mapping[str, type]) -> Predicate:
    """A predicate for ``$filter`` text; ODataError 400 naming what is wrong."""
    tokens = _tokens(text)
    parser = _Parser(tokens, known)
    predicate = parser.expression()
    if parser.pos != len(tokens):
        raise bad_request(f"Invalid $filter: unexpected '{tokens[parser.pos][1]}'")
    return predicate


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise bad_request(f"Invalid $filter: cannot read '{text[pos:pos + 20].strip()}'")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """expression := term ('or' term)*; term := factor ('and' factor)*;
    factor := '(' expression ')' | Property op literal."""

    def __init__(self, tokens: list[tuple[str, str]], known: Mapping[str, type]) -> None:
        self.tokens, self.known, self.pos = tokens, known, 0

    def _next(self, what: str) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise bad_request(f"Invalid $filter: {what} expected at the end")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _peek_word(self, word: str) -> bool:
        return self.pos < len(self.tokens) and self.tokens[self.pos] == ("word", word)

    def expression(self) -> Predicate:
        terms = [self.term()]
        while self._peek_word("or"):
            self.pos += 1
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else lambda row: any(t(row) for t in terms)

    def term(self) -> Predicate:
        factors = [self.factor()]
        while self._peek_word("and"):
            self.pos += 1
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else lambda row: all(f(row) for f in factors)

    def factor(self) -> Predicate:
        kind, value = self._next("a comparison")
        if kind == "open":
            inner = self.expression()
            if self._next("')'")[0] != "close":
                raise bad_request("Invalid $filter: ')' expected")
            return inner
        if kind != "word":
            raise bad_request(f"Invalid $filter: property expected, found '{value}'")
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] == "open":
            raise bad_request(f"Invalid $filter: function '{value}' is not supported")
        if value not in self.known:
            raise bad_request(f"Property '{value}' not found in $filter")
        op_kind, op = self._next("an operator")
        if op_kind != "word" or op not in OPERATORS:
            raise bad_request(f"Invalid $filter: operator expected after '{value}', "
                              f"found '{op}'")
        literal = _literal(*self._next("a literal"))
        if not isinstance(literal, self.known[value]):
            raise bad_request(f"Invalid $filter: property '{value}' "
                              f"({_EDM[self.known[value]]}) cannot be compared with "
                              f"{_EDM[type(literal)]} literal")
        return _comparison(value, op, literal)


def _literal(kind: str, text: str) -> Any:
    if kind == "str":
        return text[1:-1].replace("''", "'")
    if kind == "dt":
        raw = text[len("datetime'"):-1]
        try:
            return datetime.fromisoformat(raw).date()
        except ValueError:
            raise bad_request(f"Invalid $filter: '{raw}' is not an Edm.DateTime") from None
    if kind == "word" and text in ("true", "false"):
        return text == "true"
    if kind == "num":
        try:
            return Decimal(text.rstrip("mMdD"))
        except InvalidOperation:
            raise bad_request(f"Invalid $filter: '{text}' is not a number") from None
    raise bad_request(f"Invalid $filter: literal expected, found '{text}'")


_EDM = {str: "Edm.String", date: "Edm.DateTime", Decimal: "Edm.Decimal",
        bool: "Edm.Boolean"}


def _comparison(name: str, op: str, literal: Any) -> Predicate:
    """``row[name] op literal``; a null value equals nothing and orders before nothing."""
    def check(row: Row) -> bool:
        value = row[name]
        if value is None:
            return op == "ne"
        return bool({"eq": value == literal, "ne": value != literal, "gt": value > literal,
                     "ge": value >= literal, "lt": value < literal,
                     "le": value <= literal}[op])
    return check


# --------------------------------------------------------------------------- JSON


def to_json(value: Any) -> Any:
    """A property value as OData V2 JSON writes it."""
    if isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return f"/Date({int(moment.timestamp()) * 1000})/"
    if isinstance(value, Decimal):
        return str(value)
    return value
