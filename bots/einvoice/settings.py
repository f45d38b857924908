"""``[einvoice]``: which customers get their invoices as Factur-X by e-mail.

::

    [einvoice]
    seller_name = "Arbots Demo GmbH"     # the seller on the invoice (BT-27)
    seller_country = "DE"                # ISO 3166 alpha-2 (BT-40)
    seller_vat_id = "DE811907980"        # default: [portals] supplier_vat_id
    send_within_days = 2                 # invoices dated up to this many days ago
    [einvoice.customers]                 # customer number -> where and how
    "0000100004" = { address = "ap@client.example", name = "Client SARL", country = "FR" }
    "0000100009" = { address = "invoices@buyer.example", ubl = true }  # + UBL 2.1 XML

The e-mail goes through ``[collections.smtp]`` from ``[collections] sender``
and is kept as ``.eml`` in ``[collections] outbox`` (without SMTP the outbox
is the delivery, as for reminders). ``format`` (default ``facturx``) is the only
one so far; ``ubl = true`` adds the UBL 2.1 XML of the same invoice as a second
attachment (:mod:`bots.einvoice.ubl`).
A customer may be in ``[portals.customers]`` too: it then gets both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bots.config import Config, ConfigError, _Section
from bots.einvoice.cii import Party

FORMATS = ("facturx",)
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class EinvoiceRoute:
    """Where one customer's e-invoices go, and as what."""

    address: str
    format: str
    buyer: Party
    ubl: bool = False  # a UBL 2.1 XML attached beside the Factur-X PDF


@dataclass(frozen=True)
class EinvoiceConfig:
    seller: Party
    send_within_days: int = 2
    customers: dict[str, EinvoiceRoute] = field(default_factory=dict)


def einvoice_config(cfg: Config) -> EinvoiceConfig:
    """Read and check ``[einvoice]`` of ``cfg`` (raises ConfigError naming file and key)."""
    s = _Section(cfg.source, "einvoice", cfg.raw.get("einvoice", {}))
    portals = cfg.raw.get("portals", {})
    vat_default = portals.get("supplier_vat_id", "") if isinstance(portals, dict) else ""
    seller = Party(s.text("seller_name", "Arbots Demo GmbH"), s.text("seller_country", "DE"),
                   s.text("seller_vat_id", str(vat_default)))
    table = s.table("customers")
    customers = {}
    for customer in table.data:
        entry = table.table(customer)
        address = entry.text("address")
        if not _ADDRESS.match(address):
            raise entry._fail("address", f"not an e-mail address: {address!r}")
        fmt = entry.text("format", "facturx")
        if fmt not in FORMATS:
            raise entry._fail("format", f"{fmt!r} is not supported; expected one of "
                                        f"{', '.join(FORMATS)} (for UBL write ubl = true: the UBL "
                                        "XML is attached beside the Factur-X PDF)")
        customers[customer] = EinvoiceRoute(address, fmt, Party(
            entry.text("name", customer), entry.text("country", "")), entry.flag("ubl", False))
        entry.check_unknown()
    if customers and not cfg.collections.sender:
        raise ConfigError(f"{cfg.source}: collections.sender: e-invoices need a sender")
    result = EinvoiceConfig(seller, s.integer("send_within_days", 2, minimum=0), customers)
    s.check_unknown()
    return result
