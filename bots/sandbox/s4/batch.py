"""``$batch`` in the S/4 simulator: the reads of a batch request, answered part by part.

A ``POST <service>/$batch`` (``multipart/mixed``, with a CSRF token like every
POST) carries ``application/http`` parts. The simulator answers reads (``GET``
of an entity set with its query options) and, as SAP's gateway does, refuses
what it does not serve inside the batch on that part alone: a change set
(``multipart/mixed`` inside a part) or another method is a ``501`` part, an
unknown entity set a ``404`` part. The whole answer is ``202 Accepted`` with a
``multipart/mixed`` body of HTTP responses in request order. A body that is
not a batch at all is a ``400``. At most :data:`~bots.sap.s4.batch.MAX_PARTS`
parts.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bots.sandbox.s4.odata import ODataError, bad_request
from bots.sap.s4.batch import MAX_PARTS, BatchError, http_message, split_multipart

Read = Callable[[str, dict[str, str]], dict[str, Any]]  # (entity set, query) -> V2 JSON


def answer_batch(content_type: str, body: bytes, read: Read) -> tuple[bytes, str]:
    """The response body and Content-Type of a batch request (``read`` answers one GET)."""
    try:
        parts = split_multipart(content_type, body)
    except BatchError as exc:
        raise bad_request(f"Invalid batch request: {exc}") from None
    if not parts or len(parts) > MAX_PARTS:
        raise bad_request(f"A batch request takes 1 to {MAX_PARTS} parts, not {len(parts)}")
    answers = [_one(part, read) for part in parts]
    boundary = f"batchresponse_{secrets.token_hex(8)}"
    lines = []
    for status, reason, payload in answers:
        lines += [f"--{boundary}", "Content-Type: application/http",
                  "Content-Transfer-Encoding: binary", "", f"HTTP/1.1 {status} {reason}",
                  "Content-Type: application/json", f"Content-Length: {len(payload)}", "",
                  payload.decode("utf-8")]
    lines.append(f"--{boundary}--")
    return "\r\n".join(lines).encode("utf-8"), f"multipart/mixed; boundary={boundary}"


def _one(part: bytes, read: Read) -> tuple[int, str, bytes]:
    try:
        if part.lower().startswith(b"content-type: multipart/mixed"):
            raise ODataError(501, "/IWBEP/CM_MGW_RT/021",
                             "Change sets are not simulated: send writes on their own")
        try:
            start, _, _ = http_message(part)
        except BatchError as exc:
            raise bad_request(f"Invalid batch part: {exc}") from None
        method, _, rest = start.partition(" ")
        target = rest.rsplit(" ", 1)[0]
        if method != "GET":
            raise ODataError(501, "/IWBEP/CM_MGW_RT/021",
                             f"Method '{method}' in a batch is not simulated (reads only)")
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        return 200, "OK", json.dumps(read(parts.path, query)).encode("utf-8")
    except ODataError as exc:
        return exc.status, "Error", json.dumps(exc.body()).encode("utf-8")
