"""Why a file could not be turned into remittances.

Every format reader raises :class:`ExtractError` for input it cannot read; the
front door (:func:`bots.remittance.extract`) turns it into a ``Failure`` that
names the file, and goes on with the rest. Nothing else should escape a reader:
an unexpected exception is a bug, and the front door reports it as
``code="internal"`` so the run still goes on.

The ``code`` is short and stable (callers and tests branch on it); the
``reason`` is one human sentence for the operator::

    raise ExtractError("encrypted", "the PDF is password-protected")
"""

from __future__ import annotations

#: The codes in use, with what each means. A reader may only raise these.
CODES: dict[str, str] = {
    "encrypted": "the file is password-protected or encrypted",
    "corrupt": "the file is damaged or not what its format claims",
    "empty": "the file has no content",
    "unreadable": "the file cannot be opened (missing, no permission)",
    "needs-ocr": "the document has no text layer (scanned image)",
    "too-large": "the file exceeds the configured size limit",
    "zip-bomb": "an archive expands beyond the configured limits",
    "not-a-remittance": "the file was read but holds no payment advice",
    "e-invoice": "an e-invoice (Factur-X/ZUGFeRD, XRechnung, UBL), not a remittance",
    "malformed": "the file breaks the rules of its format",
    "out-of-range": "an amount the interchange cannot carry (exponent notation, more than 18 "
                    "digits or more decimals than its currency has; spec v1.2)",
    "unsafe": "the file asks for something refused on purpose (external entities)",
    "unsupported": "no reader for this format is available",
    "internal": "a reader failed unexpectedly (a bug)",
}

#: The reason every e-invoice failure starts with (interchange spec v1.2).
EINVOICE_REASON = "e-invoice, not a remittance"


class ExtractError(Exception):
    """A file that cannot be read: a machine ``code`` and a human ``reason``."""

    def __init__(self, code: str, reason: str | None = None) -> None:
        if reason is None:  # one argument: a known code, or a reason for "malformed"
            code, reason = (code, CODES[code]) if code in CODES else ("malformed", code)
        if code not in CODES:
            raise ValueError(f"unknown ExtractError code {code!r}; one of {sorted(CODES)}")
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
