"""The demo data generator: deterministic, and shaped like an AR ledger."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from sap_sandbox import TODAY, sql

from bots.sandbox.sap import generate


def _snapshot(path: Path) -> list[tuple]:
    return sql(path, "SELECT BUKRS, KUNNR, BELNR, WRBTR, XBLNR, ZUONR, BUDAT FROM BSID "
               "ORDER BY BUKRS, BELNR")


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate(tmp_path / f"{name}.sqlite", customers=20, items=300, seed=seed, today=TODAY)
    a, b, c = (_snapshot(tmp_path / f"{n}.sqlite") for n in "abc")
    assert a == b and a != c


def test_default_demo_is_a_realistic_ledger(tmp_path: Path) -> None:
    db = tmp_path / "sap.sqlite"
    summary = generate(db, today=TODAY)
    assert summary.customers >= 60 and summary.open_items >= 3000
    assert sql(db, "SELECT BUKRS, WAERS FROM T001 ORDER BY BUKRS") == [("1000", "USD"),
                                                                       ("2000", "EUR")]
    assert sql(db, "SELECT count(DISTINCT KONZS) FROM KNA1 WHERE KONZS <> ''")[0][0] >= 5
    emails = [e for (e,) in sql(db, "SELECT INTAD FROM KNB1")]
    assert all(e.endswith((".example.com", ".example.net")) for e in emails)
    terms = {t for (t,) in sql(db, "SELECT ZTERM FROM KNB1")}
    assert {"Z210", "N30", "N45", "N60"} <= terms
    kinds = Counter(b for (b,) in sql(db, "SELECT BLART FROM BSID"))
    assert kinds["RV"] > 2500 and kinds["DG"] > 50 and kinds["DZ"] > 50
    assert sql(db, "SELECT count(*) FROM BSID WHERE WAERS = 'JPY'")[0][0] > 10
    assert sql(db, "SELECT count(*) FROM BSID WHERE RSTGR <> '' AND REBZG <> ''")[0][0] > 10
    assert sql(db, "SELECT count(*) FROM BSID WHERE XBLNR = BELNR")[0][0] == 0
    assert sql(db, "SELECT count(*) FROM BSID WHERE ZUONR LIKE 'PO-%'")[0][0] > 2000
    assert {level for (level,) in sql(db, "SELECT DISTINCT MANST FROM BSID")} >= \
        {"0", "1", "2", "3"}
    ages = Counter()
    for baseline, days1, days2 in sql(db, "SELECT ZFBDT, ZBD1T, ZBD2T FROM BSID "
                                      "WHERE BLART = 'RV'"):
        due = date.fromordinal(date(int(baseline[:4]), int(baseline[4:6]),
                                    int(baseline[6:])).toordinal() + (days2 or days1))
        late = (TODAY - due).days
        ages[0 if late <= 0 else 30 if late <= 30 else 60 if late <= 60 else
             90 if late <= 90 else 999] += 1
    assert all(ages[bucket] > 150 for bucket in (0, 30, 60, 90, 999)), ages
