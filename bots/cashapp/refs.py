"""Invoice references as payers print them, and how close two of them are.

Payers rarely copy our invoice number exactly. This module turns a printed
reference into comparable forms, from strict to loose:

* *exact*: trimmed and upper-cased (``" 90012345 "`` -> ``"90012345"``);
* :func:`normalise`: letters and digits only, common prefixes dropped
  (``INV``, ``INVOICE``, ``NO``, ``NR``, ``NUM``, ``REF``, ``RE``, ``RG``,
  ``#``), leading zeros dropped: ``"Inv. No. 0090-012345"`` -> ``"90012345"``;
* :func:`ref_key`: the normalised form with the usual OCR confusions folded
  (``O``->``0``, ``I``/``L``->``1``, ``S``->``5``, ``B``->``8``, ``Z``->``2``),
  so ``"9OO12345"`` and ``"90012345"`` share a key. Open items are indexed by
  this key.

:func:`parts` cuts a longer reference text into the pieces that could be a
reference of their own, for payers who write ``Rechnung Nr. 90012345 vom
14.03.2026``, ``2026-90012345`` or ``100123/90012345``.

:func:`transpositions` yields the keys one adjacent swap away, for payers who
type ``90012354`` for ``90012345``. :class:`Closeness` names the levels; a
fuzzy one (OCR, transposition, one character off) only counts when the amount
agrees, which the rules enforce (:class:`bots.cashapp.rules.FuzzyRef`).

Limits: suffixes (``/2026``, ``-A``) are kept; only the prefixes listed above
are dropped, and only when digits follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_PREFIX = re.compile(r"^(?:INVOICE|INV|NUM|NO|NR|REF|RE|RG)+(?=[0-9A-Z]*[0-9])")
_WORDS = re.compile(r"[0-9A-Z]+")
_DIGIT_RUNS = re.compile(r"[0-9]+")
PART_MIN = 5  # shorter pieces (a year, a day, "26") are too easily someone else's number
_FOLD = str.maketrans("OILSBZ", "011582")
_FOLDED_PREFIX = re.compile(r"^(?:1NV01CE|1NV|NUM|N0|NR|REF|RE|RG)+(?=[0-9A-Z]*[0-9])")


class Closeness(StrEnum):
    """How a printed reference that is not ours is close to ours, closest first."""

    OCR = "ocr"
    TRANSPOSITION = "transposition"
    ONE_CHAR = "one-char"


def exact(ref: str) -> str:
    """Trimmed, upper-cased ``ref``."""
    return ref.strip().upper()


def normalise(ref: str) -> str:
    """Letters and digits, prefixes and leading zeros dropped (``""`` if nothing left)."""
    if ref.isdigit():
        return ref.lstrip("0") or ("0" if ref else "")
    text = _PREFIX.sub("", _NOT_ALNUM.sub("", ref.upper()))
    return text.lstrip("0") or ("0" if text else "")


def _folded(ref: str) -> str:
    """Letters and digits, OCR confusions folded, prefixes dropped; zeros kept."""
    if ref.isdigit():
        return ref
    return _FOLDED_PREFIX.sub("", _NOT_ALNUM.sub("", ref.upper()).translate(_FOLD))


def ref_key(ref: str) -> str:
    """The index key: normalised with OCR confusions folded."""
    text = _folded(ref)
    return text.lstrip("0") or ("0" if text else "")


def transpositions(ref: str) -> Iterator[str]:
    """Every distinct key one adjacent swap away from ``ref``'s (``09001`` -> ``90001``)."""
    text = _folded(ref)
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a != b:
            yield (text[:i] + b + a + text[i + 2:]).lstrip("0") or "0"


def parts(ref: str) -> list[str]:
    """The normalised pieces of ``ref`` that could be a reference on their own.

    A word with a digit and the digit runs inside a word (``RECHNUNG90012345`` ->
    ``90012345``); each of at least :data:`PART_MIN` characters once normalised,
    none equal to the whole normalised ``ref``, in order of appearance, without
    repeats.
    """
    whole = normalise(ref)
    found: list[str] = []
    for word in _WORDS.findall(ref.upper()):
        for piece in (word, *_DIGIT_RUNS.findall(word)):
            text = normalise(piece)
            if len(text) >= PART_MIN and any(ch.isdigit() for ch in text) and \
                    text != whole and text not in found:
                found.append(text)
    return found
