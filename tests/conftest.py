import pytest

from tests.factories import make_actor, make_assessor, make_reporter, make_steward, make_user


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The French pages need the compiled catalogue, which is built from the
    committed .po (never committed itself): `make` builds it for `make run`,
    and this for a test run started any way at all."""
    from tracker.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def english_between_tests():
    """A request to a French page leaves French active in this thread (the
    middleware activates a language per request and never resets it), and
    later tests would then read French labels and reverse /fr/ URLs."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache_health():
    """Every test starts with a cache this process trusts: a test that broke
    its cache (tests/test_cache_faults.py) leaves this process-wide state
    behind, and later tests would then see no data version at all."""
    from tracker import caching

    caching.health.reset()
    yield


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


@pytest.fixture
def shared_cache():
    """A real (in-process) cache in place of the tests' dummy one; the code
    path is the same as with Redis."""
    from django.core.cache import caches
    from django.test import override_settings

    from tracker import caching

    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        caching.health.reset()  # no pause left by a test that broke its cache
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


@pytest.fixture
def own_redis(tmp_path, settings):
    """The app's cache on a redis-server of this test's own (see
    tests/redis_server.py), configured exactly as production configures it."""
    from tests.redis_server import RedisServer
    from tracker import caching
    from tracker.settings import redis_caches

    server = RedisServer(tmp_path)
    caching.health.reset()
    settings.CACHES = redis_caches(server.url)
    try:
        yield server
    finally:
        caching.health.reset()
        server.close()


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port; its ``inbox.messages``
    are (envelope, parsed message) pairs. See tests/smtp_server.py."""
    from tests.smtp_server import SmtpServer

    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()
