""""What does this pay?": an upload read by arbots extract, matched against the latest
snapshot, nothing posted; the same reasons as arbots extract; oversized uploads refused."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient

from bots.console import create_app
from bots.console.whatpays import UploadTooLarge, read_limited, safe_name
from bots.domain import Trigger, format_amount
from bots.remittance import extract_bytes
from bots.runner import run_bots
from bots.sap import connect
from bots.store import Store
from tests.console.conftest import TODAY, signed_in, still_open


def advice_for(item) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Accounts Payable <ap@payer.example.net>"
    msg["To"] = "remittances@arbots-demo.example"
    msg["Subject"] = "Remittance advice <b>bold</b>"
    msg.set_content(f"Payment date: {TODAY.isoformat()}\nCurrency: {item.currency}\n\n"
                    f"Invoice {item.invoice_ref}    {format_amount(item.amount, item.currency)}\n")
    return bytes(msg)


@pytest.fixture
def snapshot_world(console_world):
    run_bots(console_world, ("openitems",), Trigger.ON_DEMAND)
    with connect(console_world.sap) as sap:
        item = next(i for i in sap.iter_open_items(console_world.sap.company_codes, TODAY)
                    if i.amount > 0 and i.invoice_ref)
    return console_world, item


def test_an_advice_shows_its_lines_and_matches_and_posts_nothing(snapshot_world) -> None:
    cfg, item = snapshot_world
    client = TestClient(create_app(cfg))
    csrf = signed_in(client, "sam")
    with Store(cfg.store_path) as store:
        writes_before = len(store.writes())
    answer = client.post("/api/extract", headers={"X-CSRF-Token": csrf},
                         files={"file": ("advice.eml", advice_for(item), "message/rfc822")})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    (remittance,) = body["remittances"]
    assert remittance["lines"][0]["invoice_ref"] == item.invoice_ref
    assert body["failures"] == [] and body["open_items"] > 0
    assert [p["document_no"] for p in body["proposals"]] == [item.document_no]
    with Store(cfg.store_path) as store:
        assert len(store.writes()) == writes_before
        assert store.remittances("new") == [] and store.remittances("review") == []
    assert still_open(cfg, item)
    page = client.post("/extract", data={"csrf_token": csrf},
                       files={"file": ("advice.eml", advice_for(item), "message/rfc822")})
    assert page.status_code == 200 and item.document_no in page.text


def test_an_upload_that_is_no_remittance_gets_the_reasons_of_arbots_extract(console_world
                                                                            ) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    expected = extract_bytes(data, "logo.png").failures[0]
    client = TestClient(create_app(console_world))
    csrf = signed_in(client, "alice")
    body = client.post("/api/extract", headers={"X-CSRF-Token": csrf},
                       files={"file": ("logo.png", data, "image/png")}).json()
    assert body["remittances"] == [] and body["proposals"] == []
    assert [(f["source"], f["code"], f["reason"]) for f in body["failures"]] == \
        [("logo.png", expected.code, expected.reason)]


def test_an_oversized_upload_is_refused_naming_the_limit(console_world) -> None:
    client = TestClient(create_app(console_world, upload_limit=1000))
    csrf = signed_in(client, "alice")
    big = b"x" * 70_000
    answer = client.post("/api/extract", headers={"X-CSRF-Token": csrf},
                         files={"file": ("big.csv", big, "text/csv")})
    assert answer.status_code == 413 and "limit of 1,000 bytes" in answer.json()["detail"]
    page = client.post("/extract", data={"csrf_token": csrf},
                       files={"file": ("big.csv", b"y" * 2000, "text/csv")})
    assert page.status_code == 413 and "limit of 1,000 bytes" in page.text
    with pytest.raises(UploadTooLarge, match="limit of 10 bytes"):
        read_limited(iter([b"12345", b"678901"]), 10)
    assert read_limited(iter([b"12345", b"67890"]), 10) == b"1234567890"


def test_upload_names_are_reduced_to_a_safe_file_name() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\<advice>.pdf") == "_advice_.pdf"
    assert safe_name("..") == "upload"


def test_an_upload_without_the_csrf_token_is_refused(console_world) -> None:
    client = TestClient(create_app(console_world))
    signed_in(client, "alice")
    answer = client.post("/api/extract", files={"file": ("a.csv", b"a,b\n", "text/csv")})
    assert answer.status_code == 403
