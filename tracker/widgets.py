"""Form widgets that more than one form uses."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601 (YYYY-MM-DD),
    whatever the page's language: HTML's <input type="date"> accepts nothing
    else, and Django would otherwise write a French page's date as 13/04/2005,
    which the picker shows as empty (a date typed into a refused form lost)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
