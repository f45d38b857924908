"""Two sessions posting one reference at once post once (issue 10: check and post are atomic)."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sap_sandbox import NO_WAIT, TODAY, simulator, sql

from bots.domain import CollectionNote
from bots.sandbox.sap import clearing
from bots.sandbox.sap.session import Session
from bots.sap import ClearingRequest, ClearItem, SapClient


def _request(db: Path, reference: str) -> ClearingRequest:
    kunnr, belnr, gjahr, buzei, wrbtr = sql(
        db, "SELECT KUNNR, BELNR, GJAHR, BUZEI, WRBTR FROM BSID WHERE BUKRS = '1000' "
        "AND BLART = 'RV' AND WAERS = 'USD' ORDER BY BELNR LIMIT 1")[0]
    amount = Decimal(wrbtr).scaleb(-2)
    return ClearingRequest("1000", "USD", reference, TODAY, TODAY, amount, "113100",
                           (ClearItem(kunnr, belnr, gjahr, buzei, amount),))


def test_second_session_waits_for_the_first_and_finds_its_document(
        sandbox_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second caller asks for the lock while the first holds it, inside its posting.

    The first call stops after it took the lock (the ABAP's enqueue of company
    code + reference) until the second has asked for it; then it posts, and
    its posting commits itself, which releases the lock. Whatever the second
    read before it had the lock would be stale by then: it must read the
    reference only after it has the lock, and so find the first document
    instead of posting a second.
    """
    request = _request(sandbox_db, "pay-race-1")
    first = SapClient(simulator(sandbox_db), retry=NO_WAIT)
    second = SapClient(simulator(sandbox_db), retry=NO_WAIT)
    first_holds_lock, second_asks_for_lock = threading.Event(), threading.Event()
    original_begin, original_check = Session.begin_write, clearing._check

    def begin_write(session: Session) -> None:
        if threading.current_thread().name == "second":
            second_asks_for_lock.set()
        original_begin(session)

    def check(session: Session, p: dict) -> clearing.Plan:
        if threading.current_thread().name == "first":
            first_holds_lock.set()
            assert second_asks_for_lock.wait(10)
        return original_check(session, p)

    monkeypatch.setattr(Session, "begin_write", begin_write)
    monkeypatch.setattr(clearing, "_check", check)
    outcome: dict[str, object] = {}

    def post(name: str, client: SapClient) -> None:
        try:
            outcome[name] = client.post_clearing(request)
            client.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome[f"{name} error"] = exc

    threads = [threading.Thread(target=post, args=(name, client), name=name)
               for name, client in (("first", first), ("second", second))]
    threads[0].start()
    assert first_holds_lock.wait(10)
    threads[1].start()
    for thread in threads:
        thread.join(30)

    assert set(outcome) == {"first", "second"}, outcome
    posted, result = outcome["first"], outcome["second"]
    assert result.already_posted and result.document_no == posted.document_no
    assert sql(sandbox_db, "SELECT count(*) FROM BKPF WHERE XBLNR = 'PAY-RACE-1'") == [(1,)]
    first.close()
    second.close()


def test_two_threads_posting_one_key_post_once(sandbox_db: Path) -> None:
    request = _request(sandbox_db, "pay-race-2")
    start = threading.Barrier(2)
    results = []

    def post() -> None:
        with SapClient(simulator(sandbox_db), retry=NO_WAIT) as sap:
            start.wait()
            results.append(sap.post_clearing(request))
            sap.commit()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.already_posted for r in results) == [False, True]
    assert len({r.document_no for r in results}) == 1
    assert sql(sandbox_db, "SELECT count(*) FROM BKPF WHERE XBLNR = 'PAY-RACE-2'") == [(1,)]


def test_a_call_that_posts_nothing_releases_the_lock(sandbox_db: Path) -> None:
    request = _request(sandbox_db, "pay-race-3")
    with SapClient(simulator(sandbox_db), retry=NO_WAIT) as sap:
        sap.post_clearing(request)
        sap.commit()
        assert sap.post_clearing(request).already_posted  # nothing written, no commit
        with SapClient(simulator(sandbox_db), retry=NO_WAIT) as other:
            note = CollectionNote("1000", request.items[0].customer, TODAY, ("Called.",))
            other.save_note(note)
            other.commit()  # would wait for the lock, then fail FOREIGN_LOCK
            assert other.has_note("1000", note.customer, note.idempotency_key)
