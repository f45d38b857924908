"""The simulator checks every call against the function module's interface, as SAP does."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sap_sandbox import NO_WAIT, Flaky, simulator

from bots.sandbox.sap.errors import (
    ABAPApplicationError,
    ABAPRuntimeError,
    ExternalRuntimeError,
)
from bots.sap import SapClient, SapInterfaceError


def test_unknown_parameter(sandbox_db: Path) -> None:
    with pytest.raises(ExternalRuntimeError) as caught:
        simulator(sandbox_db).call("RFC_READ_TABLE", QUERY_TABLE="KNA1", MAX_ROWS=10)
    assert caught.value.key == "RFC_INVALID_PARAMETER"
    assert "MAX_ROWS" in caught.value.message


def test_unknown_structure_field(sandbox_db: Path) -> None:
    with pytest.raises(ExternalRuntimeError) as caught:
        simulator(sandbox_db).call("RFC_READ_TABLE", QUERY_TABLE="KNA1",
                                   FIELDS=[{"FIELDNAME": "NAME1", "WIDTH": 3}])
    assert caught.value.key == "RFC_INVALID_PARAMETER"


def test_value_too_long_for_char(sandbox_db: Path) -> None:
    with pytest.raises(ExternalRuntimeError) as caught:
        simulator(sandbox_db).call("BAPI_AR_ACC_GETOPENITEMS", COMPANYCODE="10000",
                                   CUSTOMER="0000100001", KEYDATE="20261124")
    assert caught.value.key == "RFC_CONVERSION_FAILURE"
    assert "COMPANYCODE" in caught.value.message


@pytest.mark.parametrize(("function", "params"), [
    ("RFC_READ_TABLE", {"QUERY_TABLE": "KNA1", "ROWCOUNT": "10"}),
    ("RFC_READ_TABLE", {"QUERY_TABLE": 42}),
    ("BAPI_AR_ACC_GETOPENITEMS", {"COMPANYCODE": "1000", "CUSTOMER": "0000100001",
                                  "KEYDATE": 20261124}),
    ("Z_ARBOTS_POST_CLEARING", {"I_HEADER": {"BUKRS": "1000"},
                                "I_PAYMENT": {"WRBTR": 10.5}}),
])
def test_wrong_python_types_raise_type_error(sandbox_db: Path, function: str,
                                             params: dict) -> None:
    with pytest.raises(TypeError):
        simulator(sandbox_db).call(function, **params)


@pytest.mark.parametrize("value", ["20x6", "12345"])
def test_numc_must_be_digits_that_fit(sandbox_db: Path, value: str) -> None:
    with pytest.raises(ExternalRuntimeError) as caught:
        simulator(sandbox_db).call(
            "Z_ARBOTS_POST_CLEARING", I_HEADER={"BUKRS": "1000"},
            I_PAYMENT={"WRBTR": Decimal("1")},
            T_CLEAR=[{"BELNR": "1800000001", "GJAHR": value, "BUZEI": "1"}])
    assert caught.value.key == "RFC_CONVERSION_FAILURE"


def test_amount_with_too_many_decimals(sandbox_db: Path) -> None:
    with pytest.raises(ExternalRuntimeError):
        simulator(sandbox_db).call("Z_ARBOTS_POST_CLEARING", I_HEADER={"BUKRS": "1000"},
                                   I_PAYMENT={"WRBTR": Decimal("1.00001")})


def test_missing_mandatory_import_is_a_short_dump(sandbox_db: Path) -> None:
    with pytest.raises(ABAPRuntimeError) as caught:
        simulator(sandbox_db).call("BAPI_AR_ACC_GETOPENITEMS", COMPANYCODE="1000")
    assert caught.value.key == "CALL_FUNCTION_PARM_MISSING"


def test_unknown_function_module(sandbox_db: Path) -> None:
    with pytest.raises(ABAPApplicationError) as caught:
        simulator(sandbox_db).call("Z_DOES_NOT_EXIST")
    assert caught.value.key == "FU_NOT_FOUND"
    assert caught.value.msg_class == "FL" and caught.value.msg_number == "046"


def test_function_description_has_pyrfc_shape(sandbox_db: Path) -> None:
    description = simulator(sandbox_db).get_function_description("BAPI_AR_ACC_GETOPENITEMS")
    params = {p["name"]: p for p in description.parameters}
    assert params["COMPANYCODE"]["direction"] == "RFC_IMPORT"
    assert params["COMPANYCODE"]["parameter_type"] == "RFCTYPE_CHAR"
    assert params["COMPANYCODE"]["nuc_length"] == 4 and not params["COMPANYCODE"]["optional"]
    assert params["LINEITEMS"]["direction"] == "RFC_TABLES"
    fields = {f["name"]: f for f in params["LINEITEMS"]["type_description"].fields}
    assert fields["AMT_DOCCUR"]["field_type"] == "RFCTYPE_BCD"
    assert fields["AMT_DOCCUR"]["decimals"] == 4
    assert params["RETURN"]["type_description"].name == "BAPIRETURN"


def test_interface_errors_reach_the_client_once_and_typed(sandbox_db: Path) -> None:
    flaky = Flaky(simulator(sandbox_db), failures=0)
    sap = SapClient(flaky, functions={"read_table": "Z_RFC_READ_TABLE_MISSING"},
                    retry=NO_WAIT)
    with pytest.raises(SapInterfaceError) as caught:
        sap.customers(["1000"])
    assert caught.value.key == "FU_NOT_FOUND"
    assert flaky.calls == 1
