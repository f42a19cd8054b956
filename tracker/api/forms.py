"""The form that creates a personal API token."""

from django import forms

from tracker.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        strip=True,
        help_text="What the token is for, so you can tell your tokens apart.",
        error_messages={"required": "Give the token a name, e.g. “Ministry reporting system”."},
    )
    lifetime = forms.TypedChoiceField(
        label="Expires after",
        choices=ApiToken.Lifetime.choices,
        coerce=int,
        initial=ApiToken.Lifetime.QUARTER,
        error_messages={"invalid_choice": "Choose one of the lifetimes offered."},
    )
