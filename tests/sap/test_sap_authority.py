"""The sandbox checks authority where SAP and our ABAP wrappers do, and refuses the same way.

* every ``AUTHORITY-CHECK`` (and ``VIEW_AUTHORITY_CHECK``) in ``bots/sap/abap/src``
  is found by reading the source; for each, the simulated function module is
  refused with the ABAP's message (or exception) once the RFC user lacks the
  object, or any one of the values the ABAP checks (company code, activity,
  table, credit area), and passes with the runbook's role;
* ``S_RFC`` guards every call (``RFC_NO_AUTHORITY``), ``S_TABU_NAM``/``S_TABU_DIS``
  every table read (``NOT_AUTHORIZED``);
* the bots' errors say what to grant (object, company code, text object, table).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sap_sandbox import NO_WAIT, TODAY, simulator, sql

from bots.domain import CollectionNote
from bots.sandbox.sap.authority import (
    FUNCTION_GRANTS,
    FUNCTION_GROUPS,
    READ_TABLES,
    Grant,
    Role,
    assign_role,
    role_of,
    without,
)
from bots.sandbox.sap.ddic import TABLES
from bots.sandbox.sap.errors import ABAPApplicationError, ABAPRuntimeError
from bots.sandbox.sap.simulator import HANDLERS
from bots.sap import SapClient
from bots.sap.errors import SapAuthorityError

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "bots" / "sap" / "abap" / "src"
VIEW_CHECK = "VIEW_AUTHORITY_CHECK"  # checks S_TABU_DIS, then S_TABU_NAM, for TABLE


# ------------------------------------------------------------- the ABAP source


@dataclass(frozen=True)
class Check:
    """One authority check of a function module, as its ABAP source makes it."""

    function: str
    object: str  # an authorisation object, or VIEW_AUTHORITY_CHECK
    fields: tuple[tuple[str, str], ...]  # (field, literal value or '' if a variable)
    refusal: frozenset[str]  # the message numbers, or the exception, that follow


def _blocks(text: str) -> dict[str, str]:
    """Source of each FORM and FUNCTION of a file, by name (upper case)."""
    found = re.finditer(r"^(FORM|FUNCTION) (\w+).*?^END\1\.", text, re.M | re.S | re.I)
    return {m[2].upper(): m[0] for m in found}


def _refusal(after: str) -> frozenset[str]:
    """What follows a failed check: the body of the next IF sy-subrc <> 0 ... ENDIF."""
    body = re.search(r"IF sy-subrc <> 0\.(.*?)ENDIF\.", after, re.S | re.I)
    assert body, after[:200]
    return frozenset(re.findall(r"'(0\d\d)'", body[1]) +
                     [r.upper() for r in re.findall(r"RAISE (\w+)", body[1], re.I)])


@cache
def abap_checks() -> tuple[Check, ...]:
    blocks: dict[str, str] = {}
    for path in sorted(SRC.glob("*.abap")):
        blocks.update(_blocks(path.read_text()))
    callers = {name: {f for f, src in blocks.items() if f.startswith("Z_")
                      and re.search(rf"PERFORM {name}\b", src, re.I)} for name in blocks}
    checks = []
    for name, src in blocks.items():
        functions = {name} if name.startswith("Z_") else callers[name]
        for m in re.finditer(r"AUTHORITY-CHECK OBJECT '(\w+)'(.*?)\.\s*$", src, re.M | re.S):
            fields = tuple((f, v.strip("'") if v.startswith("'") else "")
                           for f, v in re.findall(r"ID '(\w+)'\s+FIELD\s+(\S+)", m[2]))
            refusal = _refusal(src[m.end():])
            checks += [Check(f, m[1], fields, refusal) for f in functions]
        if re.search(rf"CALL FUNCTION '{VIEW_CHECK}'", src):
            after = src[src.index(f"CALL FUNCTION '{VIEW_CHECK}'"):]
            checks += [Check(f, VIEW_CHECK, (("TABLE", ""), ("ACTVT", "03")), _refusal(after))
                       for f in functions]
    return tuple(sorted(set(checks), key=lambda c: (c.function, c.object)))


def test_the_source_has_the_checks_the_runbook_names() -> None:
    found = {(c.function, c.object) for c in abap_checks()}
    assert {("Z_ARBOTS_SAVE_TEXT", "F_KNA1_BUK"), ("Z_ARBOTS_READ_TEXT", "F_BKPF_BUK"),
            ("Z_ARBOTS_POST_CLEARING", "F_BKPF_BUK"), ("Z_ARBOTS_RESET_CLEARING", "F_BKPF_BUK"),
            ("Z_ARBOTS_CREDIT_RELEASE", "V_KNKK_FRE"),
            ("Z_ARBOTS_READ_TABLE", VIEW_CHECK)} <= found


# ------------------------------------------------------- a call reaching each check


def _invoice(db: Path) -> tuple[str, str, str, str, Decimal]:
    kunnr, belnr, gjahr, buzei, wrbtr = sql(
        db, "SELECT KUNNR, BELNR, GJAHR, BUZEI, WRBTR FROM BSID WHERE BUKRS = '1000' "
        "AND BLART = 'RV' AND WAERS = 'USD' ORDER BY BELNR LIMIT 1")[0]
    return kunnr, belnr, gjahr, buzei, Decimal(wrbtr).scaleb(-2)


REFERENCES = itertools.count(1)


def _post(db: Path, sim: Any) -> dict[str, Any]:
    """A clearing of the first invoice, with a new reference each time (a reference
    already posted answers 002 before any check, in the ABAP as here)."""
    kunnr, belnr, gjahr, buzei, amount = _invoice(db)
    return sim.call("Z_ARBOTS_POST_CLEARING", I_HEADER={
        "BUKRS": "1000", "BUDAT": TODAY, "BLDAT": TODAY, "WAERS": "USD",
        "XBLNR": f"pay-auth-{next(REFERENCES)}"},
        I_PAYMENT={"WRBTR": amount, "HKONT": "113100"},
        T_CLEAR=[{"KUNNR": kunnr, "BELNR": belnr, "GJAHR": gjahr, "BUZEI": buzei,
                  "WRBTR": amount}])


def _text(function: str, tdobject: str) -> Callable[[Path, Any], dict[str, Any]]:
    def call(db: Path, sim: Any) -> dict[str, Any]:
        kunnr, belnr, gjahr, _, _ = _invoice(db)
        name = f"{kunnr}1000" if tdobject == "KNB1" else f"1000{belnr}{gjahr}"
        lines = {"T_LINES": [{"TDFORMAT": "*", "TDLINE": "x"}]} if "SAVE" in function else {}
        return sim.call(function, I_TDOBJECT=tdobject, I_TDNAME=name, I_TDID="0001", **lines)
    return call


def _setup_reset(db: Path) -> dict[str, Any]:
    sim = simulator(db)
    posted = _post(db, sim)
    sim.close()
    return {"I_AUGBL": posted["E_BELNR"], "I_GJAHR": posted["E_GJAHR"]}


def _blocked_order(db: Path) -> str:
    return str(sql(db, "SELECT VBELN FROM VBUK WHERE CMGST = 'B' ORDER BY VBELN LIMIT 1")[0][0])


@dataclass(frozen=True)
class Case:
    """How to reach one check: the values it is made with and the call."""

    values: dict[str, str]  # field -> the value the call is checked with
    expected: str  # the refusal of this call (message number or exception)
    call: Callable[[Path, Any, dict[str, Any]], dict[str, Any]]
    setup: Callable[[Path], dict[str, Any]] = lambda db: {}


def _plain(call: Callable[[Path, Any], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    return lambda db, sim, _: call(db, sim)


CASES: dict[tuple[str, str], Case] = {
    **{(f"Z_ARBOTS_{op}_TEXT", obj): Case({"BUKRS": "1000", "ACTVT": actvt}, number,
                                          _plain(_text(f"Z_ARBOTS_{op}_TEXT", tdobject)))
       for op, actvt, number in (("SAVE", "02", "022"), ("READ", "03", "023"))
       for obj, tdobject in (("F_KNA1_BUK", "KNB1"), ("F_BKPF_BUK", "BELEG"))},
    ("Z_ARBOTS_POST_CLEARING", "F_BKPF_BUK"): Case({"BUKRS": "1000", "ACTVT": "01"}, "024",
                                                   _plain(_post)),
    ("Z_ARBOTS_RESET_CLEARING", "F_BKPF_BUK"): Case(
        {"BUKRS": "1000", "ACTVT": "02"}, "024",
        lambda db, sim, made: sim.call("Z_ARBOTS_RESET_CLEARING", I_BUKRS="1000", **made),
        _setup_reset),
    ("Z_ARBOTS_CREDIT_RELEASE", "V_KNKK_FRE"): Case(
        {"KKBER": "1000"}, "067",
        lambda db, sim, made: sim.call("Z_ARBOTS_CREDIT_RELEASE", **made),
        lambda db: {"I_VBELN": _blocked_order(db)}),
    ("Z_ARBOTS_READ_TABLE", VIEW_CHECK): Case(
        {"TABLE": "KNB1", "ACTVT": "03"}, "NOT_AUTHORIZED",
        lambda db, sim, made: sim.call("Z_ARBOTS_READ_TABLE", QUERY_TABLE="KNB1", ROWCOUNT=1)),
}


def _outcome(case: Case, db: Path, made: dict[str, Any]) -> str:
    """The refusal the call gets: its E message's number, the exception, or 'passed'."""
    sim = simulator(db)
    try:
        result = case.call(db, sim, made)
    except ABAPApplicationError as exc:
        return str(exc.key)
    finally:
        sim.close()
    errors = [m["NUMBER"] for m in result.get("RETURN", []) if m["TYPE"] == "E"]
    return errors[0] if errors else "passed"


def _narrowed(role: Role, obj: str, field: str, value: str) -> Role:
    """``role`` whose authorisations for ``obj`` no longer allow ``value`` in ``field``
    (``*`` replaced by the other values the sandbox knows)."""
    objects = {"S_TABU_DIS", "S_TABU_NAM"} if obj == VIEW_CHECK else {obj}
    others = {"BUKRS": ("2000", "3000"), "ACTVT": ("01", "02", "03", "16"),
              "KKBER": ("2000",), "TABLE": READ_TABLES}[field]
    narrowed = []
    for g in role:
        if g.object in objects and field in g.fields:
            allowed = g.fields[field]
            allowed = others if "*" in allowed else allowed
            g = replace(g, fields={**g.fields, field: tuple(v for v in allowed if v != value)})
        narrowed.append(g)
    return tuple(narrowed)


def test_every_check_of_the_abap_has_a_case() -> None:
    assert {(c.function, c.object) for c in abap_checks()} == set(CASES)


@pytest.mark.parametrize("check", abap_checks(), ids=lambda c: f"{c.function}-{c.object}")
def test_the_simulator_refuses_as_the_abap(check: Check, sandbox_db: Path) -> None:
    case = CASES[(check.function, check.object)]
    assert case.expected in check.refusal, (case.expected, check.refusal)
    assert {f for f, _ in check.fields} == set(case.values)  # the same fields are checked
    for field, literal in check.fields:
        assert literal in ("", case.values[field])  # and a literal with the same value
    made = case.setup(sandbox_db)
    full = role_of(sandbox_db)
    assert _outcome(case, sandbox_db, made) != case.expected  # the runbook's role passes
    objects = ("S_TABU_DIS", "S_TABU_NAM") if check.object == VIEW_CHECK else (check.object,)
    revoked = full
    for obj in objects:
        revoked = without(revoked, obj)
    assign_role(sandbox_db, "ARBOTS", revoked)
    assert _outcome(case, sandbox_db, made) == case.expected
    for field, value in case.values.items():  # each value the ABAP checks matters
        assign_role(sandbox_db, "ARBOTS", _narrowed(full, check.object, field, value))
        assert _outcome(case, sandbox_db, made) == case.expected, field
    assign_role(sandbox_db, "ARBOTS", full)
    assert _outcome(case, sandbox_db, made) != case.expected


# ------------------------------------------------------------ S_RFC and table reads


def test_every_function_module_is_guarded_by_s_rfc(sandbox_db: Path) -> None:
    assert set(HANDLERS) <= set(FUNCTION_GROUPS) | set(FUNCTION_GRANTS)
    role = tuple(replace(g, fields={**g.fields, "RFC_NAME": tuple(
        n for n in g.fields["RFC_NAME"] if n != "SDTX")}) if g.object == "S_RFC" else g
        for g in role_of(sandbox_db))
    assign_role(sandbox_db, "ARBOTS", role)
    sim = simulator(sandbox_db)
    with pytest.raises(ABAPRuntimeError) as caught:
        sim.call("RFC_READ_TABLE", QUERY_TABLE="T001")
    assert caught.value.key == "RFC_NO_AUTHORITY"
    assert "RFC_READ_TABLE" in caught.value.message and "SDTX" in caught.value.message
    assert sim.call("Z_ARBOTS_READ_TABLE", QUERY_TABLE="T001")["DATA"]  # ZARBOTS still granted


def test_a_user_without_a_role_can_do_nothing(sandbox_db: Path) -> None:
    assign_role(sandbox_db, "ARBOTS", role_of(sandbox_db))
    with pytest.raises(ABAPRuntimeError) as caught:
        simulator(sandbox_db, user="AUDITOR").call("RFC_PING")
    assert caught.value.key == "RFC_NO_AUTHORITY"
    simulator(sandbox_db).call("RFC_PING")


def test_tables_need_s_tabu_nam_or_s_tabu_dis(sandbox_db: Path) -> None:
    assert set(TABLES) == set(READ_TABLES)  # the runbook's role reads every table
    role = _narrowed(role_of(sandbox_db), VIEW_CHECK, "TABLE", "KNKK")
    assign_role(sandbox_db, "ARBOTS", role)
    sim = simulator(sandbox_db)
    with pytest.raises(ABAPApplicationError) as caught:
        sim.call("RFC_READ_TABLE", QUERY_TABLE="KNKK")
    assert caught.value.key == "NOT_AUTHORIZED"
    assert sim.call("RFC_READ_TABLE", QUERY_TABLE="T001")["DATA"]
    with pytest.raises(ABAPApplicationError) as unknown:  # no such table: as before
        sim.call("RFC_READ_TABLE", QUERY_TABLE="ZNOPE")
    assert unknown.value.key == "TABLE_NOT_AVAILABLE"
    assign_role(sandbox_db, "ARBOTS", (*role, Grant("S_TABU_DIS", {"DICBERCLS": ("&NC&",),
                                                                   "ACTVT": ("03",)})))
    assert simulator(sandbox_db).call("RFC_READ_TABLE", QUERY_TABLE="KNKK")["DATA"]


def test_the_default_role_is_the_runbooks(sandbox_db: Path) -> None:
    runbooks = "\n".join(p.read_text() for p in (ROOT / "runbooks").glob("*.md"))
    role = role_of(sandbox_db)
    for grant in role:
        assert f"`{grant.object}`" in runbooks, grant.object
    for table in READ_TABLES:
        assert re.search(rf"\b{table}\b", runbooks), table
    codes = {g.object: g.fields.get("BUKRS") for g in role}
    assert codes["F_BKPF_BUK"] == codes["F_KNA1_BUK"] == ("1000", "2000")


# ---------------------------------------------------------------- what the bots say


def _client(db: Path) -> SapClient:
    return SapClient(simulator(db), page_size=50, retry=NO_WAIT)


def test_a_refused_note_names_object_company_code_and_text(sandbox_db: Path) -> None:
    assign_role(sandbox_db, "ARBOTS", without(role_of(sandbox_db), "F_KNA1_BUK"))
    kunnr = _invoice(sandbox_db)[0]
    note = CollectionNote(company_code="1000", customer=kunnr, on=TODAY, lines=("x",),
                          kind="collections")
    with _client(sandbox_db) as sap, pytest.raises(SapAuthorityError) as caught:
        sap.save_note(note)
    message = str(caught.value)
    assert "(E ZARBOTS 022)" in message
    for words in ("F_KNA1_BUK", "BUKRS 1000", "ACTVT 02", f"text object KNB1 {kunnr}1000",
                  "runbooks/abap-install.md"):
        assert words in message, words


def test_a_refused_table_read_names_the_table(sandbox_db: Path) -> None:
    assign_role(sandbox_db, "ARBOTS",
                _narrowed(role_of(sandbox_db), VIEW_CHECK, "TABLE", "KNB1"))
    with _client(sandbox_db) as sap, pytest.raises(SapAuthorityError) as caught:
        sap.customers(["1000"])
    assert "S_TABU_NAM with TABLE KNB1, ACTVT 03" in str(caught.value)


def test_a_missing_s_rfc_is_not_retried(sandbox_db: Path) -> None:
    assign_role(sandbox_db, "ARBOTS", without(role_of(sandbox_db), "S_RFC"))
    calls = []
    sim = simulator(sandbox_db)

    class Counting:
        def call(self, name: str, /, **params: Any) -> dict[str, Any]:
            calls.append(name)
            return sim.call(name, **params)

    with SapClient(Counting(), retry=NO_WAIT) as sap, \
            pytest.raises(SapAuthorityError) as caught:
        sap.ping()
    assert calls == ["RFC_PING"]
    assert "S_RFC with ACTVT 16 (execute) for function module RFC_PING" in str(caught.value)


def test_a_refused_posting_and_release_name_what_to_grant(sandbox_db: Path) -> None:
    order = _blocked_order(sandbox_db)
    assign_role(sandbox_db, "ARBOTS",
                without(without(role_of(sandbox_db), "F_BKPF_BUK"), "V_KNKK_FRE"))
    with _client(sandbox_db) as sap, pytest.raises(SapAuthorityError) as caught:
        sap.release_credit_block(order, ["paid tonight"])
    assert f"V_KNKK_FRE with KKBER 1000 (releasing sales order {order}" in str(caught.value)
    result = _post(sandbox_db, simulator(sandbox_db))
    assert [(m["NUMBER"], m["MESSAGE_V1"]) for m in result["RETURN"]] == [("024", "1000")]
