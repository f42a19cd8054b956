from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.alerts.models import Frequency, Subscriber, normalise_address


class FollowForm(forms.Form):
    """An address and how often to hear; a signed-in follower's address is
    their account's, so the form leaves the field out for them."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send one message to confirm it; nothing else until you do."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
        help_text=_("For everything you follow."),
    )

    def __init__(self, *args, ask_address=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_address:
            del self.fields["email"]

    def clean_email(self):
        return normalise_address(self.cleaned_data["email"])


class FrequencyForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}
        labels = {"frequency": _("How often")}
