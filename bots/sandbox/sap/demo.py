"""Demo data for the SAP sandbox: seeded, deterministic, realistic enough to learn from.

``generate(path, customers=70, items=3200, seed=7)`` writes a new sandbox
file with:

* company codes 1000 (USD, New York) and 2000 (EUR, Hamburg); TCURX with
  the currencies that do not have 2 decimals (JPY 0, KWD 3, ...);
* customers ``0000100001``.. with names, cities, e-mail addresses of the AR
  contact in KNB1-INTAD (example.com / example.net only), an accounting
  clerk, payment terms (``Z210`` 2/10 net 30, ``N30``, ``N45``, ``N60``,
  ``Z115`` 1/15 net 45) and groups: every 8th customer is the parent of the
  next three (KNA1-KONZS holds the parent's customer number; the parent's
  own KONZS is its own number). The first 60 % belong to company code 1000,
  the last 50 % to 2000 (the middle to both);
* open items in BSID with an aging spread relative to ``today`` (35 %
  current, 25 % 1-30 days past due, 15 % 31-60, 10 % 61-90, 15 % over 90),
  each with a document header in BKPF: invoices (``RV``) whose customer-facing
  number ``XBLNR`` (``INV-2026-004512``) differs from the document number
  ``BELNR`` (``1800004512``), the customer's **purchase order number in the
  assignment field ZUONR**, credit memos (``DG``, some linked to an invoice by
  ``REBZG``), payments on account (``DZ``), residual items left by short
  payments (reason code ``RSTGR``, linked to their cleared invoice in BSAD),
  a few items in JPY (stored shifted: 150,000 yen is WRBTR 1500.00), dunning
  levels (``MANST``) by age, a dunning block (``MANSP``) on a few dunned items,
  the account's dunning data in KNB5 (procedure, level, last dunning day, a
  dunning block on some customers), and a few special G/L items (down
  payments, noted items) that are *not* open items for cash application.

New invoices for the AP portals (``new_invoices=300, invoiced=("0000100001", ...)``):
that many more invoices dated ``today`` (``RV``, one unique purchase order
number each in ZUONR), shared out in turn among the ``invoiced`` customers
(those a configuration maps to portal sites), each in its first company
code; they count in ``items``. The big-day world uses them for the portal
bot's night.

Credit management (company code 1000): a credit master (KNKK) per customer,
credit-blocked sales orders (VBAK/VBUK) for every 4th, some over their
limit (:mod:`bots.sandbox.sap.credit`).

Every open invoice has the SD billing document it was posted from (VBRK/VBRP,
VBKD, KONV; :mod:`bots.sandbox.sap.billing`), its lines adding up to the item.

Bulk mode (``bulk=True``, the benchmark's million items) writes BSID rows
only, in key order, with one ``executemany``.

Limits: one fiscal year per calendar year; local-currency amounts of foreign
currency items use fixed demo rates.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from bots.sandbox.sap import store
from bots.sandbox.sap.billing import billing_rows
from bots.sandbox.sap.credit import credit_rows

COMPANY_CODES = {"1000": ("Arbots Demo Inc.", "New York", "US", "USD"),
                 "2000": ("Arbots Demo GmbH", "Hamburg", "DE", "EUR")}
CURRENCY_DECIMALS = {"JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3, "CLP": 0, "HUF": 2}
# key: (ZBD1T, ZBD1P in thousandths of a percent, ZBD2T)
TERMS = {"Z210": (10, 2000, 30), "N30": (30, 0, 0), "N45": (45, 0, 0), "N60": (60, 0, 0),
         "Z115": (15, 1000, 45)}
# days past due: (share in %, lowest, highest)
AGING = ((35, -60, 0), (25, 1, 30), (15, 31, 60), (10, 61, 90), (15, 91, 240))
_LOCAL_RATE_PERCENT = {"JPY": {"USD": 67, "EUR": 62}}  # 100 yen in cents of USD/EUR

_FIRST = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
          "Soylent", "Cyberdyne", "Tyrell", "Wonka", "Gringotts", "Oscorp", "Nakatomi",
          "Massive", "Duff", "Monarch", "Pied Piper", "Bluth", "Prestige", "Sirius",
          "Müller", "Schäfer", "Dunder", "Krusty", "Aperture", "Black Mesa", "Veidt",
          "Weyland")
_SECOND = ("Industries", "Foods", "Logistics", "Retail", "Systems", "Supply", "Health",
           "Motors", "Maschinenbau", "Trading", "Labs", "Paper", "Energy", "Textiles")
_NAME_CYCLE = math.lcm(len(_FIRST), len(_SECOND))  # steps 7 and 5 are prime to both lengths
_SUFFIX = {"US": ("Inc.", "LLC", "Corp.", "Co."), "DE": ("GmbH", "AG", "KG", "GmbH & Co. KG")}
_CITIES = {"US": ("Chicago", "Dallas", "Atlanta", "Denver", "Seattle", "Boston", "Phoenix"),
           "DE": ("Berlin", "München", "Köln", "Stuttgart", "Leipzig", "Düsseldorf")}
_REASONS = ("051", "052", "053", "060")  # short pay: pricing, damaged, shortage, freight
ITEM_BLOCK_EVERY = 19  # every 19th dunned item has a dunning block (BSID-MANSP R)
ACCOUNT_BLOCK_EVERY = 9  # every 9th customer has an account dunning block (KNB5-MANSP A)


@dataclass(frozen=True)
class Summary:
    """What was generated."""

    customers: int
    open_items: int
    seconds: float = 0.0


def customer_number(i: int) -> str:
    return f"{100000 + i:010d}"


def _customers(rng: random.Random, count: int) -> Iterator[tuple[dict, list[dict]]]:
    """(KNA1 row, KNB1 rows) per customer."""
    first_cc_end, second_cc_start = int(count * 0.6), int(count * 0.5)
    parent = ""
    for i in range(1, count + 1):
        number = customer_number(i)
        codes = [cc for cc, member in (("1000", i <= first_cc_end),
                                       ("2000", i > second_cc_start)) if member]
        country = "US" if codes[0] == "1000" else "DE"
        # the word pairs repeat after _NAME_CYCLE customers: a number keeps names apart
        # (bigger worlds), as a payer name on a bank credit must name one customer
        again = f" {i // _NAME_CYCLE + 1}" if i > _NAME_CYCLE else ""
        name = (f"{_FIRST[(i * 7) % len(_FIRST)]} {_SECOND[(i * 5) % len(_SECOND)]}{again} "
                f"{rng.choice(_SUFFIX[country])}")
        if i % 8 == 1:
            parent = number
        konzs = parent if i % 8 <= 4 and i % 8 != 0 else ""
        slug = "".join(c for c in name.split()[0].lower() if c.isascii() and c.isalnum())
        domain = "example.com" if i % 3 else "example.net"
        kna1 = {"MANDT": "100", "KUNNR": number, "LAND1": country, "NAME1": name,
                "ORT01": rng.choice(_CITIES[country]), "PSTLZ": f"{rng.randint(10000, 99999)}",
                "SORTL": name.split()[0].upper()[:10], "KONZS": konzs, "KTOKD": "KUNA",
                "SPRAS": "E" if country == "US" else "D", "ERDAT": "20200101",
                "ERNAM": "MIGRATION"}
        knb1 = [{"MANDT": "100", "KUNNR": number, "BUKRS": cc, "AKONT": "0000140000",
                 "ZTERM": rng.choice(tuple(TERMS)), "BUSAB": f"{rng.randint(1, 4):02d}",
                 "INTAD": f"ap{i}@{slug}{i}.{domain}", "MAHNA": "0001"} for cc in codes]
        yield kna1, knb1


def _aging(rng: random.Random) -> int:
    """Days past due, drawn from the aging spread."""
    roll = rng.randrange(100)
    for share, low, high in AGING:
        if roll < share:
            return rng.randint(low, high)
        roll -= share
    raise AssertionError("AGING shares must add up to 100")


@lru_cache(maxsize=4096)
def _dats(day: date) -> str:
    return day.strftime("%Y%m%d")


def _item_rows(rng: random.Random, count: int, accounts: list[tuple[str, str, str]],
               today: date, realistic: bool) -> Iterator[dict]:
    """BSID rows (dicts of stored values); with ``realistic`` the special cases too."""
    for n in range(1, count + 1):
        bukrs, kunnr, zterm = accounts[n % len(accounts)]
        days1, pct1, days2 = TERMS[zterm]
        net = days2 or days1
        past_due = max(_aging(rng), -net)
        due = today - timedelta(days=past_due)
        baseline = due - timedelta(days=net)
        currency = COMPANY_CODES[bukrs][3]
        minor = rng.randint(5_000, 2_500_000)  # 50.00 .. 25,000.00
        local = minor
        kind = rng.randrange(100) if realistic else 99
        row = {"MANDT": "100", "BUKRS": bukrs, "KUNNR": kunnr, "GJAHR": str(baseline.year),
               "BUZEI": "001", "BUDAT": _dats(baseline), "BLDAT": _dats(baseline),
               "CPUDT": _dats(baseline), "MONAT": f"{baseline.month:02d}", "WAERS": currency,
               "ZFBDT": _dats(baseline), "ZTERM": zterm, "ZBD1T": days1, "ZBD1P": pct1,
               "ZBD2T": days2, "SHKZG": "S", "BSCHL": "01", "BLART": "RV",
               "BELNR": f"18{n:08d}", "XBLNR": f"INV-{baseline.year}-{n:06d}",
               "ZUONR": f"PO-{rng.randint(100000, 999999)}" if rng.random() < 0.85 else "",
               "SGTXT": "", "GSBER": "0001"}
        if kind < 5:  # credit memo, half of them linked to an invoice
            row.update(BLART="DG", SHKZG="H", BSCHL="11", BELNR=f"16{n:08d}",
                       XBLNR=f"CM-{baseline.year}-{n:06d}", SGTXT="Credit memo")
            minor = local = minor // 10
            if kind < 2:
                row.update(REBZG=f"18{max(1, n - 7):08d}", REBZJ=row["GJAHR"], REBZZ="001")
        elif kind < 7:  # payment on account
            row.update(BLART="DZ", SHKZG="H", BSCHL="15", BELNR=f"14{n:08d}", XBLNR="",
                       ZUONR="", SGTXT="Payment on account")
        elif kind < 9:  # residual item of a short payment
            row.update(BLART="DZ", BSCHL="06", BELNR=f"14{n:08d}", RSTGR=rng.choice(_REASONS),
                       REBZG=f"18{n:08d}", REBZJ=row["GJAHR"], REBZZ="001",
                       SGTXT="Residual of short payment")
            minor = local = minor // 20
        elif kind < 10:  # an export order invoiced in yen
            currency = "JPY"
            minor = rng.randint(50_000, 3_000_000)  # whole yen = stored WRBTR integer
            local = minor * _LOCAL_RATE_PERCENT["JPY"][COMPANY_CODES[bukrs][3]] // 100
            row.update(WAERS=currency)
        elif kind < 11:  # special G/L: down payment (A) or noted item (F, BSTAT S)
            row.update(UMSKZ="A" if n % 2 else "F", BSTAT="" if n % 2 else "S",
                       BLART="DA", BSCHL="19" if n % 2 else "09", SGTXT="Down payment")
        row.update(WRBTR=minor, DMBTR=local)
        if past_due > 15 and row["SHKZG"] == "S" and not row.get("UMSKZ"):
            level = 1 if past_due <= 30 else 2 if past_due <= 60 else 3
            row.update(MANST=str(level), MADAT=_dats(today - timedelta(days=past_due % 14)))
            if n % ITEM_BLOCK_EVERY == 0:  # held from dunning (an item in clarification)
                row.update(MANSP="R")
        yield row


def _new_invoices(rng: random.Random, count: int, first: int,
                  accounts: list[tuple[str, str, str]], today: date) -> Iterator[dict]:
    """``count`` invoices dated ``today``, numbered on from ``first``, shared in turn among
    ``accounts``; each with its own purchase order number."""
    for k in range(count):
        bukrs, kunnr, zterm = accounts[k % len(accounts)]
        days1, pct1, days2 = TERMS[zterm]
        n, day = first + k, _dats(today)
        minor = rng.randint(5_000, 2_500_000)
        yield {"MANDT": "100", "BUKRS": bukrs, "KUNNR": kunnr, "GJAHR": str(today.year),
               "BUZEI": "001", "BUDAT": day, "BLDAT": day, "CPUDT": day,
               "MONAT": f"{today.month:02d}", "WAERS": COMPANY_CODES[bukrs][3], "ZFBDT": day,
               "ZTERM": zterm, "ZBD1T": days1, "ZBD1P": pct1, "ZBD2T": days2, "SHKZG": "S",
               "BSCHL": "01", "BLART": "RV", "BELNR": f"18{n:08d}",
               "XBLNR": f"INV-{today.year}-{n:06d}", "ZUONR": f"PO-P{n:07d}", "SGTXT": "",
               "GSBER": "0001", "WRBTR": minor, "DMBTR": minor}


def _dunning_data(knb1: list[dict], items: list[dict]) -> list[dict]:
    """KNB5 per account: procedure 0001, the highest item level and last dunning day,
    and a dunning block (``A``) on every :data:`ACCOUNT_BLOCK_EVERY`-th customer."""
    dunned: dict[tuple[str, str], tuple[str, str]] = {}
    for row in items:
        account = (row["BUKRS"], row["KUNNR"])
        level, day = row.get("MANST", "0"), row.get("MADAT", "00000000")
        dunned[account] = max(dunned.get(account, ("0", "00000000")), (level, day))
    return [{"MANDT": "100", "KUNNR": a["KUNNR"], "BUKRS": a["BUKRS"], "MAHNA": "0001",
             "MANSP": "A" if int(a["KUNNR"]) % ACCOUNT_BLOCK_EVERY == 0 else "",
             "MAHNS": dunned.get((a["BUKRS"], a["KUNNR"]), ("0", ""))[0],
             "MADAT": dunned.get((a["BUKRS"], a["KUNNR"]), ("0", "00000000"))[1]}
            for a in knb1]


def _insert(db, table: str, rows: list[dict]) -> None:  # noqa: ANN001 - sqlite3 connection
    if not rows:  # a small world may have no rows of a kind (no residuals)
        return
    columns = sorted({k for row in rows for k in row})
    names = ", ".join(f'"{c}"' for c in columns)
    fields = {f.name: f for f in store.TABLES[table]}
    defaults = [store.initial_stored(fields[c]) for c in columns]
    marks = ", ".join("?" for _ in columns)
    db.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                   [tuple(map(row.get, columns, defaults)) for row in rows])


def _cleared_originals(rows: list[dict], today: date) -> list[dict]:
    """The invoices the residual items came from, cleared in BSAD."""
    cleared = []
    for row in rows:
        if row["BLART"] == "DZ" and row.get("REBZG"):
            cleared.append({**row, "BLART": "RV", "BSCHL": "01", "BELNR": row["REBZG"],
                            "RSTGR": "", "REBZG": "", "REBZJ": "0000", "REBZZ": "000",
                            "SGTXT": "", "WRBTR": row["WRBTR"] * 20, "DMBTR": row["DMBTR"] * 20,
                            "AUGBL": row["BELNR"], "AUGDT": _dats(today)})
    return cleared


def _headers(rows: list[dict]) -> list[dict]:
    keys = ("MANDT", "BUKRS", "BELNR", "GJAHR", "BLART", "BLDAT", "BUDAT", "MONAT", "CPUDT",
            "WAERS", "XBLNR")
    return [{**{k: row[k] for k in keys}, "USNAM": "DEMO", "TCODE": "VF01"} for row in rows]


def generate(path: Path, *, customers: int = 70, items: int = 3200, seed: int = 7,
             today: date | None = None, bulk: bool = False, new_invoices: int = 0,
             invoiced: Sequence[str] = ()) -> Summary:
    """Write a new sandbox database at ``path`` (replacing any file there).

    ``new_invoices`` of the ``items`` are invoices dated ``today`` for the
    ``invoiced`` customers (see the module docstring).
    """
    import time

    if customers < 1 or items < 0:
        raise ValueError("customers must be at least 1 and items not negative")
    if not 0 <= new_invoices <= items or (new_invoices and not invoiced):
        raise ValueError("new_invoices must be within items and name the invoiced customers")
    unknown = sorted(set(invoiced) - {customer_number(i) for i in range(1, customers + 1)})
    if new_invoices and unknown:
        raise ValueError(f"invoiced customer(s) not generated: {', '.join(unknown)}")
    started = time.perf_counter()
    today = today or date.today()
    rng = random.Random(seed)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = store.create(tmp)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    _insert(db, "T001", [{"MANDT": "100", "BUKRS": cc, "BUTXT": name, "ORT01": city,
                          "LAND1": land, "WAERS": cur}
                         for cc, (name, city, land, cur) in COMPANY_CODES.items()])
    _insert(db, "TCURX", [{"CURRKEY": c, "CURRDEC": d} for c, d in CURRENCY_DECIMALS.items()])
    _insert(db, "T001B", [{"MANDT": "100", "RRCTY": "0", "BUKRS": cc, "MKOAR": "+",
                           "BKONT": "", "FRYE1": f"{today.year - 1:04d}", "FRPE1": "001",
                           "TOYE1": f"{today.year + 1:04d}", "TOPE1": "012"}
                          for cc in COMPANY_CODES])  # OB52: last, this and next year open
    accounts: list[tuple[str, str, str]] = []
    kna1: list[dict] = []
    knb1: list[dict] = []
    for general, per_company in _customers(rng, customers):
        kna1.append(general)
        knb1.extend(per_company)
        accounts.extend((row["BUKRS"], row["KUNNR"], row["ZTERM"]) for row in per_company)
    _insert(db, "KNA1", kna1)
    _insert(db, "KNB1", knb1)
    rows = list(_item_rows(rng, items - new_invoices, accounts, today, realistic=not bulk))
    if new_invoices:
        first_account: dict[str, tuple[str, str, str]] = {}
        for account in accounts:
            first_account.setdefault(account[1], account)
        rows += _new_invoices(rng, new_invoices, items - new_invoices + 1,
                              [first_account[c] for c in sorted(set(invoiced))], today)
    key = [f.name for f in store.TABLES["BSID"] if f.key]
    rows.sort(key=lambda r: tuple(r.get(k, "") for k in key))  # key fields are all text
    if not bulk:  # the SD billing documents behind the open invoices (sets BSID-VBELN)
        invoices = [r for r in rows if r["BLART"] == "RV" and r["SHKZG"] == "S"
                    and not r.get("UMSKZ")]
        for table, billing in billing_rows(invoices, seed).items():
            _insert(db, table, billing)
    _insert(db, "BSID", rows)
    _insert(db, "KNB5", _dunning_data(knb1, rows))
    if not bulk:
        cleared = _cleared_originals(rows, today)
        _insert(db, "BSAD", cleared)
        _insert(db, "BKPF", _headers(rows) + _headers(cleared))
        in_1000 = [row["KUNNR"] for row in knb1 if row["BUKRS"] == "1000"]
        for table, credit in credit_rows(in_1000, rows, today).items():
            _insert(db, table, credit)
    db.executemany('INSERT INTO "SANDBOX_INFO" VALUES (?, ?)',
                   [("seed", str(seed)), ("today", today.isoformat()),
                    ("customers", str(customers)), ("items", str(items))])
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, path)
    return Summary(customers, items, time.perf_counter() - started)
