"""One regex for many literal texts, their common beginnings shared (a trie).

``alternation({"payment", "payer", "pay"})`` is ``pay(?:...)``-shaped: the regex
engine tries one branch per character instead of every text at every place,
which makes a search of a long line for any of a hundred label words cheap.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping


def alternation(texts: Collection[str], fragments: Mapping[str, str] | None = None) -> str:
    """A regex matching exactly the texts in ``texts`` (an empty text: the empty string).

    ``fragments`` maps placeholder characters in ``texts`` to the regex each stands for.
    """
    longer = [t for t in texts if t]
    if not longer:
        return ""
    fragments = fragments or {}
    parts = []
    for first in sorted({t[0] for t in longer}):
        inner = alternation({t[1:] for t in longer if t[0] == first}, fragments)
        parts.append(fragments.get(first, re.escape(first)) + (f"(?:{inner})" if inner else ""))
    return f"(?:{'|'.join(parts)})?" if "" in texts else "|".join(parts)
