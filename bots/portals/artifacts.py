"""Where the portal bots keep what they sent, under a run's ``portals/`` folder.

One naming rule for the browser runner, the cXML sender and the run report,
which links the documents a submission sent.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def file_safe(text: str) -> str:
    """``text`` as a file-name part: anything but letters, digits, ``._-`` becomes ``_``."""
    return _UNSAFE.sub("_", text)


def sent_document(site: str, invoice_no: str, suffix: str) -> PurePosixPath:
    """The document sent for ``invoice_no`` at ``site``, relative to the run's portal
    folder: ``<site>/<invoice><suffix>`` (``.pdf`` for browser portals, ``.xml`` for cXML)."""
    return PurePosixPath(file_safe(site), f"{file_safe(invoice_no)}{suffix}")
