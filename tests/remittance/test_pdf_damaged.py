"""Damaged PDFs: whatever the damage, the reader returns or raises ExtractError."""

from __future__ import annotations

import random

import pytest
from pdf_corpus import LAYOUTS, make_sample

from bots.remittance.errors import ExtractError
from bots.remittance.pdf import extract_pdf


def _damaged(seed: int) -> bytes:
    rng = random.Random(seed)
    data = bytearray(make_sample(list(LAYOUTS)[seed % len(LAYOUTS)], 0).pdf)
    kind = seed % 3
    if kind == 0:  # bytes overwritten here and there
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:  # cut short
        del data[rng.randrange(20, len(data)):]
    else:  # a chunk removed from the middle (offsets no longer match)
        start = rng.randrange(100, len(data) - 200)
        del data[start:start + rng.randint(1, 150)]
    return bytes(data)


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_damage_never_escapes_as_another_exception(backend):
    codes = {"read": 0}
    for seed in range(30):
        try:
            extract_pdf(_damaged(seed), f"damaged-{seed}.pdf", backend=backend, templates=())
            codes["read"] += 1
        except ExtractError as exc:
            codes[exc.code] = codes.get(exc.code, 0) + 1
    assert set(codes) <= {"read", "corrupt", "empty", "not-a-remittance", "needs-ocr"}
    assert codes["read"] > 0 and codes.get("corrupt", 0) > 0, codes
