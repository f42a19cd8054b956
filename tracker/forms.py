"""Forms for the public site. Validation rules live on the models; forms add
only what is about input (a required summary, date widgets)."""

from django import forms

from tracker.models import Actor, StatusUpdate


class StatusUpdateForm(forms.ModelForm):
    class Meta:
        model = StatusUpdate
        fields = [
            "status",
            "as_of",
            "kind",
            "actor",
            "summary",
            "evidence_url",
            "evidence_reference",
        ]
        widgets = {
            "as_of": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "evidence_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "evidence_reference": forms.TextInput(attrs={"placeholder": "e.g. A/RES/59/290"}),
        }
        error_messages = {
            "as_of": {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2005-04-13."},
            "evidence_url": {
                "invalid": "Enter a web address that starts with http:// or https://."
            },
            "summary": {"required": "Say what happened: a summary is required."},
            "status": {"required": "Choose a status."},
            "kind": {"required": "Say whether this is a self-report or an assessment."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = Actor.objects.order_by("name")
        self.fields["actor"].empty_label = "The pledge as a whole"
        self.fields["status"].choices = [
            ("", "Choose a status…"),
            *self.fields["status"].choices[1:],
        ]
        self.fields["evidence_url"].assume_scheme = "https"

    def clean_summary(self):
        return self.cleaned_data["summary"].strip()

    def clean_evidence_reference(self):
        return self.cleaned_data["evidence_reference"].strip()
