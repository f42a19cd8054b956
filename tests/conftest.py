import pytest

from tests.factories import make_user


@pytest.fixture
def superuser(db):
    return make_user("steward-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
