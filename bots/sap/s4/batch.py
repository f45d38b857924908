"""OData V2 ``$batch``: several GET requests to one service in one round trip.

    body, content_type = batch_request(["A_Customer?$filter=...", "A_BusinessPartnerAddress?..."])
    parts = parse_batch(response_content_type, response_body)   # [(status, headers, body)]

The format is the OData V2 batch format SAP's gateway speaks: a
``multipart/mixed`` body whose parts are ``application/http`` messages, one
request (``GET <entity set and query> HTTP/1.1``) per part, answered by a
``multipart/mixed`` response with one HTTP response per part, in order. A
part fails on its own (its status line says so); the batch as a whole
answers 202. Only reads are batched here (no change sets): a write goes on
its own, checked before it is sent again.

:func:`split_multipart` and :func:`http_message` read both directions; the
S/4 simulator uses them to read a batch request.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

CRLF = "\r\n"
MAX_PARTS = 100  # SAP's gateway refuses larger batches; so do we, before sending


class BatchError(ValueError):
    """A body that is not a well-formed OData batch."""


def boundary_of(content_type: str) -> str:
    """The ``boundary`` parameter of a multipart/mixed Content-Type."""
    if not content_type.lower().startswith("multipart/mixed"):
        raise BatchError(f"not multipart/mixed: {content_type!r}")
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise BatchError("multipart/mixed without a boundary")
    return match.group(1)


def split_multipart(content_type: str, body: bytes) -> list[bytes]:
    """The parts of a multipart body (each with its own headers), in order."""
    delimiter = b"--" + boundary_of(content_type).encode("ascii")
    chunks = body.split(delimiter)
    if len(chunks) < 2 or not chunks[-1].lstrip().startswith(b"--"):
        raise BatchError("the multipart body has no closing delimiter")
    return [chunk.strip(b"\r\n") for chunk in chunks[1:-1]]


def http_message(part: bytes) -> tuple[str, dict[str, str], bytes]:
    """One ``application/http`` part: (start line, its headers lower-cased, body)."""
    head, _, inner = part.partition(b"\r\n\r\n")
    if b"application/http" not in head.lower():
        raise BatchError("a batch part that is not application/http")
    start, _, rest = inner.partition(b"\r\n")
    headers_block, _, payload = rest.partition(b"\r\n\r\n")
    headers = {}
    for line in headers_block.decode("latin-1").split(CRLF):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return start.decode("latin-1").strip(), headers, payload


def batch_request(paths: Sequence[str]) -> tuple[bytes, str]:
    """The body and Content-Type of a batch of GETs (``paths`` relative to the service)."""
    if not paths or len(paths) > MAX_PARTS:
        raise ValueError(f"a batch takes 1 to {MAX_PARTS} requests, not {len(paths)}")
    boundary = f"batch_{secrets.token_hex(8)}"
    lines = []
    for path in paths:
        lines += [f"--{boundary}", "Content-Type: application/http",
                  "Content-Transfer-Encoding: binary", "", f"GET {path} HTTP/1.1",
                  "Accept: application/json", "", ""]
    lines.append(f"--{boundary}--")
    return CRLF.join(lines).encode("utf-8"), f"multipart/mixed; boundary={boundary}"


def parse_batch(content_type: str, body: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """A batch response: (HTTP status, headers, body) per part, in request order."""
    answers = []
    for part in split_multipart(content_type, body):
        start, headers, payload = http_message(part)
        match = re.match(r"HTTP/1\.1 (\d{3})", start)
        if match is None:
            raise BatchError(f"a batch answer part without a status line: {start!r}")
        answers.append((int(match.group(1)), headers, payload))
    return answers
