"""E-mails (.eml, RFC 5322/MIME): the body and every attachment.

An e-mail is a container (see :mod:`bots.remittance.registry`):

* :func:`read` reads the body: HTML parts through
  :mod:`bots.remittance.htmltables` (tables first, then text; scripts never
  run), else the plain-text parts through :mod:`bots.remittance.plaintext`.
  Each text part is decoded with its declared charset, then UTF-8, then cp1252
  with a warning, so a wrong or missing charset never stops the read.
* :func:`parts` lists the attachments (any part with a file name or a
  non-text type) and attached messages (``message/rfc822``), which the front
  door extracts in turn as ``file.eml#attachment.pdf``.

The payer is hinted from the subject ("Remittance advice from ACME Corp") or
the sender's display name less its noise ("ACME AP Remittances via PayHub" ->
"ACME"); remittances that do not name their payer get it.

Limits: ``.msg`` (Outlook binary) files are not read (see
:class:`bots.remittance.sheets.OleReader`); S/MIME-encrypted bodies are
reported as ``encrypted``; multiparts nested more than :data:`MAX_MIME_DEPTH`
deep are ``malformed``.
"""

from __future__ import annotations

import functools
import re
from email import policy
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime

from bots.domain import Remittance
from bots.remittance import sniff as _sniff
from bots.remittance.errors import ExtractError
from bots.remittance.htmltables import remittances_from_html
from bots.remittance.limits import Limits
from bots.remittance.plaintext import decode, remittances_from_text
from bots.remittance.registry import Part

NAME = "email"
#: Multiparts inside multiparts: more than this is refused as malformed.
MAX_MIME_DEPTH = 50
_SUBJECT_PAYER = re.compile(r"\b(?:from|by)\s+(.+?)\s*(?:[-–|:(\[]|\bre\b|$)", re.I)
# Words a sender's display name adds to the payer's name ("ACME AP Remittance via PayHub")
_SENDER_NOISE = re.compile(r"\bvia\b.*$|\b(accounts payable|a/?p|remittances?|payments?|"
                           r"no[-_ ]?reply|do[-_ ]not[-_ ]reply|notifications?|team|dept)\b",
                           re.I)
_EXTENSIONS = {"application/pdf": "pdf", "text/csv": "csv", "text/html": "html",
               "text/plain": "txt", "application/zip": "zip", "message/rfc822": "eml",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    return _sniff.is_email(head)


@functools.lru_cache(maxsize=2)  # read() then parts() of the same bytes
def parse(data: bytes) -> Message:
    """The message (an mbox ``From `` line first is skipped); parsed once for read+parts.

    The headers start where the sniffer found them (:func:`bots.remittance.sniff.is_email`):
    after a UTF-8 byte-order mark and blank lines, which the parser would otherwise take
    for the end of the headers, reading the whole mail as a body without attachments.
    The compat32 policy keeps header parsing cheap; the few headers we use are
    decoded by :func:`_header` (RFC 2047) and ``get_filename`` (RFC 2231).
    """
    data = _sniff.strip_bom(data)
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    try:
        return BytesParser(policy=policy.compat32).parsebytes(data)
    except RecursionError:  # the standard parser recurses once per nested multipart
        raise ExtractError("malformed", "MIME parts nested too deep to parse") from None


def payer_hint(message: Message) -> str | None:
    """A payer name from the subject ("... from ACME Corp") or the sender's name."""
    subject = _header(message, "subject")
    m = _SUBJECT_PAYER.search(subject)
    if m and m[1].strip():
        return m[1].strip()
    name, _address = parseaddr(_header(message, "from"))
    return " ".join(_SENDER_NOISE.sub(" ", name).split()) or None


def read(data: bytes, source: str) -> list[Remittance]:
    """Remittances stated in the body (HTML tables or text lines)."""
    message = parse(data)
    if message.get_content_type() in ("application/pkcs7-mime", "multipart/encrypted"):
        raise ExtractError("encrypted", "the e-mail is encrypted (S/MIME or PGP)")
    hints = {"payer_name": hint} if (hint := payer_hint(message)) else {}
    if sent := _sent_on(message):
        hints["sent_on"] = sent  # "today we transferred ...": bots.remittance.letters
    html: list[str] = []
    plain: list[str] = []
    warnings: list[str] = []
    for part in _body_parts(message):
        text, warn = _text(part)
        warnings.extend(warn)
        (html if part.get_content_type() == "text/html" else plain).append(text)
    found: list[Remittance] = []
    for markup in html:
        found.extend(remittances_from_html(markup, source=source, fmt=NAME, hints=hints))
    if not found:
        for text in plain:
            found.extend(remittances_from_text(text, source=source, fmt=NAME, hints=hints))
    for r in found:
        r.warnings[:0] = warnings
    return found


def parts(data: bytes, source: str, limits: Limits) -> list[Part]:
    """The attachments and attached messages, named by their file names."""
    message = parse(data)
    hint = payer_hint(message)
    out: list[Part] = []
    names: set[str] = set()
    for n, part in enumerate(_leaves(message)):
        if not _is_attachment(part):
            continue
        name = _name(part, n, names)
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            body = _flat(inner[0]) if isinstance(inner, list) and inner \
                and isinstance(inner[0], Message) else b""
        else:
            payload = part.get_payload(decode=True)
            body = payload if isinstance(payload, bytes) else b""
        out.append(Part(name, body, hint))
    return out


def _leaves(message: Message) -> list[Message]:
    """The leaf parts in order, an attached message counting as one leaf (not descended into).

    Walked without recursion; multiparts nested deeper than :data:`MAX_MIME_DEPTH`
    are ``malformed`` (no mail client writes them; a hostile one might).
    """
    leaves: list[Message] = []
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if part.get_content_type() == "message/rfc822" or not part.is_multipart():
            leaves.append(part)
            continue
        if depth >= MAX_MIME_DEPTH:
            raise ExtractError("malformed", f"MIME parts nested more than {MAX_MIME_DEPTH} deep")
        payload = part.get_payload()
        subparts = [sub for sub in payload if isinstance(sub, Message)] \
            if isinstance(payload, list) else []
        stack.extend((sub, depth + 1) for sub in reversed(subparts))
    return leaves


def _flat(message: Message) -> bytes:
    """An attached message's bytes (its own nesting is checked when it is read in turn)."""
    try:
        return message.as_bytes()
    except RecursionError:
        raise ExtractError("malformed", "an attached message nested too deep to write out") \
            from None
    except (UnicodeError, LookupError, ValueError):  # 8-bit text the byte writer refuses
        pass
    try:
        return message.as_string().encode("utf-8", "surrogateescape")
    except (UnicodeError, LookupError, ValueError) as exc:
        raise ExtractError("malformed", f"an attached message cannot be written out: "
                                        f"{type(exc).__name__}") from None


def _body_parts(message: Message) -> list[Message]:
    return [part for part in _leaves(message) if not _is_attachment(part)
            and part.get_content_type() in ("text/plain", "text/html")]


def _is_attachment(part: Message) -> bool:
    """A file to extract on its own: named, marked attachment, or not a text body."""
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        return True
    if part.is_multipart():
        return False
    if (part.get_content_disposition() or "").lower() == "attachment" or part.get_filename():
        return True
    return content_type not in ("text/plain", "text/html")


def _name(part: Message, n: int, taken: set[str]) -> str:
    try:
        name = _decoded(part.get_filename() or "")
    except (ValueError, LookupError):
        name = ""
    if "\ufffd" in name:  # raw 8-bit name: read it from the undecoded header, as UTF-8
        name = _raw_filename(part) or name
    name = name.replace("/", "_").replace("#", "_") or \
        f"part{n}.{_EXTENSIONS.get(part.get_content_type(), 'bin')}"
    while name in taken:
        name = f"{n}-{name}"
    taken.add(name)
    return name


def _raw_filename(part: Message) -> str | None:
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            m = re.search(r'\bfile(?:name)?="?([^";\r\n]+)"?', str(value)) or \
                re.search(r'\bname="?([^";\r\n]+)"?', str(value))
            if m:
                raw = m[1].encode("ascii", "surrogateescape")
                return raw.decode("utf-8", "replace").strip()
    return None


def _text(part: Message) -> tuple[str, list[str]]:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    try:
        declared = part.get_content_charset()
    except (ValueError, LookupError):
        declared = None
    return decode(payload, declared)


def _sent_on(message: Message) -> str | None:
    """The day of the Date header (ISO), for letters saying "today"; None if absent or bad."""
    try:
        return parsedate_to_datetime(_header(message, "date")).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _header(message: Message, name: str) -> str:
    try:
        return _decoded(str(message.get(name) or "")).strip()
    except (ValueError, LookupError, TypeError):
        return ""


def _decoded(value: str) -> str:
    """RFC 2047 encoded words decoded (``=?utf-8?b?...?=``); raw 8-bit text kept."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError, MessageError):
        return value
