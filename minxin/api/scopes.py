"""Which scope an API operation needs when it is called with a token, and the per-token rate limit.

A browser session is bounded by the account's roles only. A token is bounded by the roles of
the account it acts as *and* by its scopes: reading cases, registering cases, acting on cases
(results, replies, every lifecycle step), managing webhook subscriptions, sending and reading
public-opinion items (a monitoring service's token carries only opinion:create), and "other" for the
remaining staff operations (organisation, oversight, risk, intake, reception, the registrars'
portal queue). The caller's own token list needs no scope.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _

from minxin.api.models import ApiToken, Scope
from minxin.core.errors import PermissionDenied
from minxin.portal.throttle import hit_limit

_API_ROOT = re.compile(r"^/api/v\d+")
_CASE_ACTION = re.compile(r"^/cases/\d+/[a-z-]+/?$")


def required_scope(method: str, path: str) -> str | None:
    """The scope `method path` (a path under /api/v1/) needs, or None when any token may call it."""
    path = _API_ROOT.sub("", path) or "/"
    if path in ("/ping", "/me") or path.startswith("/me/"):
        return None
    if path.startswith("/cases"):
        if method in ("GET", "HEAD", "OPTIONS"):
            return Scope.CASES_READ
        if path.rstrip("/") == "/cases":
            return Scope.CASES_CREATE
        return Scope.CASES_UPDATE
    if path.startswith("/opinion"):
        return Scope.OPINION_READ if method in ("GET", "HEAD", "OPTIONS") else Scope.OPINION_CREATE
    if path.startswith("/exchange/webhooks"):
        return Scope.WEBHOOKS
    return Scope.OTHER


def check_scope(token: ApiToken, method: str, path: str) -> None:
    scope = required_scope(method, path)
    if scope is not None:
        require_scope(token, scope)


def require_scope(token: ApiToken, scope: str) -> None:
    """403 scope_missing, naming the scope, unless `token` carries it."""
    if not token.has_scope(scope):
        raise PermissionDenied(
            _("该访问令牌没有“%(scope)s”权限范围（%(code)s），请让管理员签发含此范围的令牌") % {
                "scope": Scope(scope).label, "code": scope},
            code="scope_missing",
        )


def count_request(token: ApiToken) -> None:
    """One request against the token's per-minute limit (shared store: MINXIN_THROTTLE_STORE); 429 over it."""
    limit = token.rate_per_minute or settings.MINXIN_API_TOKEN_RATE
    hit_limit("api_token", f"token:{token.pk}", _("该访问令牌请求过于频繁，请于%(wait)s后再试"), limit=limit, window=60)
