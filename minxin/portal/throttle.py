"""Fixed-window counters in Django's cache (LocMem by default; db:// or redis:// when several
processes serve the portal, see MINXIN_CACHE_URL). Keys hold hashes, never a phone or code."""

import hashlib

from django.conf import settings
from django.core.cache import cache
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
    now = int(clock.now().timestamp())
    bucket = now // window
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:32]
    key = f"portal-throttle:{name}:{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        wait = (bucket + 1) * window - now
        raise Throttled(message % {"wait": _wait_text(wait)}, wait=wait)


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it,
    # and deployments behind one set REMOTE_ADDR there (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "")
