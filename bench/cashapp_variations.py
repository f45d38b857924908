"""Tune variations: the tune corpus re-printed with payer habits its generator lacks.

The engine was developed on :data:`bench.cashapp_corpus.TUNE`; a held-out set
made with other habits showed it had learned that generator's ways. This module
takes a tune corpus (:func:`~bench.cashapp_corpus.generate`, any tune seed) and
re-prints some of its remittances the way other real payers do, keeping the
truth right for each change:

==================  ==========================================================
habit               what the payer does
==================  ==========================================================
``ref-label``       a reference with another word, prefix, suffix or separator
                    (``Rechnung Nr. 90001234``, ``Facture n° ...``, ``INV_...``)
``ref-text``        the reference inside a sentence (``Payment of invoice ...
                    dated 14.03.2026, thank you``)
``ref-glued``       the year or the customer number glued on (``2026-90001234``,
                    ``90001234/2026``, ``100123-90001234``)
``ref-zeros``       leading zeros (``0090001234``)
``ref-several``     two invoices paid in full on one line that names both
                    (``90001234 / 90001240``), with their sum
``lumped``          several invoices (2-4, paid in full) paid with one total and
                    no lines (an amount-only payment)
``partial-stated``  a partial payment that says so, in one of twelve languages
``reason-lang``     a stated deduction's reason in German, French, Dutch,
                    Spanish, Italian, Polish, Swedish, Danish, Norwegian,
                    Finnish, Portuguese or Czech
``cent-off``        every line one cent (1 JPY) short: rounding
``legal-form``      the payer name with another legal form (``GmbH & Co. KG``,
                    ``S.A.R.L.``, ``B.V.``, ``Limited``, ``S.p.A.``)
``name-typo``       the payer name with two neighbouring letters swapped
                    (``Nroth Foods Inc.``, ``SILEVR FOODS LLC``)
``label-noisy``     a reference misread (OCR) or mistyped (two digits swapped)
                    printed with a word around it (``Rechnung Nr. 9OO12345``,
                    ``Facture n° 90012354``)
==================  ==========================================================

Each changed unit's :attr:`Expected.kind` is prefixed ``var:<habit>/`` so that
recall per habit can be read off :attr:`bench.cashapp_quality.Score.by_kind`.

Run ``python -m bench.cashapp_variations`` for recall and precision per habit.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from bench.cashapp_corpus import (
    _SHORT_WITHIN,
    Corpus,
    Expected,
    ItemKey,
    Posting,
    _sets,
    _typo,
    generate,
    write_off_tolerance,
)
from bots.domain import Customer, OpenItem, Remittance, Treatment, from_minor, to_minor

HABITS = ("ref-label", "ref-text", "ref-glued", "ref-zeros", "ref-several", "lumped",
          "partial-stated", "reason-lang", "cent-off", "legal-form", "label-noisy",
          "name-typo")

_LABELS = ("Rechnung Nr. {r}", "Rg.-Nr. {r}", "Facture n° {r}", "Fact. {r}", "Factura {r}",
           "Fattura n. {r}", "Factuur {r}", "Invoice: {r}", "INV_{r}", "Inv/{r}", "RE-{r}",
           "Beleg {r}", "{r}.", "({r})", "Nr.{r}")
_TEXTS = ("Payment of invoice {r} dated {d}, thank you", "Zahlung Rechnung {r} vom {d}",
          "Règlement facture {r} du {d}", "Pago factura {r} de {d}",
          "Betaling factuur {r} d.d. {d}", "Pagamento fattura {r} del {d}",
          "Inv {r} / our order {o}")
_GLUED = ("2026-{r}", "{r}/2026", "{r}-26", "{c}-{r}", "{r}/{c}", "{c}/{r}")
_PARTIAL = ("Teilzahlung", "acompte", "pago parcial", "acconto", "deelbetaling",
            "partial payment", "Abschlagszahlung", "paiement partiel", "pagamento parziale",
            "gedeeltelijke betaling", "pago a cuenta", "płatność częściowa", "delbetalning",
            "delbetaling", "osamaksu", "pagamento parcial", "částečná platba")
_REASONS = {
    "DAMAGED": ("beschädigt", "Ware beschädigt", "avarie", "marchandise endommagée",
                "beschadigd", "dañado", "mercancía dañada", "danneggiato", "merce danneggiata",
                "towar uszkodzony", "skadade varor", "beskadiget", "vaurioitunut", "danificado",
                "poškozené zboží"),
    "PRICING": ("Preisdifferenz", "écart de prix", "prijsverschil", "diferencia de precio",
                "differenza prezzo", "różnica w cenie", "prisavvikelse", "prisforskel",
                "hintaero", "diferença de preço", "cenový rozdíl"),
    "SHORT SHIPMENT": ("Fehlmenge", "Minderlieferung", "manquant", "livraison incomplète",
                       "manco", "tekort", "falta de mercancía", "merce mancante",
                       "brak towaru", "saknas", "manglende levering", "puuttuva",
                       "falta de mercadoria", "chybějící zboží"),
    "PROMO ALLOWANCE": ("Werbekostenzuschuss", "remise promotionnelle", "promotiekorting",
                        "descuento promocional", "sconto promozionale", "rabat promocyjny",
                        "kampanjrabatt", "markedsføringsbidrag", "kampanja-alennus",
                        "desconto promocional"),
    "FREIGHT": ("Frachtkosten", "frais de port", "vrachtkosten", "portes", "spese di trasporto",
                "koszty transportu", "fraktkostnad", "fragt", "rahtikulut", "frete", "doprava"),
}
_LEGAL = ("GmbH & Co. KG", "S.A.R.L.", "B.V.", "Limited", "S.p.A.", "N.V.", "S.A.", "AG",
          "Incorporated", "Pty Ltd")


def _certain(exp: Expected) -> bool:
    return exp.certain and not exp.kind.startswith("var:")


def _tag(exp: Expected, habit: str) -> Expected:
    return replace(exp, kind=f"var:{habit}/{exp.kind}")


class _Variation:
    def __init__(self, corpus: Corpus, seed: int) -> None:
        self.c = corpus
        self.rng = random.Random(seed * 7919 + 17)
        self.items = {it.key: it for it in corpus.open_items}
        self.customers = {c.number: c for c in corpus.customers}
        self.children: dict[str, list[str]] = defaultdict(list)
        for c in corpus.customers:
            if c.parent:
                self.children[c.parent].append(c.number)
        paid = {key for exp in corpus.truth.values() for key in exp.postings}
        self.unpaid: dict[str, list[OpenItem]] = defaultdict(list)
        for it in corpus.open_items:
            if it.key not in paid:
                self.unpaid[it.customer].append(it)

    def units(self, r: Remittance) -> list[Expected]:
        return [self.c.truth[(r.id, i)] for i in range(len(r.lines))] if r.lines else \
            [self.c.truth[(r.id, None)]]

    def run(self, share: float) -> Corpus:
        out = []
        copied = {r.id.removesuffix("-dup") for r in self.c.remittances if r.id.endswith("-dup")}
        for r in self.c.remittances:
            if r.id in copied or r.id.endswith("-dup") or self.rng.random() >= share:
                out.append(r)
                continue
            if not r.lines:  # an amount-only payment: only its payer name can change
                out.append(self._name_typo(r) or r)
                continue
            changed = None
            for habit in self.rng.sample(HABITS, len(HABITS)):  # the first that applies
                changed = getattr(self, "_" + habit.replace("-", "_"))(r)
                if changed is not None:
                    break
            out.append(changed or r)
        self.c.remittances = out
        return self.c

    # -- reference habits: lines that quoted our invoice number exactly
    def _refs(self, r: Remittance, habit: str, printed) -> Remittance | None:  # noqa: ANN001
        lines, changed = list(r.lines), False
        for i, (x, exp) in enumerate(zip(r.lines, self.units(r), strict=True)):
            if not _certain(exp) or not exp.kind.startswith("exact") or len(exp.postings) != 1:
                continue
            item = self.items[next(iter(exp.postings))]
            if x.invoice_ref != item.invoice_ref:
                continue
            lines[i] = replace(x, invoice_ref=printed(item))
            self.c.truth[(r.id, i)] = _tag(exp, habit)
            changed = True
        return replace(r, lines=lines) if changed else None

    def _ref_label(self, r: Remittance) -> Remittance | None:
        form = self.rng.choice(_LABELS)
        return self._refs(r, "ref-label",
                          lambda it: form.format(r=it.invoice_ref.removeprefix("INV-")))

    def _label_noisy(self, r: Remittance) -> Remittance | None:
        """Lines with an OCR-misread or transposed reference, printed with a label."""
        form = self.rng.choice(_LABELS)
        lines, changed = list(r.lines), False
        for i, (x, exp) in enumerate(zip(r.lines, self.units(r), strict=True)):
            if not _certain(exp) or exp.kind.split("/")[0] not in ("ocr", "transposition") \
                    or not x.invoice_ref:
                continue
            lines[i] = replace(x, invoice_ref=form.format(r=x.invoice_ref))
            self.c.truth[(r.id, i)] = _tag(exp, "label-noisy")
            changed = True
        return replace(r, lines=lines) if changed else None

    def _ref_text(self, r: Remittance) -> Remittance | None:
        form = self.rng.choice(_TEXTS)
        return self._refs(r, "ref-text", lambda it: form.format(
            r=it.invoice_ref, d=it.doc_date.strftime("%d.%m.%Y"), o=it.po_number or "n/a"))

    def _ref_glued(self, r: Remittance) -> Remittance | None:
        form = self.rng.choice(_GLUED)
        return self._refs(r, "ref-glued", lambda it: form.format(
            r=it.invoice_ref, c=it.customer.lstrip("0")))

    def _ref_zeros(self, r: Remittance) -> Remittance | None:
        zeros = "0" * self.rng.randint(1, 3)
        return self._refs(r, "ref-zeros", lambda it: zeros + it.invoice_ref
                          if it.invoice_ref.isdigit() else "INV-" + zeros +
                          it.invoice_ref.removeprefix("INV-"))

    def _ref_several(self, r: Remittance) -> Remittance | None:
        """The first two lines that pay an invoice in full, exactly quoted, as one line."""
        units = self.units(r)
        pair = [i for i, (x, e) in enumerate(zip(r.lines, units, strict=True))
                if _certain(e) and e.kind == "exact" and len(e.postings) == 1 and
                e.on_account == 0 and x.invoice_ref == self.items[next(iter(e.postings))]
                .invoice_ref and x.paid_amount > 0][:2]
        if len(pair) < 2:
            return None
        a, b = (r.lines[i] for i in pair)
        joined = replace(a, invoice_ref=f"{a.invoice_ref}{self.rng.choice((' / ', ', ', ' + '))}"
                         f"{b.invoice_ref}", paid_amount=a.paid_amount + b.paid_amount,
                         gross_amount=None, po_number=None)
        old = {i: self.c.truth.pop((r.id, i)) for i in range(len(units))}
        lines, n = [], 0
        for i, x in enumerate(r.lines):
            if i == pair[1]:
                continue
            if i == pair[0]:
                lines.append(joined)
                self.c.truth[(r.id, n)] = replace(
                    old[i], kind="var:ref-several/exact",
                    postings={**old[pair[0]].postings, **old[pair[1]].postings})
            else:
                lines.append(x)
                self.c.truth[(r.id, n)] = old[i]
            n += 1
        return replace(r, lines=lines)

    # -- amount habits
    def _lumped(self, r: Remittance) -> Remittance | None:
        """Lines paying items in full, 2-4 of them: one total, no lines."""
        units = self.units(r)
        if not 2 <= len(units) <= 4 or not all(
                _certain(e) and e.on_account == 0 and all(
                    p.treatments == frozenset({Treatment.CLEAR})
                    and p.cash == self.items[k].amount_minor for k, p in e.postings.items())
                for e in units):
            return None
        if not (r.payer_account or r.payer_name):
            return None
        postings: dict[ItemKey, Posting] = {}
        for e in units:
            postings.update(e.postings)
        total = to_minor(sum((x.paid_amount for x in r.lines), Decimal(0)), r.currency)
        payer = units[0].payer
        scope = [payer] + self.children.get(payer, [])
        open_ = [it for c in scope for it in self.unpaid[c] if it.currency == r.currency]
        sets = _sets(open_, postings, total)
        review = "two sets of open items fit the amount" if len(sets) > 1 else ""
        if r.payer_name and not r.payer_account and r.payer_name not in (
                self.customers[payer].name, self.customers[payer].name.upper().replace(".", "")):
            return None  # a short or alias name may be shared: keep the truth simple
        for i in range(len(units)):
            del self.c.truth[(r.id, i)]
        self.c.truth[(r.id, None)] = Expected(
            "var:lumped/amount-only", postings, payer=payer, review=review,
            alternatives=tuple(sets) if review else ())
        return replace(r, lines=[], total=from_minor(total, r.currency))

    def _partial_stated(self, r: Remittance) -> Remittance | None:
        lines, changed = list(r.lines), False
        for i, (x, exp) in enumerate(zip(r.lines, self.units(r), strict=True)):
            if not _certain(exp) or not exp.kind.endswith("/partial"):
                continue
            (key, posting), = exp.postings.items()
            rest = self.items[key].amount_minor - posting.cash
            lines[i] = replace(x, deduction=from_minor(rest, r.currency),
                               deduction_reason=self.rng.choice(_PARTIAL))
            self.c.truth[(r.id, i)] = _tag(exp, "partial-stated")
            changed = True
        return replace(r, lines=lines) if changed else None

    def _reason_lang(self, r: Remittance) -> Remittance | None:
        lines, changed = list(r.lines), False
        for i, (x, exp) in enumerate(zip(r.lines, self.units(r), strict=True)):
            if not _certain(exp) or x.deduction_reason not in _REASONS:
                continue
            lines[i] = replace(x, deduction_reason=self.rng.choice(_REASONS[x.deduction_reason]))
            self.c.truth[(r.id, i)] = _tag(exp, "reason-lang")
            changed = True
        return replace(r, lines=lines) if changed else None

    def _cent_off(self, r: Remittance) -> Remittance | None:
        """Lines paid in full, each one cent short; the total follows."""
        units = self.units(r)
        if not all(_certain(e) and e.kind.split("/")[-1] not in (
                "deduction", "small", "partial", "overpay", "discount-late", "discount")
                and len(e.postings) == 1 and e.on_account == 0 for e in units):
            return None
        lines = []
        for i, (x, exp) in enumerate(zip(r.lines, units, strict=True)):
            (key, posting), = exp.postings.items()
            item = self.items[key]
            if item.amount_minor <= 0 or posting.cash != item.amount_minor or x.discount \
                    or write_off_tolerance(r.currency, item.amount_minor) < 1:
                lines.append(x)
                continue
            cash = posting.cash - 1
            lines.append(replace(x, paid_amount=from_minor(cash, r.currency)))
            self.c.truth[(r.id, i)] = replace(
                _tag(exp, "cent-off"), postings={key: Posting(cash, _SHORT_WITHIN)})
        if lines == r.lines:
            return None
        total = sum((x.paid_amount for x in lines), Decimal(0))
        return replace(r, lines=lines, total=total)

    def _named_payer(self, r: Remittance, units: list[Expected]) -> Customer | None:
        """The customer an advice names by its printed name alone (no account), or None."""
        if not r.payer_name or r.payer_account:
            return None
        c = self.customers[units[0].payer]
        return c if r.payer_name in (c.name, c.name.upper().replace(".", "")) else None

    def _name_typo(self, r: Remittance) -> Remittance | None:
        units = self.units(r)
        c = self._named_payer(r, units)
        if c is None:
            return None
        for i, exp in enumerate(units):
            self.c.truth[(r.id, i if r.lines else None)] = _tag(exp, "name-typo")
        return replace(r, payer_name=_typo(self.rng, r.payer_name))

    def _legal_form(self, r: Remittance) -> Remittance | None:
        units = self.units(r)
        c = self._named_payer(r, units)
        if c is None:
            return None
        stem = c.name.rsplit(" ", 1)[0]
        for i, exp in enumerate(units):
            self.c.truth[(r.id, i)] = _tag(exp, "legal-form")
        return replace(r, payer_name=f"{stem} {self.rng.choice(_LEGAL)}")


def varied(seed: int = 7, payments: int = 1500, share: float = 0.6) -> Corpus:
    """The tune corpus of ``seed`` with ``share`` of its remittances re-printed."""
    return _Variation(generate(seed, payments=payments), seed).run(share)


def main(argv: list[str] | None = None) -> int:
    from bench.cashapp_heldout import REASON_CODES, reason_codes_right
    from bench.cashapp_quality import score
    from bots.cashapp import match, policy_from_config

    seeds = [int(a) for a in (argv if argv is not None else sys.argv[1:])] or [7, 11, 13]
    policy = policy_from_config({}, "bench", reason_codes=REASON_CODES)
    total = None
    for seed in seeds:
        corpus = varied(seed)
        result = match(corpus.open_items, corpus.remittances, corpus.customers, policy,
                       already_applied=corpus.already_applied)
        s = score(corpus, result)
        total = s if total is None else total + s
    assert total is not None
    print(f"variations seeds {seeds}: recall {total.recall:.4f} "
          f"({total.units_auto_right}/{total.units_certain}), precision "
          f"{total.precision:.4f} ({total.right_auto_rows}/{total.auto_rows}), "
          f"never {dict(total.never)}")
    print("  reason codes of stated deductions right: {} of {}".format(
        *reason_codes_right(total)))
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, cell in total.by_kind.items():
        habit = kind.split("/")[0] if kind.startswith("var:") else "tune:" + kind
        per[habit][0] += cell.rows
        per[habit][1] += cell.wrong
    for habit, (rows, missed) in sorted(per.items()):
        print(f"  {habit:<34} {rows:>6} units  recall {1 - missed / rows:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
