"""Playwright traces without secrets: cookies and credentials scrubbed from every file.

A trace chunk records the network log of the traced context, and every
request to a portal carries the session cookie (and Taulia's device cookie,
which lets a browser skip the one-time code). Signing in happens in an
untraced context (:mod:`bots.portals.runner`), but the cookies it earns are
then sent from the traced ones. So each trace zip is rewritten as soon as
Playwright has written it::

    await context.tracing.stop_chunk(path=str(zip_path))
    scrub_trace(zip_path, secrets=[cookie["value"] for cookie in cookies])

Two passes over every member of the zip:

1. **Structure.** In the JSON-lines files (``*.trace``, ``*.network``):
   the values of the headers ``Cookie``, ``Set-Cookie``, ``Authorization``
   and ``Proxy-Authorization``, every ``cookies`` list (HAR's parsed
   cookies, ``addCookies`` parameters, storage states) become
   :data:`REDACTED`.
2. **Known values.** Each secret handed in (the context's cookie values at
   the end of the chunk, the site's password and code secret) is replaced,
   raw and URL-encoded, in every member, resources included.

Limit: a secret the portal puts into a page *body* under a form we do not
know (not raw, not URL-encoded) is not found by pass 2.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
MIN_SECRET_LENGTH = 6  # shorter values would also hit ordinary text; pass 1 covers them


def scrub_trace(path: Path, secrets: Iterable[str] = ()) -> None:
    """Rewrite the trace zip at ``path`` with cookies, auth headers and ``secrets`` removed."""
    values = _needles(secrets)
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".scrub-", suffix=".zip")
    os.close(handle)
    try:
        with zipfile.ZipFile(tmp_name, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in members:
                if info.filename.endswith((".trace", ".network")):
                    data = _scrub_json_lines(data)
                for needle in values:
                    data = data.replace(needle, REDACTED.encode())
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _needles(secrets: Iterable[str]) -> list[bytes]:
    """The byte strings to replace: each secret raw and URL-encoded, longest first."""
    found: set[bytes] = set()
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            found.update({secret.encode(), quote(secret, safe="").encode()})
    return sorted(found, key=len, reverse=True)


def _scrub_json_lines(data: bytes) -> bytes:
    lines = []
    for line in data.split(b"\n"):
        try:
            event = json.loads(line)
        except ValueError:
            lines.append(line)  # not JSON (an empty last line): left as it is
            continue
        lines.append(json.dumps(_scrub(event), separators=(",", ":")).encode())
    return b"\n".join(lines)


def _scrub(value: Any) -> Any:
    """``value`` with secret headers and cookie lists redacted."""
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("name"), str) and value["name"].lower() in SECRET_HEADERS \
            and "value" in value:
        return {**value, "value": REDACTED}
    scrubbed: dict[str, Any] = {}
    for key, item in value.items():
        if key == "cookies" and isinstance(item, list):
            scrubbed[key] = [{**c, "value": REDACTED} if isinstance(c, dict) else REDACTED
                             for c in item]
        elif key in ("headers", "extraHTTPHeaders") and isinstance(item, dict):
            scrubbed[key] = {k: REDACTED if k.lower() in SECRET_HEADERS else v
                             for k, v in item.items()}
        else:
            scrubbed[key] = _scrub(item)
    return scrubbed
