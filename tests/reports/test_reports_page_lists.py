"""report.html's lists: folded when long, amounts and sent documents on external writes,
CSV exports beside the page, the cash trend as a chart."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from reports_samples import FORMULA, SCRIPT, busy_report

from bots.domain import Trigger
from bots.reports import WriteRecord, WriteState, render_html, write_run_report
from bots.reports.csv_export import csv_exports, worklist_file
from bots.reports.html_report import COLLAPSE_ROWS
from bots.reports.metrics import CashFigures, Rate, TrendPoint
from bots.store import Store
from bots.takeover import write_records


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str) -> list[Node]:
        found = [self] if self.tag == tag else []
        for child in self.children:
            found += child.all(tag)
        return found

    def content(self) -> str:
        return self.text + "".join(child.content() for child in self.children)


class _Tree(HTMLParser):
    """The page as a browser's parser nests it (void elements closed at once)."""

    VOID = {"meta", "br", "rect", "line", "polyline"}

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#root", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.open[-1].children.append(node)
        if tag not in self.VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.open[-1].tag != tag:
            self.open.pop()
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(Node("#text", {}, text=data))


def _tree(page: str) -> Node:
    parser = _Tree()
    parser.feed(page)
    parser.close()
    return parser.root


def _section(root: Node, heading: str) -> Node:
    return next(s for s in root.all("section")
                if any(h.content().startswith(heading) for h in s.all("h2")))


def _writes(n: int) -> list[WriteRecord]:
    return [WriteRecord("SAP", "save note", f"1000/{i:010d}", f"note-{i}", WriteState.DONE)
            for i in range(n)]


def test_a_long_list_is_folded_with_its_row_count() -> None:
    report = busy_report()
    report.external_writes = _writes(COLLAPSE_ROWS + 1)
    section = _section(_tree(render_html(report)), "External writes")
    (details,) = section.all("details")
    assert details.all("summary")[0].content() == f"{COLLAPSE_ROWS + 1} rows"
    assert len(details.all("table")[0].all("tbody")[0].all("tr")) == COLLAPSE_ROWS + 1

    report.external_writes = _writes(COLLAPSE_ROWS)
    section = _section(_tree(render_html(report)), "External writes")
    assert section.all("details") == [] and len(section.all("table")) == 1


def test_external_writes_carry_amounts_and_link_the_sent_pdf(tmp_path: Path) -> None:
    with Store(tmp_path / "arbots.sqlite") as store:
        run = store.start_run(Trigger.SCHEDULE, ("cashapp", "portals"))
        ledger = store.ledger(run.id)
        ledger.begin("posting", "pay-1", "1000/0000100042",
                     {"amount": "10290.00", "currency": "USD", "remittance": "r-1"})
        ledger.done("pay-1", {"document": "1400009999"})
        ledger.begin("portal_submission", "sub-1", "coupa main:0000100042",
                     {"invoice_no": "INV/7", "currency": "JPY", "total": "150000",
                      "customer": "0000100042"})
        ledger.begin("portal_submission", "sub-2", "ariba:0000100043",
                     {"invoice_no": "INV-8", "currency": "EUR", "total": "9.90"})
        ledger.begin("collection_note", "note-1", "1000/0000100042", {"text": "called"})
        ledger.begin("posting", "pay-nan", "1000/0000100042",
                     {"amount": "NaN", "currency": "USD"})  # no amount rather than a crash
        records = write_records(store, run.id)
    assert [(w.currency, w.amount) for w in records] == [
        ("USD", Decimal("10290.00")), ("JPY", Decimal("150000")), ("EUR", Decimal("9.90")),
        ("", None), ("", None)]
    assert records[1].files == ("portals/coupa_main/INV_7.pdf", "portals/coupa_main/INV_7.xml")

    run_dir = tmp_path / "run"
    (run_dir / "portals" / "coupa_main").mkdir(parents=True)
    (run_dir / "portals" / "coupa_main" / "INV_7.pdf").write_bytes(b"%PDF-1.4")
    report = busy_report()
    report.external_writes = records
    paths = write_run_report(run_dir, report)
    section = _section(_tree(paths.html.read_text(encoding="utf-8")), "External writes")
    header = [th.content() for th in section.all("th")]
    rows = [[td for td in tr.all("td")] for tr in section.all("tbody")[0].all("tr")]
    amounts = [row[header.index("Amount")].content() for row in rows]
    assert amounts == ["USD 10,290.00", "JPY 150,000", "EUR 9.90", "", ""]
    sent = [[a.attrs["href"] for a in row[header.index("Sent")].all("a")] for row in rows]
    assert sent == [[], ["portals/coupa_main/INV_7.pdf"], [], [], []]  # only what is there


def test_every_list_has_a_csv_beside_the_page_guarded_against_formulas(tmp_path: Path) -> None:
    report = busy_report()
    report.external_writes.append(WriteRecord("portal", "submit invoice", FORMULA, "sub-x",
                                              WriteState.DONE, "KWD", Decimal("1.5")))
    paths = write_run_report(tmp_path, report)
    links = {a.attrs["href"] for a in _tree(paths.html.read_text(encoding="utf-8")).all("a")
             if (a.attrs.get("href") or "").endswith(".csv")}
    # every list shown links its file (no cash figures here: no trend to link)
    assert links == {p.name for p in paths.csv} - {"cash-trend.csv"}
    assert {"external-writes.csv", "inputs.csv", "errors.csv", "waiting.csv",
            worklist_file("Cash review")} <= links
    assert all((tmp_path / name).is_file() for name in links)

    def rows(name: str) -> list[dict[str, str]]:
        text = (tmp_path / name).read_bytes().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    writes = rows("external-writes.csv")
    assert [w["amount"] for w in writes] == ["10290.00", "", "1.500"]
    assert writes[2]["target"] == "'" + FORMULA and writes[1]["target"] == f"90012345 {SCRIPT}"
    review = rows(worklist_file("Cash review"))
    assert review[0]["payer_name"] == f"'-{SCRIPT}" and review[0]["applied_amount"] == \
        "10290.00"
    assert [e["bot"] for e in rows("errors.csv")] == ["remittance", "portals"]
    assert len(rows("waiting.csv")) == 2
    assert rows("cash-trend.csv") == []
    assert set(csv_exports(report)) == {p.name for p in paths.csv}


def _point(day: int, auto: int, invoice: Rate) -> TrendPoint:
    return TrendPoint(f"run-{day}", datetime(2026, 4, day, 2, tzinfo=UTC), 10, auto, invoice,
                      Rate(9, 10))


def test_the_cash_trend_is_a_chart_and_a_gap_breaks_its_line() -> None:
    trend = (_point(10, 8, Rate(8, 10)), _point(11, 9, Rate(0, 0, pending=3)),
             _point(12, 10, Rate(10, 10)))
    report = busy_report()
    report.cash = CashFigures(run_id="run-12", lines=10, lines_auto=10, invoice=Rate(10, 10),
                              header=Rate(9, 10), by_company_code=(), by_customer=(),
                              on_account=(), trend=trend)
    root = _tree(render_html(report))
    (svg,) = [s for s in root.all("svg")
              if s.attrs.get("aria-label") == "Cash application across the last runs"]
    dots = [c.content() for c in svg.all("circle")]
    assert dots.count("Auto rate: 100.0 %") == 1 and "Auto rate: 80.0 %" in dots
    assert [d for d in dots if d.startswith("Invoice hits")] == [
        "Invoice hits: 80.0 %", "Invoice hits: 100.0 %"]  # run-11 judged nothing
    assert len(svg.all("polyline")) == 2  # auto and header rates; the invoice line is broken
    labels = [t.content() for t in svg.all("text")]
    assert {"04-10", "04-11", "04-12"} <= set(labels)

    report.cash = replace(report.cash, trend=trend[:1])
    assert not any(s.attrs.get("aria-label") == "Cash application across the last runs"
                   for s in _tree(render_html(report)).all("svg"))


def test_hostile_file_names_of_writes_are_escaped_and_outside_paths_not_linked() -> None:
    report = busy_report()
    report.external_writes = [replace(report.external_writes[0],
                                      files=(f"portals/{SCRIPT}.pdf", "/etc/passwd",
                                             "javascript:alert(1)"))]
    page = render_html(report)
    assert SCRIPT not in page
    section = _section(_tree(page), "External writes")
    hrefs = [a.attrs["href"] for a in section.all("a") if not a.attrs["href"].endswith(".csv")]
    assert hrefs == ["portals/%3Cscript%3Ealert%281%29%3C/script%3E.pdf"]
    assert "/etc/passwd" in section.content()
