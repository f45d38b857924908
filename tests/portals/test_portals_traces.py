"""Trace zips scrubbed of cookies and credentials: the rewrite itself, on a hand-made trace."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import quote

from bots.portals.traces import REDACTED, scrub_trace

SESSION = "SVDt3mSE3kdFfJw2AU_jbyYbbavP_lW5"
DEVICE = "yR4tyuGM8DoX1yTceZ8W1fE9MfxfwN8u"
PASSWORD = "correct horse/battery"


def network_entry() -> dict[str, object]:
    return {"type": "resource-snapshot", "snapshot": {
        "request": {"method": "GET", "url": "http://127.0.0.1:9/invoices?q=INV-7",
                    "cookies": [{"name": "session", "value": SESSION},
                                {"name": "device", "value": DEVICE}],
                    "headers": [{"name": "Accept", "value": "text/html"},
                                {"name": "Cookie", "value": f"session={SESSION}; device={DEVICE}"},
                                {"name": "authorization", "value": "Bearer abc.def.ghi"}]},
        "response": {"status": 200, "cookies": [{"name": "session", "value": SESSION}],
                     "headers": [{"name": "Set-Cookie", "value": f"session={SESSION}; Path=/"},
                                 {"name": "Content-Type", "value": "text/html"}]}}}


def make_trace(path: Path) -> None:
    events = [{"type": "before", "method": "addCookies",
               "params": {"cookies": [{"name": "device", "value": DEVICE, "domain": "x"}]}},
              {"type": "context-options", "options": {"extraHTTPHeaders": {
                  "Authorization": "Basic dXNlcjpwdw==", "X-Trace": "kept"}}}]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("trace.trace", "\n".join(json.dumps(e) for e in events) + "\n")
        z.writestr("trace.network", json.dumps(network_entry()) + "\n")
        z.writestr("resources/abc.html", f"<p>debug: {SESSION} pw={quote(PASSWORD, safe='')}"
                                         " INV-7</p>")


def test_cookies_auth_headers_and_known_secrets_leave_every_file(tmp_path: Path) -> None:
    trace = tmp_path / "t.zip"
    make_trace(trace)
    with zipfile.ZipFile(trace) as z:  # the hand-made trace does hold them
        assert SESSION.encode() in z.read("trace.network")

    scrub_trace(trace, secrets=[SESSION, PASSWORD, "x"])

    with zipfile.ZipFile(trace) as z:
        files = {name: z.read(name) for name in z.namelist()}
    assert set(files) == {"trace.trace", "trace.network", "resources/abc.html"}
    for name, data in files.items():
        for secret in (SESSION, DEVICE, PASSWORD, "correct%20horse%2Fbattery", "abc.def.ghi",
                       "dXNlcjpwdw=="):
            assert secret.encode() not in data, (name, secret)
    entry = json.loads(files["trace.network"])["snapshot"]
    headers = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert headers == {"Accept": "text/html", "Cookie": REDACTED, "authorization": REDACTED}
    assert entry["request"]["cookies"] == [{"name": "session", "value": REDACTED},
                                           {"name": "device", "value": REDACTED}]
    assert entry["request"]["url"].endswith("?q=INV-7")  # the rest stays readable
    assert b"INV-7" in files["resources/abc.html"] and b"debug: [redacted]" in \
        files["resources/abc.html"]
    options = json.loads(files["trace.trace"].splitlines()[1])["options"]["extraHTTPHeaders"]
    assert options == {"Authorization": REDACTED, "X-Trace": "kept"}
