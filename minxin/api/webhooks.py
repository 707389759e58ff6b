"""Webhook subscriptions under /api/v1/exchange/webhooks (系统管理员 of the units' area; tokens need
the `webhooks` scope). Every change goes through minxin.exchange.webhooks.services and is audited."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from minxin.api.paging import OffsetParams
from minxin.exchange.webhooks import services
from minxin.exchange.webhooks.models import WebhookSubscription

router = Router(tags=["回调订阅"])


class EventTypeOut(Schema):
    type: str
    label: str


class SubscriptionIn(Schema):
    unit: str = Field(..., description="订阅单位的编码", examples=["320902-XFJ"])
    owner: str = Field(..., description="代表账号：按其管辖范围决定能收到哪些事项的事件（须属于该单位）", examples=["east_registrar"])
    name: str = Field(..., min_length=1, max_length=100, examples=["网格系统"])
    url: str = Field(..., max_length=500, examples=["https://grid.example.gov.cn/hooks/minxin"])
    events: list[str] = Field(..., description="订阅的事件，见 GET /exchange/webhooks/events",
                              examples=[["case.register", "case.transfer", "case.accept", "case.close", "case.rate"]])


class SubscriptionPatch(Schema):
    name: str | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=500)
    events: list[str] | None = None
    is_active: bool | None = Field(None, description="false 停用；true 重新启用并清零连续失败次数", examples=[True])


class SubscriptionOut(Schema):
    id: int
    unit_code: str
    owner: str
    name: str
    url: str
    events: list[str]
    secret_prefix: str
    is_active: bool
    failure_streak: int
    disabled_at: dt.datetime | None
    disabled_reason: str
    created_at: dt.datetime


class NewSubscriptionOut(SubscriptionOut):
    secret: str = Field(..., description="签名密钥，只返回这一次")


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    case_id: int | None
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    replay_of: int | None = Field(None, alias="replay_of_id")
    payload: dict


def _out(sub: WebhookSubscription) -> dict:
    return {"id": sub.pk, "unit_code": sub.unit.code, "owner": sub.owner.user.username, "name": sub.name, "url": sub.url,
            "events": list(sub.events), "secret_prefix": sub.secret_prefix, "is_active": sub.is_active,
            "failure_streak": sub.failure_streak, "disabled_at": sub.disabled_at, "disabled_reason": sub.disabled_reason,
            "created_at": sub.created_at}


@router.get("/events", response=list[EventTypeOut], summary="可订阅的事件")
def list_event_types(request):
    return [{"type": k, "label": v} for k, v in services.event_types().items()]


@router.get("", response=list[SubscriptionOut], summary="回调订阅列表")
def list_subscriptions(request):
    return [_out(s) for s in services.subscriptions_for(request.auth)]


@router.post("", response={201: NewSubscriptionOut}, summary="新增回调订阅（签名密钥只返回这一次）")
def create_subscription(request, payload: SubscriptionIn):
    sub, secret = services.create_subscription(actor=request.auth, unit_code=payload.unit, owner_username=payload.owner,
                                               name=payload.name, url=payload.url, events=payload.events)
    return Status(201, {**_out(services.get_subscription(request.auth, sub.pk)), "secret": secret})


@router.get("/{sub_id}", response=SubscriptionOut, summary="回调订阅详情")
def get_subscription(request, sub_id: int):
    return _out(services.get_subscription(request.auth, sub_id))


@router.patch("/{sub_id}", response=SubscriptionOut, summary="修改、停用或重新启用回调订阅")
def update_subscription(request, sub_id: int, payload: SubscriptionPatch):
    services.update_subscription(actor=request.auth, pk=sub_id, **payload.dict())
    return _out(services.get_subscription(request.auth, sub_id))


@router.delete("/{sub_id}", response={204: None}, summary="删除回调订阅")
def delete_subscription(request, sub_id: int):
    services.delete_subscription(actor=request.auth, pk=sub_id)
    return Status(204, None)


@router.get("/{sub_id}/deliveries", response=list[DeliveryOut], summary="回调发送记录")
def list_deliveries(request, sub_id: int, paging: Query[OffsetParams], status: str = ""):
    qs = services.deliveries_for(request.auth, sub_id)
    if status:
        qs = qs.filter(status=status)
    return list(paging.slice(qs))


@router.post("/deliveries/{delivery_id}/replay", response={202: DeliveryOut}, summary="重放一次回调（事件编号不变）")
def replay_delivery(request, delivery_id: int):
    return Status(202, services.replay(actor=request.auth, delivery_id=delivery_id))


