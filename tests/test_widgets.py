"""tracker/widgets.py: the fast Select writes exactly Django's HTML."""

import pytest
from django import forms

from tracker.widgets import Select, SelectMultiple

CHOICES = [("", "Any actor"), ("a&b", "A & B <x>"), ("c", "C"), (3, "three"), ("c", "C again")]
GROUPED = [("", "Any"), ("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", ["", "a&b", "y", None, 3, "3", "c", "nowhere"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_actor", "required": True, "disabled": False, "data-x": '"q"'}]
)
def test_the_fast_select_writes_djangos_html(choices, value, attrs):
    ours = Select(attrs={"class": "wide"}, choices=choices).render("actor", value, attrs)
    djangos = forms.Select(attrs={"class": "wide"}, choices=choices).render("actor", value, attrs)
    assert ours == djangos


def test_only_the_first_matching_option_is_selected():
    html = Select(choices=CHOICES).render("actor", "c")
    assert html.count(" selected") == 1 and '<option value="c" selected>C</option>' in html


@pytest.mark.parametrize("value", [[], ["c"], ["a&b", 3], None])
def test_the_fast_multiple_select_writes_djangos_html(value):
    ours = SelectMultiple(choices=CHOICES).render("kind", value, {"id": "id_kind"})
    djangos = forms.SelectMultiple(choices=CHOICES).render("kind", value, {"id": "id_kind"})
    assert ours == djangos
