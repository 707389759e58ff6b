"""重大紧急信息报告 under /api/v1/upward: matters, reports, 签收, 批示 and the exchange format.

Thin handlers over minxin.upward.services: lists are limited to what the caller may see
(upward.policies), every change is one service call, errors use the standard JSON body
(403 not allowed, 404 not visible, 409 wrong state, 422 invalid).
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from minxin.cases.models import Case
from minxin.core.errors import NotFound
from minxin.exchange.jobs import log_export
from minxin.exchange.upward import export_json
from minxin.org.models import Unit
from minxin.risk.alerts import get_alert
from minxin.rules.timelimits import is_overdue
from minxin.upward import services as svc
from minxin.upward.models import UrgentMatter

router = Router(tags=["重大紧急信息报告"])


class DeliveryOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    role: str
    sent_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str


class InstructionOut(Schema):
    id: int
    delivery_id: int
    leader: str
    text: str
    received_at: dt.datetime
    feedback_due_at: dt.datetime
    feedback: str
    fed_back_at: dt.datetime | None
    overdue: bool


class ReportOut(Schema):
    id: int
    kind: str
    sequence: int
    title: str
    state: str
    occurred_at: dt.datetime | None
    location: str
    people_count: int | None
    demands: str
    development: str
    measures: str
    suggestions: str
    contact_name: str
    contact_phone: str
    due_at: dt.datetime | None
    overdue: bool
    sent_at: dt.datetime | None
    return_note: str
    missing: list[str]
    case_numbers: list[str]
    alert_ids: list[int]
    entry_ids: list[int]
    deliveries: list[DeliveryOut]
    instructions: list[InstructionOut]


class MatterOut(Schema):
    id: int
    title: str
    gravity: str
    reason: str
    source: str
    state: str
    area_code: str
    unit_code: str
    case_number: str | None
    alert_id: int | None
    marked_at: dt.datetime
    first_report_due_at: dt.datetime
    first_report_overdue: bool
    report_overdue: bool
    feedback_overdue: bool
    unacknowledged: int


class MatterDetailOut(MatterOut):
    reports: list[ReportOut]


def _matter_out(m: UrgentMatter) -> dict:
    return {"id": m.pk, "title": m.title, "gravity": m.gravity, "reason": m.reason, "source": m.source, "state": m.state,
            "area_code": m.area.code, "unit_code": m.unit.code, "case_number": m.case.number if m.case_id else None,
            "alert_id": m.alert_id, "marked_at": m.marked_at, "first_report_due_at": m.first_report_due_at,
            **svc.matter_flags(m)}


def _report_out(r) -> dict:
    return {
        "id": r.pk, "kind": r.kind, "sequence": r.sequence, "title": r.title, "state": r.state, "occurred_at": r.occurred_at,
        "location": r.location, "people_count": r.people_count, "demands": r.demands, "development": r.development,
        "measures": r.measures, "suggestions": r.suggestions, "contact_name": r.contact_name, "contact_phone": r.contact_phone,
        "due_at": r.due_at, "overdue": is_overdue(r.due_at, r.sent_at), "sent_at": r.sent_at, "return_note": r.return_note,
        "missing": svc.missing_contents(r), "case_numbers": [c.number for c in r.cases.all()],
        "alert_ids": [a.pk for a in r.alerts.all()], "entry_ids": [e.pk for e in r.entries.all()],
        "deliveries": [{"id": d.pk, "unit_code": d.unit.code, "unit_name": d.unit.name, "role": d.role, "sent_at": d.sent_at,
                        "acknowledged_at": d.acknowledged_at, "acknowledged_by": d.acknowledged_by_name}
                       for d in r.deliveries.select_related("unit")],
        "instructions": [{"id": i.pk, "delivery_id": i.delivery_id, "leader": i.leader, "text": i.text, "received_at": i.received_at,
                          "feedback_due_at": i.feedback_due_at, "feedback": i.feedback, "fed_back_at": i.fed_back_at,
                          "overdue": is_overdue(i.feedback_due_at, i.fed_back_at)} for i in r.instructions.all()],
    }


def _detail(staff, pk: int) -> dict:
    m = svc.get_matter(staff, pk)
    return {**_matter_out(m), "reports": [_report_out(r) for r in m.reports.all()]}


@router.get("/matters", response=list[MatterOut], summary="重大紧急事项列表")
def list_matters(request, state: str | None = None):
    qs = svc.matters_visible_to(request.auth).select_related("area", "unit", "case")
    if state:
        qs = qs.filter(state=state)
    return [_matter_out(m) for m in qs[:200]]


class MarkIn(Schema):
    case_number: str
    gravity: str
    reason: str
    title: str = ""


@router.post("/matters", response={201: MatterDetailOut}, summary="认定信访事项为重大紧急（生成首报草稿）")
def mark_case(request, payload: MarkIn):
    case = Case.objects.visible_to(request.auth).filter(number=payload.case_number).first()
    if case is None:
        raise NotFound(_("信访件%(n)s不存在或您无权查看") % {"n": payload.case_number}, fields={"case_number": _("无权或不存在")})
    m = svc.mark_case(case, actor=request.auth, gravity=payload.gravity, reason=payload.reason, title=payload.title)
    return Status(201, _detail(request.auth, m.pk))


class MarkAlertIn(Schema):
    alert_id: int
    gravity: str
    reason: str


@router.post("/matters/from-alert", response={201: MatterDetailOut}, summary="将风险预警转为重大紧急信息报告")
def mark_alert(request, payload: MarkAlertIn):
    alert = get_alert(request.auth, payload.alert_id)
    m = svc.mark_alert(alert, actor=request.auth, gravity=payload.gravity, reason=payload.reason)
    return Status(201, _detail(request.auth, m.pk))


@router.get("/matters/{matter_id}", response=MatterDetailOut, summary="重大紧急事项详情（含各次报告、签收、批示）")
def get_matter(request, matter_id: int):
    return _detail(request.auth, matter_id)


class DraftIn(Schema):
    kind: str = "follow_up"


@router.post("/matters/{matter_id}/reports", response={201: ReportOut}, summary="起草续报或终报")
def draft(request, matter_id: int, payload: DraftIn):
    r = svc.draft_report(svc.get_matter(request.auth, matter_id), actor=request.auth, kind=payload.kind)
    return Status(201, _report_out(r))


class ReportIn(Schema):
    title: str | None = None
    occurred_at: dt.datetime | None = None
    location: str | None = None
    people_count: int | None = None
    demands: str | None = None
    development: str | None = None
    measures: str | None = None
    suggestions: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    case_numbers: list[str] | None = None
    alert_ids: list[int] | None = None
    entry_ids: list[int] | None = None


@router.patch("/reports/{report_id}", response=ReportOut, summary="修改报告内容和关联")
def update(request, report_id: int, payload: ReportIn):
    data = payload.dict(exclude_unset=True)
    links = {k: data.pop(k) for k in ("case_numbers", "alert_ids", "entry_ids") if k in data}
    r = svc.update_report(svc.get_report(request.auth, report_id), actor=request.auth, **links, **data)
    return _report_out(r)


@router.post("/reports/{report_id}/submit", response=ReportOut, summary="提交审批")
def submit(request, report_id: int):
    return _report_out(svc.submit_report(svc.get_report(request.auth, report_id), actor=request.auth))


@router.post("/reports/{report_id}/approve", response=ReportOut, summary="审批同意（签发）")
def approve(request, report_id: int):
    return _report_out(svc.approve_report(svc.get_report(request.auth, report_id), actor=request.auth))


class NoteIn(Schema):
    note: str = ""


@router.post("/reports/{report_id}/return", response=ReportOut, summary="退回修改")
def return_(request, report_id: int, payload: NoteIn):
    return _report_out(svc.return_report(svc.get_report(request.auth, report_id), actor=request.auth, note=payload.note))


class SendIn(Schema):
    notify_unit_codes: list[str] = []


@router.post("/reports/{report_id}/send", response=ReportOut, summary="报出（本级党委和政府、上一级信访部门、国家信访局）")
def send(request, report_id: int, payload: SendIn):
    report = svc.get_report(request.auth, report_id)
    units = list(Unit.objects.filter(code__in=payload.notify_unit_codes, is_active=True))
    missing = sorted(set(payload.notify_unit_codes) - {u.code for u in units})
    if missing:
        raise NotFound(_("单位编码%(c)s不存在") % {"c": "、".join(missing)}, fields={"notify_unit_codes": _("不存在")})
    return _report_out(svc.send_report(report, actor=request.auth, extra_units=units))


class AckIn(Schema):
    by_name: str = ""


@router.post("/deliveries/{delivery_id}/acknowledge", response=DeliveryOut, summary="签收（本系统外单位由报告单位代为登记）")
def acknowledge(request, delivery_id: int, payload: AckIn):
    d = svc.acknowledge(svc.get_delivery(request.auth, delivery_id), actor=request.auth, by_name=payload.by_name)
    return {"id": d.pk, "unit_code": d.unit.code, "unit_name": d.unit.name, "role": d.role, "sent_at": d.sent_at,
            "acknowledged_at": d.acknowledged_at, "acknowledged_by": d.acknowledged_by_name}


class InstructionIn(Schema):
    leader: str
    text: str
    due_on: dt.date | None = None
    received_at: dt.datetime | None = None


def _ins_out(i) -> dict:
    return {"id": i.pk, "delivery_id": i.delivery_id, "leader": i.leader, "text": i.text, "received_at": i.received_at,
            "feedback_due_at": i.feedback_due_at, "feedback": i.feedback, "fed_back_at": i.fed_back_at,
            "overdue": is_overdue(i.feedback_due_at, i.fed_back_at)}


@router.post("/deliveries/{delivery_id}/instructions", response={201: InstructionOut}, summary="登记批示")
def record_instruction(request, delivery_id: int, payload: InstructionIn):
    i = svc.record_instruction(svc.get_delivery(request.auth, delivery_id), actor=request.auth, leader=payload.leader,
                               text=payload.text, due_on=payload.due_on, received_at=payload.received_at)
    return Status(201, _ins_out(i))


class FeedbackIn(Schema):
    text: str


@router.post("/instructions/{instruction_id}/feedback", response=InstructionOut, summary="反馈批示落实情况")
def feedback(request, instruction_id: int, payload: FeedbackIn):
    return _ins_out(svc.record_feedback(svc.get_instruction(request.auth, instruction_id), actor=request.auth, text=payload.text))


@router.get("/exchange", summary="信访信息系统交换格式（JSON）：可见的报告、报送签收、批示、关联信访事项")
def exchange(request, full: bool = False):
    data = export_json(request.auth, full=full)
    # Every export is on record, like the spreadsheet exports; a full one names who took the identities.
    log_export("upward", actor=request.auth, full=full, rows=len(data["reports"]), file_name="api:/upward/exchange")
    return data
