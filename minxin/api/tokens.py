"""Issuing, checking and revoking API access tokens: the only writers of ApiToken."""

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from minxin.accounts import audit
from minxin.accounts.models import SecurityAction
from minxin.api.models import ALL_SCOPES, ApiToken, Scope
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from minxin.org.models import Staff

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "mx_"
# Recording every request's time would turn each read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRejected(Exception):
    """The presented token is unknown, expired, revoked or its owner may no longer sign in."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _staff_for_username(username: str) -> Staff:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("用户名%(username)s不存在") % {"username": username}, fields={"user": _("不存在")})
    staff = Staff.objects.select_related("user", "unit").filter(user=user).first()
    if staff is None:
        raise ValidationFailed(
            _("账号%(username)s未关联工作人员，不能签发接口令牌") % {"username": username}, fields={"user": _("未关联工作人员")}
        )
    if not staff.is_active or not user.is_active:
        raise ValidationFailed(_("账号%(username)s已停用，不能签发接口令牌") % {"username": username}, fields={"user": _("已停用")})
    return staff


def clean_scopes(scopes) -> list[str]:
    """The scopes as stored (ordered, no repeats); unknown ones are refused by name."""
    if scopes is None:
        return list(ALL_SCOPES)
    scopes = [str(s).strip() for s in scopes if str(s).strip()]
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ValidationFailed(
            _("未知的权限范围：%(scopes)s（可选：%(all)s）") % {"scopes": "、".join(unknown), "all": "、".join(ALL_SCOPES)},
            fields={"scopes": _("取值无效")},
        )
    if not scopes:
        raise ValidationFailed(_("请至少选择一项权限范围"), fields={"scopes": _("必填")})
    return [s for s in ALL_SCOPES if s in scopes]


def _lifetime(days: int | None) -> dt.timedelta:
    longest = settings.MINXIN_API_TOKEN_MAX_DAYS
    if days is None:
        days = settings.MINXIN_API_TOKEN_DEFAULT_DAYS
    if days < 1:
        raise ValidationFailed(_("有效天数至少为1天"), fields={"days": _("至少为1")})
    if days > longest:
        raise ValidationFailed(_("有效天数最多为%(n)d天；到期后请重新签发") % {"n": longest}, fields={"days": _("最多%(n)d") % {"n": longest}})
    return dt.timedelta(days=days)


@transaction.atomic
def issue_token(*, username: str, name: str, days: int | None = None, scopes=None, unit=None,
                rate_per_minute: int | None = None, actor=None) -> tuple[ApiToken, str]:
    """Create a token for the unit of `username`, acting as that account; returns the row and the
    raw token, which is never stored. `days` defaults to MINXIN_API_TOKEN_DEFAULT_DAYS and may not
    exceed MINXIN_API_TOKEN_MAX_DAYS; `scopes` defaults to every scope. `unit`, when given, must be
    the account's unit (an administrator issuing for a unit names both)."""
    if not name or not name.strip():
        raise ValidationFailed(_("令牌用途不能为空"), fields={"name": _("必填")})
    lifetime = _lifetime(days)
    scopes = clean_scopes(scopes)
    if rate_per_minute is not None and rate_per_minute < 1:
        raise ValidationFailed(_("每分钟请求上限至少为1"), fields={"rate_per_minute": _("至少为1")})
    staff = _staff_for_username(username)
    if unit is not None and staff.unit_id != unit.pk:
        raise ValidationFailed(
            _("账号%(username)s不属于%(unit)s，不能代表该单位使用令牌") % {"username": username, "unit": unit.name},
            fields={"user": _("不属于该单位")},
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        unit=staff.unit,
        staff=staff,
        name=name.strip(),
        token_hash=hash_token(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 8],
        scopes=scopes,
        rate_per_minute=rate_per_minute,
        created_at=now,
        expires_at=now + lifetime,
    )
    logger.info("api token %s issued to unit id=%s staff id=%s", token.prefix, staff.unit_id, staff.pk)
    audit.record(
        SecurityAction.TOKEN_ISSUED, actor=actor, username=username, target=token,
        payload={"prefix": token.prefix, "name": token.name, "unit": staff.unit.code, "scopes": scopes,
                 "expires_at": token.expires_at},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, prefix: str, staff: Staff | None = None, presented: ApiToken | None = None, actor=None,
                 within=None) -> ApiToken:
    """Revoke the token shown as `prefix` (limited to `staff`'s own tokens when given, and to the
    queryset `within` — an administrator's reach — when given).

    `presented` is the token the request was authenticated with, if any: it may revoke
    the caller's other tokens but not itself, so a stolen token cannot lock its owner's
    integration out by revoking the very credential it rides on, and a script cannot
    saw off the branch it sits on by mistake.
    """
    qs = ApiToken.objects.select_for_update().filter(prefix=prefix)
    if staff is not None:
        qs = qs.filter(staff=staff)
    if within is not None:
        qs = qs.filter(pk__in=within.values("pk"))
    matches = list(qs[:2])
    if not matches:
        raise NotFound(_("没有前缀为%(prefix)s的令牌") % {"prefix": prefix}, fields={"prefix": _("不存在")})
    if len(matches) > 1:
        # Prefixes are for display and are not guaranteed unique; never revoke the wrong one.
        raise Conflict(_("前缀%(prefix)s对应多个令牌，请在系统管理中吊销") % {"prefix": prefix}, fields={"prefix": _("不唯一")})
    token = matches[0]
    if presented is not None and presented.pk == token.pk:
        raise PermissionDenied(
            _("不能用访问令牌吊销它自己；请在登录后的会话中或用另一个令牌吊销%(prefix)s") % {"prefix": prefix},
            code="token_self_revoke",
        )
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        logger.info("api token %s revoked", token.prefix)
        audit.record(
            SecurityAction.TOKEN_REVOKED, actor=actor, username=token.staff.user.username, target=token,
            payload={"prefix": token.prefix, "with_token": presented.prefix if presented is not None else None},
        )
    return token


def authenticate_token(raw: str) -> Staff:
    """The active staff member behind `raw`, or TokenRejected with the reason in Chinese."""
    raw = (raw or "").strip()
    token = None
    if raw.startswith(TOKEN_PREFIX):
        token = ApiToken.objects.select_related("staff__user", "staff__unit__area").filter(token_hash=hash_token(raw)).first()
    if token is None:
        raise TokenRejected(_("访问令牌无效"))
    if token.is_revoked:
        raise TokenRejected(_("访问令牌已被吊销"))
    if token.is_expired:
        raise TokenRejected(_("访问令牌已过期"))
    staff = token.staff
    if not staff.is_active or not staff.user.is_active:
        raise TokenRejected(_("令牌所属账号已停用"))
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE: two concurrent requests may both write, which is harmless.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    # Handlers that must know which credential was presented (e.g. revoking) read it here.
    staff.presented_token = token
    return staff
