"""风险预警 under /api/v1/risk: ledger, screening rounds, alerts, hotspots, overview.

Thin handlers over minxin.risk: every list is limited to the caller's area and
below (属地管理), every change is one service call, and errors use the standard
JSON body (403 not allowed, 404 outside the jurisdiction, 409 wrong state, 422 invalid).
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from minxin.api.paging import OffsetParams
from minxin.cases.models import Case, Domain
from minxin.core import clock
from minxin.core.errors import NotFound, ValidationFailed
from minxin.org.models import Area, Staff, Unit
from minxin.org.scoping import areas_visible_to
from minxin.risk import alerts as alert_svc
from minxin.risk import ledger, plans, screening, selectors
from minxin.risk.hotspots import hotspots_for_cases
from minxin.exchange.ledger import export_ledger, import_ledger
from minxin.risk.models import AlertState, DisputeEntry
from minxin.risk.signals import score_case, score_petitioner
from minxin.core.replica import reads_from_replica

router = Router(tags=["风险预警"])



class StepOut(Schema):
    taken_on: dt.date
    description: str


class EntryOut(Schema):
    id: int
    source: str
    screened_on: dt.date
    area_code: str
    area_name: str
    domain: str
    summary: str
    parties: str
    people_count: int
    amount_wan: Decimal
    level: str
    level_label: str
    level_reasons: str
    responsible_unit: str
    responsible_name: str
    measures: str
    status: str
    status_label: str
    last_assessed_at: dt.datetime
    case_number: str | None
    steps: list[StepOut]


def _entry_out(e: DisputeEntry) -> dict:
    return {
        "id": e.pk, "source": e.source, "screened_on": e.screened_on, "area_code": e.area.code, "area_name": e.area.name,
        "domain": e.domain.name, "summary": e.summary, "parties": e.parties, "people_count": e.people_count,
        "amount_wan": e.amount_wan, "level": e.level, "level_label": e.get_level_display(), "level_reasons": e.level_reasons,
        "responsible_unit": e.responsible_unit.name, "responsible_name": e.responsible_name, "measures": e.measures,
        "status": e.status, "status_label": e.get_status_display(), "last_assessed_at": e.last_assessed_at,
        "case_number": e.case.number if e.case_id else None,
        "steps": [{"taken_on": s.taken_on, "description": s.description} for s in e.steps.all()],
    }


def _area(staff: Staff, code: str) -> Area:
    area = areas_visible_to(staff).filter(code=code).first()
    if area is None:
        raise NotFound(_("区划代码%(code)s不存在或不在您的管辖范围内") % {"code": code}, fields={"area_code": _("无权或不存在")})
    return area


def _domain(name_or_code: str) -> Domain:
    d = Domain.objects.filter(name=name_or_code).first() or Domain.objects.filter(code=name_or_code).first()
    if d is None:
        raise ValidationFailed(_("领域“%(d)s”不存在") % {"d": name_or_code}, fields={"domain": _("不存在")})
    return d


def _unit(code: str) -> Unit:
    u = Unit.objects.filter(code=code).first()
    if u is None:
        raise ValidationFailed(_("单位编码%(c)s不存在") % {"c": code}, fields={"responsible_unit_code": _("不存在")})
    return u


@router.get("/ledger", response=list[EntryOut], summary="矛盾纠纷排查台账")
def list_entries(request, paging: Query[OffsetParams], status: str | None = None, level: str | None = None, area: str | None = None):
    qs = ledger.entries_visible_to(request.auth).select_related("area", "domain", "responsible_unit", "case").prefetch_related("steps")
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if area:
        qs = qs.filter(area__path__startswith=_area(request.auth, area).path)
    return [_entry_out(e) for e in paging.slice(qs)]


class EntryIn(Schema):
    source: str = "unit"
    area_code: str
    domain: str
    summary: str
    level: str
    level_reasons: str = ""
    responsible_unit_code: str
    screened_on: dt.date | None = None
    parties: str = ""
    people_count: int = 1
    amount_wan: Decimal = Decimal(0)
    responsible_name: str = ""
    measures: str = ""
    case_number: str | None = None


@router.post("/ledger", response={201: EntryOut}, summary="登记矛盾纠纷")
def create_entry(request, payload: EntryIn):
    staff = request.auth
    case = None
    if payload.case_number:
        case = Case.objects.visible_to(staff).filter(number=payload.case_number).first()
        if case is None:
            raise NotFound(_("信访件%(n)s不存在或您无权查看") % {"n": payload.case_number}, fields={"case_number": _("无权或不存在")})
    e = ledger.create_entry(
        actor=staff, source=payload.source, domain=_domain(payload.domain), area=_area(staff, payload.area_code),
        summary=payload.summary, level=payload.level, level_reasons=payload.level_reasons,
        responsible_unit=_unit(payload.responsible_unit_code), screened_on=payload.screened_on, parties=payload.parties,
        people_count=payload.people_count, amount_wan=payload.amount_wan, responsible_name=payload.responsible_name,
        measures=payload.measures, case=case,
    )
    return Status(201, _entry_out(e))


@router.get("/ledger/export", summary="导出台账（Excel）")
@reads_from_replica
def export(request):
    data = export_ledger(request.auth)
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = content_disposition_header(True, f"矛盾纠纷排查台账-{clock.today():%Y%m%d}.xlsx")
    return resp


class ImportOut(Schema):
    imported: int


@router.post("/ledger/import", response={201: ImportOut}, summary="导入台账（Excel，全部成功或全部不导入）")
def import_(request, file: UploadedFile = File(...)):
    created = import_ledger(file, actor=request.auth)
    return Status(201, {"imported": len(created)})


@router.get("/ledger/{entry_id}", response=EntryOut, summary="矛盾纠纷详情")
def get_entry(request, entry_id: int):
    return _entry_out(ledger.get_entry(request.auth, entry_id))


class StepIn(Schema):
    description: str
    taken_on: dt.date | None = None


@router.post("/ledger/{entry_id}/steps", response={201: EntryOut}, summary="记录化解措施")
def add_step(request, entry_id: int, payload: StepIn):
    e = ledger.get_entry(request.auth, entry_id)
    ledger.add_step(e, actor=request.auth, description=payload.description, taken_on=payload.taken_on)
    return Status(201, _entry_out(ledger.get_entry(request.auth, entry_id)))


class StatusIn(Schema):
    status: str
    note: str = ""


@router.post("/ledger/{entry_id}/status", response=EntryOut, summary="变更状态")
def set_status(request, entry_id: int, payload: StatusIn):
    e = ledger.get_entry(request.auth, entry_id)
    ledger.set_status(e, actor=request.auth, status=payload.status, note=payload.note)
    return _entry_out(ledger.get_entry(request.auth, entry_id))


class RoundOut(Schema):
    id: int
    area_code: str
    cadence: str
    min_level: str
    period_start: dt.date
    period_end: dt.date
    closed: bool
    total: int
    done: int
    pending_entry_ids: list[int]


def _round_out(rnd) -> dict:
    lines = screening.round_lines(rnd)
    return {
        "id": rnd.pk, "area_code": rnd.area.code, "cadence": rnd.cadence, "min_level": rnd.min_level,
        "period_start": rnd.period_start, "period_end": rnd.period_end, "closed": rnd.closed_at is not None,
        "total": len(lines), "done": sum(line.done for line in lines),
        "pending_entry_ids": [line.entry.pk for line in lines if not line.done],
    }


class RoundIn(Schema):
    area_code: str
    cadence: str
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    min_level: str | None = None


@router.get("/rounds", response=list[RoundOut], summary="排查轮次")
def list_rounds(request):
    return [_round_out(r) for r in screening.rounds_visible_to(request.auth).select_related("area")[:50]]


@router.post("/rounds", response={201: RoundOut}, summary="开启排查轮次")
def open_round(request, payload: RoundIn):
    rnd = screening.open_round(actor=request.auth, area=_area(request.auth, payload.area_code), cadence=payload.cadence,
                               period_start=payload.period_start, period_end=payload.period_end, min_level=payload.min_level)
    return Status(201, _round_out(rnd))


class ReassessIn(Schema):
    entry_id: int
    new_level: str
    note: str


@router.post("/rounds/{round_id}/reassess", response={201: RoundOut}, summary="重新评估风险等级（对台账 reassess）")
def reassess(request, round_id: int, payload: ReassessIn):
    rnd = screening.get_round(request.auth, round_id)
    entry = ledger.get_entry(request.auth, payload.entry_id)
    screening.reassess(rnd, entry, actor=request.auth, new_level=payload.new_level, note=payload.note)
    return Status(201, _round_out(screening.get_round(request.auth, round_id)))


@router.get("/overdue", response=list[EntryOut], summary="逾期未重新评估的矛盾纠纷")
def overdue(request):
    return [_entry_out(e) for e in screening.overdue_for_reassessment(request.auth)]


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    level: str
    level_label: str
    title: str
    area_code: str
    area_name: str
    domain: str | None
    period_start: dt.date | None
    observed: float | None
    expected: float | None
    upper: float | None
    score: float | None
    explanation: str
    reasons: list
    chart: dict
    state: str
    state_label: str
    assignee: str | None
    escalated_to: str | None
    created_at: dt.datetime


def _alert_out(a) -> dict:
    return {
        "id": a.pk, "kind": a.kind, "kind_label": a.get_kind_display(), "level": a.level, "level_label": a.get_level_display(),
        "title": a.title, "area_code": a.area.code, "area_name": a.area.name, "domain": a.domain.name if a.domain_id else None,
        "period_start": a.period_start, "observed": a.observed, "expected": a.expected, "upper": a.upper, "score": a.score,
        "explanation": a.explanation, "reasons": a.reasons, "chart": a.chart, "state": a.state, "state_label": a.get_state_display(),
        "assignee": a.assignee.display_name if a.assignee_id else None, "escalated_to": a.escalated_to.name if a.escalated_to_id else None,
        "created_at": a.created_at,
    }


@router.get("/alerts", response=list[AlertOut], summary="预警收件箱")
def list_alerts(request, paging: Query[OffsetParams], state: str | None = None, kind: str | None = None, open_only: bool = False):
    qs = alert_svc.alerts_visible_to(request.auth).select_related("area", "domain", "assignee__user", "escalated_to")
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.exclude(state=AlertState.CLOSED)
    if kind:
        qs = qs.filter(kind=kind)
    return [_alert_out(a) for a in paging.slice(qs)]


@router.get("/alerts/{alert_id}", response=AlertOut, summary="预警详情（含图表数据）")
def get_alert(request, alert_id: int):
    return _alert_out(alert_svc.get_alert(request.auth, alert_id))


class NoteIn(Schema):
    note: str = ""


class AssignIn(Schema):
    assignee: str  # username
    note: str = ""


class EscalateIn(Schema):
    reason: str
    to_unit_code: str | None = None


@router.post("/alerts/{alert_id}/ack", response=AlertOut, summary="签收")
def ack(request, alert_id: int, payload: NoteIn):
    a = alert_svc.acknowledge_alert(alert_svc.get_alert(request.auth, alert_id), actor=request.auth, note=payload.note)
    return _alert_out(alert_svc.get_alert(request.auth, a.pk))


@router.post("/alerts/{alert_id}/assign", response=AlertOut, summary="分派")
def assign(request, alert_id: int, payload: AssignIn):
    assignee = Staff.objects.select_related("unit__area", "user").filter(user__username=payload.assignee).first()
    if assignee is None:
        raise ValidationFailed(_("找不到工作人员%(u)s") % {"u": payload.assignee}, fields={"assignee": _("不存在")})
    alert_svc.assign_alert(alert_svc.get_alert(request.auth, alert_id), actor=request.auth, assignee=assignee, note=payload.note)
    return _alert_out(alert_svc.get_alert(request.auth, alert_id))


@router.post("/alerts/{alert_id}/escalate", response=AlertOut, summary="上报")
def escalate(request, alert_id: int, payload: EscalateIn):
    to_unit = _unit(payload.to_unit_code) if payload.to_unit_code else None
    alert_svc.escalate_alert(alert_svc.get_alert(request.auth, alert_id), actor=request.auth, reason=payload.reason, to_unit=to_unit)
    return _alert_out(alert_svc.get_alert(request.auth, alert_id))


@router.post("/alerts/{alert_id}/close", response=AlertOut, summary="关闭")
def close(request, alert_id: int, payload: NoteIn):
    alert_svc.close_alert(alert_svc.get_alert(request.auth, alert_id), actor=request.auth, note=payload.note)
    return _alert_out(alert_svc.get_alert(request.auth, alert_id))


class ActivateIn(Schema):
    plan_id: int
    reason: str


class ActivationOut(Schema):
    id: int
    plan: str
    tasks: list[str]


@router.post("/alerts/{alert_id}/activate-plan", response={201: ActivationOut}, summary="据预警启动应急预案")
def activate(request, alert_id: int, payload: ActivateIn):
    alert = alert_svc.get_alert(request.auth, alert_id)
    plan = plans.get_plan(request.auth, payload.plan_id)
    act = plans.activate_plan(plan, actor=request.auth, reason=payload.reason, alert=alert)
    return Status(201, {"id": act.pk, "plan": plan.name, "tasks": [t.title for t in act.tasks.all()]})


class TopicWeekOut(Schema):
    week: str
    count: int


class TopicPlaceOut(Schema):
    name: str
    count: int


class TopicOut(Schema):
    title: str
    keywords: list[str]
    size: int
    heat: float
    examples: list[str]
    previous: int
    petitioners: int
    areas: int
    support: int
    newest: str | None
    trend: list[TopicWeekOut]
    places: list[TopicPlaceOut]


@router.get("/hotspots", response=list[TopicOut], summary="热点问题（近期信访聚类）")
def hotspots(request, days: int = 30, top: int = 20):
    if not 1 <= days <= 366:
        raise ValidationFailed(_("天数须在1到366之间"), fields={"days": _("超出范围")})
    return [t.as_dict() for t in hotspots_for_cases(staff=request.auth, days=days)[: max(1, min(top, 100))]]


@router.get("/overview", summary="风险总览（按区域、领域）")
def overview(request):
    return selectors.overview(request.auth)


class ScoreOut(Schema):
    score: float
    level: str
    level_label: str
    reasons: list


@router.get("/cases/{number}/score", response=ScoreOut, summary="信访事项风险评分及理由")
def case_score(request, number: str):
    case = Case.objects.visible_to(request.auth).select_related("area", "registering_unit__area").filter(number=number).first()
    if case is None:
        raise NotFound(_("信访件%(n)s不存在或您无权查看") % {"n": number})
    s = score_case(case)
    return {"score": s.score, "level": s.level, "level_label": s.level_label, "reasons": [r.as_dict() for r in s.reasons]}





class PetitionerScoreOut(Schema):
    name: str  # masked
    score: float
    level: str
    level_label: str
    reasons: list


@router.get("/cases/{number}/petitioners", response=list[PetitionerScoreOut], summary="该事项信访人的风险评分（按身份证号归并，仅计您可见的事项）")
def petitioner_scores(request, number: str):
    case = Case.objects.visible_to(request.auth).filter(number=number).first()
    if case is None:
        raise NotFound(_("信访件%(n)s不存在或您无权查看") % {"n": number})
    out = []
    for party in case.parties.select_related("petitioner"):
        s = score_petitioner(party.petitioner, staff=request.auth)
        out.append({"name": party.petitioner.name_masked, "score": s.score, "level": s.level, "level_label": s.level_label,
                    "reasons": [r.as_dict() for r in s.reasons]})
    return out


class PlanTaskOut(Schema):
    id: int
    title: str
    role: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None


class PlanOut(Schema):
    id: int
    name: str
    area_code: str
    trigger_kinds: list[str]
    min_level: str
    domain: str | None
    roles: list
    contacts: list
    task_templates: list
    is_active: bool


def _plan_out(p) -> dict:
    return {"id": p.pk, "name": p.name, "area_code": p.area.code, "trigger_kinds": p.trigger_kinds, "min_level": p.min_level,
            "domain": p.domain.name if p.domain_id else None, "roles": p.roles, "contacts": p.contacts,
            "task_templates": p.task_templates, "is_active": p.is_active}


class PlanIn(Schema):
    name: str
    area_code: str
    task_templates: list[dict]
    trigger_kinds: list[str] = []
    min_level: str = "orange"
    domain: str | None = None
    roles: list[dict] = []
    contacts: list[dict] = []


@router.get("/plans", response=list[PlanOut], summary="应急预案（本区域及上级区域的）")
def list_plans(request):
    return [_plan_out(p) for p in plans.plans_visible_to(request.auth).select_related("area", "domain")]


@router.post("/plans", response={201: PlanOut}, summary="制定应急预案")
def create_plan(request, payload: PlanIn):
    p = plans.create_plan(actor=request.auth, name=payload.name, area=_area(request.auth, payload.area_code),
                          task_templates=payload.task_templates, trigger_kinds=payload.trigger_kinds, min_level=payload.min_level,
                          domain=_domain(payload.domain) if payload.domain else None, roles=payload.roles, contacts=payload.contacts)
    return Status(201, _plan_out(p))


class ActivationIn(Schema):
    reason: str


class ActivationDetailOut(Schema):
    id: int
    plan: str
    is_drill: bool
    tasks: list[PlanTaskOut]


def _activation_out(act) -> dict:
    return {"id": act.pk, "plan": act.plan.name, "is_drill": act.is_drill,
            "tasks": [{"id": t.id, "title": t.title, "role": t.role, "due_at": t.due_at, "done_at": t.done_at} for t in act.tasks.all()]}


@router.post("/plans/{plan_id}/activate", response={201: ActivationDetailOut}, summary="手动启动应急预案")
def activate_manually(request, plan_id: int, payload: ActivationIn):
    act = plans.activate_plan(plans.get_plan(request.auth, plan_id), actor=request.auth, reason=payload.reason)
    return Status(201, _activation_out(act))


class DrillIn(Schema):
    held_on: dt.date
    scenario: str
    participants: str = ""
    findings: str = ""


class DrillOut(Schema):
    id: int
    held_on: dt.date
    scenario: str
    tasks: int


@router.post("/plans/{plan_id}/drills", response={201: DrillOut}, summary="记录预案演练")
def record_drill(request, plan_id: int, payload: DrillIn):
    d = plans.record_drill(plans.get_plan(request.auth, plan_id), actor=request.auth, held_on=payload.held_on, scenario=payload.scenario,
                           participants=payload.participants, findings=payload.findings)
    return Status(201, {"id": d.pk, "held_on": d.held_on, "scenario": d.scenario, "tasks": d.activation.tasks.count() if d.activation_id else 0})


class TaskDoneIn(Schema):
    note: str = ""


@router.post("/plan-tasks/{task_id}/done", response=PlanTaskOut, summary="预案任务完成")
def task_done(request, task_id: int, payload: TaskDoneIn):
    from minxin.risk.models import PlanTask

    visible = plans.plans_visible_to(request.auth)
    task = PlanTask.objects.filter(pk=task_id, activation__plan__in=visible).first()
    if task is None:
        raise NotFound(_("未找到编号为%(pk)s的预案任务，或您无权查看") % {"pk": task_id})
    t = plans.complete_task(task, actor=request.auth, note=payload.note)
    return {"id": t.id, "title": t.title, "role": t.role, "due_at": t.due_at, "done_at": t.done_at}
