"""信访事项 under /api/v1/cases: list, detail, 登记, one POST per lifecycle action, document download.

Thin like the pages: every case comes from Case.objects.visible_to(caller) (a case
outside the jurisdiction is a 404), every change is one service call through
minxin.cases.actions.perform, and errors use the standard JSON body
(403 not allowed, 409 wrong state or stale `expected_version`, 422 invalid input).
"""

import base64
import datetime as dt
import logging

from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from minxin.api.paging import PageParams
from minxin.cases.models import Case, CaseEvent, CaseParty, Domain
from minxin.cases.selectors import describe_event
from minxin.cases.services import register_case
from minxin.cases.statemachine import available_actions
from minxin.core import clock
from minxin.core.errors import NotFound, ValidationFailed
from minxin.documents import policies as document_policies
from minxin.documents.selectors import documents_of
from minxin.documents.services import document_filename, open_document
from minxin.org.models import Area, Staff, Unit
from minxin.rules.deadlines import deadline_status
from minxin.rules.selectors import case_deadlines
from minxin.cases.actions import ACTIONS, perform
from minxin.cases.policies import check_see_identity
from minxin.cases.queries import (
    MAX_SEARCH_ROWS, BadCursor, apply_filters, by_due_date, inbox_queryset, keyset_page, nearest_status,
)

logger = logging.getLogger("minxin.api.cases")
router = Router(tags=["信访事项"])



# --- Output ------------------------------------------------------------------------------


class StatusOut(Schema):
    key: str
    label: str
    due_on: dt.date
    days_left: int | None
    provisional: bool = False  # 暂定: counted before that year's official holidays were entered


class CaseSummaryOut(Schema):
    id: int
    number: str
    subject: str
    state: str
    state_label: str
    category: str
    category_label: str
    channel: str
    channel_label: str
    area_code: str
    area_name: str
    current_unit_code: str | None
    current_unit_name: str | None
    received_at: dt.datetime
    next_due_on: dt.date | None
    deadline: StatusOut | None
    version: int


class CaseListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseSummaryOut]
    next_cursor: str | None = Field(None, description="下一页的游标；null 表示已到末页。按期限排序的列表与同步模式各有自己的游标，"
                                    "带 q 搜索时按相关度排序、按页码翻页，不提供游标")
    sync_at: dt.datetime | None = Field(None, description="同步模式下本次查询开始的时间：下一轮同步把它作为 updated_since")


class PetitionerOut(Schema):
    name: str = Field(description="姓名（默认脱敏）")
    id_number: str = Field(description="身份证号（默认脱敏）")
    phone: str = Field(description="电话（默认脱敏）")
    address: str = Field(description="住址（仅完整身份信息时提供）")
    is_representative: bool


class DeadlineOut(Schema):
    code: str
    name: str
    legal_basis: str
    started_on: dt.date
    due_on: dt.date
    state: str
    status: str
    status_label: str
    days_left: int | None
    extended_days: int
    provisional: bool = False


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str
    title: str
    issued_at: dt.datetime
    delivered_on: dt.date | None
    download_url: str


class EventOut(Schema):
    seq: int
    at: dt.datetime
    action: str
    from_state: str
    to_state: str
    text: str


class ActionOut(Schema):
    code: str
    label: str
    endpoint: str


class CaseDetailOut(CaseSummaryOut):
    content: str
    request: str
    facts: str
    reasons: str
    is_anonymous: bool
    is_urgent: bool
    is_collective: bool
    people_count: int
    registering_unit_code: str
    registering_unit_name: str
    query_code: str
    petitioners: list[PetitionerOut]
    deadlines: list[DeadlineOut]
    documents: list[DocumentOut]
    timeline: list[EventOut]
    actions: list[ActionOut]


def _summary(case: Case, status=None) -> dict:
    return {
        "id": case.pk, "number": case.number, "subject": case.subject,
        "state": case.state, "state_label": case.get_state_display(),
        "category": case.category, "category_label": case.get_category_display(),
        "channel": case.channel, "channel_label": case.get_channel_display(),
        "area_code": case.area.code, "area_name": case.area.name,
        "current_unit_code": case.current_unit.code if case.current_unit_id else None,
        "current_unit_name": case.current_unit.name if case.current_unit_id else None,
        "received_at": case.received_at, "next_due_on": case.next_due_on,
        "deadline": ({"key": status.key, "label": status.label, "due_on": status.due_on, "days_left": status.days_left,
                        "provisional": status.provisional}
                     if status is not None else None),
        "version": case.version,
    }


def _people(case: Case, *, full: bool) -> list[dict]:
    out = []
    for party in CaseParty.objects.filter(case=case).select_related("petitioner").order_by("-is_representative", "pk"):
        p = party.petitioner
        if full:
            out.append({"name": p.name, "id_number": p.id_number, "phone": p.phone, "address": p.address,
                        "is_representative": party.is_representative})
        else:
            out.append({"name": p.name_masked, "id_number": p.id_masked, "phone": p.phone_masked, "address": "",
                        "is_representative": party.is_representative})
    return out


def _detail(request, case: Case, *, full_identity: bool = False) -> dict:
    staff = request.auth
    today = clock.today()
    statuses = nearest_status([case])
    out = _summary(case, statuses.get(case.pk, (None, None))[1])
    out.update(
        content=case.content, request=case.request, facts=case.facts, reasons=case.reasons,
        is_anonymous=case.is_anonymous, is_urgent=case.is_urgent, is_collective=case.is_collective,
        people_count=case.people_count, registering_unit_code=case.registering_unit.code,
        registering_unit_name=case.registering_unit.name, query_code=case.query_code,
        petitioners=_people(case, full=full_identity),
    )
    deadlines = []
    for dl in case_deadlines(case):
        st = deadline_status(dl, today)
        deadlines.append({"code": dl.code, "name": dl.rule.name, "legal_basis": dl.rule.legal_basis, "started_on": dl.started_on,
                          "due_on": dl.due_on, "state": dl.state, "status": st.key, "status_label": st.label,
                          "days_left": st.days_left, "extended_days": dl.extended_days,
                          "provisional": st.provisional})
    out["deadlines"] = deadlines
    out["documents"] = [
        {"id": d.pk, "kind": d.kind, "kind_label": d.get_kind_display(), "number": d.number, "title": d.title,
         "issued_at": d.issued_at, "delivered_on": d.delivered_on,
         "download_url": reverse("api:case_document", kwargs={"case_id": case.pk, "doc_id": d.pk})}
        for d in documents_of(case)
    ]
    out["timeline"] = [
        {"seq": ev.seq, "at": ev.at, "action": ev.action, "from_state": ev.from_state, "to_state": ev.to_state, "text": describe_event(ev)}
        for ev in case.events.order_by("seq")
    ]
    out["actions"] = [
        {"code": code, "label": ACTIONS[code].label,
         "endpoint": reverse("api:case_" + code, kwargs={"case_id": case.pk})}
        for code in available_actions(case, staff) if code in ACTIONS
    ]
    return out


def _visible(request, case_id: int) -> Case:
    case = (
        Case.objects.visible_to(request.auth)
        .select_related("registering_unit", "current_unit", "area", "domain")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("未找到该信访事项，或您无权查看"))
    return case


# --- Reads -------------------------------------------------------------------------------


_LIST_EXAMPLES = {
    "sync": {"summary": "增量同步", "description": "GET /api/v1/cases?updated_since=2026-03-01T00:00:00%2B08:00&page_size=100，"
             "再以返回的 next_cursor 取下一页，直到 next_cursor 为 null；下一轮用 sync_at 作 updated_since。",
             "value": {"count": 1, "page": 1, "page_size": 100, "next_cursor": None, "sync_at": "2026-03-02T08:00:00+08:00",
                       "items": [{"id": 42, "number": "东信2026第00042号", "subject": "小区停车位", "state": "accepted",
                                  "state_label": "办理中", "category": "complaint", "category_label": "申诉求决",
                                  "channel": "online", "channel_label": "网上信访", "area_code": "320902001001",
                                  "area_name": "东一社区", "current_unit_code": "320902-ZJJ", "current_unit_name": "东城区住建局",
                                  "received_at": "2026-02-27T09:30:00+08:00", "next_due_on": "2026-04-28", "deadline": None,
                                  "version": 3}]}},
}


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def _is_sync_cursor(cursor: str) -> bool:
    """Sync cursors encode `id:<pk>`; the due-date list's keyset cursors encode a JSON row key."""
    if not cursor:
        return False
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).startswith(b"id:")
    except ValueError:
        return False


def _decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = text.partition(":")
        if kind != "id" or not value.isdigit() or len(value) > 18:
            raise ValueError(text)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(_("cursor 无效：请使用上一页返回的 next_cursor"), fields={"cursor": _("取值无效")}) from None


@router.get("", response=CaseListOut, summary="信访事项列表",
            openapi_extra={"responses": {200: {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CaseListOut"}, "examples": _LIST_EXAMPLES}}}}})
def list_cases(request, paging: Query[PageParams], scope: str = "all", state: str = "", category: str = "", channel: str = "",
               overdue: bool = False, q: str = "",
               updated_since: dt.datetime | None = Query(None, description="只列出此时刻及之后有办理记录（新增或变化）的事项；进入同步模式"),
               cursor: str = Query("", max_length=200, description="上一页返回的 next_cursor（键集分页；同步模式下是同步游标）")):
    """按属地管理范围列出信访事项，按最近期限排序。`scope=inbox` 只列本单位待办。

    给出 `updated_since`（或同步模式返回的游标）即为同步模式：按事项 id 升序、以游标翻页（page 不用），
    新增事项不会让翻页错位或重复；`sync_at` 是下一轮同步的 `updated_since`。

    其余情况下，把上一页返回的 `next_cursor` 作为 `cursor` 传入（键集分页，翻到多深都一样快）；`page` 仍可用。
    `q` 搜索编号、标题、内容、属地、单位，以及信访人姓名、电话、身份证号（完全一致），按相关度排序。
    """
    staff = request.auth
    if scope not in ("all", "inbox"):
        raise ValidationFailed(_("scope 只能是 all 或 inbox"), fields={"scope": _("取值无效")})
    if updated_since is not None or _is_sync_cursor(cursor):
        return _sync_page(staff, paging, updated_since, cursor, scope=scope,
                          filters={"state": state, "category": category, "channel": channel, "overdue": overdue, "q": q})
    base = inbox_queryset(staff) if scope == "inbox" else by_due_date(Case.objects.visible_to(staff).select_related("current_unit", "area"))
    qs = apply_filters(base, {"state": state, "category": category, "channel": channel, "overdue": overdue, "q": q})
    next_cursor = None
    if q.strip():
        if cursor:
            raise ValidationFailed(_("搜索结果按相关度排序，请用 page 翻页"), fields={"cursor": _("搜索时不可用")})
        # Counted without the ORDER BY: the number of matches up to the bound needs no rank.
        count = qs.order_by()[:MAX_SEARCH_ROWS].count()
        qs = qs[:MAX_SEARCH_ROWS]
        items = list(paging.slice(qs))
    else:
        count = qs.order_by().count()
        if cursor or paging.page == 1:
            try:
                items, next_cursor = keyset_page(qs, cursor or None, paging.page_size)
            except BadCursor:
                raise ValidationFailed(_("cursor 无效，请从第一页重新开始"), fields={"cursor": _("取值无效")}) from None
        else:
            items = list(paging.slice(qs))
    statuses = nearest_status(items)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "next_cursor": next_cursor,
            "items": [_summary(c, statuses.get(c.pk, (None, None))[1]) for c in items]}


def _sync_page(staff, paging, updated_since, cursor, *, scope, filters):
    """Keyset pages in id order of the cases with an event at or after `updated_since`."""
    sync_at = clock.now()
    base = inbox_queryset(staff) if scope == "inbox" else Case.objects.visible_to(staff)
    qs = apply_filters(base.select_related("current_unit", "area"), filters).order_by("pk")
    if updated_since is not None:
        if timezone.is_naive(updated_since):
            updated_since = timezone.make_aware(updated_since)
        # Every change to a case appends an event (the audit trail), so "changed since" is "has an event since".
        qs = qs.filter(Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), at__gte=updated_since)))
    count = qs.count()
    if cursor:
        qs = qs.filter(pk__gt=_decode_cursor(cursor))
    items = list(qs[: paging.page_size + 1])
    more = len(items) > paging.page_size
    items = items[: paging.page_size]
    statuses = nearest_status(items)
    return {"count": count, "page": 1, "page_size": paging.page_size,
            "items": [_summary(c, statuses.get(c.pk, (None, None))[1]) for c in items],
            "next_cursor": _encode_cursor(items[-1].pk) if more else None, "sync_at": sync_at}


@router.get("/{case_id}", response=CaseDetailOut, summary="信访事项详情", url_name="case_detail")
def get_case(request, case_id: int, identity: str = "masked"):
    """基本信息、信访人、期限、文书、办理记录，以及调用者当前可办理的操作。

    信访人信息默认脱敏；`identity=full` 仅对登记该事项的信访部门的登记员、领导返回完整信息，并记录查看行为。
    """
    case = _visible(request, case_id)
    if identity not in ("masked", "full"):
        raise ValidationFailed(_("identity 只能是 masked 或 full"), fields={"identity": _("取值无效")})
    full = identity == "full"
    if full:
        check_see_identity(request.auth, case)
        logger.info("petitioner identity viewed via api case_id=%s staff_id=%s", case.pk, request.auth.pk)
    return _detail(request, case, full_identity=full)


@router.get("/{case_id}/documents/{doc_id}", summary="下载文书（.docx）", url_name="case_document",
            response={200: None})
def download_document(request, case_id: int, doc_id: int):
    case = _visible(request, case_id)
    doc = document_policies.visible_document(request.auth, case, doc_id)
    if doc is None:
        raise NotFound(_("未找到该文书"))
    response = HttpResponse(open_document(doc), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(True, document_filename(doc))
    response["Cache-Control"] = "private, no-store"
    return response


# --- 登记 ---------------------------------------------------------------------------------


class PetitionerIn(Schema):
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    is_representative: bool = False


class RegisterIn(Schema):
    channel: str
    category: str
    area: str = Field(description="问题属地的区划代码")
    domain: str = Field("", description="领域代码")
    subject: str = ""
    content: str = ""
    request: str = ""
    facts: str = ""
    reasons: str = ""
    is_urgent: bool = False
    is_litigation: bool = False
    anonymous: bool = False
    people_count: int | None = None
    received_at: dt.datetime | None = None
    petitioners: list[PetitionerIn] = []
    accused_unit: str = Field("", description="被反映（被检举、控告）单位的编码；该单位看不到此件，也不能被转送、交办（第三十条第三款）")
    accused_staff: str = Field("", description="被反映人员的账号（是工作人员时）")
    accused_person: str = Field("", description="被反映人员姓名（不是工作人员或不知账号时）；与被反映单位工作人员同名且唯一的，自动关联")


@router.post("", response={201: CaseDetailOut}, summary="登记信访事项", url_name="case_register")
def register(request, payload: RegisterIn):
    # Codes that name nothing are reported together with every rule the service checks (one round).
    lookup: dict[str, str] = {}
    area = Area.objects.filter(code=payload.area).first()
    if area is None:
        lookup["area"] = _("找不到区划代码为“%(code)s”的区域") % {"code": payload.area}
    domain = accused_unit = accused_staff = None
    if payload.domain:
        domain = Domain.objects.filter(code=payload.domain).first()
        if domain is None:
            lookup["domain"] = _("找不到领域代码“%(code)s”") % {"code": payload.domain}
    if payload.accused_unit:
        accused_unit = Unit.objects.filter(code=payload.accused_unit).first()
        if accused_unit is None:
            lookup["accused_unit"] = _("找不到单位编码“%(code)s”") % {"code": payload.accused_unit}
    if payload.accused_staff:
        accused_staff = Staff.objects.select_related("unit", "user").filter(user__username=payload.accused_staff).first()
        if accused_staff is None:
            lookup["accused_staff"] = _("找不到账号为“%(u)s”的工作人员") % {"u": payload.accused_staff}
    received_at = payload.received_at
    if received_at is not None and timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    fields = dict(
        actor=request.auth, channel=payload.channel, category=payload.category, area=area or request.auth.unit.area, domain=domain,
        subject=payload.subject, content=payload.content, request=payload.request, facts=payload.facts,
        reasons=payload.reasons, is_urgent=payload.is_urgent, is_litigation=payload.is_litigation,
        anonymous=payload.anonymous, people_count=payload.people_count, received_at=received_at,
        petitioners=[p.dict() for p in payload.petitioners],
        accused_unit=accused_unit, accused_staff=accused_staff, accused_person=payload.accused_person,
    )
    if lookup:
        try:
            register_case(**fields, validate_only=True)
        except ValidationFailed as exc:
            raise ValidationFailed("；".join([*lookup.values(), exc.message]), fields={**exc.fields, **lookup}) from None
        raise ValidationFailed("；".join(lookup.values()), fields=lookup)
    case = register_case(**fields)
    return Status(201, _detail(request, _visible(request, case.pk)))


# --- Lifecycle actions: one endpoint each ------------------------------------------------


class VersionIn(Schema):
    expected_version: int = Field(description="读取时的 version；已被他人修改时返回 409")


class UnitIn(VersionIn):
    unit: str = Field(description="单位编码")
    requirements: str = ""
    override_reason: str = ""


class AssignIn(UnitIn):
    days: int = Field(description="指定办理期限（日）")


class AcceptIn(VersionIn):
    route: str = Field("", description="依法分类处理途径（申诉求决类必填）：litigation/arbitration/party_appeal/administrative/perform_duty/opinion")
    note: str = ""


class ObjectIn(VersionIn):
    reason: str = ""
    override_reason: str = ""


class DecideObjectionIn(VersionIn):
    agree: bool
    note: str = ""


class RefuseIn(VersionIn):
    ground: str = Field(description="art19_3 或 other")
    reason: str = ""
    related_case: str = Field("", description="第十九条第三款：下级机关在办的信访件编号")
    legal_basis: str = ""


class RefuseRepeatIn(VersionIn):
    earlier_case: str = Field("", description="已复核终结的原信访件编号")
    reason: str = ""


class OpenDisputeIn(VersionIn):
    units: list[str] = Field(description="涉及单位的编码")
    reason: str = ""


class SettleDisputeIn(VersionIn):
    unit: str
    note: str = ""


class EndHearingIn(VersionIn):
    summary: str = ""


class ExtendIn(VersionIn):
    days: int
    reason: str = ""


class OpinionIn(VersionIn):
    outcome: str = Field(description="support/explain/reject")
    request: str = ""
    facts: str = ""
    opinion: str = ""
    legal_basis: str = ""
    delivered_on: dt.date | None = None


class DeliveryIn(VersionIn):
    delivered_on: dt.date


class SubmitReportIn(VersionIn):
    process: str = ""
    result: str = ""
    feedback: str = ""


class ReviewReportIn(VersionIn):
    accept: bool
    note: str = ""


class CloseIn(VersionIn):
    result: str = ""


class AppealRequestIn(VersionIn):
    request: str = ""
    requested_on: dt.date | None = None
    override_reason: str = ""


class DecideRecheckIn(VersionIn):
    result: str = Field(description="upheld/changed/overturned")
    facts: str = ""
    opinion: str = ""
    legal_basis: str = ""


class DecideReviewIn(DecideRecheckIn):
    delivered_on: dt.date | None = None


BODIES: dict[str, type[Schema]] = {
    "transfer": UnitIn, "assign": AssignIn, "accept": AcceptIn, "object": ObjectIn,
    "decide_objection": DecideObjectionIn, "refuse": RefuseIn, "refuse_repeat": RefuseRepeatIn,
    "open_dispute": OpenDisputeIn, "settle_dispute": SettleDisputeIn, "start_hearing": VersionIn,
    "end_hearing": EndHearingIn, "extend": ExtendIn, "issue_opinion": OpinionIn, "record_delivery": DeliveryIn,
    "submit_report": SubmitReportIn, "review_report": ReviewReportIn, "close": CloseIn,
    "request_review": AppealRequestIn, "decide_review": DecideReviewIn, "request_recheck": AppealRequestIn,
    "decide_recheck": DecideRecheckIn,
}


def _add_action_endpoint(code: str, body: type[Schema]) -> None:
    spec = ACTIONS[code]

    def handler(request, case_id: int, payload: body):
        case = _visible(request, case_id)
        data = payload.dict()
        version = data.pop("expected_version")
        perform(code, case, actor=request.auth, expected_version=version, data=data)
        return _detail(request, _visible(request, case_id))

    handler.__name__ = f"case_{code}"
    handler.__doc__ = _("%(label)s。成功时返回更新后的信访事项。") % {"label": spec.label}
    router.post(f"/{{case_id}}/{spec.slug}", response=CaseDetailOut, summary=spec.label, url_name=f"case_{code}",
                operation_id=f"case_{code}")(handler)


for _code, _body in BODIES.items():
    _add_action_endpoint(_code, _body)
