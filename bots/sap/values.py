"""Values as RFC delivers them, to and from Python: dates, ALPHA numbers, amounts.

pyrfc hands over DATS as ``'YYYYMMDD'`` (``'00000000'`` or ``''`` when
blank), CHAR right-stripped, NUMC as digit strings and CURR/DEC as
``Decimal``. Amounts read from tables (BSID-WRBTR) are *internal*: SAP stores
every amount with 2 decimals, so a currency with other decimals (TCURX) is
shifted: 1500 yen is stored as 15.00. :func:`external_amount` undoes that.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from bots.domain import quantize

BLANK_DATS = "00000000"


@lru_cache(maxsize=8192)
def parse_dats(text: str) -> date | None:
    """``'20260412'`` -> date; blank or ``'00000000'`` -> None."""
    text = text.strip()
    if not text or text == BLANK_DATS:
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def to_dats(value: date | None) -> str:
    """date -> ``'YYYYMMDD'`` (None -> ``'00000000'``)."""
    return value.strftime("%Y%m%d") if value else BLANK_DATS


def alpha(value: str, length: int = 10) -> str:
    """SAP ALPHA input conversion: all-digit numbers get leading zeros."""
    value = value.strip()
    return value.zfill(length) if value.isdigit() else value.upper()


def external_amount(internal: Decimal, currency: str, currency_decimals: int) -> Decimal:
    """An amount read from a table (2 stored decimals) in real currency units.

    ``currency_decimals`` is TCURX-CURRDEC (2 for currencies not in TCURX):
    JPY has 0, so the stored 15.00 is 1500 yen.
    """
    return quantize(internal.scaleb(2 - currency_decimals), currency)


#: SAP's one-letter language keys (SPRAS, table T002) and their ISO 639-1 codes, which
#: the OData APIs show (conversion exit ISOLA): ``"E"`` is ``"EN"``.
ISO_LANGUAGES = {"E": "EN", "D": "DE", "F": "FR", "S": "ES", "I": "IT", "N": "NL", "P": "PT",
                 "L": "PL", "C": "CS", "V": "SV", "K": "DA", "U": "FI", "O": "NO", "J": "JA",
                 "1": "ZH", "3": "KO", "R": "RU", "T": "TR", "H": "HU"}
_SAP_LANGUAGES = {iso: key for key, iso in ISO_LANGUAGES.items()}


def sap_language(iso: str) -> str:
    """The SAP key of an ISO 639-1 language code (``"DE"`` -> ``"D"``); unknown: unchanged."""
    return _SAP_LANGUAGES.get(iso.upper(), iso)
