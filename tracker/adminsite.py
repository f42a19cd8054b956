"""The admin site: Django's, except that someone signed in without staff
status gets the 403 page saying why, instead of the admin's sign-in page
(signing in again would not help them). Made Django's default admin site
by ``tracker.apps.TrackerAdminConfig``. Outside the ``tracker.admin`` package:
importing that package registers the ModelAdmins on this very site, which
must exist by then."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext


class TrackerAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(
                    gettext(
                        "The admin is the data stewards' tool, and your account has no staff "
                        "status. You can log status updates on the public pages if your role "
                        "allows it."
                    )
                )
            return guarded(request, *args, **kwargs)

        return inner
