"""The form that creates a personal API token."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        strip=True,
        help_text=_("What the token is for, so you can tell your tokens apart."),
        error_messages={"required": _("Give the token a name, e.g. “Ministry reporting system”.")},
    )
    lifetime = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=ApiToken.Lifetime.choices,
        coerce=int,
        initial=ApiToken.Lifetime.QUARTER,
        error_messages={"invalid_choice": _("Choose one of the lifetimes offered.")},
    )
