"""Client-certificate (x509/mTLS) logon to the S/4 simulator over https on loopback (trustme)."""

from __future__ import annotations

import shutil
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from s4_world import NO_WAIT, TODAY, write_config

from bots.config import ConfigError, load_config
from bots.sandbox.s4 import S4Server, start_s4
from bots.sandbox.sap import SapSimulator
from bots.sap import SapClient, SapLogonError
from bots.sap.posting import ClearingRequest, ClearItem
from bots.sap.s4 import connect_s4

CUBE = "API_OPLACCTGDOCITEMCUBE_SRV"
pytestmark = pytest.mark.usefixtures("secrets_env")


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def s4_tls(world: Path, ca: trustme.CA) -> Iterator[S4Server]:
    """The simulator over https; the open-item cube takes client certificates only."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)  # client certificates must come from this CA
    context.verify_mode = ssl.CERT_OPTIONAL  # basic and OAuth logons need none
    with start_s4(world, page_size=100, tls=context, auth={CUBE: {"x509"}}) as server:
        yield server


def _x509_config(folder: Path, world: Path, s4: S4Server, ca: trustme.CA, *,
                 with_cert: bool = True) -> Path:
    config = write_config(folder, world, base_url=s4.url, auth="basic",
                          services={CUBE: "x509"})
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    lines = [f'ca_file = "{folder / "ca.pem"}"']
    if with_cert:
        issued = ca.issue_cert("arbots-comm-user@arbots-demo.example")
        issued.cert_chain_pems[0].write_to_path(str(folder / "client.pem"))
        issued.private_key_pem.write_to_path(str(folder / "client.key"))
        lines += [f'client_cert = "{folder / "client.pem"}"',
                  f'client_key = "{folder / "client.key"}"']
    text = config.read_text().replace("[sap.s4]\n", "[sap.s4]\n" + "\n".join(lines) + "\n")
    config.write_text(text)
    return config


def test_open_items_with_a_client_certificate(tmp_path: Path, world: Path, s4_tls: S4Server,
                                              ca: trustme.CA) -> None:
    cfg = load_config(_x509_config(tmp_path, world, s4_tls, ca), home=tmp_path)
    with SapClient(SapSimulator(world, clock=lambda: TODAY)) as rfc, \
            connect_s4(cfg.sap, retry=NO_WAIT) as adapter:
        assert set(adapter.iter_open_items(["1000"], TODAY)) == set(
            rfc.iter_open_items(["1000"], TODAY))
        assert adapter.customers(["1000"]) == rfc.customers(["1000"])  # basic, over https
    assert s4_tls.stats.reads["A_OperationalAcctgDocItemCube"] > 1
    assert s4_tls.stats.tokens_granted == 0


def test_without_a_client_certificate_the_cube_refuses(tmp_path: Path, world: Path,
                                                       s4_tls: S4Server,
                                                       ca: trustme.CA) -> None:
    config = _x509_config(tmp_path, world, s4_tls, ca, with_cert=False)
    with pytest.raises(ConfigError, match="x509 logon needs client_cert and client_key"):
        load_config(config, home=tmp_path)
    basic_everywhere = config.read_text().replace(f'{CUBE} = "x509"', f'{CUBE} = "basic"')
    config.write_text(basic_everywhere)
    cfg = load_config(config, home=tmp_path)
    with connect_s4(cfg.sap, retry=NO_WAIT) as adapter, \
            pytest.raises(SapLogonError, match="HTTP 401"):
        next(adapter.iter_open_items(["1000"], TODAY))


def test_x509_needs_https_and_loadable_files(tmp_path: Path, world: Path) -> None:
    config = write_config(tmp_path, world, base_url="http://127.0.0.1:1", auth="x509")
    text = config.read_text().replace("[sap.s4]\n", "[sap.s4]\nclient_cert = \"c.pem\"\n"
                                                   "client_key = \"c.key\"\n")
    config.write_text(text)
    with pytest.raises(ConfigError, match="x509 logon needs an https:// base_url"):
        load_config(config, home=tmp_path)
    config.write_text(text.replace("http://127.0.0.1:1", "https://127.0.0.1:1"))
    cfg = load_config(config, home=tmp_path)
    with pytest.raises(ConfigError, match="sap.s4.client_cert: cannot load"):
        connect_s4(cfg.sap, retry=NO_WAIT)


def test_lockbox_batches_over_mtls(tmp_path: Path, world: Path, ca: trustme.CA) -> None:
    """API_LOCKBOXPOST_IN takes client certificates only; the batch is posted later."""
    own = tmp_path / "own.sqlite"
    shutil.copy(world, own)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_OPTIONAL
    lockbox = "API_LOCKBOXPOST_IN"
    with start_s4(own, tls=context, auth={lockbox: {"x509"}}, clock=lambda: TODAY) as s4:
        config = _x509_config(tmp_path, own, s4, ca)
        config.write_text(config.read_text() + f'{lockbox} = "x509"\n')
        with SapClient(SapSimulator(own, clock=lambda: TODAY)) as rfc:
            item = next(i for i in rfc.iter_open_items(["1000"], TODAY) if i.amount > 0)
        request = ClearingRequest(
            company_code="1000", currency=item.currency, reference="pay-0000000c3a7e",
            doc_date=TODAY, posting_date=TODAY, amount=item.amount, bank_account="113100",
            payer=item.customer, items=(ClearItem(item.customer, item.document_no,
                                                  item.fiscal_year, item.line_item,
                                                  item.amount),))
        with connect_s4(load_config(config, home=tmp_path).sap, retry=NO_WAIT) as adapter:
            assert adapter.submit_clearing(request)
            assert adapter.find_document_by_reference("1000", request.reference)
        config.write_text(config.read_text().replace(f'{lockbox} = "x509"', f'{lockbox} = '
                                                                            '"basic"'))
        with connect_s4(load_config(config, home=tmp_path).sap, retry=NO_WAIT) as adapter, \
                pytest.raises(SapLogonError, match="HTTP 401"):
            adapter.submit_clearing(request)
    assert s4.stats.reads["LockboxBatch"] == 1
