"""Development material for the PDF reader: English AP/ERP prints and bilingual headers.

Not a measurement (every family here is TUNE): the reader's rules may be
developed against these documents. The six layout templates of the blind
corpus (``tests.remittance.layouts2.templates``: avis, erp, stub, portal,
ledger, bank; layouts only, that corpus's vocabulary is not used) are filled
with this package's own words (``words.py``): the labels of Oracle Payables,
SAP F110 (English), NetSuite, JD Edwards, QuickBooks/Sage and Dynamics 365
prints in English, and bilingual headers (``Rechnungsnr. / Invoice no.``) in
DE, FR, NL, ES, IT. ``lineprint.py`` adds a template of its own: a Courier
line-printer statement with dashed rulers, upper-case labels that touch, and a
Debit / Credit / Balance ledger with payment rows among the invoices.

Interface of ``tests.remittance.layouts`` (``FAMILIES``, ``advices``), so
``python -m bench extract_heldout --corpus layouts_dev`` reads it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.remittance.layouts.families import Advice
from tests.remittance.layouts2 import document, templates
from tests.remittance.layouts_dev import (
    bankcredit,
    bankcredit2,
    lineprint,
    multipage,
    multipage2,
    portals,
    portals2,
    statements,
    statements2,
)
from tests.remittance.layouts_dev import words as W

TEMPLATES = ("avis", "erp", "stub", "portal", "ledger", "bank", "lineprint", "portalkv",
             "bankcredit", "statement", "multipage", "portals2", "bankcredit2", "multipage2",
             "statement2")
#: templates drawn by a module of this package (``make_advice(family, index, rng)``)
_OWN = {"lineprint": lineprint, "portalkv": portals, "bankcredit": bankcredit,
        "statement": statements, "multipage": multipage, "portals2": portals2,
        "bankcredit2": bankcredit2, "multipage2": multipage2, "statement2": statements2}
LANGS = W.LANGS


@dataclass(frozen=True)
class Family:
    """One layout template in one language (all tune)."""

    index: int
    template: str
    lang: str
    held_out: bool = False

    @property
    def name(self) -> str:
        return f"dev-{self.template}-{self.lang}"


FAMILIES = tuple(
    Family(t * len(LANGS) + n, template, lang)
    for t, template in enumerate(TEMPLATES)
    for n, lang in enumerate(LANGS)
)


@contextmanager
def _our_words() -> Iterator[None]:
    """The layouts2 drawing code, speaking this package's words while inside."""
    saved = document.W, templates.W
    document.W = templates.W = W  # type: ignore[assignment]
    try:
        yield
    finally:
        document.W, templates.W = saved


def make_advice(family: Family, index: int, seed: int = 11) -> Advice:
    """The ``index``-th document of ``family`` for ``seed`` (deterministic)."""
    rng = random.Random(f"layouts_dev:{seed}:{family.name}:{index}")
    if family.template in _OWN:
        return _OWN[family.template].make_advice(family, index, rng)
    with _our_words():
        doc = document.make_doc(family.template, family.lang, rng)
        pdf, pages = templates.draw(doc)
    items = [(r.ref, r.gross) for r in doc.rows] + doc.other_refs
    return Advice(family, f"{family.name}-{index:03d}", pdf, doc.truth(), pages, items)


def advices(family: Family, count: int = 30, seed: int = 11) -> list[Advice]:
    """``count`` documents of ``family``."""
    return [make_advice(family, i, seed) for i in range(count)]


__all__ = ["FAMILIES", "LANGS", "TEMPLATES", "Advice", "Family", "advices", "make_advice"]
