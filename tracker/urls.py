"""URL map. The public paths are a contract that links, exports and checks rely on."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter, reverse_lazy

from tracker import exports, feeds, plumbing, views
from tracker.api import legacy
from tracker.api import views as api_views
from tracker.api.v1 import api as api_v1
from tracker.forms import SignInForm
from tracker.models import REF_PATTERN
from tracker.sitemaps import SITEMAPS


class RefConverter:
    """Pledge refs as the model allows them (asem-2002-3.2): anything else is a
    404 before any query runs."""

    regex = REF_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RefConverter, "ref")


class CiteFormatConverter:
    """The citation files: BibTeX, RIS and CSL-JSON (tracker/citations.py)."""

    regex = "bib|ris|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CiteFormatConverter, "cite_format")

handler403 = "tracker.views.permission_denied"

# Self-service passwords with Django's auth views; the templates are the
# site's own (templates/accounts/), so the admin keeps its registration/ ones.
RESET_HOURS = {"reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    extra_email_context=RESET_HOURS,
)
password_urls = [
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
        ),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("accounts/password_reset/", password_reset, name="password_reset"),
    # The admin's sign-in page offers "Forgotten your password?" when this exists.
    path("admin/password_reset/", password_reset, name="admin_password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html", extra_context=RESET_HOURS
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

# Pages people read are in English at their plain path and in French under
# /fr/ (LANGUAGES in settings); the API and its schema speak JSON and stay
# outside the prefix, so integrators' URLs never move.
urlpatterns = [
    path("api/pledges/", legacy.pledges, name="api-pledge-list"),
    path("api/v1/", api_v1.urls),
    # For robots and operators: one address each, whatever the language.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", plumbing.robots_txt, name="robots-txt"),
    path("healthz", plumbing.healthz, name="healthz"),
    path("favicon.ico", plumbing.favicon, name="favicon"),
]
urlpatterns += i18n_patterns(
    path("", views.dashboard, name="dashboard"),
    path("pledges/", views.pledge_list, name="pledge-list"),
    path("pledges/export.csv", exports.pledges_csv, name="pledge-export-csv"),
    path("pledges/<ref:ref>/", views.pledge_detail, name="pledge-detail"),
    path("pledges/<ref:ref>/updates/new/", views.update_create, name="update-create"),
    path("pledges/<ref:ref>/history/", views.pledge_history, name="pledge-history"),
    path(
        "pledges/<ref:ref>/cite.<cite_format:file_format>",
        views.pledge_cite,
        name="pledge-cite",
    ),
    path("pledges/<ref:ref>/feed/", feeds.PledgeUpdatesFeed(), name="pledge-feed"),
    path("updates/export.csv", exports.updates_csv, name="update-export-csv"),
    path("updates/<int:pk>/", views.update_permalink, name="update-detail"),
    path(
        "updates/<int:pk>/cite.<cite_format:file_format>",
        views.update_cite,
        name="update-cite",
    ),
    path("updates/<int:pk>/review/", views.update_request_review, name="update-request-review"),
    path("updates/feed/", feeds.AllUpdatesFeed(), name="update-feed"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("themes/", views.theme_list, name="theme-list"),
    path("trends/", views.trend_chart, name="trends"),
    path("changes/", views.changes, name="changes"),
    path("trends/export.csv", exports.trends_csv, name="trends-export-csv"),
    path("methodology/", views.methodology, name="methodology"),
    path("themes/<slug:slug>/feed/", feeds.ThemeUpdatesFeed(), name="theme-feed"),
    path("account/tokens/", api_views.token_list, name="api-token-list"),
    path("account/tokens/<int:pk>/revoke/", api_views.token_revoke, name="api-token-revoke"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/export.csv", exports.matrix_csv, name="matrix-export-csv"),
    path("matrix/data.json", exports.matrix_json, name="matrix-json"),
    path("parties/", views.party_list, name="party-list"),
    path("parties/<slug:slug>/", views.party_detail, name="party-detail"),
    path("parties/<slug:slug>/export.csv", exports.party_csv, name="party-export-csv"),
    path("parties/<slug:slug>/feed/", feeds.PartyUpdatesFeed(), name="party-feed"),
    path("reporting/", views.reporter_home, name="reporter-home"),
    path("alerts/", include("tracker.alerts.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *password_urls,
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
