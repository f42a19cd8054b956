"""URL map. The public paths are a contract that links, exports and checks rely on."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from tracker import exports, feeds, views
from tracker.forms import SignInForm
from tracker.models import REF_PATTERN


class RefConverter:
    """Pledge refs as the model allows them (asem-2002-3.2): anything else is a
    404 before any query runs."""

    regex = REF_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RefConverter, "ref")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pledges/", views.pledge_list, name="pledge-list"),
    path("pledges/export.csv", exports.pledges_csv, name="pledge-export-csv"),
    path("pledges/<ref:ref>/", views.pledge_detail, name="pledge-detail"),
    path("pledges/<ref:ref>/updates/new/", views.update_create, name="update-create"),
    path("pledges/<ref:ref>/history/", views.pledge_history, name="pledge-history"),
    path("pledges/<ref:ref>/feed/", feeds.PledgeUpdatesFeed(), name="pledge-feed"),
    path("updates/export.csv", exports.updates_csv, name="update-export-csv"),
    path("updates/<int:pk>/", views.update_permalink, name="update-detail"),
    path("updates/<int:pk>/review/", views.update_request_review, name="update-request-review"),
    path("updates/feed/", feeds.AllUpdatesFeed(), name="update-feed"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/<slug:slug>/feed/", feeds.ThemeUpdatesFeed(), name="theme-feed"),
    path("api/pledges/", exports.pledges_api, name="api-pledge-list"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
