"""Per-payer templates (config/templates/*.toml): loading, validation, effect."""

from __future__ import annotations

import pytest
from pdf_corpus import odd_layout_sample

from bots.config import ConfigError
from bots.remittance.errors import ExtractError
from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_templates import (
    TEMPLATES_DIR,
    default_templates,
    load_templates,
)

NORTHWIND = """
name = "Northwind"
match = ["northwind traders"]
payer_name = "Northwind Traders"
currency = "usd"

[columns]
"Ident" = "invoice_ref"
"Booked" = "gross_amount"
"Cleared" = "paid_amount"

[labels]
payment_ref = ["Voucher"]
payment_date = ["Run Date"]
"""


def test_the_odd_layout_needs_its_template(tmp_path):
    sample = odd_layout_sample()
    with pytest.raises(ExtractError) as caught:
        extract_pdf(sample.pdf, "odd.pdf", templates=())
    assert caught.value.code == "not-a-remittance"

    (tmp_path / "northwind.toml").write_text(NORTHWIND)
    [got] = extract_pdf(sample.pdf, "odd.pdf", templates=load_templates(tmp_path))
    assert got.lines == sample.truth.lines
    assert (got.payer_name, got.payment_ref, got.payment_date, got.currency) == (
        "Northwind Traders", sample.truth.payment_ref, sample.truth.payment_date, "USD")


def test_the_shipped_example_template_is_loaded_by_default():
    assert (TEMPLATES_DIR / "northwind.toml").is_file()
    assert [t.name for t in default_templates()] == ["Northwind settlement statements"]
    sample = odd_layout_sample()
    [got] = extract_pdf(sample.pdf, "odd.pdf")
    assert got.lines == sample.truth.lines


def test_a_template_that_does_not_match_changes_nothing(tmp_path):
    (tmp_path / "other.toml").write_text(NORTHWIND.replace("northwind traders", "globex"))
    with pytest.raises(ExtractError):
        extract_pdf(odd_layout_sample().pdf, "odd.pdf", templates=load_templates(tmp_path))


@pytest.mark.parametrize("text, key", [
    ('match = "x"\ncolour = 1', "colour: unknown key"),
    ('name = "n"', "match: expected a non-empty list"),
    ('match = ["x"]\n[columns]\n"Ref" = "invoice"', "columns.Ref: unknown field 'invoice'"),
    ('match = ["x"]\n[labels]\nvoucher = ["V"]', "labels.voucher: unknown field"),
    ('match = ["x"]\ndecimal = ";"', "decimal: expected"),
    ('match = ["x"]\ncurrency = "dollars"', "currency: expected an ISO 4217 code"),
    ('match = ["x"]\nday_first = "yes"', "day_first: expected true or false"),
    ('match = [x', "not valid TOML"),
])
def test_mistakes_name_the_file_and_the_key(tmp_path, text, key):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_templates(tmp_path)
    assert str(path) in str(caught.value) and key in str(caught.value)


def test_no_folder_means_no_templates(tmp_path):
    assert load_templates(tmp_path / "missing") == []
