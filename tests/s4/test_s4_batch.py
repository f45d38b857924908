"""OData ``$batch`` over real HTTP on loopback: the s4 client's batched reads against the
S/4 simulator, which answers each part on its own."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from s4_world import NO_WAIT, PAGE, TODAY, s4_config

from bots.sandbox.s4 import SANDBOX_PASSWORD, SANDBOX_USER, S4Server
from bots.sandbox.sap import SapSimulator
from bots.sap import SapBusinessError, SapClient
from bots.sap.s4 import connect_s4
from bots.sap.s4.batch import batch_request, parse_batch

pytestmark = pytest.mark.usefixtures("secrets_env")
BP = "API_BUSINESS_PARTNER"
CUBE_SERVICE, CUBE = "API_OPLACCTGDOCITEMCUBE_SRV", "A_OperationalAcctgDocItemCube"


def test_a_batch_reads_what_single_reads_read_following_pages_too(tmp_path: Path, world: Path,
                                                            s4: S4Server) -> None:
    with connect_s4(s4_config(tmp_path, world, base_url=s4.url).sap, retry=NO_WAIT) as client:
        reads = [(CUBE, "CompanyCode eq '1000'", ("AccountingDocument", "Customer")),
                 (CUBE, "CompanyCode eq '2000' and DebitCreditCode eq 'H'",
                  ("AccountingDocument", "AmountInTransactionCurrency")),
                 (CUBE, "CompanyCode eq '9999'", ("AccountingDocument",))]
        batched = client.odata.read_batch(CUBE_SERVICE, reads)
        single = [list(client.odata.entities(CUBE_SERVICE, name, filter=where, select=select))
                  for name, where, select in reads]
    assert batched == single and len(batched[0]) > PAGE and batched[1] and not batched[2]
    assert s4.stats.reads["$batch"] == 1


def test_customers_come_in_one_batch_and_equal_the_ecc_road(tmp_path: Path, world: Path,
                                                            s4: S4Server) -> None:
    with SapClient(SapSimulator(world, clock=lambda: TODAY), retry=NO_WAIT) as rfc, \
            connect_s4(s4_config(tmp_path, world, base_url=s4.url).sap,
                       retry=NO_WAIT) as client:
        assert client.customers(["1000", "2000"]) == rfc.customers(["1000", "2000"])
    assert s4.stats.reads["$batch"] == 1


def test_a_refused_part_is_the_services_error_and_the_others_are_answered(
        tmp_path: Path, world: Path, s4: S4Server) -> None:
    with connect_s4(s4_config(tmp_path, world, base_url=s4.url).sap, retry=NO_WAIT) as client:
        with pytest.raises(SapBusinessError, match="Colour"):
            client.odata.read_batch(BP, [("A_Customer", "", ("Customer",)),
                                         ("A_Customer", "", ("Colour",))])
    body, content_type = batch_request(["A_Customer?$select=Customer&$top=2&$format=json",
                                        "A_Customer?$select=Colour&$format=json",
                                        "No_Such_Set?$format=json"])
    with httpx.Client(base_url=s4.url, auth=(SANDBOX_USER, SANDBOX_PASSWORD)) as http:
        url = f"/sap/opu/odata/sap/{BP}/$batch"
        assert http.post(url, content=body, headers={"Content-Type": content_type}
                         ).status_code == 403  # no CSRF token
        token = http.get(f"/sap/opu/odata/sap/{BP}/", params={"$format": "json"},
                         headers={"x-csrf-token": "fetch"}).headers["x-csrf-token"]
        answer = http.post(url, content=body, headers={"Content-Type": content_type,
                                                       "x-csrf-token": token})
        assert answer.status_code == 202
        assert [status for status, _, _ in parse_batch(answer.headers["content-type"],
                                                       answer.content)] == [200, 400, 404]
        broken = http.post(url, content=b"not a batch", headers={
            "Content-Type": content_type, "x-csrf-token": token})
        assert broken.status_code == 400 and "Invalid batch request" in broken.text
