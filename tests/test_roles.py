"""The role groups, as the migrations leave them."""

import pytest
from django.contrib.auth.models import Group

from tracker.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_each_group_has_exactly_its_permissions():
    for name, expected in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == set(expected), name


def test_nobody_may_delete_status_updates_or_manage_users():
    every = {p for permissions in ROLE_PERMISSIONS.values() for p in permissions}
    assert "tracker.delete_statusupdate" not in every
    assert not any(p.startswith("auth.") for p in every)
