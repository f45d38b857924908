"""How our wrapper function modules refuse: one BAPIRET2 message of type E, nothing written."""

from __future__ import annotations

from typing import Any

from bots.sandbox.sap.interfaces import complete


class Refused(Exception):
    """A check failed: becomes one RETURN message of type E (message class ZARBOTS)."""

    def __init__(self, number: str, message: str, *values: str) -> None:
        super().__init__(message)
        self.number, self.message, self.values = number, message, values

    def as_return(self) -> dict[str, Any]:
        return message("E", self.number, self.message, *self.values)


def message(kind: str, number: str, text: str, *values: str) -> dict[str, Any]:
    """One BAPIRET2 row of message class ZARBOTS."""
    fields = {f"MESSAGE_V{i}": v for i, v in enumerate(values[:4], start=1)}
    return complete("BAPIRET2", {"TYPE": kind, "ID": "ZARBOTS", "NUMBER": number,
                                 "MESSAGE": text, **fields})
