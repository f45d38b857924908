"""Learning from corrections (issue 9, item 8): a corrected invoice reference in the
worklist teaches the payer's layout, and the next advice of that payer reads right.

The advice is a sheet with two document-number columns whose headers say
nothing ("Doc No." beside "Document"): read blind, the payer's voucher in the
left column wins.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from bots.cli import main
from bots.config import Config
from bots.domain import OpenItem, RunStatus, Trigger
from bots.pipeline.review import Correction, read_corrections
from bots.pipeline.worklist_file import load_worklist
from bots.remittance.learned import Layout
from bots.runner import run_bots
from bots.sandbox.world import demo_mailbox_path
from bots.sap import connect
from bots.store import Store


def _open_items(world: Config) -> list[OpenItem]:
    with connect(world.sap) as sap:
        return [i for i in sap.iter_open_items(world.sap.company_codes,
                                               datetime.now(UTC).date())
                if i.invoice_ref and i.amount > 0][:2]


def _send(world: Config, payer: str, items: list[OpenItem], voucher: int, name: str) -> None:
    """An e-mail with a CSV advice of ``payer`` paying ``items`` (vouchers from ``voucher``)."""
    rows = "".join(f"{voucher + n},{i.invoice_ref},{i.amount}\n" for n, i in enumerate(items))
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "ap@payer.example", "ar@us.example", "Remittance"
    msg.set_content("Please find our payment advice attached.")
    advice = f"Payer: {payer}\nPayment ref: {name}\nDoc No.,Document,Amount Paid\n" + rows
    msg.add_attachment(advice.encode(), maintype="text", subtype="csv", filename="advice.csv")
    inbox = demo_mailbox_path(world)
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / f"{name}.eml").write_bytes(bytes(msg))


def _refs_of(world: Config, payment_ref: str) -> list[str]:
    with Store(world.store_path) as store:
        bodies = [json.loads(r["body"]) for r in store.db.execute("SELECT body FROM remittances")]
    [body] = [b for b in bodies if b.get("payment_ref") == payment_ref]
    return [line["invoice_ref"] for line in body["lines"]]


def _correct(worklist: Path, read_as: str, meant: str) -> Path:
    """The worklist with ``meant`` written as the corrected reference of the row read as
    ``read_as`` (on whichever sheet the run put it)."""
    book = load_workbook(worklist)
    for name in ("Cash review", "Unmatched"):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        ref, col = header.index("Invoice reference"), header.index("Corrected invoice ref")
        for cells in sheet.iter_rows(min_row=2):
            if cells[ref].value == read_as:
                cells[col].value = meant
                out = worklist.with_name("corrected.xlsx")
                book.save(out)
                return out
    raise AssertionError(f"no worklist row reads {read_as}")


def _night_and_correction(world: Config, meant: str | None = None) -> tuple[list[str], Path]:
    """The blind night run of ACME's advice and a worklist correcting its first line."""
    items = _open_items(world)
    ours = [i.invoice_ref or "" for i in items]
    _send(world, "ACME Corp", items, 5100000000, "PAY-1")
    night = run_bots(world, ("intake", "cashapp"), Trigger.ON_DEMAND)
    assert _refs_of(world, "PAY-1") == ["5100000000", "5100000001"]  # read blind: wrong
    return ours, _correct(night.report_dir / "worklist.xlsx", "5100000000", meant or ours[0])


def test_a_correction_teaches_the_payers_layout(world: Config,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ours, corrected = _night_and_correction(world)
    review = run_bots(world, ("review",), Trigger.ON_DEMAND,
                      inputs={"review_file": corrected})
    assert review.status == RunStatus.OK, review.report.bots[0].errors
    assert review.report.bots[0].counts["templates_learned"] == 1
    with Store(world.store_path) as store:
        [template] = store.learned_templates()
    assert (template["payer"], template["label"]) == ("acme corp", "Document")

    items = _open_items(world)
    _send(world, "ACME Corp", items, 5200000000, "PAY-2")  # same payer, same layout
    _send(world, "Other Trading Ltd", items, 5300000000, "PAY-3")  # same layout, other payer
    run_bots(world, ("intake",), Trigger.ON_DEMAND)  # no open items known
    assert _refs_of(world, "PAY-2") == ours
    assert _refs_of(world, "PAY-3") == ["5300000000", "5300000001"]

    monkeypatch.chdir(world.home)  # the CLI finds the store below the current folder
    config = str(world.home / "site.toml")
    advice = world.home / "advice.csv"  # arbots extract --config reads with them too
    advice.write_text("Payer: ACME Corp\nDoc No.,Document,Amount Paid\n"
                      f"5500000000,{ours[0]},10.00\n", encoding="utf-8")
    extracted = CliRunner().invoke(main, ["extract", str(advice), "--config", config])
    assert extracted.exit_code == 0 and f'"invoice_ref": "{ours[0]}"' in extracted.output, \
        extracted.output
    listed = CliRunner().invoke(main, ["review", "templates", "--payer", "ACME Corp.",
                                       "--config", config])
    assert listed.exit_code == 0 and "Document" in listed.output, listed.output
    forgot = CliRunner().invoke(main, ["review", "templates", "--forget",
                                       str(template["id"]), "--config", config])
    assert forgot.exit_code == 0, forgot.output
    _send(world, "ACME Corp", items, 5400000000, "PAY-4")
    run_bots(world, ("intake",), Trigger.ON_DEMAND)
    assert _refs_of(world, "PAY-4") == ["5400000000", "5400000001"]  # blind again
    again = CliRunner().invoke(main, ["review", "templates", "--forget",
                                      str(template["id"]), "--config", config])
    assert again.exit_code == 1


def test_a_reference_the_advice_prints_nowhere_teaches_nothing(world: Config) -> None:
    _ours, corrected = _night_and_correction(world, meant="9999999999")
    review = run_bots(world, ("review",), Trigger.ON_DEMAND,
                      inputs={"review_file": corrected})
    section = review.report.bots[0]
    assert section.counts["templates_learned"] == 0
    assert any("9999999999 appears nowhere in the advice" in w.why for w in section.waiting)
    with Store(world.store_path) as store:
        assert store.learned_templates() == []


def test_corrections_are_read_from_both_sheets(tmp_path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for sheet, ref, corrected in (("Cash review", "5100000000", "90012345"),
                                  ("Unmatched", "5100000001", "'90012346")):
        ws = book.create_sheet(sheet)
        ws.append(["Remittance", "Invoice reference", "Decision", "Corrected invoice ref"])
        ws.append(["rem-1", ref, None, corrected])
        ws.append(["rem-1", "5100000002", None, None])  # not corrected
    path = tmp_path / "worklist.xlsx"
    book.save(path)
    assert read_corrections(load_worklist(path)) == [
        Correction("Cash review", 2, "rem-1", "5100000000", "90012345"),
        Correction("Unmatched", 2, "rem-1", "5100000001", "90012346")]


def test_the_store_keeps_one_template_per_payer_and_layout(tmp_path: Path) -> None:
    layout = Layout("layout-1", "csv", "acme corp", ("Doc No.", "Document"), "Doc No.", ())
    with Store(tmp_path / "s.sqlite") as store:
        first = store.learn_template(layout, "Document", "clerk-a")
        again = store.learn_template(layout, "Doc No.", "clerk-b")  # learned again: replaced
        assert first == again
        [row] = store.learned_templates("acme corp")
        assert (row["label"], row["learned_by"]) == ("Doc No.", "clerk-b")
        assert store.learned_templates("other") == []
        assert store.forget_template(first, "clerk-c") and not store.learned_hints()
        events = [(r["kind"], r["event"]) for r in store.audit_log()]
    assert events == [("learned_template", "learned")] * 2 + [("learned_template", "forgotten")]
