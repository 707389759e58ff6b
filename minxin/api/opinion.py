"""舆情 under /api/v1/opinion: the city's monitoring service sends items; bureau analysts read them.

Thin: every call goes through minxin.opinion.services. A token needs scope opinion:create to send
(POST) and opinion:read to read (GET) — minxin.api.scopes; the account behind it must be allowed by
minxin.opinion.policies. A batch is all or nothing: any invalid item → 422 naming each item and
field (items.<index>.<field>), nothing stored. A re-sent item (same source and link, or same source
and text without a link) is answered with duplicate=true and not stored again.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from minxin.api.paging import OffsetParams
from minxin.core.errors import NotFound, ValidationFailed
from minxin.opinion import policies, services
from minxin.opinion.models import OpinionItem
from minxin.org.scoping import areas_visible_to

router = Router(tags=["舆情"])


class ItemIn(Schema):
    source: str = Field("", description="监测服务名称或平台，如“市网络舆情监测中心/微博”，最多64字")
    published_at: str = Field("", description="发布时间：ISO 8601（2026-03-01T09:30:00+08:00），或本地时间 2026-03-01 09:30")
    text: str = Field("", description="内容，最多5000字；身份证号、手机号码会被隐去")
    link: str = Field("", description="原文链接（http/https，最多500字符）；系统只校验格式，不访问")
    heat: int | None = Field(None, description="热度（不小于0的整数：阅读、转评赞等，由监测服务给出）")
    area_code: str = Field("", description="所属区域的区划代码（可空；为空时按正文中的地名推断）")
    domain: str = Field("", description="领域名称或代码（可空；为空时由领域模型推断）")


class BatchIn(Schema):
    items: list[ItemIn] = Field(description=f"每次最多{services.MAX_BATCH}条")


class MatchOut(Schema):
    kind: str
    score: float
    label: str
    case_number: str | None
    entry_id: int | None
    reasons: list[str]


class ItemOut(Schema):
    id: int
    source: str
    published_at: dt.datetime
    text: str
    link: str
    heat: int
    area_code: str | None
    area_name: str | None
    area_inferred: bool
    domain: str | None
    received_at: dt.datetime
    duplicate: bool = False


class ItemDetailOut(ItemOut):
    matches: list[MatchOut]


class BatchOut(Schema):
    created: int
    duplicates: int
    items: list[ItemOut]


def _out(item: OpinionItem, *, duplicate: bool = False) -> dict:
    return {
        "id": item.pk, "source": item.source, "published_at": item.published_at, "text": item.text, "link": item.link,
        "heat": item.heat, "area_code": item.area.code if item.area_id else None, "area_name": item.area.name if item.area_id else None,
        "area_inferred": item.area_inferred, "domain": item.domain.name if item.domain_id else None, "received_at": item.received_at,
        "duplicate": duplicate,
    }


@router.post("", response={200: ItemOut, 201: ItemOut}, summary="报送一条舆情信息（重复报送返回200及duplicate=true）")
def create_item(request, payload: ItemIn):
    try:
        [outcome] = services.take_in([payload.dict()], actor=request.auth)
    except ValidationFailed as exc:
        # One item: name the fields as sent, not items.0.<field>.
        raise ValidationFailed(exc.message, fields={
            k.removeprefix("items.0."): v for k, v in exc.fields.items()}) from None
    return Status(201 if outcome.created else 200, _out(outcome.item, duplicate=not outcome.created))


@router.post("/batch", response={200: BatchOut}, summary="批量报送舆情信息（全部正确才接收）")
def create_batch(request, payload: BatchIn):
    outcomes = services.take_in([i.dict() for i in payload.items], actor=request.auth)
    return {
        "created": sum(o.created for o in outcomes), "duplicates": sum(not o.created for o in outcomes),
        "items": [_out(o.item, duplicate=not o.created) for o in outcomes],
    }


@router.get("", response=list[ItemOut], summary="舆情信息列表（本辖区）")
def list_items(request, paging: Query[OffsetParams], q: str = "", area: str = "", source: str = "", domain: str = "",
               matched: str = "", since: dt.date | None = None, until: dt.date | None = None):
    staff = request.auth
    policies.check_read(staff)
    place = None
    if area:
        place = areas_visible_to(staff).filter(code=area).first()
        if place is None:
            raise NotFound(_("区划代码%(code)s不存在或不在您的管辖范围内") % {"code": area}, fields={"area": _("无权或不存在")})
    qs = services.filter_items(services.items_visible_to(staff).select_related("area", "domain"), q=q, area=place, source=source,
                               domain=domain, matched=matched, since=since, until=until)
    return [_out(i) for i in paging.slice(qs)]


@router.get("/{item_id}", response=ItemDetailOut, summary="舆情信息详情及比对结果")
def get_item(request, item_id: int):
    staff = request.auth
    item = services.get_item(staff, item_id)
    matches = services.matches_for(staff, item)
    out = _out(item)
    out["matches"] = [
        {"kind": m.kind, "score": m.score, "label": m.label or (m.case.number if m.case_id else m.entry.summary[:60] if m.entry_id else ""),
         "case_number": m.case.number if m.case_id else None, "entry_id": m.entry_id, "reasons": m.reasons}
        for kind in ("case", "entry", "hotspot") for m in matches[kind]
    ]
    return out
