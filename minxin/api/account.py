"""The caller's own access tokens. Creating one needs a signed-in browser session,
so a leaked token cannot be used to mint more."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.responses import Status

from minxin.api.auth import session_auth
from minxin.api.models import ApiToken
from minxin.api.tokens import issue_token, revoke_token

router = Router(tags=["访问令牌"])


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="用途，例如“12345热线对接”")
    days: int | None = Field(None, ge=1, le=3650, description="有效天数；不填则长期有效，直到吊销")


class TokenOut(Schema):
    prefix: str
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(..., description="令牌本身，只返回这一次")


@router.get("", response=list[TokenOut], summary="我的访问令牌")
def list_my_tokens(request):
    return list(ApiToken.objects.filter(staff=request.auth))


@router.post("", response={201: NewTokenOut}, auth=[session_auth], summary="签发访问令牌（仅限登录会话）")
def create_my_token(request, payload: TokenIn):
    token, raw = issue_token(username=request.auth.user.username, name=payload.name, days=payload.days, actor=request.auth)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


@router.delete("/{prefix}", response={204: None}, summary="吊销我的访问令牌（令牌不能吊销它自己）")
def revoke_my_token(request, prefix: str):
    revoke_token(prefix=prefix, staff=request.auth, presented=getattr(request.auth, "presented_token", None), actor=request.auth)
    return Status(204, None)
