"""Personal API tokens.

A token is shown once, when it is created; only its SHA-256 digest is
stored, so a copy of the database gives no usable token. (A slow password
hash is not needed: a token is 256 random bits, not a guessable password.)
A token acts as its user, with that user's roles at the time of each
request, until it expires or its owner revokes it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "pt_"
# Shown in the token list so that a user can tell their tokens apart.
VISIBLE_CHARACTERS = 8
# How often at most a token's "last used" time is written.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    class Lifetime(models.IntegerChoices):
        MONTH = 30, _("30 days")
        QUARTER = 90, _("90 days")
        YEAR = 365, _("One year")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text="What the token is for, e.g. “Ministry reporting system”.",
    )
    beginning = models.CharField(_("first characters"), max_length=20, editable=False)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.beginning}…)"

    @classmethod
    def issue(cls, user, name, days):
        """Create a token; returns it and its secret, which is never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            beginning=secret[: len(TOKEN_PREFIX) + VISIBLE_CHARACTERS],
            digest=digest(secret),
            created=now,
            expires_at=now + timedelta(days=days),
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret):
        """The active token with this secret, with its user, or ``None``."""
        now = timezone.now()
        token = (
            cls.objects.active(now)
            .select_related("user")
            .filter(digest=digest(secret), user__is_active=True)
            .first()
        )
        if token and (
            token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION
        ):
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self):
        """Revoke the token (a second revocation changes nothing)."""
        updated = ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.refresh_from_db(fields=["revoked_at"])
        return bool(updated)
