"""Form widgets that more than one form uses."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601 (YYYY-MM-DD),
    whatever the page's language: HTML's <input type="date"> accepts nothing
    else, and Django would otherwise write a French page's date as 13/04/2005,
    which the picker shows as empty (a date typed into a refused form lost)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def attributes(attrs):
    """A widget's attributes as Django's attrs.html writes them, in order."""
    return mark_safe(  # noqa: S308 - names and values escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class Select(forms.Select):
    """Django's Select, with its options written in Python rather than one
    template render (and one context of attributes) each: the list's actor
    filter offers every actor, a few hundred at scale, and drawing them took
    longer than the rest of the list page. The HTML is Django's, character for
    character (tests/test_widgets.py compares them)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, attributes(attrs))]
        has_selected = False
        for group, choices in self.grouped_choices():
            if group is not None:
                parts.append(format_html('\n  <optgroup label="{}">', group))
            for option_value, option_label in choices:
                option_value = "" if option_value is None else str(option_value)
                selected = option_value in chosen and (
                    self.allow_multiple_selected or not has_selected
                )
                has_selected |= selected
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        option_value,
                        mark_safe(" selected") if selected else "",
                        option_label,
                    )
                )
            if group is not None:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html

    def grouped_choices(self):
        """``(group label or None, [(value, label), …])`` as Django's
        optgroups() reads the choices."""
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                yield option_value, option_label
            else:
                yield None, [(option_value, option_label)]


class SelectMultiple(Select, forms.SelectMultiple):
    """Django's SelectMultiple, drawn as ``Select`` is."""
