"""The Content-Security-Policy (no inline script or style) holds on every
admin page, and the pages still work under it: Chromium reports no
violation, and the export page's "Select all" toggles the field boxes."""

import pytest
from django.urls import reverse

from tests.browser.conftest import sign_in_to_admin
from tests.factories import make_user
from tracker.models import Actor, Instrument, Paragraph, Pledge, SourceDocument, StatusUpdate, Theme

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

TRACKER_MODELS = [SourceDocument, Paragraph, Pledge, Theme, Actor, Instrument, StatusUpdate]


def admin_pages():
    """Every kind of admin page: the index, and for each model its list, add,
    change, history, import and export pages; the users' pages; the stewards'
    own pages."""
    pages = [reverse("admin:index"), reverse("admin:tracker_pledge_attention")]
    for model in TRACKER_MODELS:
        name = f"admin:tracker_{model._meta.model_name}"
        obj = model.objects.order_by("pk").first()
        pages += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        pages += [
            reverse(f"{name}_change", args=[obj.pk]),
            reverse(f"{name}_history", args=[obj.pk]),
        ]
        if model in (Pledge, StatusUpdate):
            pages += [reverse(f"{name}_import"), reverse(f"{name}_export")]
    user = make_user("someone")
    pages += [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:auth_user_password_change", args=[user.pk]),
        reverse("admin:auth_group_changelist"),
        reverse("admin:password_change"),
    ]
    return pages


def test_no_admin_page_breaks_the_content_security_policy(page):
    root = make_user("root", is_staff=True, is_superuser=True)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in_to_admin(page, root)
    for path in admin_pages():
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
    assert violations == []


def test_select_all_on_the_export_page_works(page):
    root = make_user("root", is_staff=True, is_superuser=True)
    sign_in_to_admin(page, root)
    page.goto(reverse("admin:tracker_statusupdate_export"))
    field_boxes = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert field_boxes.count() > 2
    toggle = page.get_by_label("Select all")
    toggle.uncheck()
    assert all(not box.is_checked() for box in field_boxes.all())
    toggle.check()
    assert all(box.is_checked() for box in field_boxes.all())
