"""Collection notes in s4 mode over real HTTP on loopback: text files attached through
API_CV_ATTACHMENT_SRV of the S/4 simulator (upload, GetAllOriginals, $value)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from s4_world import NO_WAIT, TODAY, s4_config

from bots.domain import CollectionNote
from bots.sandbox.s4 import SANDBOX_PASSWORD, SANDBOX_USER, S4Server
from bots.sap import SapBusinessError
from bots.sap.s4 import S4Client, connect_s4

pytestmark = pytest.mark.usefixtures("secrets_env")
SERVICE = "/sap/opu/odata/sap/API_CV_ATTACHMENT_SRV/"


@pytest.fixture
def adapter(tmp_path: Path, own_world: Path, own_s4: S4Server) -> Iterator[S4Client]:
    with connect_s4(s4_config(tmp_path, own_world, base_url=own_s4.url).sap,
                    retry=NO_WAIT) as client:
        yield client


def a_document(db: Path) -> tuple[str, str, str, str]:
    with sqlite3.connect(db) as con:
        return con.execute('SELECT BUKRS, KUNNR, BELNR, GJAHR FROM "BSID" ORDER BY BELNR '
                           "LIMIT 1").fetchone()


def test_a_note_is_attached_once_found_by_its_key_and_read_back(
        adapter: S4Client, own_world: Path) -> None:
    company, customer, document, year = a_document(own_world)
    on_account = CollectionNote(company, customer, TODAY, ("Reminder sent to ap@acme.example "
                                                          "for 3 items.", "Next: 2026-12-08."))
    on_invoice = CollectionNote(company, customer, TODAY, ("Submitted to portal buyer-cxml.",),
                                kind="portal:buyer-cxml", document=document, fiscal_year=year)
    for note in (on_account, on_invoice):
        assert not adapter.has_note(company, customer, note.idempotency_key, note.document,
                                    note.fiscal_year)
        adapter.save_note(note)
        assert adapter.has_note(company, customer, note.idempotency_key, note.document,
                                note.fiscal_year)
    assert adapter.read_notes(company, customer) == [on_account]
    assert adapter.read_notes(company, customer, document, year) == [on_invoice]
    assert adapter.read_notes("2000" if company == "1000" else "1000", customer) == []


def test_the_attachment_service_is_strict(adapter: S4Client, own_s4: S4Server) -> None:
    server = own_s4
    missing = CollectionNote("1000", "0000999999", TODAY, ("no such customer",))
    with pytest.raises(SapBusinessError, match="Object KNA1 '0000999999' does not exist"):
        adapter.save_note(missing)
    auth = (SANDBOX_USER, SANDBOX_PASSWORD)
    with httpx.Client(base_url=server.url, auth=auth) as http:
        no_token = http.post(SERVICE + "AttachmentContentSet", content=b"x", headers={
            "Slug": "a.txt", "Content-Type": "text/plain", "BusinessObjectTypeName": "KNA1",
            "LinkedSAPObjectKey": "0000100042"})
        assert no_token.status_code == 403
        token = http.get(SERVICE, params={"$format": "json"},
                         headers={"x-csrf-token": "fetch"}).headers["x-csrf-token"]
        wrong_type = http.post(SERVICE + "AttachmentContentSet", content=b"x", headers={
            "x-csrf-token": token, "Slug": "a.exe", "Content-Type": "application/x-msdownload",
            "BusinessObjectTypeName": "KNA1", "LinkedSAPObjectKey": "0000100042"})
        assert wrong_type.status_code == 400 and "is not permitted" in wrong_type.text
        listed = http.get(SERVICE + "GetAllOriginals", params={
            "LinkedSAPObjectKey": "0000100042", "BusinessObjectTypeName": "'KNA1'",
            "$format": "json"})
        assert listed.status_code == 400 and "string literal" in listed.text
