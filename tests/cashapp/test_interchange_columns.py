"""The column-by-column open-item reader gives what the row-by-row check gives, and the
proposals are written in the spec's order with the v1.2 columns."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bots import interchange
from bots.cashapp.engine import MatchResult, MatchStats, Unmatched
from bots.cashapp.table import OpenItemTable
from bots.domain import Decision, Proposal, Treatment
from bots.interchange import OPEN_ITEM_COLUMNS, PROPOSAL_COLUMNS, read_open_items

GOOD = ["1000", "0000100042", "1800000123", "2026", "001", "90012345", "PO-7781",
        "2026-03-01", "2026-03-31", "USD", "10500.00", "2", "2026-03-15"]
#: Per column, values the reader must take or refuse exactly as the row-by-row check does.
CELLS = {
    "company_code": ["1000", "", " 1000", "'=1000"],
    "customer": ["0000100042", "0000100043", "", "0000100042 ", "\u00a00000100042"],
    "document_no": ["1800000123", "", " 18", "'-18", "18\u2003"],
    "fiscal_year": ["2026", ""],
    "line_item": ["001", "", "'@1"],
    "invoice_ref": ["90012345", "", " A-77 ", "'=HYPERLINK(1)", "'quoted", "x\u3000"],
    "po_number": ["PO-7781", "", " PO-1", "'+PO"],
    "doc_date": ["2026-03-01", "", "2026-02-30", "20260301", " 2026-03-01", "01.03.2026"],
    "due_date": ["2026-03-31", "", "2026-13-01"],
    "currency": ["USD", "JPY", "KWD", "usd", "US", "", " EUR"],
    "amount": ["10500.00", "-12.50", "+3", "150000", "1.5", "99.999", "1,200.00", "12.",
               ".5", "1e3", " 12.00", "0001.50", "1" * 18, "1" * 19, "1" * 17 + ".00",
               "9" * 16 + ".99", "'-12.50", "", "12.345", "-0"],
    "discount_pct": ["", "2", "2.5", "100", "-1", "x", " 3", "99.999"],
    "discount_date": ["", "2026-03-15", "2026-3-15", "nope"],
}


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OPEN_ITEM_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def _both(path: Path) -> tuple[tuple[list[tuple[object, ...]], list[str]], ...]:
    def seen(table: OpenItemTable, problems: list[interchange.BadRow]) -> tuple[
            list[tuple[object, ...]], list[str]]:
        items = [(it.key, it.currency, it.amount, it.doc_date, it.due_date, it.invoice_ref,
                  it.po_number, it.discount_pct, it.discount_date) for it in table]
        return items, [str(p) for p in problems]

    return seen(*read_open_items(path)), seen(*interchange._open_items_by_row(path))


@given(st.lists(st.fixed_dictionaries({c: st.sampled_from(v) for c, v in CELLS.items()}),
                min_size=1, max_size=12))
def test_columns_give_what_the_row_check_gives(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("open") / "OPEN.csv"
    path.write_bytes(_csv([[row[c] for c in OPEN_ITEM_COLUMNS] for row in rows]))
    fast, reference = _both(path)
    assert fast == reference


@pytest.mark.parametrize("text", [
    b"\xef\xbb\xbf" + _csv([GOOD]),                       # a byte-order mark
    _csv([GOOD, GOOD]).replace(b"\n", b"\r\n"),           # CRLF
    _csv([GOOD]) + b"\n" + _csv([GOOD]).split(b"\n", 1)[1],  # a blank line
    _csv([GOOD[:5] + ["A\nB"] + GOOD[6:]]),               # a line break inside quotes
    _csv([GOOD[:5] + ["A\rB"] + GOOD[6:]]),               # a lone CR inside quotes
    _csv([GOOD]) + b"1000,0000100042\n",                  # a short row
    _csv([GOOD]) + b",".join(x.encode() for x in GOOD) + b",extra\n",  # a long row
    _csv([GOOD]).rstrip(b"\n"),                            # no final newline
    _csv([GOOD]).replace(b"90012345", b"9001\xff2345"),   # not UTF-8 after the header
    _csv([]),                                              # a header only
])
def test_files_pyarrow_would_read_otherwise(tmp_path, text):
    path = tmp_path / "OPEN.csv"
    path.write_bytes(text)
    try:
        fast, reference = _both(path)
    except interchange.InterchangeError as exc:
        with pytest.raises(interchange.InterchangeError, match=str(exc)):
            interchange._open_items_by_row(path)
        return
    assert fast == reference


def test_a_clean_file_is_read_by_column(tmp_path, monkeypatch):
    path = tmp_path / "OPEN.csv"
    path.write_bytes(_csv([GOOD, GOOD[:2] + ["1800000124"] + GOOD[3:]]))

    def refuse(path: object) -> None:
        raise AssertionError("read row by row")

    monkeypatch.setattr(interchange, "_open_items_by_row", refuse)
    table, problems = read_open_items(path)
    assert problems == [] and list(table.amount_minor) == [1050000, 1050000]
    assert table.customer[0] is table.customer[1]  # one shared string per key
    assert table.doc_date[0] is table.doc_date[1]
    assert table[0].amount == Decimal("10500.00") and table[1].document_no == "1800000124"


def _proposal(rid: str, line: int | None, doc: str, **kw: object) -> Proposal:
    return Proposal(rid, line, "0000100042", doc, "2026", "001", Decimal("10.00"),
                    Decision.REVIEW, 0.5, "exact-ref", "why", **kw)  # type: ignore[arg-type]


def test_proposals_follow_the_remittances_then_the_line(tmp_path):
    result = MatchResult(
        proposals=[_proposal("r-2", 0, "A"), _proposal("r-2", 2, "C"),
                   _proposal("r-2", None, "", treatment=Treatment.ON_ACCOUNT,
                             reason_code="Z01"),
                   _proposal("r-1", None, "D", treatment=Treatment.RESIDUAL,
                             reason_code="Z02", alternative="a1")],
        unmatched=[Unmatched("r-3", None, "", Decimal("5.00"), "USD", "duplicate advice"),
                   Unmatched("r-2", 1, "", Decimal("5.00"), "USD", "no such invoice")],
        on_account=[], stats=MatchStats())
    path = tmp_path / "PROPOSALS.csv"
    assert interchange.write_proposals(result, path, ["r-1", "r-2", "r-3"]) == 6
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == PROPOSAL_COLUMNS
    assert [(r["remittance_id"], r["line_index"], r["document_no"]) for r in rows] == [
        ("r-1", "", "D"), ("r-2", "0", "A"), ("r-2", "1", ""), ("r-2", "2", "C"),
        ("r-2", "", ""), ("r-3", "", "")]
    assert [(r["treatment"], r["reason_code"], r["alternative"]) for r in rows] == [
        ("residual", "Z02", "a1"), ("clear", "", ""), ("", "", ""), ("clear", "", ""),
        ("on_account", "Z01", ""), ("", "", "")]
    assert rows[2]["reason"] == "Line 1 (5.00 USD) not matched: no such invoice."


LINE = {
    "invoice_ref": st.sampled_from([None, "", "90012345", "No. 9001"]),
    "po_number": st.sampled_from([None, "PO-1"]),
    "invoice_date": st.sampled_from([None, "", "2026-03-01", "2026-02-30", "1.3.2026"]),
    "gross_amount": st.sampled_from([None, "10.00", "1e3", "10.001"]),
    "discount": st.sampled_from([None, "0.00", "0", "0.20", "-0", " 1.00"]),
    "deduction": st.sampled_from([None, "0.00", "1.5", "1,00"]),
    "deduction_reason": st.sampled_from([None, "DAMAGED"]),
    "paid_amount": st.sampled_from([None, "9.80", "+3", "1" * 19, "12.345", "0.5", "12"]),
}
REMITTANCE = {
    "id": st.sampled_from(["r-1", "r-2", "", None, " "]),
    "source": st.sampled_from([None, "inbox/a.pdf"]),
    "format": st.sampled_from([None, "pdf"]),
    "payer_name": st.sampled_from([None, "ACME Corp."]),
    "payment_date": st.sampled_from([None, "", "2026-03-12", "12/03/2026"]),
    "payment_method": st.sampled_from([None, "", "ach", "ACH", "cash"]),
    "currency": st.sampled_from(["USD", "JPY", "KWD", "usd", " EUR", "US", None]),
    "total": st.sampled_from([None, "10.00", "150000", "12.5", "0.001", "abc"]),
    "lines": st.one_of(st.none(), st.lists(st.fixed_dictionaries({}, optional=LINE),
                                           max_size=3)),
    "warnings": st.sampled_from([None, [], ["lines do not add up to total"]]),
}


@given(st.lists(st.fixed_dictionaries({}, optional=REMITTANCE), min_size=1, max_size=8),
       st.sampled_from([b"\n", b"\r\n", b"\n\n"]))
def test_remittance_columns_give_what_each_line_gives(rows, newline):
    import json

    data = newline.join(json.dumps(row).encode() for row in rows) + b"\n"
    fast = interchange.read_remittances_data(data, "REMIT.jsonl")
    assert fast == interchange._remittances_by_line(data, "REMIT.jsonl")


@pytest.mark.parametrize("text", [
    b'{"id": "r-1", "currency": "USD", "total": 12.5}\n',        # a JSON number: refused
    b'{"id": "r-1", "currency": "USD"}{"id": "r-2", "currency": "USD"}\n',  # two on a line
    b'{"id": "r-1", "id": "r-2", "currency": "USD"}\n',            # a repeated key
    b'\xef\xbb\xbf{"id": "r-1", "currency": "USD", "total": "1.00"}\n\xc2\xa0\n',
    b'{"id": "r-1", "currency": "USD", "lines": [1]}\n{not json\n',
])
def test_remittance_files_pyarrow_would_read_otherwise(text):
    fast = interchange.read_remittances_data(text, "REMIT.jsonl")
    assert fast == interchange._remittances_by_line(text, "REMIT.jsonl")


def _corpus_result():
    from bench.cashapp_corpus import generate
    from bots.cashapp import Policy, match

    corpus = generate(seed=5, customers=40, payments=120)
    result = match(corpus.open_items, corpus.remittances, corpus.customers, Policy(),
                   already_applied=corpus.already_applied)
    return result, [r.id for r in corpus.remittances]


def test_two_processes_write_the_bytes_of_one(tmp_path, monkeypatch):
    """The second half written by a forked process and appended: the same file."""
    result, order = _corpus_result()
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    rows = interchange.write_proposals(result, one, order)
    monkeypatch.setattr(interchange, "SHARED_WRITE_MIN", 2)
    assert interchange.write_proposals(result, two, order, processes=2) == rows > 200
    assert two.read_bytes() == one.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv", "two.csv"]


def test_a_failing_second_process_leaves_its_half_to_this_one(tmp_path, monkeypatch):
    """The forked writer dies: this process writes the second half itself, same bytes."""
    from bots.cashapp import halves

    result, order = _corpus_result()
    one = tmp_path / "one.csv"
    interchange.write_proposals(result, one, order)
    monkeypatch.setattr(interchange, "SHARED_WRITE_MIN", 2)
    monkeypatch.setattr(halves, "_second_half", lambda *args: os._exit(3))
    two = tmp_path / "two.csv"
    interchange.write_proposals(result, two, order, processes=2)
    assert two.read_bytes() == one.read_bytes()
    assert not (tmp_path / "two.csv.rest").exists()


def test_compact_rows_are_the_proposals_they_stand_for():
    """The engine's rows as cells = the Proposal objects made of them, as cells."""
    result, _ = _corpus_result()
    rows = result.proposals
    assert len(rows) > 200
    for n, row in enumerate(rows.rows):
        assert interchange._cells(row) == interchange._proposal_cells(rows[n])
    assert rows[0] is rows[0] and rows[:2] == [rows[0], rows[1]]
