"""A generated corpus of hostile remittance inputs, built in the test session.

Nothing here is committed as a binary: :func:`corpus` builds every file from
code, deterministically (seeded), in a second or two. Each :class:`Hostile`
carries its bytes, a file name, its family and what must become of it:

* ``expect`` = a failure code (``"out-of-range"``, ``"encrypted"``, ...): the
  file gives no remittance and exactly that code;
* ``expect`` = ``"read"``: a legal document that must be read (at least one
  remittance), perhaps with warnings (``warning`` says which words);
* ``expect`` = ``None``: anything but a crash: remittances or failures with a
  reason, never a reader bug.

Families: truncated, encrypted and damaged PDFs; zip bombs, nested and
many-member zips; broken MIME; XXE and entity expansion in camt; odd text
encodings; odd amounts and dates; bidi and zero-width characters; huge lines;
empty files; binary junk under remittance names; seeded mutations of good files.
The ``huge*`` families take seconds, not milliseconds: the tests run them as ``slow``.
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from reportlab.pdfgen import canvas

GOLDEN = Path(__file__).resolve().parents[1] / "remittance" / "golden"
CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
ISA = ("ISA*00*          *00*          *ZZ*PAYER          *ZZ*US             "
       "*260412*1200*U*00401*000000001*0*P*>~")


@dataclass(frozen=True)
class Hostile:
    """One hostile input and what must become of it."""

    family: str
    name: str
    data: bytes
    expect: str | None = None  # a failure code, "read", or None (anything but a crash)
    warning: str | None = None  # words a warning of a "read" document must contain
    lines: tuple[tuple[str, str], ...] = ()  # (invoice_ref, paid) a "read" document must give


#: The lines of :func:`csv_doc` when its amount reads as ``paid``.
def csv_lines(paid: str = "100.00") -> tuple[tuple[str, str], ...]:
    return (("90012", paid), ("90013", "250.50"))


# --------------------------------------------------------------------------- good documents


def csv_doc(amount: str = "100.00", date: str = "2026-04-01", ref: str = "90012",
            total: str | None = None, payer: str = "ACME Corp") -> str:
    """A small CSV advice with one line whose cells are given as text (quoted when needed)."""
    amount, total = (f'"{v}"' if v and "," in v else v for v in (amount, total))
    head = f"Payer,{payer}\r\nCurrency,USD\r\n" + (f"Total,{total}\r\n" if total else "")
    return (head + "Invoice #,Invoice Date,Amount Paid\r\n"
            f"{ref},{date},{amount}\r\n90013,2026-04-02,250.50\r\n")


def camt(amount: str, ccy: str = "EUR", extra: str = "", prolog: str = "") -> bytes:
    """A camt.054 credit of ``amount`` paying invoice 90012."""
    return (f'{prolog}<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry>'
            f'<Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls>'
            f'<RltdPties><Dbtr><Nm>ACME GmbH</Nm></Dbtr></RltdPties><RmtInf>'
            f'<Ustrd>Rechnung 90012{extra}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>'
            f'</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>').encode()


def x12(total: str = "100.00", paid: str = "100.00", date: str = "20260412") -> bytes:
    """An X12 820 paying invoice 90012."""
    return (ISA + f"GS*RA*P*U*20260412*1200*1*X*004010~ST*820*0001~"
            f"BPR*C*{total}*C*ACH*CTX*01*111*DA*222*1*01*333*DA*444*555*{date}~TRN*1*CHK777~"
            f"N1*PR*ACME CORP~ENT*1~RMR*IV*90012*PI*{paid}*{paid}~SE*7*0001~GE*1*1~"
            "IEA*1*000000001~").encode()


def bai2(amount: str = "10000", date: str = "260412") -> bytes:
    """A BAI2 file with one credit detail (amount in cents) naming invoice 90012."""
    return (f"01,BANK,ACME,{date},0800,1,,,2/\n02,ACME,BANK,1,{date},,USD,2/\n"
            f"03,123456,USD,010,{amount},,/\n16,165,{amount},0,REF1,CUST1,INVOICE 90012/\n"
            f"49,{amount},2/\n98,{amount},1,4/\n99,{amount},1,6/\n").encode()


def mt940(amount: str = "100,00", date: str = "260412") -> bytes:
    """An MT940 statement with one credit naming invoice 90012."""
    return (f":20:STMT1\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C{date}EUR0,00\n"
            f":61:{date}C{amount}NTRFNONREF//B1\n:86:Rechnung 90012 ACME GMBH\n"
            f":62F:C{date}EUR{amount}\n-").encode()


def pdf(lines: list[str] | None = None, encrypt: str | None = None) -> bytes:
    """A one-page text PDF advice (reportlab), optionally encrypted."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt, invariant=True)  # no timestamp: same bytes
    y = 760
    for text in lines or ["REMITTANCE ADVICE", "Payer: ACME Corp", "Payment date: 04/12/2026",
                          "Invoice #        Amount Paid", "90012        100.00",
                          "90013        250.50", "Total        350.50"]:
        page.drawString(72, y, text)
        y -= 18
    page.save()
    return buffer.getvalue()


def mail(body: str = "Invoice 90012 paid 100.00 USD", attachments: tuple = (),
         subject: str = "Remittance advice from ACME Corp") -> bytes:
    """An e-mail with a text body and (name, bytes) attachments (the same bytes each call)."""
    message = EmailMessage()
    message["From"] = "ACME AP <ap@acme.example>"
    message["To"] = "ar@us.example"
    message["Subject"] = subject
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream",
                               filename=name)
    if attachments:  # a boundary from the content, not a random one
        digest = hashlib.sha256(repr((body, attachments)).encode()).hexdigest()
        message.set_boundary(f"=={digest[:24]}")
    return message.as_bytes()


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


# --------------------------------------------------------------------------- families


def _pdfs(rng: random.Random) -> Iterator[Hostile]:
    good = pdf()
    yield Hostile("pdf", "good.pdf", good, "read")
    for n in range(12):
        cut = rng.randrange(16, len(good) - 8)
        yield Hostile("pdf-truncated", f"truncated-{n}.pdf", good[:cut])
    yield Hostile("pdf-truncated", "header-only.pdf", b"%PDF-1.7\n", None)
    for n, password in enumerate(("secret", "x" * 32, "pässwörd")):
        yield Hostile("pdf-encrypted", f"encrypted-{n}.pdf", pdf(encrypt=password),
                      "encrypted")
    xref = good.rfind(b"startxref")
    yield Hostile("pdf-bad-xref", "xref-offset.pdf",
                  good[:xref] + b"startxref\n999999\n%%EOF\n")
    yield Hostile("pdf-bad-xref", "xref-garbled.pdf",
                  good.replace(b"xref", b"xrfe").replace(b" 00000 n", b" 0000X n"))
    yield Hostile("pdf-bad-xref", "no-xref.pdf", good[:good.find(b"xref")])
    yield Hostile("pdf-bad-xref", "negative-xref.pdf",
                  good[:xref] + b"startxref\n-5\n%%EOF\n")
    for n in range(6):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(100, 4000)))
        yield Hostile("pdf-junk", f"junk-{n}.pdf", b"%PDF-1.4\n" + junk)
    yield Hostile("pdf-junk", "endless-objects.pdf",
                  b"%PDF-1.4\n" + b"1 0 obj << /Kids [1 0 R] /Type /Pages >> endobj\n" * 2000)
    yield Hostile("pdf-amount", "pdf-1e309.pdf", pdf([
        "REMITTANCE ADVICE", "Payer: ACME Corp", "Invoice #        Amount Paid",
        "90012        " + "1" * 30 + ".00", "Total        " + "1" * 30 + ".00"]),
        "out-of-range")


def _zips(rng: random.Random) -> Iterator[Hostile]:
    good = csv_doc().encode()
    yield Hostile("zip", "good.zip", zipped({"advice.csv": good}), "read")
    for n, size in enumerate((2_000_000, 30_000_000)):
        yield Hostile("zip-bomb", f"ratio-bomb-{n}.zip", zipped({"zeros.csv": b"0" * size}),
                      "zip-bomb")
    yield Hostile("zip-bomb", "many-members.zip",
                  zipped({f"m{i}.csv": b"x" for i in range(1100)}), "zip-bomb")
    nested = good
    for level in range(8):
        nested = zipped({f"level{level}.zip" if level else "advice.csv": nested})
        if level >= 4:
            yield Hostile("zip-nested", f"nested-{level}.zip", nested, "zip-bomb")
    quine_like = zipped({"self.zip": zipped({"self.zip": zipped({"self.zip": b"PK\x05\x06"
                                                                  + b"\x00" * 18})})})
    yield Hostile("zip-nested", "nested-empty.zip", quine_like)
    yield Hostile("zip", "truncated.zip", zipped({"advice.csv": good * 50})[:300])
    encrypted = bytearray(zipped({"advice.csv": good}, zipfile.ZIP_STORED))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):  # set the "encrypted" flag in both headers
        at = encrypted.find(sig)
        offset = at + (6 if sig == b"PK\x03\x04" else 8)
        flags = struct.unpack_from("<H", encrypted, offset)[0] | 1
        struct.pack_into("<H", encrypted, offset, flags)
    yield Hostile("zip", "encrypted-member.zip", bytes(encrypted), "encrypted")
    lying = bytearray(zipped({"zeros.csv": b"0" * 500_000}))
    central = lying.find(b"PK\x01\x02")
    struct.pack_into("<I", lying, central + 24, 900)  # declared size: 900 bytes
    yield Hostile("zip-bomb", "lying-size.zip", bytes(lying))
    yield Hostile("zip", "traversal.zip", zipped({"../../etc/passwd#x.csv": good}), "read")
    yield Hostile("zip", "empty.zip", zipped({}))
    for n in range(3):
        junk = bytes(rng.randrange(256) for _ in range(2000))
        yield Hostile("zip", f"junk-{n}.zip", b"PK\x03\x04" + junk)


def _mime(rng: random.Random) -> Iterator[Hostile]:
    head = (b"From: ACME AP <ap@acme.example>\r\nTo: ar@us.example\r\n"
            b"Subject: Remittance advice from ACME Corp\r\nMIME-Version: 1.0\r\n")
    body = b"Invoice 90012 paid 100.00 USD\r\n"
    yield Hostile("mime", "good.eml", mail(), "read")
    yield Hostile("mime", "no-boundary.eml", head
                  + b"Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\n" + body)
    yield Hostile("mime", "missing-boundary.eml", head
                  + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' + body)
    yield Hostile("mime", "unclosed-boundary.eml", head
                  + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n'
                  b"Content-Type: text/plain\r\n\r\n" + body)
    for n, payload in enumerate((b"!!!not base64!!!", b"SW52b2ljZSA5MDAxMiBwYWlk",
                                 b"=" * 40, b"QUJD\r\n====\r\nREVG")):
        yield Hostile("mime-base64", f"bad-base64-{n}.eml", head
                      + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n'
                      b"Content-Type: text/plain\r\n\r\n" + body + b"--b1\r\n"
                      b'Content-Type: application/pdf; name="advice.pdf"\r\n'
                      b"Content-Transfer-Encoding: base64\r\n\r\n" + payload + b"\r\n--b1--\r\n")
    for n, charset in enumerate((b"x-unknown-charset", b"utf-16", b"utf-7", b"",
                                 b"iso-2022-jp", b"\xff\xfe", b'"utf-8\x00"')):
        yield Hostile("mime-charset", f"charset-{n}.eml", head
                      + b"Content-Type: text/plain; charset=" + charset + b"\r\n\r\n"
                      + body + b"Caf\xe9 M\xfcller \x81\x8d\r\n")
    yield Hostile("mime", "bad-qp.eml", head + b"Content-Type: text/plain\r\n"
                  b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n" + body)
    yield Hostile("mime", "rfc2047-garbage.eml",
                  b"From: =?utf-8?b?!!!?= <a@b.example>\r\nSubject: =?x-bad?q?=FF=FE?= "
                  b"=?utf-8?B?AAAA?=\r\nMIME-Version: 1.0\r\n\r\n" + body)
    yield Hostile("mime", "long-header.eml", b"From: a@b.example\r\nSubject: "
                  + b"A" * 2_000_000 + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    deep = body
    for _ in range(300):
        deep = (b'Content-Type: multipart/mixed; boundary="d"\r\n\r\n--d\r\n' + deep
                + b"\r\n--d--\r\n")
    yield Hostile("mime", "deep-multipart.eml", head + deep)
    for depth in (60, 1200):
        deep = b"Content-Type: text/plain\r\n\r\n" + body
        for level in range(depth):
            b = b"b%d" % level
            deep = (b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n--' + b
                    + b"\r\n" + deep + b"\r\n--" + b + b"--\r\n")
        family = "mime" if depth < 100 else "huge-mime"  # parsing 1200 levels takes a second
        yield Hostile(family, f"nested-{depth}.eml", head + deep, "malformed")
        yield Hostile(family, f"forwarded-nested-{depth}.eml", head
                      + b"Content-Type: message/rfc822\r\n\r\n" + head + deep, "malformed")
    attached = mail()
    for _ in range(6):
        attached = mail("see attached", (("fwd.eml", attached),))
    yield Hostile("mime", "forwarded-6-deep.eml", attached)
    yield Hostile("mime", "attachment-names.eml",
                  mail(attachments=(("../../x#y.csv", csv_doc().encode()),
                                    ("\u202eVSC.exe", b"MZ\x90\x00"))), "read")
    yield Hostile("mime", "headers-only.eml", head)
    yield Hostile("mime", "attached-8bit-header.eml", head  # the byte writer refused it
                  + b'Content-Type: message/rfc822\r\n\r\nContent-Type: multipart/mixed; '
                  b'boundary="b1"\r\nConten\xfc-Type: multipart/mixed; boundary="b2"')
    for n in range(3):
        junk = bytes(rng.randrange(256) for _ in range(3000))
        yield Hostile("mime", f"junk-body-{n}.eml", head + b"\r\n" + junk)


def _xml(rng: random.Random) -> Iterator[Hostile]:
    yield Hostile("xml", "good-camt.xml", camt("100.00"), "read")
    for n, url in enumerate(("file:///etc/passwd", "http://127.0.0.1:9/x", "/etc/hostname")):
        yield Hostile("xml-xxe", f"xxe-{n}.xml", camt(
            "1.00", extra="&x;", prolog=f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x '
                                        f'SYSTEM "{url}">]>'), "unsafe")
    yield Hostile("xml-xxe", "xxe-parameter.xml", camt(
        "1.00", prolog='<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM '
                       '"http://127.0.0.1:9/evil.dtd"> %p;]>'), "unsafe")
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    yield Hostile("xml-bomb", "billion-laughs.xml", camt(
        "1.00", extra="&a9;", prolog=f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>'),
        "unsafe")
    yield Hostile("xml-bomb", "quadratic.xml", camt(
        "1.00", extra="&big;" * 2000,
        prolog=f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY big "{"x" * 50_000}">]>'),
        "unsafe")
    for n, amount in enumerate(("1e309", "1E+5", "NaN", "Infinity", "-INF", "1" * 30,
                                "12.345678", "0x1F", "１２３.00")):
        expect = "malformed" if amount in ("0x1F", "１２３.00") else "out-of-range"
        yield Hostile("xml-amount", f"camt-amount-{n}.xml", camt(amount), expect)
    good = camt("100.00")
    for n in range(4):
        yield Hostile("xml", f"truncated-{n}.xml", good[:rng.randrange(20, len(good) - 5)])
    yield Hostile("xml", "utf16-bom.xml", '<?xml version="1.0" encoding="UTF-16"?>'
                  .encode("utf-16") + camt("100.00").decode().encode("utf-16")[2:])
    yield Hostile("xml", "deep-nesting.xml", f'<Document xmlns="{CAMT_NS}">'.encode()
                  + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</Document>")
    yield Hostile("xml", "many-entries.xml", camt("1.00").replace(
        b"<Ntry>", b"<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>"
        * 3000 + b"<Ntry>", 1))


def _encodings() -> Iterator[Hostile]:
    text = csv_doc(payer="Müller & Söhne")
    lines = csv_lines()
    yield Hostile("encoding", "utf8-bom.csv", b"\xef\xbb\xbf" + text.encode(), "read",
                  lines=lines)
    yield Hostile("encoding", "cp1252.csv", text.encode("cp1252"), "read", "cp1252", lines)
    yield Hostile("encoding", "utf16-le-bom.csv", text.encode("utf-16"), "read", lines=lines)
    yield Hostile("encoding", "utf16-be-bom.csv", b"\xfe\xff" + text.encode("utf-16-be"),
                  "read", lines=lines)
    yield Hostile("encoding", "utf16-le.csv", text.encode("utf-16-le"), "read", lines=lines)
    yield Hostile("encoding", "utf16-be.csv", text.encode("utf-16-be"), "read", lines=lines)
    yield Hostile("encoding", "utf16-tab.txt", text.replace(",", "\t").encode("utf-16"),
                  "read", lines=lines)
    japanese = csv_doc(payer="株式会社アクメ")
    yield Hostile("encoding", "shift-jis.csv", japanese.encode("shift_jis"), "read",
                  lines=lines)
    yield Hostile("encoding", "euc-jp.csv", japanese.encode("euc_jp"), "read", lines=lines)
    yield Hostile("encoding", "utf32.csv", text.encode("utf-32"))
    yield Hostile("encoding", "mixed.csv", text.encode() + "Zürich".encode("cp1252")
                  + "\r\n".encode("utf-16-le"))
    yield Hostile("encoding", "latin1-mail.eml", mail(body="Rechnung 90012 bezahlt 100,00 EUR "
                                                      "Grüße").replace(b"utf-8", b"latin-1"),
                  "read")


ODD_AMOUNTS = [  # (cell text, a failure code, the amount read, or None: anything but a crash)
    ("1e309", "out-of-range"), ("1E+5", "out-of-range"), ("2.5e3", "out-of-range"),
    ("1" * 30, "out-of-range"), ("1" * 19, "out-of-range"),
    ("1,234,567,890,123,456,789.00", "out-of-range"), ("NaN", "out-of-range"),
    ("Infinity", "out-of-range"), ("-Infinity", "out-of-range"), ("inf", "out-of-range"),
    ("12.345", "out-of-range"), ("100.001", "out-of-range"),
    ("١٢٣.٤٥", "123.45"), ("۱۲۳.۴۵", "123.45"), ("１２３.００", "123.00"),
    ("\u2212100.00", "-100.00"), ("\u2013100.00", "-100.00"), ("(100.00)", "-100.00"),
    ("100.00-", "-100.00"), ("+100.00", "100.00"),
    ("1٢3.00", None), ("0x1F", None), ("1_000.00", None), ("²³", None), ("--5", None),
    ("1.2.3", None), ("$", None), ("", None),
]
ODD_DATES = ["2026-02-30", "31.04.2026", "2026-13-01", "02/30/2026", "2026-02-29",
             "00.00.0000", "9999-99-99", "20261399", "31/11/2026"]


def _amounts_and_dates() -> Iterator[Hostile]:
    for n, (amount, outcome) in enumerate(ODD_AMOUNTS):
        if outcome and outcome[0].isdigit() or outcome and outcome[0] == "-":
            yield Hostile("amount-csv", f"amount-{n}.csv", csv_doc(amount=amount).encode(),
                          "read", lines=csv_lines(outcome))
        else:
            yield Hostile("amount-csv", f"amount-{n}.csv", csv_doc(amount=amount).encode(),
                          outcome)
    for n, (amount, expect) in enumerate(ODD_AMOUNTS[:12]):
        if amount in ("12.345", "100.001"):  # alone, a dot before three digits groups them
            expect = None
        yield Hostile("amount-total", f"total-{n}.csv", csv_doc(total=amount).encode(), expect)
    for n, amount in enumerate(("1e309", "1" * 30, "NaN", "12.345")):
        yield Hostile("amount-x12", f"x12-{n}.820", x12(total=amount), "out-of-range")
        yield Hostile("amount-x12", f"x12-line-{n}.820", x12(paid=amount), "out-of-range")
    yield Hostile("amount-bai2", "bai2-30.bai", bai2("1" * 30), "out-of-range")
    yield Hostile("amount-mt940", "mt940-30.sta", mt940("1" * 30 + ",00"), "out-of-range")
    yield Hostile("amount-mail", "mail-30.eml", mail(f"Invoice 90012 paid {'1' * 25}.00 USD"),
                  "out-of-range")
    yield Hostile("amount-mail", "mail-zip-1e309.eml", mail("Our advice is attached.", (
        ("advice.zip", zipped({"a.csv": csv_doc(amount="1e309").encode()})),)), "out-of-range")
    yield Hostile("amount-negative", "negative-total.csv",  # a sheet skips such payments
                  csv_doc(amount="-100.00", total="-350.50").encode())
    yield Hostile("amount-negative", "negative-x12.820", x12(total="-100.00", paid="-100.00"),
                  "read", "negative total")
    for n, when in enumerate(ODD_DATES):
        warning = None if when in ("00.00.0000", "9999-99-99") else "impossible date"
        yield Hostile("date", f"date-{n}.csv", csv_doc(date=when).encode(), "read", warning)
    yield Hostile("date", "x12-date.820", x12(date="20260230"), "read", "impossible date")
    yield Hostile("date", "bai2-date.bai", bai2(date="260231"), "read", "impossible date")
    yield Hostile("date", "mt940-date.sta", mt940(date="260231"), "read", "impossible date")
    yield Hostile("date", "camt-date.xml", camt("1.00").replace(
        b"<NtryDtls>", b"<ValDt><Dt>2026-02-30</Dt></ValDt><NtryDtls>"))


def _invisible() -> Iterator[Hostile]:
    for n, char in enumerate("\u202a\u202b\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
                             "\u061c\u200b\u200c\u200d\ufeff\u2060"):
        yield Hostile("bidi", f"invisible-{n}.csv", csv_doc(ref=f"900{char}12",
                                                           payer=f"ACME{char} Corp").encode(),
                      "read", "bidi or zero-width", csv_lines())
    yield Hostile("bidi", "invisible-mail.eml", mail("Invoice 90\u200b012 paid 100.00 USD"),
                  "read")


def _huge_and_empty(rng: random.Random) -> Iterator[Hostile]:
    yield Hostile("huge", "one-line.csv", b"Invoice #,Amount Paid," + b"A" * 3_000_000)
    yield Hostile("huge", "long-cell.csv", b"Invoice #,Amount Paid\r\n90012," + b"9" * 200_000
                  + b"\r\n")
    yield Hostile("huge", "one-line.txt", b"Invoice 90012 paid 100.00 " * 40_000)
    yield Hostile("huge", "many-rows.csv", csv_doc().encode()
                  + b"90014,2026-04-03,1.00\r\n" * 120_000)
    yield Hostile("huge", "many-columns.csv", (",".join(["Invoice #", "Amount Paid"]
                                                        + [f"c{i}" for i in range(20_000)])
                                               + "\r\n90012,100.00\r\n").encode())
    yield Hostile("huge", "x12-many-segments.820", x12().replace(
        b"ENT*1~", b"ENT*1~" + b"REF*ZZ*1~" * 100_000))
    for name, data in (("empty.csv", b""), ("empty.pdf", b""), ("spaces.csv", b"   \r\n\t"),
                       ("bom.csv", b"\xef\xbb\xbf"), ("newlines.eml", b"\n" * 100)):
        yield Hostile("empty", name, data, "empty")
    yield Hostile("empty", "nul.csv", b"\x00")
    yield Hostile("empty", "utf16-bom-only.csv", b"\xff\xfe")
    for n in range(20):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20_000)))
        yield Hostile("junk", f"junk-{n}.csv", junk)
    for n, magic in enumerate((b"\x7fELF", b"\x89PNG\r\n\x1a\n", b"ISA*", b"<?xml?>",
                               b":20:X\n:61:", b"01,", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                               b"From: a\r\nSubject: b\r\n\r\n", b"GIF89a", b"<html><table>")):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(10, 5000)))
        yield Hostile("junk", f"magic-{n}.csv", magic + junk)


def _mutations(rng: random.Random, count: int) -> Iterator[Hostile]:
    seeds = [("csv", csv_doc().encode()), ("820", x12()), ("bai", bai2()), ("sta", mt940()),
             ("xml", camt("100.00")), ("eml", mail()), ("pdf", pdf())]
    seeds += [(p.suffix.lstrip("."), p.read_bytes()) for p in sorted(GOLDEN.iterdir())
              if p.suffix != ".json"]
    for n in range(count):
        suffix, data = seeds[n % len(seeds)]
        yield Hostile("mutation", f"mutant-{n}.{suffix}", mutate(data, rng, rng.randint(1, 4)))


def mutate(data: bytes, rng: random.Random, steps: int = 1) -> bytes:
    """``data`` after ``steps`` random edits: truncated, bytes flipped, junk inserted,
    a stretch deleted or overwritten by the bytes after it."""
    b = bytearray(data)
    for _ in range(steps):
        if not b:
            break
        op = rng.randrange(5)
        if op == 0:
            del b[rng.randrange(len(b)):]
        elif op == 1:
            for _ in range(rng.randint(1, 20)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif op == 2:
            i = rng.randrange(len(b))
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 50)))
        else:
            i, j = sorted(rng.randrange(len(b)) for _ in range(2))
            b[i:j] = b"" if op == 3 else b[j:j + (j - i)]
    return bytes(b)


FAMILIES: tuple[Callable[[random.Random], Iterator[Hostile]], ...] = (
    _pdfs, _zips, _mime, _xml, lambda rng: _encodings(), lambda rng: _amounts_and_dates(),
    lambda rng: _invisible(), _huge_and_empty)


def corpus(seed: int = 2026, mutations: int = 60) -> list[Hostile]:
    """Every hostile input, the same for the same seed."""
    rng = random.Random(seed)
    found = [h for family in FAMILIES for h in family(rng)]
    found += list(_mutations(rng, mutations))
    names = [h.name for h in found]
    assert len(names) == len(set(names)), "hostile names must be unique"
    return found
