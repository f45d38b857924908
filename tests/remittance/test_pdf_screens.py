"""The PDF reader's label search tries only the patterns that may match (issue 9, speed).

:func:`bots.remittance.pdf_fields.labelled_values` tries, where a label starts, only the
default field patterns whose matches may begin with the character there
(:func:`~bots.remittance.pdf_fields._default_at`): every pattern matching there is among
them, on the lines of the development families, as printed, in capitals and title case.
"""

from __future__ import annotations

from bots.remittance import pdf_fields
from bots.remittance.pdf_layout import lines_of
from bots.remittance.pdf_words import read_words
from tests.remittance.layouts_dev import FAMILIES, advices


def test_the_label_patterns_tried_at_a_place_include_every_one_matching_there() -> None:
    texts = {line.text for family in FAMILIES[::2] for advice in advices(family, 1, 5)
             for line in lines_of(read_words(advice.pdf))}
    tried = 0
    for text in {case for line in texts for case in (line, line.upper(), line.title())}:
        for start in pdf_fields._ANY_LABEL_I.finditer(text):
            at = start.start()
            matching = {name for name, pattern in pdf_fields._DEFAULT
                        if pattern.match(text, at)}
            candidates = {name for name, _ in pdf_fields._default_at(text[at:at + 1])}
            assert matching <= candidates, (text, at)
            tried += bool(matching)
    assert tried > 100


def test_a_pattern_that_may_begin_with_anything_is_tried_everywhere() -> None:
    assert pdf_fields._first_class(r"(?<!\w)(?:\d+ days|net)\s*:") is None
    assert pdf_fields._first_class(r"(?<!\w)(?:total|sum)") is not None
    assert [n for n, _ in pdf_fields._default_at("")] == [
        n for n, _, first in pdf_fields._FIRST_CLASSES if first is None]
