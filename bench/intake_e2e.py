"""Benchmark: intake end to end on documents the rules were not tuned on (issue 9 goal).

Run ``python bench/intake_e2e.py`` (or ``python -m bench intake_e2e``)::

    python bench/intake_e2e.py [--docs 30] [--pdf-docs 30] [--no-pdf] [--no-f1]

Two parts:

1. **Letters: line F1 per family.** The prose letters of
   ``tests/remittance/letters_corpus`` (12 phrasings x 6 languages; the
   TUNE / HELD-OUT split is fixed in that package's docstring) read through
   the front door (:func:`bots.remittance.extract`, e-mail bytes). A line is
   right when ``invoice_ref`` and ``paid_amount`` both are; the payer name
   is counted apart.
2. **End to end: extract, then match.** For every HELD-OUT document (the
   held-out PDF families of ``tests/remittance/layouts`` and the held-out
   letter families) a small ERP world is built: the customer who pays (named
   as the document names it) with the invoices it pays (gross amounts; the
   discount terms its discount needs), and distractors: other open invoices
   of the same customer (one of them with the same amount as a paid one), and
   another customer with near-miss invoice numbers (a digit changed, two
   digits swapped) at the same amounts. The document is extracted with the
   open items known (:func:`bots.remittance.known.using`, what ``arbots
   extract --open-items`` and the nightly intake do), then matched by
   :func:`bots.cashapp.match` with the default policy. Counted per true line:
   **auto** when an ``auto`` row applies exactly its paid amount to its own
   invoice; a **false posting** is any ``auto`` row on another item or with
   another amount. Same-run baselines: the same documents extracted without
   open items, and the ground truth itself given to the engine (the engine's
   ceiling: what perfect extraction would get).

The goal (issue 9): >= 93 % of lines applied automatically, zero false postings.
``--tune`` runs part 2 on the TUNE families instead (for rule development).

Figures (2-core container, ``--docs 30 --pdf-docs 30``: 12 held-out PDF families,
24 held-out letter families, 1080 documents, 5340 lines):

FIRST blind measurement (commit 48c1c9b's bench on the reader of e9802db, before
any held-out result was seen)::

    LETTERS TUNE     line F1 1.000
    LETTERS HELD-OUT line F1 0.977, worst less-de 0.662 ("abzgl." not read), credit-it 0.844
    e2e all  (open items known): auto 92.8 %, 1 false posting (less-de: a missed
             deduction made a line look paid in full); PDFs 97.4 %, letters 83.6 %
    truth to engine: 94.3 %, 0 false postings

AFTER (commits 34ff82e to df13a73, same figures; less-de and credit-it were looked
at, so they are no longer blind; the other fixes came from tune families and
hand-written letters)::

    LETTERS TUNE 1.000, HELD-OUT 1.000 (every family 1.000; payer right 1.00)
    e2e all  (open items known): auto 98.3 %, 0 false postings, 3.8 ms/doc
             (extract + match); PDFs 97.4 %, letters 100.0 %
    without open items: the same (98.3 %, 0); truth to engine 94.3 %, 0
    --batch (each family's 30 documents in one batch, payers as customers by name):
             auto 97.9 %, 0 false postings; PDFs 97.0 %, letters 99.8 %
    (the truth carries no payment date, so the engine leaves its discounts to a
    person; H6's PDF truth carries no discount/deduction split)

Limits: the world is small (the paying customers, one other, near-miss and
same-amount distractors; one document per batch unless ``--batch``); the letters are generated
by the same hand that wrote the reader, so the hand-written letters in
``tests/remittance/test_letters.py`` are the better guide to unseen prose.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bots.cashapp import Policy, match  # noqa: E402
from bots.domain import Customer, Decision, OpenItem, Remittance, Treatment  # noqa: E402
from bots.remittance import extract  # noqa: E402
from bots.remittance.known import KnownItems, using  # noqa: E402
from tests.remittance.layouts import FAMILIES as PDF_FAMILIES  # noqa: E402
from tests.remittance.layouts import advices  # noqa: E402
from tests.remittance.letters_corpus import FAMILIES as LETTER_FAMILIES  # noqa: E402
from tests.remittance.letters_corpus import letters  # noqa: E402
from tests.remittance.pdf_corpus import line_f1  # noqa: E402

GOAL_AUTO = 0.93
_PCTS = (Decimal("1.5"), Decimal("2"), Decimal("3"))


@dataclass
class Doc:
    """One held-out document: its bytes, its truth and the items it pays (ref -> gross)."""

    family: str
    name: str
    data: bytes
    truth: Remittance
    paid_items: dict[str, Decimal]
    other_refs: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class Tally:
    lines: int = 0
    auto_right: int = 0
    false_postings: int = 0
    docs: int = 0
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.lines += other.lines
        self.auto_right += other.auto_right
        self.false_postings += other.false_postings
        self.docs += other.docs
        self.seconds += other.seconds

    def row(self) -> str:
        share = self.auto_right / self.lines if self.lines else 0.0
        per_doc = 1000 * self.seconds / self.docs if self.docs else 0.0
        return (f"{self.lines:>6} {share:>7.1%} {self.false_postings:>6} "
                f"{per_doc:>8.1f}")


# --------------------------------------------------------------------------- part 1: F1


def letters_f1(docs: int) -> None:
    """Print line F1 (and payer right) per letter family, tune and held-out."""
    print(f"\nLETTERS: line F1 per family ({docs} letters each; open items not given)")
    print(f"{'family':<18} {'part':<9} {'line F1':>8} {'payer':>6}")
    parts: dict[bool, list[tuple[Remittance | None, Remittance]]] = {False: [], True: []}
    worst: dict[bool, tuple[float, str]] = {False: (2.0, ""), True: (2.0, "")}
    for family in LETTER_FAMILIES:
        pairs = []
        payer = 0
        for letter in letters(family, docs):
            found = extract(letter.eml, letter.name + ".eml").remittances
            got = found[0] if found else None
            pairs.append((got, letter.truth))
            payer += got is not None and got.payer_name == letter.truth.payer_name
        f1 = line_f1(pairs)
        parts[family.held_out] += pairs
        worst[family.held_out] = min(worst[family.held_out], (f1, family.name))
        print(f"{family.name:<18} {'held-out' if family.held_out else 'tune':<9} "
              f"{f1:>8.3f} {payer / docs:>6.2f}")
    for held in (False, True):
        print(f"LETTERS {'HELD-OUT' if held else 'TUNE'}: line F1 {line_f1(parts[held]):.3f}, "
              f"worst {worst[held][1]} {worst[held][0]:.3f}")


# --------------------------------------------------------------------------- part 2: e2e


def held_out_docs(pdf_docs: int, letter_docs: int, held: bool = True) -> Iterator[Doc]:
    """The held-out PDFs and letters (``held=False``: the tune ones), with what each pays."""
    for pdf_family in PDF_FAMILIES:
        if pdf_family.held_out != held or not pdf_docs:
            continue
        for advice in advices(pdf_family, pdf_docs, seed=11):
            paid = {ref: gross for ref, gross in advice.open_items[:len(advice.truth.lines)]}
            yield Doc(f"pdf:{pdf_family.name}", advice.name, advice.pdf, advice.truth, paid,
                      advice.open_items[len(advice.truth.lines):])
    for family in LETTER_FAMILIES:
        if family.held_out != held:
            continue
        for letter in letters(family, letter_docs, seed=5):
            yield Doc(f"letter:{family.name}", letter.name, letter.eml, letter.truth,
                      dict(letter.open_items))


def _near_miss(ref: str, rng: random.Random) -> str:
    """A reference one keystroke away: a digit changed or two neighbouring digits swapped."""
    digits = [i for i, c in enumerate(ref) if c.isdigit()]
    chars = list(ref)
    if len(digits) >= 2 and rng.random() < 0.5:
        i = rng.choice(digits[:-1])
        j = i + 1 if i + 1 in digits else i
        if chars[i] != chars[j]:
            chars[i], chars[j] = chars[j], chars[i]
            return "".join(chars)
    i = rng.choice(digits)
    chars[i] = str((int(chars[i]) + rng.randint(1, 9)) % 10)
    return "".join(chars)


def world(group: list[Doc]) -> tuple[list[OpenItem], list[Customer],
                                      dict[str, tuple[int, str]]]:
    """(open items, customers, document_no -> (index in ``group``, invoice ref)) of the
    documents matched together: what each pays, then the distractors (module docstring).

    Customers are the payers by name (two letters of one payer: one customer); a
    distractor never takes an invoice number that is already open.
    """
    other = Customer("0000900077", "Other Customer Trading GmbH")
    numbers: dict[str, str] = {}
    items: list[OpenItem] = []
    owner: dict[str, tuple[int, str]] = {}
    used: set[str] = set()

    def add(i: int, customer: str, ref: str, amount: Decimal, pct: Decimal | None) -> None:
        if ref in used:
            return
        used.add(ref)
        number = f"18{len(items):08d}"
        owner[number] = (i, ref)
        items.append(OpenItem(
            "1000", customer, number, "2026", "001", group[i].truth.currency, amount,
            date(2026, 3, 1), date(2026, 4, 30), invoice_ref=ref,
            discount_pct=pct, discount_date=date(2026, 12, 31) if pct else None))

    payers = [numbers.setdefault(doc.truth.payer_name or "Unknown payer",
                                 f"{100042 + len(numbers):010d}") for doc in group]
    for i, doc in enumerate(group):
        truth_lines = {x.invoice_ref: x for x in doc.truth.lines}
        for ref, gross in doc.paid_items.items():
            add(i, payers[i], ref, gross, _discount_pct(gross, truth_lines.get(ref)))
    for i, doc in enumerate(group):
        rng = random.Random(doc.name)
        for ref, amount in doc.other_refs[:3]:
            add(i, payers[i], ref, amount, None)
        first_ref, same_amount = next(iter(doc.paid_items.items()))
        add(i, payers[i], _near_miss(first_ref, rng) + "9", same_amount, None)
        for ref, gross in doc.paid_items.items():
            add(i, other.number, _near_miss(ref, rng), gross, None)
    customers = [Customer(no, name) for name, no in numbers.items()] + [other]
    return items, customers, owner


def _discount_pct(gross: Decimal, line: object) -> Decimal | None:
    """The discount percent whose rounding gives the discount the line takes, if any."""
    paid = getattr(line, "paid_amount", None)
    if paid is None or gross <= 0:
        return None
    for pct in _PCTS:
        if gross - (gross * pct / 100).quantize(Decimal("0.01")) == paid or \
                gross - (gross * pct / 100).quantize(Decimal("0.01"), "ROUND_HALF_UP") == paid:
            return pct
    return None


def judge(group: list[Doc], read_docs: list[Remittance | None], items: list[OpenItem],
          customers: list[Customer], owner: dict[str, tuple[int, str]]) -> Tally:
    """Match the read documents in one batch; count right autos and false postings.

    Cash the engine parks on the payer's account (treatment ``on_account``: an
    unsure line's money, no invoice touched) is neither: it waits for a person.
    """
    tally = Tally(lines=sum(len(doc.truth.lines) for doc in group), docs=len(group))
    present = [r for r in read_docs if r is not None]
    if not present:
        return tally
    result = match(items, present, customers, Policy())
    index = {r.id: i for i, r in enumerate(read_docs) if r is not None}
    done: set[tuple[int, str]] = set()
    for p in result.proposals:
        if p.decision != Decision.AUTO or p.treatment == Treatment.ON_ACCOUNT:
            continue
        i = index.get(p.remittance_id, -1)
        item_doc, ref = owner.get(p.document_no, (-2, ""))
        want = {x.invoice_ref: x.paid_amount for x in group[i].truth.lines} if i >= 0 else {}
        if item_doc == i and ref in want and (i, ref) not in done \
                and p.applied_amount == want[ref]:
            tally.auto_right += 1
            done.add((i, ref))
        else:
            tally.false_postings += 1
    return tally


def read(doc: Doc, known: KnownItems | None) -> Remittance | None:
    """The document through the front door, its remittances' lines merged into one."""
    with using(known):
        found = extract(doc.data, doc.name + (".pdf" if doc.family.startswith("pdf") else ".eml"))
    if not found.remittances:
        return None
    first = found.remittances[0]
    first.lines = [line for r in found.remittances for line in r.lines]
    return first


def end_to_end(pdf_docs: int, letter_docs: int, held: bool = True, batch: bool = False) -> int:
    """Print the per-family table and the overall figures; 0 when the goal is met."""
    runs = ("open items known", "without open items", "truth to engine")
    per_family: dict[str, dict[str, Tally]] = defaultdict(lambda: {r: Tally() for r in runs})
    groups: dict[str, list[Doc]] = defaultdict(list)
    for n, doc in enumerate(held_out_docs(pdf_docs, letter_docs, held)):
        groups[doc.family if batch else f"{doc.family}#{n}"].append(doc)
    for group in groups.values():
        items, customers, owner = world(group)
        known = KnownItems.of((i.invoice_ref, i.amount) for i in items)
        for run in runs:
            started = time.perf_counter()
            if run == "truth to engine":
                got: list[Remittance | None] = [
                    replace(doc.truth, id=f"r-truth-{n}",
                            lines=list(doc.truth.lines))
                    for n, doc in enumerate(group)]
            else:
                got = [read(doc, known if run == "open items known" else None)
                       for doc in group]
            tally = judge(group, got, items, customers, owner)
            tally.seconds = time.perf_counter() - started
            per_family[group[0].family][run].add(tally)
    print(f"\nEND TO END on {'held-out' if held else 'TUNE'} documents (extract + "
          f"bots.cashapp.match, default policy; "
          f"{'one batch per family' if batch else 'one batch per document'})")
    print(f"{'family':<24}" + "".join(f" | {r[:20]:<20} lines  auto%  false  ms/doc"
                                      for r in runs[:1]) + "   (baselines: auto%/false)")
    overall: dict[str, dict[str, Tally]] = defaultdict(lambda: {r: Tally() for r in runs})
    for name in sorted(per_family):
        row = per_family[name]
        kind = name.split(":")[0]
        for run in runs:
            overall[kind][run].add(row[run])
            overall["all"][run].add(row[run])
        print(f"{name:<24} | {'':<20}{row[runs[0]].row()}   " + "  ".join(
            f"{_share(row[r]):.1%}/{row[r].false_postings}" for r in runs[1:]))
    status = 0
    for kind in ("pdf", "letter", "all"):
        if kind not in overall:
            continue
        line = overall[kind]
        print(f"OVERALL {kind:<7} " + "; ".join(
            f"{run}: {line[run].lines} lines, auto {_share(line[run]):.1%}, false postings "
            f"{line[run].false_postings}, {1000 * line[run].seconds / max(1, line[run].docs):.1f}"
            " ms/doc" for run in runs))
    best = overall["all"][runs[0]]
    if _share(best) < GOAL_AUTO or best.false_postings:
        status = 1
    print(f"goal: auto >= {GOAL_AUTO:.0%} with zero false postings (open items known): "
          f"{'met' if not status else 'NOT met'}")
    return status


def _share(t: Tally) -> float:
    return t.auto_right / t.lines if t.lines else 0.0


def main(argv: list[str] | None = None) -> int:
    """Run both parts; 0 when the end-to-end goal is met."""
    parser = argparse.ArgumentParser(prog="bench intake_e2e", description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=30, help="letters per family")
    parser.add_argument("--pdf-docs", type=int, default=30, help="PDFs per held-out family")
    parser.add_argument("--no-pdf", action="store_true", help="letters only")
    parser.add_argument("--no-f1", action="store_true", help="skip the letters F1 table")
    parser.add_argument("--batch", action="store_true",
                        help="match each family's documents in one batch (one ERP world)")
    parser.add_argument("--tune", action="store_true",
                        help="end to end on the TUNE families (for rule development)")
    args = parser.parse_args(argv)
    if not args.no_f1:
        letters_f1(args.docs)
    return end_to_end(0 if args.no_pdf else args.pdf_docs, args.docs, held=not args.tune,
                      batch=args.batch)


if __name__ == "__main__":
    sys.exit(main())
