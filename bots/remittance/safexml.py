"""XML from outside, parsed safely and without namespaces.

Bank messages (camt) and e-invoices (CII, UBL) arrive from anyone. They are
parsed with defusedxml with DTDs refused: no entity is expanded and no
external resource is read (XXE and "billion laughs" are ``unsafe``). The
namespace is dropped from every tag, so readers find elements by local name
whatever version of a schema the sender used::

    >>> parse(b'<Document xmlns="urn:x"><Amt Ccy="EUR">1.00</Amt></Document>').find("Amt").text
    '1.00'
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from bots.remittance.errors import ExtractError


def parse(data: bytes) -> Element:
    """The root element of ``data``, tags without namespaces; ``ExtractError`` if unsafe/broken."""
    import defusedxml
    import defusedxml.ElementTree as SafeET

    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise ExtractError("unsafe", f"XML with a DTD or entities is refused ({exc})") from None
    except (SafeET.ParseError, LookupError, ValueError) as exc:  # LookupError: bad encoding=
        raise ExtractError("malformed", f"not well-formed XML: {exc}") from None
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root
