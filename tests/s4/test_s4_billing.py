"""SD billing lines in s4 mode over real HTTP on loopback: API_BILLING_DOCUMENT_SRV and
API_SALES_ORDER_SRV of the S/4 simulator, read by the s4 adapter, against the same sandbox
world the ECC road reads (VBRK/VBRP/VBKD/KONV)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from s4_world import NO_WAIT, TODAY, s4_config

from bots.sandbox.s4 import SANDBOX_PASSWORD, SANDBOX_USER, S4Server
from bots.sandbox.sap import SapSimulator
from bots.sap import SapClient
from bots.sap.s4 import connect_s4
from bots.sap.s4.billing import billing_documents

pytestmark = pytest.mark.usefixtures("secrets_env")


def test_the_same_billing_documents_and_lines_as_the_ecc_road(tmp_path: Path, world: Path,
                                                               s4: S4Server) -> None:
    with SapClient(SapSimulator(world, clock=lambda: TODAY), retry=NO_WAIT) as rfc, \
            connect_s4(s4_config(tmp_path, world, base_url=s4.url).sap,
                       retry=NO_WAIT) as adapter:
        items = [i for code in ("1000", "2000") for i in [
            i for i in rfc.iter_open_items([code], TODAY) if i.doc_type == "RV"][:30]]
        expected = rfc.billing_documents(items)
        got = billing_documents(adapter.odata, items)
    assert len(expected) >= 30 and got == expected  # every field, every line
    lines = [line for doc in got.values() for line in doc.lines]
    assert {line.unit for line in lines} >= {"PCE", "HUR"}  # ISO, not the commercial PC / H
    assert {line.tax_rate for line in lines} >= {Decimal(10), Decimal(19)}
    assert all(line.po_line for line in lines) and any(line.po_number for line in lines)
    assert all(doc.gross == sum((ln.net + ln.tax for ln in doc.lines), Decimal(0))
               for doc in got.values())


def test_fi_only_items_have_no_billing_document(tmp_path: Path, world: Path,
                                                s4: S4Server) -> None:
    with SapClient(SapSimulator(world, clock=lambda: TODAY), retry=NO_WAIT) as rfc, \
            connect_s4(s4_config(tmp_path, world, base_url=s4.url).sap,
                       retry=NO_WAIT) as adapter:
        items = [i for i in rfc.iter_open_items(["1000"], TODAY) if i.doc_type != "RV"][:20]
        assert items and billing_documents(adapter.odata, items) == {}
        assert billing_documents(adapter.odata, []) == {}


def test_the_billing_service_refuses_an_unknown_property(s4: S4Server) -> None:
    answer = httpx.get(f"{s4.url}/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/"
                       "A_BillingDocumentItem", params={"$select": "BillingDocument,Colour",
                                                        "$format": "json"},
                       auth=(SANDBOX_USER, SANDBOX_PASSWORD))
    assert answer.status_code == 400 and "Colour" in answer.text
