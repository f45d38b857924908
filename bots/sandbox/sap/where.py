"""The WHERE text of ``RFC_READ_TABLE`` (``OPTIONS``) parsed into parameterised SQL.

SAP runs the OPTIONS lines as a dynamic Open SQL WHERE clause. This module
accepts the part of that language clients actually send::

    BUKRS IN ( '1000' , '2000' ) AND UMSKZ = ' '
    AND ( BUDAT <= '20261124' OR NOT XBLNR LIKE 'INV%' )
    AND WRBTR BETWEEN '100.00' AND '200.00'

Operators ``= <> < > <= >=``, their word forms ``EQ NE LT GT LE GE``,
``[NOT] LIKE`` (``%``/``_``, optional ``ESCAPE``), ``[NOT] IN ( ... )``,
``[NOT] BETWEEN``, ``AND``/``OR``/``NOT`` and parentheses; literals in single
quotes (``''`` is a quote) or plain numbers; field names of the table only.

The result is SQL text made only of the table's own column names, fixed
keywords and ``?`` placeholders, plus the list of values: nothing a client
sends is ever pasted into SQL. Anything else (a semicolon, a comment, an
unknown field, a literal on the left, an unterminated quote) raises
``OPTION_NOT_VALID`` as RFC_READ_TABLE does.

Values are compared as SAP stores them: CHAR without trailing blanks (so
``' '`` matches an initial field), NUMC with leading zeros, amounts in the
internal integer units of the sandbox's SQLite columns. LIKE is
case-sensitive, as in ABAP (SQLite's LIKE is not, so it becomes GLOB).

The OPTIONS lines are joined with a space: a token (a literal included)
cannot continue on the next line, as in ABAP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from bots.sandbox.sap.ddic import INTEGER, PACKED, Field
from bots.sandbox.sap.errors import abap_error

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>[+-]?\d+(?:\.\d+)?)
  | (?P<op><>|<=|>=|=|<|>)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
""", re.VERBOSE)
_WORD_OPS = {"EQ": "=", "NE": "<>", "LT": "<", "GT": ">", "LE": "<=", "GE": ">="}
_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "ESCAPE", *_WORD_OPS}


@dataclass(frozen=True)
class Token:
    kind: str  # string number op punct word
    text: str


def invalid(reason: str) -> Exception:
    return abap_error("OPTION_NOT_VALID", f"OPTIONS: {reason}")


def tokenize(text: str) -> list[Token]:
    """The tokens of a WHERE text; anything outside the grammar is refused."""
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise invalid(f"unexpected character {text[pos]!r} at position {pos + 1}")
        kind = match.lastgroup or ""
        if kind != "space":
            value = match.group()
            tokens.append(Token(kind, value.upper() if kind == "word" else value))
        pos = match.end()
    return tokens


@dataclass
class Where:
    """Parsed WHERE clause: SQL with ``?`` placeholders, and the values."""

    sql: str = ""
    params: list[Any] = field(default_factory=list)


def to_sql(lines: list[str], fields: dict[str, Field]) -> Where:
    """Parse OPTIONS lines against the table's ``fields``."""
    tokens = tokenize(" ".join(lines))
    if not tokens:
        return Where()
    parser = _Parser(tokens, fields)
    sql = parser.expression()
    if parser.pos != len(tokens):
        raise invalid(f"unexpected {tokens[parser.pos].text!r}")
    return Where(sql, parser.params)


class _Parser:
    """Recursive descent: or -> and -> not -> comparison | ( or )."""

    def __init__(self, tokens: list[Token], fields: dict[str, Field]) -> None:
        self.tokens, self.fields, self.pos = tokens, fields, 0
        self.params: list[Any] = []

    def peek(self, offset: int = 0) -> Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise invalid("the condition ends too early")
        self.pos += 1
        return token

    def accept(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind in ("word", "punct") and token.text == word:
            self.pos += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.accept(word):
            found = self.peek()
            raise invalid(f"expected {word}, found {found.text if found else 'the end'}")

    def expression(self) -> str:
        parts = [self.conjunction()]
        while self.accept("OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def conjunction(self) -> str:
        parts = [self.negation()]
        while self.accept("AND"):
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def negation(self) -> str:
        if self.accept("NOT"):
            return f"NOT {self.negation()}"
        if self.accept("("):
            inner = self.expression()
            self.expect(")")
            return f"({inner})"
        return self.comparison()

    def comparison(self) -> str:
        column = self.column()
        negated = self.accept("NOT")
        token = self.next()
        if token.kind == "op" or token.text in _WORD_OPS:
            if negated:
                raise invalid(f"NOT before {token.text}")
            op = _WORD_OPS.get(token.text, token.text)
            return f'"{column.name}" {op} {self.operand(column)}'
        prefix = "NOT " if negated else ""
        if token.text == "LIKE":
            pattern = self.literal_text()
            escape = self.literal_text() if self.accept("ESCAPE") else ""
            self.params.append(_like_to_glob(pattern, escape))
            return f'{prefix}"{column.name}" GLOB ?'
        if token.text == "IN":
            self.expect("(")
            values = [self.operand(column)]
            while self.accept(","):
                values.append(self.operand(column))
            self.expect(")")
            return f'{prefix}"{column.name}" IN ({", ".join(values)})'
        if token.text == "BETWEEN":
            low = self.operand(column)
            self.expect("AND")
            high = self.operand(column)
            return f'{prefix}"{column.name}" BETWEEN {low} AND {high}'
        raise invalid(f"expected an operator after {column.name}, found {token.text!r}")

    def column(self) -> Field:
        token = self.next()
        if token.kind != "word" or token.text in _KEYWORDS:
            raise invalid(f"expected a field name, found {token.text!r}")
        if token.text not in self.fields:
            raise invalid(f"unknown field {token.text}")
        return self.fields[token.text]

    def operand(self, column: Field) -> str:
        """A literal (as a ``?`` parameter) or another field of the table."""
        token = self.peek()
        if token is not None and token.kind == "word" and token.text not in _KEYWORDS:
            return f'"{self.column().name}"'
        token = self.next()
        if token.kind == "string":
            text = token.text[1:-1].replace("''", "'")
        elif token.kind == "number":
            text = token.text
        else:
            raise invalid(f"expected a value for {column.name}, found {token.text!r}")
        self.params.append(_stored(column, text))
        return "?"

    def literal_text(self) -> str:
        token = self.next()
        if token.kind != "string":
            raise invalid(f"expected a quoted pattern, found {token.text!r}")
        return token.text[1:-1].replace("''", "'")


def _stored(column: Field, text: str) -> Any:
    """A literal converted to the way the column is stored."""
    if column.kind in PACKED or column.kind in INTEGER:
        try:
            number = Decimal(text.strip() or "0").scaleb(column.decimals)
        except InvalidOperation:
            raise invalid(f"{text!r} is not a number for {column.name}") from None
        if number != number.to_integral_value():
            raise invalid(f"{text!r} has more decimals than {column.name} allows")
        return int(number)
    if column.kind == "NUMC" and text.isdigit():
        return text.zfill(column.length)
    return text.rstrip()


def _like_to_glob(pattern: str, escape: str) -> str:
    """An ABAP LIKE pattern (``%``, ``_``) as a case-sensitive SQLite GLOB pattern."""
    if len(escape) > 1:
        raise invalid("ESCAPE takes one character")
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if escape and char == escape and i + 1 < len(pattern):
            out.append(_glob_literal(pattern[i + 1]))
            i += 2
            continue
        out.append("*" if char == "%" else "?" if char == "_" else _glob_literal(char))
        i += 1
    return "".join(out)


def _glob_literal(char: str) -> str:
    return f"[{char}]" if char in "*?[]" else char
