"""The simulator served from a process of its own (bench sap_open_items): same answers.

A client over :class:`RemoteSimulator` must see exactly what it sees in process:
the same open items (one connection or several), the same ABAP exceptions with
their fields, each connection its own LUW; and stopping the server ends its
work processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sap_sandbox import NO_WAIT, make_db, simulator

from bots.sandbox.sap.server import SimulatorServer
from bots.sap import SapBusinessError, SapClient, SapTechnicalError

CODES = ["1000", "2000"]
TODAY = date.today()  # the server's simulator has today's clock


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SimulatorServer]]:
    path = make_db(tmp_path_factory.mktemp("served") / "sap.sqlite")
    with SimulatorServer(path) as server:
        yield path, server


def _client(server: SimulatorServer, parallel: int = 1) -> SapClient:
    return SapClient(server.connect(), page_size=9, retry=NO_WAIT,
                     parallel_connections=parallel, open_connection=server.connect)


def test_open_items_over_the_server_equal_those_in_process(
        served: tuple[Path, SimulatorServer]) -> None:
    path, server = served
    with SapClient(simulator(path), page_size=9, retry=NO_WAIT) as local:
        expected = list(local.iter_open_items(CODES, TODAY))
    with _client(server) as one:
        assert list(one.iter_open_items(CODES, TODAY)) == expected
    with _client(server, 3) as three:
        assert list(three.iter_open_items(CODES, TODAY)) == expected
    assert len(expected) > 100
    assert server.cpu_seconds > 0  # the work processes reported their CPU when closed


def test_abap_exceptions_come_back_with_their_fields(
        served: tuple[Path, SimulatorServer]) -> None:
    _, server = served
    with _client(server) as sap, pytest.raises(SapBusinessError) as failed:
        list(sap.tables.rows("NO_SUCH_TABLE", ["X"]))
    assert failed.value.key == "TABLE_NOT_AVAILABLE"
    assert failed.value.msg_v1 == "NO_SUCH_TABLE"


def test_each_connection_has_its_own_luw(served: tuple[Path, SimulatorServer]) -> None:
    _, server = served
    text = {"I_TDOBJECT": "KNB1", "I_TDNAME": "00001000011000", "I_TDID": "0001"}
    writer, reader = server.connect(), server.connect()
    try:
        writer.call("Z_ARBOTS_SAVE_TEXT", **text,
                    T_LINES=[{"TDFORMAT": "*", "TDLINE": "not committed"}])
        assert writer.call("Z_ARBOTS_READ_TEXT", **text)["T_LINES"][-1]["TDLINE"] == \
            "not committed"
        assert all(line["TDLINE"] != "not committed"
                   for line in reader.call("Z_ARBOTS_READ_TEXT", **text)["T_LINES"])
    finally:
        writer.close()  # rolled back: nothing committed
        reader.close()


def test_a_stopped_server_fails_calls_as_a_lost_connection(tmp_path: Path) -> None:
    server = SimulatorServer(make_db(tmp_path / "sap.sqlite"))
    conn = server.connect()
    conn.call("RFC_PING")
    server.stop()
    with SapClient(conn, retry=NO_WAIT) as sap, pytest.raises(SapTechnicalError):
        sap.ping()
