"""Error texts that more than one part of the site shows, so that the same
mistake is explained in the same words wherever it is made (and translated
once)."""

from django.utils.translation import gettext_lazy as _

DATE_FORMAT = _("Enter a date as YYYY-MM-DD, e.g. 2005-04-13.")
HTTP_URL = _("Enter a web address that starts with http:// or https://.")
WITHDRAWAL_REASON_REQUIRED = _("Say why the update is withdrawn.")
