import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must
# still be usable from the test body around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _replica_alias_for_tests():
    # A second alias mirroring the test database, so the replica router (minxin.core.replica) is tested
    # against a real second connection. Reads only go there in tests that set MINXIN_READ_REPLICA.
    from django.conf import settings

    if "replica" not in settings.DATABASES:
        settings.DATABASES["replica"] = {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}


_replica_alias_for_tests()


class _OneRequestAtATimeServer:
    """The live server's WSGI app, entered by one request at a time.

    On SQLite the live server's request threads all share pytest's one in-memory connection, and a
    sqlite3 connection used by two threads at once fails ("bad parameter or other API misuse") or
    hangs. Pages that load two htmx fragments at once did exactly that. Requests are serialised at
    the application, not per HTTP connection, so an idle keep-alive connection never blocks another;
    the lock is held until the response body is closed, as a streamed body still reads the database.
    The test body's own queries take the same lock, so they wait for a request in flight.
    """

    def __init__(self, app, lock):
        self.app = app
        self.lock = lock

    def __call__(self, environ, start_response):
        self.lock.acquire()
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self.lock.release()
            raise
        return _ReleaseOnClose(body, self.lock)


class _ReleaseOnClose:
    def __init__(self, body, lock):
        self.body, self.lock, self.released = body, lock, False

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            if not self.released:
                self.released = True
                self.lock.release()


def _serialise_live_server_on_sqlite():
    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return

    class SerialisedWSGIServer(ThreadedWSGIServer):
        def set_app(self, application):
            import threading

            # Reentrant: the request's own queries pass; the test body's queries wait for the request.
            lock = threading.RLock()

            def one_at_a_time(execute, sql, params, many, context):
                with lock:
                    return execute(sql, params, many, context)

            for conn in (self.connections_override or {}).values():
                conn.execute_wrappers.append(one_at_a_time)
            super().set_app(_OneRequestAtATimeServer(application, lock))

    LiveServerThread.server_class = SerialisedWSGIServer


_serialise_live_server_on_sqlite()


@pytest.fixture(autouse=True)
def _reference_data(request):
    # A transactional test (live_server, transaction=True) ends by flushing every
    # table, which also wipes the reference data that migrations seed (deadline
    # rules, the holiday calendar, domains, lexicons). Put it back before each
    # transactional test so the order of tests never matters.
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from minxin.core.reference_data import ensure_reference_data

        ensure_reference_data()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploads, documents and models a test writes go to its own folder, never to var/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _outbox_path(settings, tmp_path):
    # The development outbox (the default SMS/e-mail backend in DEBUG) never writes to var/.
    settings.MINXIN_OUTBOX_PATH = str(tmp_path / "outbox.jsonl")


@pytest.fixture
def clock():
    import time_machine

    from minxin.testing import START

    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production PBKDF2 costs ~0.3 s a hash; the test city creates 16 accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_not_enforced(settings):
    # Tests sign leaders and administrators in with force_login or the password form to test
    # other things; the second factor is tested with it switched on (minxin/accounts/tests,
    # fixture `two_factor`). Production has no switch: MINXIN_TWO_FACTOR_ENFORCED is not an env variable.
    settings.MINXIN_TWO_FACTOR_ENFORCED = False


@pytest.fixture
def two_factor(settings):
    settings.MINXIN_TWO_FACTOR_ENFORCED = True


@pytest.fixture
def city(db):
    from minxin.testing import build_test_city

    return build_test_city()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("MINXIN_REQUIRE_BROWSER"):
            pytest.fail("Browser tests need Debian's chromium: apt-get install chromium fonts-noto-cjk")
        pytest.skip("chromium not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    context.close()
