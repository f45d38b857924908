"""The sandbox S/4 simulator over real HTTP: logon, CSRF, query options, paging, strictness."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from s4_world import PAGE

from bots.sandbox.s4 import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_PASSWORD,
    SANDBOX_USER,
    S4Server,
    start_s4,
)

CUBE = "/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube"
CUSTOMERS = "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_Customer"
BASIC = (SANDBOX_USER, SANDBOX_PASSWORD)


def _get(s4: S4Server, path: str, **params: str) -> httpx.Response:
    return httpx.get(s4.url + path, params={"$format": "json", **params}, auth=BASIC)


def _token(s4: S4Server, secret: str = SANDBOX_CLIENT_SECRET) -> httpx.Response:
    return httpx.post(s4.url + "/oauth/token", data={"grant_type": "client_credentials"},
                      auth=(SANDBOX_CLIENT_ID, secret))


def test_no_or_wrong_credentials_get_401(s4: S4Server) -> None:
    bare = httpx.get(s4.url + CUBE, params={"$format": "json"})
    assert bare.status_code == 401 and "Basic" in bare.headers["WWW-Authenticate"]
    wrong = httpx.get(s4.url + CUBE, params={"$format": "json"}, auth=(SANDBOX_USER, "nope"))
    assert wrong.status_code == 401
    assert httpx.get(s4.url + CUBE, params={"$format": "json"},
                     headers={"Authorization": "Bearer made-up"}).status_code == 401


def test_oauth_client_credentials_give_a_bearer_token(s4: S4Server) -> None:
    assert _token(s4, "wrong").status_code == 401
    granted = _token(s4).json()
    assert granted["token_type"] == "bearer" and granted["expires_in"] > 0
    answer = httpx.get(s4.url + CUSTOMERS, params={"$format": "json", "$top": "1"},
                       headers={"Authorization": f"Bearer {granted['access_token']}"})
    assert answer.status_code == 200 and len(answer.json()["d"]["results"]) == 1
    s4.expire_tokens()
    assert httpx.get(s4.url + CUSTOMERS, params={"$format": "json"},
                     headers={"Authorization": f"Bearer {granted['access_token']}"}
                     ).status_code == 401


def test_a_service_takes_only_the_logons_its_arrangement_allows(world: Path) -> None:
    with start_s4(world, auth={"API_BUSINESS_PARTNER": {"oauth"}}) as s4:
        assert _get(s4, CUSTOMERS).status_code == 401  # basic refused here
        assert _get(s4, CUBE, **{"$top": "1"}).status_code == 200  # and accepted there


@pytest.mark.parametrize(("filter_", "message"), [
    ("Bogus eq '1'", "Property 'Bogus' not found in $filter"),
    ("PostingDate eq '2026'", "cannot be compared with Edm.String literal"),
    ("substringof('A', Customer)", "function 'substringof' is not supported"),
    ("CompanyCode eq '1000' and", "expected at the end"),
    ("CompanyCode eq '1000')", "unexpected ')'"),
    ("CompanyCode like '1000'", "operator expected after 'CompanyCode'"),
    ("PostingDate le datetime'2026-13-01T00:00:00'", "is not an Edm.DateTime"),
])
def test_a_bad_filter_is_a_400_with_an_odata_error(s4: S4Server, filter_: str,
                                                   message: str) -> None:
    answer = _get(s4, CUBE, **{"$filter": filter_})
    assert answer.status_code == 400
    assert message in answer.json()["error"]["message"]["value"]


def test_unknown_options_and_properties_are_refused(s4: S4Server) -> None:
    assert _get(s4, CUBE, **{"$select": "Customer,Nope"}).status_code == 400
    assert _get(s4, CUBE, **{"$expand": "to_Customer"}).status_code == 400
    assert _get(s4, CUBE, **{"$top": "-1"}).status_code == 400
    assert _get(s4, CUBE, **{"$format": "xml"}).status_code == 400
    assert _get(s4, "/sap/opu/odata/sap/API_NOPE_SRV/A_Thing").status_code == 404
    atom = httpx.get(s4.url + CUBE, auth=BASIC)  # no $format, no Accept: JSON
    assert atom.status_code == 406


def test_server_driven_paging_with_skiptoken_covers_every_entity_once(s4: S4Server) -> None:
    condition = "CompanyCode eq '1000' and IsCleared eq false"
    first = _get(s4, CUBE, **{"$filter": condition, "$inlinecount": "allpages"}).json()["d"]
    total = int(first["__count"])
    assert total > 2 * PAGE  # several pages
    keys, page, pages = [], first, 0
    while True:
        pages += 1
        assert len(page["results"]) <= PAGE
        keys += [(e["AccountingDocument"], e["FiscalYear"], e["AccountingDocumentItem"])
                 for e in page["results"]]
        if "__next" not in page:
            break
        assert "%24skiptoken=" in page["__next"] and "%24filter=" in page["__next"]
        page = httpx.get(page["__next"], auth=BASIC).json()["d"]
    assert len(keys) == len(set(keys)) == total
    assert pages == -(-total // PAGE)


def test_top_skip_and_select(s4: S4Server) -> None:
    everything = _get(s4, CUSTOMERS, **{"$top": "500"}).json()["d"]
    numbers = [c["Customer"] for c in everything["results"]]
    assert numbers == sorted(numbers)
    window = _get(s4, CUSTOMERS, **{"$skip": "3", "$top": "4", "$select": "Customer"}).json()
    rows = window["d"]["results"]
    assert [r["Customer"] for r in rows] == numbers[3:7]
    assert set(rows[0]) == {"__metadata", "Customer"}
    assert "__next" not in window["d"]
    backwards = _get(s4, CUSTOMERS, **{"$orderby": "Customer desc", "$select": "Customer"})
    assert [r["Customer"] for r in backwards.json()["d"]["results"]] == numbers[::-1]
    assert _get(s4, CUSTOMERS, **{"$orderby": "Nope"}).status_code == 400
    capped = _get(s4, CUBE, **{"$top": str(PAGE + 5)}).json()["d"]  # two pages, 55 in all
    rest = httpx.get(capped["__next"], auth=BASIC).json()["d"]
    assert len(capped["results"]) + len(rest["results"]) == PAGE + 5 and "__next" not in rest


def test_amounts_dates_and_null_as_v2_json(s4: S4Server) -> None:
    rows = _get(s4, CUBE, **{"$filter": "TransactionCurrency eq 'JPY'", "$top": "1"}
                ).json()["d"]["results"]
    assert rows, "the test world has yen items"
    item = rows[0]
    assert "." not in item["AmountInTransactionCurrency"]  # yen: no decimals
    assert item["PostingDate"].startswith("/Date(") and item["ClearingDate"] is None


def test_csrf_token_fetch_and_check(s4: S4Server) -> None:
    with httpx.Client(auth=BASIC) as client:
        refused = client.post(s4.url + CUBE, json={})
        assert refused.status_code == 403 and refused.headers["x-csrf-token"] == "Required"
        fetched = client.get(s4.url + "/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV/",
                             params={"$format": "json"}, headers={"x-csrf-token": "fetch"})
        token = fetched.headers["x-csrf-token"]
        assert fetched.status_code == 200 and token and token != "Required"
        assert client.post(s4.url + CUBE, json={},
                           headers={"x-csrf-token": "forged"}).status_code == 403
        read_only = client.post(s4.url + CUBE, json={}, headers={"x-csrf-token": token})
        assert read_only.status_code == 405  # the token passed; the cube takes no writes
        assert "read-only" in read_only.json()["error"]["message"]["value"]
    # the token is bound to the session cookie: without it, the same token is refused
    assert httpx.post(s4.url + CUBE, json={}, auth=BASIC,
                      headers={"x-csrf-token": token}).status_code == 403
