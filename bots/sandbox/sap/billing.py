"""SD billing documents behind the sandbox's invoices: VBRK/VBRP, VBKD, KONV, T006.

Every open invoice (BSID, ``BLART`` RV) of the generated world gets the
billing document it was posted from, so that its lines add up exactly to the
open item: ``sum(VBRP-NETWR + VBRP-MWSBP) = VBRK-NETWR + VBRK-MWSBK =
BSID-WRBTR``. All arithmetic is in integer minor units of the document
currency (stored CURR values are minor units, see :mod:`.store`), tax per
line rounded half up, as :class:`bots.portals.invoice.PortalInvoice` checks.

Numbers follow the FI document ``18nnnnnnnn``: billing document
``90nnnnnnnn`` (also in BSID-VBELN, as SAP posts it), sales order
``10nnnnnnnn``, pricing document KNUMV ``00nnnnnnnn``. Items are numbered 10,
20, 30 (VBRP-POSNR = the sales order item AUPOS); the customer's PO line
(VBKD-POSEX_E) is 1, 2, 3 - a buyer's line numbers are not SAP's. VBKD has a
header row (POSNR 000000) and one row per item, both with the PO number
(BSTKD = the assignment ZUONR the open item carries).

Per company code two output tax codes (1000: A1 10 %, A2 5 %; 2000: AA 19 %,
AB 7 %); about a third of the lines after the first take the reduced rate. A
last line whose gross cannot be reached at its rate (the rounding skips some
amounts) takes the other rate, then the zero rate (A0/A0 0 %). KONV holds a
price condition PR00 (KOAID B, KBETR = the unit price per KPEIN 1) and an
output tax condition MWST (KOAID D, KBETR in per mille as SAP keeps
percentages: 19 % is 190.00) per item.

Each invoice's lines come from their own random stream (seed and document
number), so the rest of the world is the same with or without them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

#: Output tax codes per company code: (code, rate in hundredths of a percent).
TAX_CODES = {"1000": (("A1", 1000), ("A2", 500)), "2000": (("AA", 1900), ("AB", 700))}
ZERO_TAX = ("A0", 0)
MATERIALS = (("WIDGET-A", "Widget A", "ST"), ("GEAR-200", "Gear set 200", "ST"),
             ("SVC-INSTALL", "Installation service", "H"), ("CABLE-10", "Cable 10 m", "ST"),
             ("RESIN-5", "Resin", "KG"), ("SVC-TRAIN", "Training", "H"))
ISO_UNITS = {"ST": "PCE", "H": "HUR", "KG": "KGM"}  # T006-ISOCODE


def _tax(net: int, basis_points: int) -> int:
    """Tax in minor units, rounded half up (amounts are positive)."""
    return (net * basis_points + 5000) // 10000


def _last_net(gross: int, basis_points: int) -> int | None:
    """The net whose net + tax is exactly ``gross`` at that rate, or None."""
    guess = gross * 10000 // (10000 + basis_points)
    for net in (guess - 1, guess, guess + 1, guess + 2):
        if net > 0 and net + _tax(net, basis_points) == gross:
            return net
    return None


def _lines(rng: random.Random, gross: int, codes: tuple[tuple[str, int], ...]
           ) -> list[tuple[int, int, str, int, tuple[str, str, str]]]:
    """(quantity, unit price, tax code, rate, material) per line; gross adds up exactly."""
    count = rng.choice((1, 2, 2, 3, 3, 4))
    count = max(1, min(count, gross // 2000))  # no line below ~20.00 (200 yen)
    lines = []
    left = gross
    for index in range(count - 1):
        code = codes[1] if index and rng.random() < 0.35 else codes[0]
        target = gross * rng.randint(60, 100) // (100 * count)
        quantity = rng.randint(1, 12)
        price = max(1, target * 10000 // (10000 + code[1]) // quantity)
        net = price * quantity
        left -= net + _tax(net, code[1])
        lines.append((quantity, price, *code, rng.choice(MATERIALS)))
    first = codes[1] if count > 1 and rng.random() < 0.35 else codes[0]
    for code in (first, *(c for c in codes if c != first), ZERO_TAX):
        last = _last_net(left, code[1])
        if last is not None:
            quantity = rng.randint(1, 12)
            quantity = quantity if last % quantity == 0 else 1
            lines.append((quantity, last // quantity, *code, rng.choice(MATERIALS)))
            return lines
    raise AssertionError("the zero rate always reaches the gross")


def billing_rows(invoices: Iterable[dict], seed: int) -> dict[str, list[dict]]:
    """Rows of VBRK, VBRP, VBKD, KONV and T006 for the BSID invoice rows ``invoices``.

    Sets each invoice row's ``VBELN`` to its billing document.
    """
    tables: dict[str, list[dict]] = {name: [] for name in ("VBRK", "VBRP", "VBKD", "KONV")}
    for row in sorted(invoices, key=lambda r: r["BELNR"]):  # so every table is in key order
        digits = row["BELNR"][2:]
        vbeln, order, knumv = f"90{digits}", f"10{digits}", f"00{digits}"
        row["VBELN"] = vbeln
        rng = random.Random(f"{seed}:{row['BUKRS']}:{row['BELNR']}:{row['GJAHR']}")
        lines = _lines(rng, row["WRBTR"], TAX_CODES[row["BUKRS"]])
        base = {"MANDT": "100"}
        tables["VBKD"].append({**base, "VBELN": order, "POSNR": "000000",
                               "BSTKD": row["ZUONR"], "BSTDK": row["BLDAT"]})
        net_total = tax_total = 0
        for n, (quantity, price, code, rate, (matnr, text, unit)) in enumerate(lines, 1):
            posnr = f"{n * 10:06d}"
            net, tax = quantity * price, _tax(quantity * price, rate)
            net_total, tax_total = net_total + net, tax_total + tax
            tables["VBRP"].append({**base, "VBELN": vbeln, "POSNR": posnr,
                                   "FKIMG": quantity * 1000, "VRKME": unit, "NETWR": net,
                                   "MWSBP": tax, "MATNR": matnr, "ARKTX": text,
                                   "MWSKZ": code, "AUBEL": order, "AUPOS": posnr})
            tables["VBKD"].append({**base, "VBELN": order, "POSNR": posnr,
                                   "BSTKD": row["ZUONR"], "BSTDK": row["BLDAT"],
                                   "POSEX_E": str(n)})
            condition = {**base, "KNUMV": knumv, "KPOSN": posnr, "ZAEHK": "01",
                         "WAERS": row["WAERS"]}
            tables["KONV"] += [
                {**condition, "STUNR": "010", "KSCHL": "PR00", "KOAID": "B", "KBETR": price,
                 "KPEIN": 1, "KMEIN": unit, "KAWRT": quantity * 100, "KWERT": net},
                {**condition, "STUNR": "900", "KSCHL": "MWST", "KOAID": "D",
                 "KBETR": rate * 10, "KAWRT": net, "KWERT": tax, "MWSK1": code}]
        assert net_total + tax_total == row["WRBTR"], row["BELNR"]
        tables["VBRK"].append({**base, "VBELN": vbeln, "FKART": "F2", "WAERK": row["WAERS"],
                               "VKORG": row["BUKRS"], "KNUMV": knumv, "FKDAT": row["BLDAT"],
                               "BUKRS": row["BUKRS"], "KUNAG": row["KUNNR"],
                               "KUNRG": row["KUNNR"], "XBLNR": row["XBLNR"],
                               "NETWR": net_total, "MWSBK": tax_total})
    tables["T006"] = [{"MANDT": "100", "MSEHI": unit, "ISOCODE": iso}
                      for unit, iso in ISO_UNITS.items()]
    return tables
