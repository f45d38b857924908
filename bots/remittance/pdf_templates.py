"""Per-payer templates: the few PDF layouts the general rules read wrong.

Most advices need no template (:mod:`bots.remittance.pdf_layout` finds the
table by its header words). When a payer prints headers or labels nobody else
uses, one small TOML file in ``config/templates/`` teaches the reader that
layout, and only for the PDFs that print the ``match`` texts::

    # config/templates/northwind.toml
    name = "Northwind settlement statements"
    match = ["NORTHWIND TRADERS", "SETTLEMENT STATEMENT"]  # all on page 1, any case
    payer_name = "Northwind Traders"   # optional: when the page does not print it plainly
    currency = "USD"                   # optional: when the page does not print it
    decimal = "."                      # optional: "." or "," (default: guessed)
    day_first = false                  # optional: 03/04 is 3 April (default: guessed)

    [columns]                          # header text as printed -> remittance line field
    "Ext. Ref" = "invoice_ref"
    "Settled" = "paid_amount"

    [labels]                           # payment field -> label texts as printed
    payment_ref = ["Voucher"]
    payment_date = ["Run Date"]

Column fields are those of :class:`bots.domain.RemittanceLine`; label fields
are the keys of :data:`bots.remittance.pdf_fields.LABELS`. Every file is
validated when loaded; a mistake raises :class:`bots.config.ConfigError`
naming the file and the key. TOML (stdlib ``tomllib``) rather than YAML: no
extra dependency, and the same syntax as the main configuration.

Limits: the first template whose ``match`` texts all appear wins; a template
adds to the general rules, it does not replace them (no fixed coordinates).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bots.config import ConfigError
from bots.remittance.columns import SYNONYMS, normalise_header
from bots.remittance.pdf_fields import LABELS
from bots.remittance.pdf_layout import Line

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "config" / "templates"
_KEYS = {"name", "match", "payer_name", "currency", "decimal", "day_first", "columns",
         "labels"}


@dataclass(frozen=True)
class Template:
    """One payer's layout hints (see the module docstring for the file format)."""

    name: str
    match: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)  # normalised header -> field
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    payer_name: str | None = None
    currency: str | None = None
    decimal: str | None = None
    day_first: bool | None = None

    def matches(self, page_one: str) -> bool:
        """True when every ``match`` text is in ``page_one`` (page one's text, lower case)."""
        return all(text.lower() in page_one for text in self.match)


def parse_template(data: dict[str, Any], source: str) -> Template:
    """A :class:`Template` from a parsed TOML table; ConfigError naming ``source``."""
    def fail(key: str, why: str) -> ConfigError:
        return ConfigError(f"{source}: {key}: {why}")

    for key in data:
        if key not in _KEYS:
            raise fail(key, f"unknown key; expected one of {', '.join(sorted(_KEYS))}")
    name = data.get("name", Path(source).stem)
    match = data.get("match")
    if isinstance(match, str):
        match = [match]
    if not match or not all(isinstance(m, str) and m.strip() for m in match):
        raise fail("match", "expected a non-empty list of texts printed on page one")
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise fail("columns", "expected a table of header text = field")
    synonyms = {}
    for header, target in columns.items():
        if target not in SYNONYMS:
            raise fail(f"columns.{header}", f"unknown field {target!r}; one of "
                                            f"{', '.join(SYNONYMS)}")
        synonyms[normalise_header(header)] = target
    labels_in = data.get("labels", {})
    if not isinstance(labels_in, dict):
        raise fail("labels", "expected a table of field = [label texts]")
    labels = {}
    for target, texts in labels_in.items():
        if target not in LABELS:
            raise fail(f"labels.{target}", f"unknown field; one of {', '.join(LABELS)}")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) and t for t in texts):
            raise fail(f"labels.{target}", "expected a list of label texts")
        labels[target] = tuple(texts)
    decimal = data.get("decimal")
    if decimal not in (None, ".", ","):
        raise fail("decimal", f'expected "." or ",", got {decimal!r}')
    day_first = data.get("day_first")
    if day_first is not None and not isinstance(day_first, bool):
        raise fail("day_first", f"expected true or false, got {day_first!r}")
    currency = data.get("currency")
    if currency is not None and not (isinstance(currency, str) and len(currency) == 3
                                     and currency.isalpha()):
        raise fail("currency", f"expected an ISO 4217 code like \"USD\", got {currency!r}")
    payer = data.get("payer_name")
    if payer is not None and not isinstance(payer, str):
        raise fail("payer_name", "expected a text")
    return Template(str(name), tuple(match), synonyms, labels, payer,
                    currency.upper() if currency else None, decimal, day_first)


def load_templates(folder: Path) -> list[Template]:
    """Every ``*.toml`` template in ``folder``, in file-name order (none if absent)."""
    templates = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        templates.append(parse_template(data, str(path)))
    return templates


@lru_cache(maxsize=1)
def default_templates() -> tuple[Template, ...]:
    """The templates in the repository's ``config/templates`` folder (loaded once)."""
    return tuple(load_templates(TEMPLATES_DIR))


def template_for(lines: Sequence[Line], templates: Sequence[Template]) -> Template | None:
    """The first template whose ``match`` texts are all on page one, or None."""
    if not templates:
        return None
    page_one = "\n".join(line.text for line in lines if line.page == 1).lower()
    return next((t for t in templates if t.matches(page_one)), None)
