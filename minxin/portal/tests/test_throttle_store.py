"""Throttle counters live in the database (or Redis), shared by processes and kept across a cache
clear — not in a per-process cache that a burst from other addresses empties."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from minxin.core.errors import DomainError
from minxin.portal import services, throttle
from minxin.portal.models import ThrottleCounter
from minxin.portal.tests.conftest import PHONE

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/14"
MESSAGE = "过于频繁，请于%(wait)s后再试"


def _hit(name, subject):
    try:
        throttle.hit(name, subject, MESSAGE)
        return "ok"
    except throttle.Throttled:
        return "throttled"


@pytest.mark.django_db
def test_sixth_code_for_one_phone_is_refused_even_after_400_lookups_from_other_addresses(client, city):
    codes = [client.post("/api/v1/portal/codes", {"phone": PHONE}, content_type="application/json",
                         REMOTE_ADDR=f"10.9.0.{i}").status_code for i in range(5)]
    assert codes == [202] * 5
    for i in range(400):  # query-code lookups from 400 other addresses, each with its own counters
        try:
            services.start_follow(f"NOSUCHCODE{i:03d}", "13800001111", ip=f"10.{i // 250}.{i % 250}.1")
        except DomainError:
            pass
    cache.clear()
    r = client.post("/api/v1/portal/codes", {"phone": PHONE}, content_type="application/json", REMOTE_ADDR="10.9.1.1")
    assert r.status_code == 429 and "该手机号获取验证码过于频繁" in r.json()["error"]["message"]


@pytest.mark.django_db
def test_counter_is_a_database_row_holding_no_phone(settings):
    settings.MINXIN_PORTAL_THROTTLES = {**settings.MINXIN_PORTAL_THROTTLES, "sms_phone": "2/3600"}
    assert [_hit("sms_phone", PHONE) for _ in range(3)] == ["ok", "ok", "throttled"]
    [row] = ThrottleCounter.objects.all()
    assert row.hits == 3 and PHONE not in row.key and row.key.startswith("sms_phone:")


@pytest.mark.django_db
def test_a_new_window_starts_a_new_count_and_clears_ended_ones(settings, clock):
    import datetime as dt

    settings.MINXIN_PORTAL_THROTTLES = {**settings.MINXIN_PORTAL_THROTTLES, "sms_phone": "1/60"}
    assert [_hit("sms_phone", PHONE) for _ in range(2)] == ["ok", "throttled"]
    clock.shift(dt.timedelta(seconds=120))
    assert _hit("sms_phone", PHONE) == "ok"
    assert ThrottleCounter.objects.count() == 1  # the ended window was removed


def _hits_in_another_process(n: int, env: dict) -> list[str]:
    script = textwrap.dedent(f"""
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
        django.setup()
        from minxin.portal import throttle
        out = []
        for _ in range({n}):
            try:
                throttle.hit("sms_phone", "{PHONE}", "%(wait)s")
                out.append("ok")
            except throttle.Throttled:
                out.append("throttled")
        print(",".join(out))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip().split(",")


@pytest.fixture
def redis_store(settings):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    for key in client.scan_iter("minxin:throttle:*"):
        client.delete(key)
    settings.MINXIN_THROTTLE_STORE = REDIS_URL
    yield client
    for key in client.scan_iter("minxin:throttle:*"):
        client.delete(key)


def test_two_processes_share_one_limit_through_redis(redis_store):
    # 5 per hour for one phone: 3 here, 2 in another process, then the 6th is refused here.
    assert [_hit("sms_phone", PHONE) for _ in range(3)] == ["ok"] * 3
    assert _hits_in_another_process(2, {**os.environ, "MINXIN_THROTTLE_STORE": REDIS_URL}) == ["ok", "ok"]
    cache.clear()
    assert _hit("sms_phone", PHONE) == "throttled"
    assert 0 < redis_store.ttl(next(redis_store.scan_iter("minxin:throttle:*"))) <= 3605


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_limit_through_the_database():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: another process cannot open pytest's in-memory SQLite database")
    db = connection.settings_dict
    env = {**os.environ, "MINXIN_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    env.pop("MINXIN_TEST_DATABASE_NAME", None)
    assert [_hit("sms_phone", PHONE) for _ in range(3)] == ["ok"] * 3
    assert _hits_in_another_process(3, env) == ["ok", "ok", "throttled"]
    assert _hit("sms_phone", PHONE) == "throttled"
