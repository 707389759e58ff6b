"""Fixed-window counters shared by every web process and kept across restarts.

The store is MINXIN_THROTTLE_STORE: "db" (default; a ThrottleCounter row per window, incremented
with one atomic upsert — works on SQLite and PostgreSQL) or a redis:// URL (INCR + EXPIRE). Never a
per-process cache: a local-memory cache holds a few hundred keys, so a burst of requests from other
addresses evicted a phone's counter and lifted its limit, and each process counted on its own.
Keys hold keyed hashes, never a phone, address or 查询码.

Call `hit` outside any transaction that may roll back: a counted attempt must stay counted.
"""

import datetime as dt
import functools
import hashlib

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.core.errors import DomainError


class Throttled(DomainError):
    code = "throttled"
    status = 429

    def __init__(self, message, *, wait: int):
        super().__init__(message)
        self.wait = wait


def _limit(name: str) -> tuple[int, int]:
    count, _sep, seconds = settings.MINXIN_PORTAL_THROTTLES[name].partition("/")
    return int(count), int(seconds)


def _wait_text(seconds: int) -> str:
    if seconds >= 3600:
        return _("%(n)d小时") % {"n": -(-seconds // 3600)}
    if seconds >= 60:
        return _("%(n)d分钟") % {"n": -(-seconds // 60)}
    return _("%(n)d秒") % {"n": max(seconds, 1)}


def hit(name: str, subject: str, message: str) -> None:
    """Count one attempt for (name, subject); raise Throttled with `message` once over the limit.

    `message` may contain %(wait)s (e.g. "请于%(wait)s后再试").
    """
    if not subject:
        return
    limit, window = _limit(name)
    hit_limit(name, subject, message, limit=limit, window=window)


def hit_limit(name: str, subject: str, message: str, *, limit: int, window: int) -> None:
    """`hit` with the limit given by the caller (e.g. per API token) rather than by settings."""
    now = int(clock.now().timestamp())
    bucket = now // window
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:32]
    key = f"{name}:{digest}:{bucket}"
    count = _increment(key, expires=(bucket + 1) * window + 5)
    if count > limit:
        wait = (bucket + 1) * window - now
        raise Throttled(message % {"wait": _wait_text(wait)}, wait=wait)


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it,
    # and deployments behind one set REMOTE_ADDR there (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "")


def _increment(key: str, *, expires: int) -> int:
    """Add one to the counter `key` (alive until the epoch second `expires`); return its new value."""
    store = getattr(settings, "MINXIN_THROTTLE_STORE", "db")
    if store.startswith(("redis://", "rediss://", "unix://")):
        return _redis_increment(store, key, expires)
    return _db_increment(key, expires)


def _db_increment(key: str, expires: int) -> int:
    from minxin.portal.models import ThrottleCounter

    q = connection.ops.quote_name
    table, k, hits, exp = q(ThrottleCounter._meta.db_table), q("key"), q("hits"), q("expires_at")
    until = dt.datetime.fromtimestamp(expires, tz=dt.UTC)
    with connection.cursor() as cursor:
        # One statement, atomic on both databases: concurrent requests each get their own count.
        cursor.execute(
            f"INSERT INTO {table} ({k}, {hits}, {exp}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({k}) DO UPDATE SET {hits} = {table}.{hits} + 1 RETURNING {hits}",
            [key, connection.ops.adapt_datetimefield_value(until)],
        )
        count = cursor.fetchone()[0]
    if count == 1:  # a new window: clear out the windows that have ended (indexed on expires_at)
        ThrottleCounter.objects.filter(expires_at__lt=clock.now()).delete()
    return count


@functools.cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def _redis_increment(url: str, key: str, expires: int) -> int:
    pipe = _redis(url).pipeline(transaction=True)
    pipe.incr(f"minxin:throttle:{key}")
    pipe.expireat(f"minxin:throttle:{key}", expires)
    count, _ok = pipe.execute()
    return int(count)
