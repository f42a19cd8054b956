"""Forms for the public site. Validation rules live on the models and in
``tracker/rules.py``; forms add what is about input: which choices a user is
offered, a required summary, date widgets."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.error_messages import DATE_FORMAT, HTTP_URL
from tracker.models import UPDATE_ENTRY_FIELDS, Actor, Pledge, StatusUpdate, UpdateKind
from tracker.rules import is_reporter, is_steward
from tracker.widgets import DateInput


class StatusUpdateForm(forms.ModelForm):
    """Log a status update. ``user`` decides the choices offered: a reporter
    self-reports for the actors they belong to, an assessor logs independent
    assessments, a steward may log either. The choices are a convenience; the
    permission check in clean() is the rule."""

    class Meta:
        model = StatusUpdate
        fields = UPDATE_ENTRY_FIELDS
        widgets = {
            "as_of": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "evidence_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "evidence_reference": forms.TextInput(attrs={"placeholder": _("e.g. A/RES/59/290")}),
        }
        error_messages = {
            "as_of": {"invalid": DATE_FORMAT},
            "evidence_url": {"invalid": HTTP_URL},
            "summary": {"required": _("Say what happened: a summary is required.")},
            "status": {"required": _("Choose a status.")},
            "kind": {"required": _("Say whether this is a self-report or an assessment.")},
        }

    # Set by for_user(), for callers that construct the form themselves.
    bound_user = None

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user or self.bound_user
        if self.user is None:
            raise TypeError("StatusUpdateForm needs the user whose role rules apply.")
        self.fields["status"].choices = [
            ("", gettext("Choose a status…")),
            *self.fields["status"].choices[1:],
        ]
        self.fields["evidence_url"].assume_scheme = "https"
        self.limit_choices_to_role()

    @classmethod
    def for_user(cls, user):
        """This form with ``user`` bound: the admin builds its add form and
        inline from a class, and must get the same rules as the public form."""
        return type(cls.__name__, (cls,), {"bound_user": user})

    def chosen_pledge(self):
        """The pledge the update is for: fixed by the page, or chosen in the
        form (the admin's add form); None while not chosen."""
        if "pledge" in self.fields:
            return getattr(self, "cleaned_data", {}).get("pledge")
        return self.instance.pledge if self.instance.pledge_id else None

    def own_actors(self):
        """The actors this user may self-report for on this pledge: those that
        answer for it (``Pledge.objects.concerning``), or every actor they
        report for while no pledge is chosen."""
        actors = Actor.objects.filter(reporters=self.user).order_by("name")
        pledge = self.chosen_pledge()
        if pledge is None:
            return actors
        pledges = Pledge.objects.filter(pk=pledge.pk)
        # A reporter reports for one actor or a few: a query each is cheap.
        answering = [actor.pk for actor in actors if pledges.concerning(actor).exists()]
        return actors.filter(pk__in=answering)

    def limit_choices_to_role(self):
        user = self.user
        curates = user.is_superuser or is_steward(user)
        own_actors = self.own_actors()
        may_assess = user.has_perm(
            "tracker.log_update", StatusUpdate(kind=UpdateKind.INDEPENDENT_ASSESSMENT)
        )
        may_self_report = curates or (is_reporter(user) and own_actors.exists())
        kinds = [
            kind
            for kind, allowed in (
                (UpdateKind.SELF_REPORT, may_self_report),
                (UpdateKind.INDEPENDENT_ASSESSMENT, may_assess),
            )
            if allowed
        ]
        kind_field = self.fields["kind"]
        kind_field.choices = [(kind.value, kind.label) for kind in kinds]
        if len(kinds) > 1:
            kind_field.choices.insert(0, ("", gettext("Choose…")))
        actor_field = self.fields["actor"]
        if may_assess or curates:
            actor_field.queryset = Actor.objects.order_by("name")
            actor_field.empty_label = gettext("The pledge as a whole")
        else:  # a reporter only: self-reports for their own actors
            actor_field.queryset = own_actors
            actor_field.required = True
            actor_field.empty_label = None
            actor_field.help_text = gettext("The organisation you report for.")

    def clean_summary(self):
        return self.cleaned_data["summary"].strip()

    def clean_evidence_reference(self):
        return self.cleaned_data["evidence_reference"].strip()

    def clean(self):
        cleaned = super().clean()
        kind, actor = cleaned.get("kind"), cleaned.get("actor")
        if kind and not self.user.has_perm(
            "tracker.log_update", StatusUpdate(kind=kind, actor=actor, pledge=self.chosen_pledge())
        ):
            if kind == UpdateKind.SELF_REPORT:
                names = ", ".join(a.name for a in self.own_actors())
                if names:
                    message = gettext(
                        "On this pledge you may log self-reports only for: %(names)s."
                    ) % {"names": names}
                else:
                    message = gettext(
                        "None of the actors you report for answers for this pledge (it "
                        "neither names them nor applies to them as parties of its text), "
                        "so you cannot log a self-report on it."
                    )
                raise ValidationError({"actor": message})
            raise ValidationError(
                {"kind": gettext("Only assessors and stewards may log independent assessments.")}
            )
        return cleaned


class ReviewRequestForm(forms.Form):
    note = forms.CharField(label=_("What looks wrong?"), max_length=2000, strip=True)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length enforced: Django sets
    ``max_length`` on the field only for the widget, and an over-long name
    would otherwise reach the login throttle's records (a 500 on PostgreSQL)."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit and len(username) > limit:
            raise ValidationError(
                gettext("A username has at most %(limit)d characters.") % {"limit": limit},
                code="max_length",
            )
        return username
