"""Properties of the 条目编号 references a comment form carries (hypothesis): any text is either an entry
of the release or a precise InvalidInput, never another error."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.comment_form import WHOLE
from registry.errors import InvalidInput
from terms.comments.entries import Entry, pick, split
from terms.rules import sort_key

RELEASE = SimpleNamespace(name="p1-cd")
numbers = st.lists(st.integers(min_value=1, max_value=999), min_size=2, max_size=5).map(
    lambda parts: ".".join(str(p) for p in parts))


@given(st.text(max_size=30))
def test_any_text_is_an_entry_or_a_precise_error(text):
    known = {"1.1": [Entry(1, 1, "1.1", 1, sort_key("1.1"))]}
    try:
        assert pick(known, text, RELEASE).entry_number == "1.1"
    except InvalidInput as error:
        assert error.extensions["errors"][0]["pointer"] == "/entry_number"


@given(numbers, st.integers(min_value=1, max_value=999))
def test_part_prefix_splits_off(number, part):
    assert split(f"{part}/{number}") == (part, number) and split(number) == (None, number)


@given(numbers)
def test_a_known_number_is_found_with_or_without_its_part(number):
    entry = Entry(7, 3, number, 2, sort_key(number))
    known = {number: [entry, Entry(8, 4, number, 1, sort_key(number))]}
    assert pick(known, f"3/{number}", RELEASE) == entry
    with pytest.raises(InvalidInput, match="several parts"):
        pick(known, number, RELEASE)


def test_whole_standard_words():
    assert {"", "全文", "总体"} <= WHOLE
