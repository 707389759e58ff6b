"""Access tokens: the caller's own (/me/tokens) and, for administrators, every token of the units
in their area (/admin/tokens). Creating a token needs a signed-in browser session, so a leaked
token cannot be used to mint more; a token cannot revoke itself."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from minxin.api.auth import session_auth
from minxin.api.models import ALL_SCOPES, ApiToken
from minxin.api.tokens import issue_token, revoke_token
from minxin.core.errors import NotFound, PermissionDenied
from minxin.org.models import Area, Unit
from minxin.org.policies import may_administer

router = Router(tags=["访问令牌"])
admin_router = Router(tags=["访问令牌"])

_SCOPES_HELP = "权限范围，可多选：" + "、".join(ALL_SCOPES) + "；不填则为全部（仍受账号角色限制）"


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="用途，例如“12345热线对接”",
                      examples=["12345热线对接"])
    days: int | None = Field(None, ge=1, le=3650,
                             description="有效天数；不填为 MINXIN_API_TOKEN_DEFAULT_DAYS，最多 MINXIN_API_TOKEN_MAX_DAYS；令牌不能长期有效",
                             examples=[90])
    scopes: list[str] | None = Field(None, description=_SCOPES_HELP, examples=[["cases:read", "cases:update"]])


class AdminTokenIn(TokenIn):
    unit: str = Field(..., description="令牌所属单位的编码", examples=["320902-XFJ"])
    user: str = Field(..., description="令牌代表的账号（须属于该单位）", examples=["east_registrar"])
    rate_per_minute: int | None = Field(None, ge=1, le=100000, description="每分钟请求上限；不填为 MINXIN_API_TOKEN_RATE",
                                        examples=[120])


class TokenOut(Schema):
    prefix: str
    name: str
    unit_code: str
    username: str
    scopes: list[str]
    rate_per_minute: int | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(..., description="令牌本身，只返回这一次")


def _out(token: ApiToken) -> dict:
    return {
        "prefix": token.prefix, "name": token.name, "unit_code": token.unit.code, "username": token.staff.user.username,
        "scopes": list(token.scopes or ()), "rate_per_minute": token.rate_per_minute, "created_at": token.created_at,
        "last_used_at": token.last_used_at, "expires_at": token.expires_at, "revoked_at": token.revoked_at,
    }


@router.get("", response=list[TokenOut], summary="我的访问令牌")
def list_my_tokens(request):
    return [_out(t) for t in ApiToken.objects.filter(staff=request.auth).select_related("unit", "staff__user")]


@router.post("", response={201: NewTokenOut}, auth=[session_auth], summary="签发访问令牌（仅限登录会话）",
             openapi_extra={"requestBody": {"content": {"application/json": {"examples": {
                 "只读同步": {"value": {"name": "网格系统同步", "days": 90, "scopes": ["cases:read"]}}}}}}})
def create_my_token(request, payload: TokenIn):
    token, raw = issue_token(username=request.auth.user.username, name=payload.name, days=payload.days,
                             scopes=payload.scopes, actor=request.auth)
    return Status(201, {**_out(token), "token": raw})


@router.delete("/{prefix}", response={204: None}, summary="吊销我的访问令牌（令牌不能吊销它自己）")
def revoke_my_token(request, prefix: str):
    revoke_token(prefix=prefix, staff=request.auth, presented=getattr(request.auth, "presented_token", None), actor=request.auth)
    return Status(204, None)


# --- administrators: tokens of the units in their area ------------------------------------------


def _admin_reach(staff):
    if not may_administer(staff):
        raise PermissionDenied(_("只有系统管理员可以管理各单位的访问令牌"))
    return ApiToken.objects.filter(unit__area__in=Area.objects.within(staff.unit.area))


@admin_router.get("", response=list[TokenOut], summary="各单位的访问令牌（系统管理员）")
def list_unit_tokens(request, unit: str = ""):
    qs = _admin_reach(request.auth).select_related("unit", "staff__user")
    if unit:
        qs = qs.filter(unit__code=unit)
    return [_out(t) for t in qs[:1000]]


@admin_router.post("", response={201: NewTokenOut}, auth=[session_auth], summary="为单位签发访问令牌（系统管理员，仅限登录会话）",
                   openapi_extra={"requestBody": {"content": {"application/json": {"examples": {
                       "12345热线": {"value": {"unit": "320902-XFJ", "user": "east_registrar", "name": "12345热线对接",
                                              "days": 180, "scopes": ["cases:read", "cases:create", "webhooks"],
                                              "rate_per_minute": 120}}}}}}})
def issue_unit_token(request, payload: AdminTokenIn):
    _admin_reach(request.auth)
    unit = Unit.objects.filter(code=payload.unit, area__in=Area.objects.within(request.auth.unit.area)).first()
    if unit is None:
        raise NotFound(_("您管辖的区域内没有编码为“%(code)s”的单位") % {"code": payload.unit}, fields={"unit": _("不存在")})
    token, raw = issue_token(username=payload.user, name=payload.name, days=payload.days, scopes=payload.scopes, unit=unit,
                             rate_per_minute=payload.rate_per_minute, actor=request.auth)
    return Status(201, {**_out(token), "token": raw})


@admin_router.delete("/{prefix}", response={204: None}, summary="吊销单位的访问令牌（系统管理员；令牌不能吊销它自己）")
def revoke_unit_token(request, prefix: str):
    reach = _admin_reach(request.auth)
    revoke_token(prefix=prefix, within=reach, presented=getattr(request.auth, "presented_token", None), actor=request.auth)
    return Status(204, None)
