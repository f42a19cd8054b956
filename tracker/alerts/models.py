"""Who follows what, and the messages waiting to be sent.

Nothing about an address is stored before its owner confirms it: a follow
request travels inside the signed confirmation link (tracker/alerts/links.py),
and only the confirmation creates a ``Subscriber`` and its ``Follow``. The
confirmation requests themselves are kept as keyed digests, never addresses,
to rate-limit them (``ConfirmationRequest``).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.models import Actor, Pledge, SourceDocument, Theme


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As soon as something changes")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")


def new_link_key():
    return secrets.token_urlsafe(16)


def normalise_address(address):
    """One spelling per mailbox: the domain is case-insensitive by the RFC, and
    in practice the local part is too."""
    return address.strip().lower()


def start_of_day(moment):
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def start_of_week(moment):
    day = start_of_day(moment)
    return day - timedelta(days=day.weekday())


class SubscriberQuerySet(models.QuerySet):
    def due(self, now):
        """Confirmed followers whose next message is due at ``now``:
        immediate ones at every run, daily ones once per calendar day (UTC),
        weekly ones once per ISO week (from Monday). Calendar periods, not 24
        hours since the last run, so a timer that fires a minute early or
        late still sends one digest a day."""
        never = Q(last_digest_at__isnull=True)
        return self.filter(confirmed_at__isnull=False).filter(
            Q(frequency=Frequency.IMMEDIATE)
            | (Q(frequency=Frequency.DAILY) & (never | Q(last_digest_at__lt=start_of_day(now))))
            | (Q(frequency=Frequency.WEEKLY) & (never | Q(last_digest_at__lt=start_of_week(now))))
        )

    def for_address(self, address):
        return self.filter(email=normalise_address(address))

    def following(self, target):
        return self.filter(**{f"follows__{target.kind}": target.obj})

    def confirm(self, address, target, frequency, language=settings.LANGUAGE_CODE):
        """The confirmed follower of ``address``, following ``target`` and
        hearing at ``frequency`` (for everything they follow), in
        ``language`` (the language of the page they confirmed on): what a
        used confirmation link, or a signed-in follower whose address is
        confirmed, asks for. Idempotent."""
        now = timezone.now()
        with transaction.atomic():
            subscriber, created = self.get_or_create(
                email=normalise_address(address),
                defaults={
                    "confirmed_at": now,
                    "frequency": frequency,
                    "covered_until": now,
                    "language": language,
                },
            )
            if not created:
                subscriber.confirmed_at = subscriber.confirmed_at or now
                subscriber.frequency = frequency
                subscriber.language = language
                subscriber.save(update_fields=["confirmed_at", "frequency", "language"])
            Follow.objects.get_or_create(subscriber=subscriber, **target.follow_filter())
        return subscriber


class Subscriber(models.Model):
    """A confirmed e-mail address and how often it wants to hear."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    # Every update recorded up to this moment has been considered for this
    # follower: the next message covers what was recorded after it.
    covered_until = models.DateTimeField(_("updates considered until"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("last run that considered it"), null=True, blank=True)
    # Part of every signed link in this follower's e-mail: a new key revokes
    # them all (the links carry no expiry, since an unsubscribe link in an old
    # message must keep working).
    link_key = models.CharField(_("link key"), max_length=32, default=new_link_key)
    # The digests' language, and their links' (/fr/… for French).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")),
                name="alerts_subscriber_email_lowercase",
            )
        ]

    def __str__(self):
        return gettext("follower %(number)s") % {"number": self.pk}


@dataclass(frozen=True)
class Target:
    """What can be followed: a pledge, a theme, a party or a source. ``kind``
    names the Follow field that holds it."""

    kind: str
    obj: object

    # kind -> (model, the field in URLs, what a follower is told it is)
    KINDS = {
        "pledge": (Pledge, "ref"),
        "theme": (Theme, "slug"),
        "party": (Actor, "slug"),
        "source": (SourceDocument, "slug"),
    }

    @classmethod
    def resolve(cls, kind, key):
        """The target that ``/alerts/follow/<kind>/<key>/`` names, or a 404.
        A party is an actor that is party to some text."""
        if kind not in cls.KINDS:
            raise Http404(gettext("Nothing of that kind can be followed."))
        model, field = cls.KINDS[kind]
        queryset = model.objects.all()
        if kind == "party":
            queryset = queryset.filter(party_memberships__isnull=False).distinct()
        if kind == "source":
            queryset = queryset.without_text()
        return cls(kind, get_object_or_404(queryset, **{field: key}))

    @classmethod
    def from_token(cls, kind, pk):
        model = cls.KINDS[kind][0]
        queryset = model.objects.without_text() if kind == "source" else model.objects
        obj = queryset.filter(pk=pk).first()
        return cls(kind, obj) if obj is not None else None

    @property
    def key(self):
        return getattr(self.obj, self.KINDS[self.kind][1])

    def _phrase(self):
        """The phrase that names the target in a sentence ("alerts about …"),
        in the active language, and the name it holds: a pledge's title, a
        theme's label, a party's name, a text's title (data, in English but
        for a translated theme's label)."""
        if self.kind == "pledge":
            phrase = gettext("pledge %(ref)s: %(name)s").replace("%(ref)s", self.obj.ref)
            return phrase, self.obj.title
        if self.kind == "theme":
            return gettext("the theme %(name)s"), self.obj.label
        if self.kind == "party":
            return gettext("the party %(name)s"), self.obj.name
        return gettext("the pledges of %(name)s"), self.obj.short_title

    @property
    def label(self):
        phrase, name = self._phrase()
        return phrase % {"name": name}

    @property
    def label_html(self):
        """The label for a page, its name marked with its language (English,
        unless a steward translated it: a theme)."""
        phrase, name = self._phrase()
        lang = getattr(name, "lang", "en")
        return mark_safe(  # noqa: S308 - the phrase is escaped, the name too
            escape(phrase) % {"name": format_html('<span lang="{}">{}</span>', lang, name)}
        )

    def get_absolute_url(self):
        return self.obj.get_absolute_url()

    def follow_filter(self):
        return {self.kind: self.obj}


class Follow(models.Model):
    """One thing one follower follows: exactly one of the four targets."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="follows", verbose_name=_("follower")
    )
    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    party = models.ForeignKey(
        Actor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(pledge__isnull=False, theme=None, party=None, source=None)
                    | Q(pledge=None, theme__isnull=False, party=None, source=None)
                    | Q(pledge=None, theme=None, party__isnull=False, source=None)
                    | Q(pledge=None, theme=None, party=None, source__isnull=False)
                ),
                name="alerts_follow_exactly_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["subscriber", kind],
                    condition=Q(**{f"{kind}__isnull": False}),
                    name=f"alerts_follow_one_{kind}_once",
                )
                for kind in Target.KINDS
            ),
        ]

    def __str__(self):
        return gettext("follow %(number)s") % {"number": self.pk}

    @property
    def target(self):
        for kind in Target.KINDS:
            obj = getattr(self, kind)
            if obj is not None:
                return Target(kind, obj)
        return None


def keyed_digest(value):
    """A keyed hash: enough to count requests by address or client, useless
    for reading either back (the table holds no addresses)."""
    key = hashlib.sha256(b"alerts-rate-limit" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class ConfirmationRequestQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(created__gte=moment)

    def older_than(self, moment):
        return self.filter(created__lt=moment)


class ConfirmationRequest(models.Model):
    """One request for a confirmation e-mail, kept a day to rate-limit them
    per address and per client. In the database rather than the cache: the
    limit must hold on every app server and with Redis down (a cache that
    forgets would let a flood through; one that fails would block everyone)."""

    address_digest = models.CharField(max_length=64)
    client_digest = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now)

    objects = ConfirmationRequestQuerySet.as_manager()

    class Meta:
        indexes = [
            # The two counts in tracker/alerts/limits.py.
            models.Index(fields=["address_digest", "created"], name="alerts_confirm_address_idx"),
            models.Index(fields=["client_digest", "created"], name="alerts_confirm_client_idx"),
            # send_alerts' pruning of old requests.
            models.Index(fields=["created"], name="alerts_confirm_created_idx"),
        ]

    def __str__(self):
        return gettext("confirmation request %(number)s") % {"number": self.pk}


class OutboxQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True, cancelled_at__isnull=True)


class OutboxMessage(models.Model):
    """One message to one follower, composed by ``send_alerts`` in the same
    transaction that moves the follower's mark on, and sent after. The
    unique (subscriber, covers_from) pair means one message per follower per
    period, whatever reruns or overlapping runs do."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="outbox", verbose_name=_("follower")
    )
    covers_from = models.DateTimeField(_("updates recorded after"))
    covers_until = models.DateTimeField(_("up to"))
    # The updates it announces, to check for withdrawals just before sending.
    update_ids = models.JSONField(_("updates"))
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    created = models.DateTimeField(_("composed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Every update it announced was withdrawn before it went out.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "covers_from"], name="alerts_outbox_one_per_period"
            )
        ]
        indexes = [
            # The delivery phase: the unsent messages, oldest first.
            models.Index(
                fields=["id"],
                condition=Q(sent_at__isnull=True, cancelled_at__isnull=True),
                name="alerts_outbox_pending_idx",
            ),
            # Pruning sent messages.
            models.Index(fields=["sent_at"], name="alerts_outbox_sent_idx"),
        ]

    def __str__(self):
        return gettext("message %(number)s") % {"number": self.pk}


def message_id_for(subscriber_id, covers_from: datetime):
    """The same Message-ID for the same follower and period on every attempt,
    so a receiver can recognise a resend after a crash as the same message."""
    stamp = int(covers_from.timestamp() * 1_000_000)
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<alert.{subscriber_id}.{stamp}@{domain or 'localhost'}>"
