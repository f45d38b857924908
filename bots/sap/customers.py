"""Customer master data: KNB1 (per company code) joined with KNA1 (general data).

One :class:`~bots.domain.Customer` per customer and company code:

* name, country, city from KNA1 (``NAME1``, ``LAND1``, ``ORT01``);
* the paying parent from KNA1-``KONZS`` (group key). We model the group key
  as the customer number of the group's parent, as the demo system does; a
  customer whose group key is its own number, or blank, has no parent. If
  your system uses free-text group keys, map them before relying on
  ``parent``;
* payment terms ``ZTERM``, accounting clerk ``BUSAB`` and the e-mail address
  of the customer's AP contact ``INTAD`` from KNB1;
* the correspondence language ``SPRAS`` from KNA1;
* the account's dunning block ``MANSP`` and level ``MAHNS`` from KNB5 (the
  highest level and any block over the account's dunning areas).

KNA1 is read only for the customers found in KNB1, in chunks of
:data:`CHUNK` numbers per ``IN`` list, so a large customer master is not
read whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bots.domain import Customer
from bots.sap.read_table import TableReader, Where

CHUNK = 200


def customers(reader: TableReader, company_codes: Sequence[str]) -> list[Customer]:
    """Customers of ``company_codes``, sorted by company code and number."""
    accounts = list(reader.rows("KNB1", ["KUNNR", "BUKRS", "ZTERM", "BUSAB", "INTAD"],
                                Where().isin("BUKRS", company_codes), key=("KUNNR", "BUKRS")))
    numbers = sorted({row["KUNNR"] for row in accounts})
    general: dict[str, dict[str, str]] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start:start + CHUNK]
        for row in reader.rows("KNA1", ["KUNNR", "NAME1", "LAND1", "ORT01", "KONZS", "SPRAS"],
                               Where().isin("KUNNR", chunk), key=("KUNNR",)):
            general[row["KUNNR"]] = row
    dunning = _dunning_data(reader, company_codes)
    result = []
    for account in accounts:
        number = account["KUNNR"]
        kna1 = general.get(number, {})
        group = kna1.get("KONZS", "")
        result.append(Customer(
            number=number, name=kna1.get("NAME1", ""), company_code=account["BUKRS"],
            country=kna1.get("LAND1", ""), city=kna1.get("ORT01", ""),
            parent=group if group != number else "", payment_terms=account["ZTERM"],
            clerk=account["BUSAB"], email=account["INTAD"], language=kna1.get("SPRAS", ""),
            **dunning.get((account["BUKRS"], number), {})))
    return sorted(result, key=lambda c: (c.company_code, c.number))


def _dunning_data(reader: TableReader, company_codes: Sequence[str]
                  ) -> dict[tuple[str, str], dict[str, Any]]:
    """KNB5 per (company code, customer): ``dunning_block`` and ``dunning_level``."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in reader.rows("KNB5", ["KUNNR", "BUKRS", "MABER", "MANSP", "MAHNS"],
                           Where().isin("BUKRS", company_codes),
                           key=("KUNNR", "BUKRS", "MABER")):
        data = found.setdefault((row["BUKRS"], row["KUNNR"]),
                                {"dunning_block": "", "dunning_level": 0})
        data["dunning_block"] = data["dunning_block"] or row["MANSP"]
        data["dunning_level"] = max(data["dunning_level"], int(row["MAHNS"] or 0))
    return found
