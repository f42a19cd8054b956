import pytest

from tests.factories import make_actor, make_assessor, make_reporter, make_steward, make_user


@pytest.fixture
def superuser(db):
    return make_user("steward-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def reporting_actor(db):
    return make_actor(slug="european-union", name="European Union")


@pytest.fixture
def reporter(db, reporting_actor):
    return make_reporter(reporting_actor, username="reporter")


@pytest.fixture
def assessor(db):
    return make_assessor("assessor")


@pytest.fixture
def steward(db):
    return make_steward("steward")
