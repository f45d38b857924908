"""The trie regex of :mod:`bots.remittance.regex_trie` matches exactly its texts."""

import re

from hypothesis import given
from hypothesis import strategies as st

from bots.remittance.regex_trie import alternation

words = st.text(alphabet="abn.°", max_size=4)


@given(st.sets(words, min_size=1, max_size=8), words)
def test_it_matches_exactly_its_texts(texts: set[str], other: str) -> None:
    pattern = re.compile(alternation(texts))
    for text in texts:
        assert pattern.fullmatch(text)
    assert bool(pattern.fullmatch(other)) == (other in texts)


def test_common_beginnings_are_shared() -> None:
    assert alternation({"n", "no", "nr", "num"}) == "n(?:(?:o|r|u(?:m))?)"
    assert alternation({"n."}, {".": r"\s"}) == r"n(?:\s)"
