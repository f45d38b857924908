"""The ABAP wrappers (bots/sap/abap, an abapGit repository) and the simulator that plays them.

* abaplint finds no issue (parser, syntax against the DDIC stubs, unknown types);
* the simulator's interfaces of the Z_ARBOTS_* function modules are the ones
  the abapGit XML declares (names, directions, optional, types and lengths);
* every ZARBOTS message the simulator returns is in the message class;
* what the function modules' header comments promise, the simulator does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from sap_sandbox import TODAY, simulator, sql

from bots.sandbox.sap.ddic import STRUCTURES, key_of
from bots.sandbox.sap.interfaces import EXPORT, IMPORT, INTERFACES, STRUCTURE, TABLES

ROOT = Path(__file__).resolve().parents[2]
ABAP = ROOT / "bots" / "sap" / "abap"
SRC = ABAP / "src"
SANDBOX = ROOT / "bots" / "sandbox" / "sap"


def _values(path: Path) -> ET.Element:
    values = ET.parse(path).getroot().find("{http://www.sap.com/abapxml}abap/"
                                           "{http://www.sap.com/abapxml}values")
    assert values is not None, path
    return values


@cache
def _dtel(name: str) -> tuple[str, int, int]:
    """(DDIC type, length, decimals) of data element ``name`` (ours or a stub)."""
    for folder in (SRC, ABAP / "stubs"):
        path = folder / f"{name.lower()}.dtel.xml"
        if path.exists():
            d = _values(path).find("DD04V")
            assert d is not None
            return (d.findtext("DATATYPE", ""), int(d.findtext("LENG", "0")),
                    int(d.findtext("DECIMALS", "0")))
    raise AssertionError(f"data element {name} is neither in src/ nor in stubs/")


def _tabl(name: str) -> list[tuple[str, str, int, int]]:
    """(field, DDIC type, length, decimals) of structure or table ``name``."""
    for folder in (SRC, ABAP / "stubs"):
        path = folder / f"{name.lower()}.tabl.xml"
        if path.exists():
            return [(f.findtext("FIELDNAME", ""), *_dtel(f.findtext("ROLLNAME", "")))
                    for f in _values(path).iter("DD03P")]
    raise AssertionError(f"table {name} is neither in src/ nor in stubs/")


def _functions() -> dict[str, ET.Element]:
    return {f.findtext("FUNCNAME", ""): f
            for f in _values(SRC / "zarbots.fugr.xml").iter("item")}


def _messages() -> dict[str, str]:
    return {m.findtext("MSGNR", ""): m.findtext("TEXT", "")
            for m in _values(SRC / "zarbots.msag.xml").iter("T100") if m.findtext("MSGNR")}


def _header(function: str) -> str:
    """The comment header of ``function``'s source, as one line of text."""
    source = (SRC / f"zarbots.fugr.{function.lower()}.abap").read_text()
    return " ".join(line[2:].strip() for line in source.splitlines() if line.startswith('*"'))


def test_abaplint_finds_no_issue() -> None:
    """scripts/abaplint.sh: parser_error, check_syntax and unknown_types against the stubs.

    About 5 s once @abaplint/cli is in its cache (the first run installs it from npm).
    """
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("abaplint needs node and npm (apt-get install nodejs npm)")
    done = subprocess.run([str(ROOT / "scripts" / "abaplint.sh")], capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"abaplint: 0 issue\(s\) found, \d+ file\(s\) analyzed", done.stdout)


def test_the_simulator_has_the_abap_interfaces() -> None:
    functions = _functions()
    assert set(functions) == {name for name in INTERFACES if name.startswith("Z_ARBOTS_")}
    direction = {"RSIMP": IMPORT, "RSEXP": EXPORT, "RSTBL": TABLES}
    for name, xml in functions.items():
        assert xml.findtext("REMOTE_CALL") == "R", f"{name} is not remote-enabled"
        declared = {}
        for kind, param_dir in direction.items():
            for p in xml.iter(kind):
                typ = p.findtext("TYP") or p.findtext("DBSTRUCT") or ""
                declared[p.findtext("PARAMETER")] = (param_dir, typ, p.findtext("OPTIONAL") == "X"
                                                     or param_dir != IMPORT,
                                                     p.findtext("DEFAULT"))
        simulated = {p.name: p for p in INTERFACES[name]}
        assert set(simulated) == set(declared), name
        for param, (param_dir, typ, optional, default) in declared.items():
            sim = simulated[param]
            where = f"{name}-{param}"
            assert sim.direction == param_dir, where
            if param_dir != IMPORT or sim.kind == STRUCTURE:
                pass
            else:
                assert sim.optional == optional, where
                initial = {"DATS": "00000000", "INT4": "0"}.get(_dtel(typ)[0], "")
                wanted = (default or "").removeprefix("'").removesuffix("'")
                sim_default = "" if sim.default is None else str(sim.default)
                assert (sim_default or initial) == ("" if wanted == "SPACE" else
                                                    wanted or initial), where
            if sim.structure:
                assert sim.structure == typ, where
                fields = [(f.name, f.kind, f.length, f.decimals)
                          for f in STRUCTURES[sim.structure]]
                assert fields == _tabl(typ), f"{where}: structure {typ}"
            else:
                assert (sim.kind, sim.length) == _dtel(typ)[:2], where


def test_every_zarbots_message_of_the_simulator_is_in_the_message_class() -> None:
    messages = _messages()
    used = set()
    for path in SANDBOX.glob("*.py"):
        text = path.read_text()
        used |= set(re.findall(r'Refused\(\s*"(\d{3})"', text))
        used |= set(re.findall(r'message\(\s*"[SEWI]",\s*"(\d{3})"', text))
        used |= set(re.findall(r'"ID": "ZARBOTS", "NUMBER": "(\d{3})"', text))
    assert len(used) > 20
    assert used - set(messages) == set()


def test_one_message_number_means_one_thing() -> None:
    """020 meant two things once (an unbalanced payment, a text without a key)."""
    texts = [m.findtext("TEXT") for m in _values(SRC / "zarbots.msag.xml").iter("T100")
             if m.findtext("MSGNR")]
    numbers = [m.findtext("MSGNR") for m in _values(SRC / "zarbots.msag.xml").iter("T100")
               if m.findtext("MSGNR")]
    assert len(set(numbers)) == len(numbers) and len(set(texts)) == len(texts)
    sources = "\n".join(p.read_text() for p in SRC.glob("*.abap"))
    uses = re.findall(r"'E' '(\d{3})'|NUMBER = '(\d{3})'", sources)
    assert {a or b for a, b in uses} <= set(numbers)
    assert "balance" in _messages()["020"] and "required" in _messages()["026"]


# ----------------------------------------------------------- header promises


def _invoice(db: Path) -> tuple[str, str, str, str, Decimal]:
    kunnr, belnr, gjahr, buzei, wrbtr = sql(
        db, "SELECT KUNNR, BELNR, GJAHR, BUZEI, WRBTR FROM BSID WHERE BUKRS = '1000' "
        "AND BLART = 'RV' AND WAERS = 'USD' ORDER BY BELNR LIMIT 1")[0]
    return kunnr, belnr, gjahr, buzei, Decimal(wrbtr).scaleb(-2)


def _post(sim, db: Path, reference: str) -> dict:
    kunnr, belnr, gjahr, buzei, amount = _invoice(db)
    return sim.call("Z_ARBOTS_POST_CLEARING", I_HEADER={
        "BUKRS": "1000", "BUDAT": TODAY, "BLDAT": TODAY, "WAERS": "USD", "XBLNR": reference},
        I_PAYMENT={"WRBTR": amount, "HKONT": "113100"},
        T_CLEAR=[{"KUNNR": kunnr, "BELNR": belnr, "GJAHR": gjahr, "BUZEI": buzei,
                  "WRBTR": amount}])


def test_fb05_commits_its_own_document(sandbox_db: Path) -> None:
    assert "FB05 run by the posting interface commits its own document" in \
        _header("Z_ARBOTS_POST_CLEARING")
    assert "BAPI_TRANSACTION_ROLLBACK cannot undo it" in _header("Z_ARBOTS_POST_CLEARING")
    sim = simulator(sandbox_db)
    posted = _post(sim, sandbox_db, "pay-fb05")
    sim.call("BAPI_TRANSACTION_ROLLBACK")
    assert sql(sandbox_db, "SELECT BELNR FROM BKPF WHERE XBLNR = 'PAY-FB05'") == \
        [(posted["E_BELNR"],)]


def test_the_reference_is_upper_case_and_found_again(sandbox_db: Path) -> None:
    assert "XBLNR is converted to upper case first" in _header("Z_ARBOTS_POST_CLEARING")
    sim = simulator(sandbox_db)
    posted = _post(sim, sandbox_db, "pay-3f2a9c0d1e7b")
    assert sql(sandbox_db, "SELECT XBLNR FROM BKPF WHERE BELNR = ?", posted["E_BELNR"]) == \
        [("PAY-3F2A9C0D1E7B",)]
    again = _post(sim, sandbox_db, "pay-3f2a9c0d1e7b")  # a rerun with the lower-case key
    assert (again["E_EXISTING"], again["E_BELNR"]) == ("X", posted["E_BELNR"])
    assert again["RETURN"][0]["NUMBER"] == "002"


def test_a_reset_commits_itself(sandbox_db: Path) -> None:
    assert "the posting interface commits its own work" in _header("Z_ARBOTS_RESET_CLEARING")
    sim = simulator(sandbox_db)
    posted = _post(sim, sandbox_db, "pay-reset")
    reset = sim.call("Z_ARBOTS_RESET_CLEARING", I_BUKRS="1000", I_AUGBL=posted["E_BELNR"],
                     I_GJAHR=posted["E_GJAHR"])
    assert reset["RETURN"][0]["NUMBER"] == "051"
    sim.call("BAPI_TRANSACTION_ROLLBACK")
    assert sql(sandbox_db, "SELECT count(*) FROM BSAD WHERE AUGBL = ?", posted["E_BELNR"]) == \
        [(0,)]


@pytest.mark.parametrize(("tdobject", "tdname", "number"), [
    ("", "00001000011000", "026"),
    ("KNA1", "0000100001", "027"),  # a text object arbots does not use
    ("TEXT", "ANY", "027"),
    ("KNB1", "0000100001", "028"),  # no company code in the name
    ("BELEG", "10001800000001", "028"),  # no fiscal year
    ("BELEG", "100018000000012O26", "028"),
])
def test_only_the_text_objects_arbots_uses_in_their_layout(sandbox_db: Path, tdobject: str,
                                                          tdname: str, number: str) -> None:
    header = _header("Z_ARBOTS_SAVE_TEXT")
    assert "No other text object is accepted (027)" in header and "(028)" in header
    sim = simulator(sandbox_db)
    line = [{"TDFORMAT": "*", "TDLINE": "x"}]
    for function, extra in (("Z_ARBOTS_SAVE_TEXT", {"T_LINES": line}),
                            ("Z_ARBOTS_READ_TEXT", {})):
        result = sim.call(function, I_TDOBJECT=tdobject, I_TDNAME=tdname, I_TDID="0001",
                          **extra)
        assert [(m["TYPE"], m["NUMBER"]) for m in result["RETURN"]] == [("E", number)]
    sim.call("BAPI_TRANSACTION_COMMIT")
    assert sql(sandbox_db, "SELECT count(*) FROM ZARBOTS_TEXT") == [(0,)]


def test_customer_and_document_texts_are_accepted(sandbox_db: Path) -> None:
    sim = simulator(sandbox_db)
    for tdobject, tdname in (("KNB1", "00001000011000"), ("BELEG", "100018000000012026")):
        saved = sim.call("Z_ARBOTS_SAVE_TEXT", I_TDOBJECT=tdobject, I_TDNAME=tdname,
                         I_TDID="0001", T_LINES=[{"TDFORMAT": "*", "TDLINE": "x"}])
        assert saved["RETURN"][0]["NUMBER"] == "021"
        assert sim.call("Z_ARBOTS_READ_TEXT", I_TDOBJECT=tdobject, I_TDNAME=tdname,
                        I_TDID="0001")["T_LINES"] == [{"TDFORMAT": "*", "TDLINE": "x"}]


@pytest.mark.parametrize("table", ["BKPF", "BSID", "BSAD", "KNB1"])
def test_the_simulator_keys_tables_as_sap_does(table: str) -> None:
    """Key-range paging pages on the primary key: the simulator's must be SAP's."""
    path = ABAP / "stubs" / f"{table.lower()}.tabl.xml"
    stub = [f.findtext("FIELDNAME") for f in _values(path).iter("DD03P")
            if f.findtext("KEYFLAG") == "X"]
    assert key_of(table) == stub


def _after(key: list[str], values: list[str]) -> str:
    """``key > values`` in key order, as an OPTIONS condition."""
    condition = f"{key[-1]} > '{values[-1]}'"
    for name, value in zip(reversed(key[:-1]), reversed(values[:-1]), strict=True):
        condition = f"{name} > '{value}' OR ( {name} = '{value}' AND ( {condition} ) )"
    return f"( {condition} )"


def test_key_range_paging_over_the_ordered_reader_reads_every_row_once(
        sandbox_db: Path) -> None:
    """Z_ARBOTS_READ_TABLE returns rows in key order, so ``key > last`` pages need no skip."""
    assert "the rows come in primary-key order" in _header("Z_ARBOTS_READ_TABLE")
    sim = simulator(sandbox_db)
    key = key_of("BSID")[1:]  # the client is implicit, as in Open SQL
    fields = [{"FIELDNAME": name} for name in key]
    read, last = [], None
    while True:
        where = "BUKRS = '1000'" + (f" AND {_after(key, last)}" if last else "")
        lines = [{"TEXT": line} for line in textwrap.wrap(where, 72, break_long_words=False)]
        page = sim.call("Z_ARBOTS_READ_TABLE", QUERY_TABLE="BSID", ROWCOUNT=7,
                        OPTIONS=lines, FIELDS=fields)
        layout = [(int(f["OFFSET"]), int(f["LENGTH"])) for f in page["FIELDS"]]
        rows = [[row["WA"][o:o + n].strip() for o, n in layout] for row in page["DATA"]]
        read += rows
        if len(rows) < 7:
            break
        last = rows[-1]
    columns = ", ".join(key)
    assert [tuple(r) for r in read] == sql(
        sandbox_db, f"SELECT {columns} FROM BSID WHERE BUKRS = '1000' ORDER BY {columns}")
