"""督查督办: metrics, scorecards, 督办 and notices — thin handlers over minxin.oversight.

Numbers are limited to what the caller may see (属地管理): a 信访部门 asks about
its area and the units in it; any other unit only about itself.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from minxin.cases.policies import visible_cases
from minxin.core import clock
from minxin.core.errors import NotFound, ValidationFailed
from minxin.org.models import Area, Unit
from minxin.oversight import metrics, policies, scorecard
from minxin.oversight import supervision as svc
from minxin.oversight.models import Notice, ProposalState, Supervision, SupervisionProposal
from minxin.core.replica import reads_from_replica

router = Router(tags=["督查督办"])

def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    end = end or clock.today()
    start = start or end.replace(day=1)
    if start > end:
        raise ValidationFailed(_("开始日期不能晚于结束日期"), fields={"from": _("晚于结束日期")})
    if (end - start).days > 3660:
        raise ValidationFailed(_("统计区间不能超过10年"), fields={"from": _("区间过长")})
    return start, end


def _scope_for(staff, area_code: str | None, unit_code: str | None) -> tuple[Area | None, Unit | None]:
    return policies.analysis_scope(staff, area_code=area_code, unit_code=unit_code)


class MetricOut(Schema):
    code: str
    name: str
    numerator: float
    denominator: float
    value: float | None
    extra: dict


class MetricsOut(Schema):
    area: str | None
    unit: str | None
    start: dt.date
    end: dt.date
    metrics: list[MetricOut]


class DefinitionOut(Schema):
    code: str
    name: str
    numerator: str
    denominator: str
    time_base: str
    counts: str
    excludes: str
    description: str
    kind: str


@router.get("/metrics", response=MetricsOut, summary="指标（按区域、单位、期间）")
def get_metrics(request, area: str | None = None, unit: str | None = None,
                start: dt.date | None = Query(None, alias="from"), end: dt.date | None = Query(None, alias="to")):
    """各指标的分子、分母和数值；口径见 `/oversight/metrics/definitions`。不带期间时为本月1日至今天。"""
    staff = request.auth
    start, end = _period(start, end)
    a, u = _scope_for(staff, area, unit)
    scope = metrics.Scope(start=start, end=end, area=a, unit=u)
    values = metrics.compute_all(scope)
    return {
        "area": a.code if a else None, "unit": u.code if u else None, "start": start, "end": end,
        "metrics": [{"code": m.code, "name": str(m.name), **values[m.code].as_dict()} for m in metrics.METRICS],
    }


@router.get("/metrics/definitions", response=list[DefinitionOut], summary="指标口径")
def get_definitions(request):
    return metrics.metric_definitions()


@router.get("/scorecards", summary="责任单位考评")
def get_scorecards(request, area: str | None = None, start: dt.date | None = Query(None, alias="from"),
                   end: dt.date | None = Query(None, alias="to")):
    """按“解决问题、群众满意”计分的单位排名及疑似压案标记；分析员、督办员和领导可查看：信访部门看辖区内各单位，其他单位只看本单位。"""
    staff = request.auth
    a, u = _scope_for(staff, area, None)
    start, end = _period(start, end)
    cards = scorecard.scorecards(start=start, end=end, area=a) if a is not None else scorecard.scorecards(start=start, end=end, units=[u])
    return {"area": a.code if a is not None else None, "start": start, "end": end, "config": scorecard.config_description(),
            "units": [c.as_dict() for c in cards]}


# ---------------------------------------------------------------- 督办


class SupervisionOut(Schema):
    id: int
    case_number: str
    issuing_unit: str
    target_unit: str
    level: int
    level_label: str
    ground: str
    ground_label: str
    reason: str
    state: str
    state_label: str
    issued_at: dt.datetime
    reply_due_on: dt.date
    document_number: str | None
    records: list[dict]


def _out(sup: Supervision) -> dict:
    return {
        "id": sup.pk, "case_number": sup.case.number, "issuing_unit": sup.issuing_unit.name, "target_unit": sup.target_unit.name,
        "level": sup.level, "level_label": sup.get_level_display(), "ground": sup.ground, "ground_label": sup.get_ground_display(),
        "reason": sup.reason, "state": sup.state, "state_label": sup.get_state_display(), "issued_at": sup.issued_at,
        "reply_due_on": sup.reply_due_on, "document_number": sup.document.number if sup.document_id else None,
        "records": [{"kind": r.kind, "label": r.get_kind_display(), "at": r.at.isoformat(), "text": r.text, "payload": r.payload}
                    for r in sup.records.order_by("at", "pk")],
    }


def _visible_supervision(staff, pk: int) -> Supervision:
    sup = (policies.supervisions_visible(staff).select_related("case", "issuing_unit", "target_unit", "document")
           .filter(pk=pk).first())
    if sup is None:
        raise NotFound(_("督办单不存在，或不在您的管辖范围内"))
    return sup


class IssueIn(Schema):
    case_number: str
    ground: str
    reason: str
    level: int = 1
    target_unit: str | None = None
    requirements: str = ""
    proposal_id: int | None = None


class ReplyIn(Schema):
    text: str


class ReviewIn(Schema):
    accept: bool
    note: str = ""


class EscalateIn(Schema):
    reason: str


class InterviewIn(Schema):
    held_on: dt.date
    interviewee: str
    summary: str


class CircularIn(Schema):
    scope: str
    text: str


@router.get("/supervisions", response=list[SupervisionOut], summary="督办单列表")
def list_supervisions(request, state: str | None = None):
    staff = request.auth
    qs = policies.supervisions_visible(staff)
    if state:
        qs = qs.filter(state=state)
    qs = qs.select_related("case", "issuing_unit", "target_unit", "document").order_by("-issued_at")[:200]
    return [_out(s) for s in qs]


@router.get("/supervisions/{sid}", response=SupervisionOut, summary="督办单")
def get_supervision(request, sid: int):
    return _out(_visible_supervision(request.auth, sid))


@router.post("/supervisions", response={201: SupervisionOut}, summary="发出督办")
def issue(request, data: IssueIn):
    staff = request.auth
    case = visible_cases(staff).filter(number=data.case_number).first()
    if case is None:
        raise NotFound(_("信访件%(number)s不存在，或不在您的管辖范围内") % {"number": data.case_number})
    target = None
    if data.target_unit:
        target = Unit.objects.filter(code=data.target_unit).first()
        if target is None:
            raise ValidationFailed(_("单位%(code)s不存在") % {"code": data.target_unit}, fields={"target_unit": _("不存在")})
    proposal = None
    if data.proposal_id is not None:
        proposal = SupervisionProposal.objects.filter(pk=data.proposal_id, case=case).first()
        if proposal is None:
            raise ValidationFailed(_("督办建议不存在或不属于该信访件"), fields={"proposal_id": _("无效")})
    sup = svc.issue_supervision(case, actor=staff, ground=data.ground, reason=data.reason, target_unit=target,
                                level=data.level, requirements=data.requirements, proposal=proposal)
    return Status(201, _out(_visible_supervision(staff, sup.pk)))


@router.post("/supervisions/{sid}/reply", response=SupervisionOut, summary="被督办单位反馈")
def reply(request, sid: int, data: ReplyIn):
    sup = svc.reply_to_supervision(_visible_supervision(request.auth, sid), actor=request.auth, text=data.text)
    return _out(_visible_supervision(request.auth, sup.pk))


@router.post("/supervisions/{sid}/review", response=SupervisionOut, summary="审核反馈（通过即办结，退回重新反馈）")
def review(request, sid: int, data: ReviewIn):
    sup = svc.review_supervision_reply(_visible_supervision(request.auth, sid), actor=request.auth, accept=data.accept, note=data.note)
    return _out(_visible_supervision(request.auth, sup.pk))


@router.post("/supervisions/{sid}/escalate", response=SupervisionOut, summary="升级督办")
def escalate(request, sid: int, data: EscalateIn):
    sup = svc.escalate_supervision(_visible_supervision(request.auth, sid), actor=request.auth, reason=data.reason)
    return _out(_visible_supervision(request.auth, sup.pk))


@router.post("/supervisions/{sid}/interviews", response=SupervisionOut, summary="记录约谈")
def interview(request, sid: int, data: InterviewIn):
    sup = svc.record_interview(_visible_supervision(request.auth, sid), actor=request.auth, held_on=data.held_on,
                               interviewee=data.interviewee, summary=data.summary)
    return _out(_visible_supervision(request.auth, sup.pk))


@router.post("/supervisions/{sid}/circulars", response=SupervisionOut, summary="记录通报")
def circular(request, sid: int, data: CircularIn):
    sup = svc.record_circular(_visible_supervision(request.auth, sid), actor=request.auth, scope=data.scope, text=data.text)
    return _out(_visible_supervision(request.auth, sup.pk))


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    case_number: str
    text: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/notices", response=list[NoticeOut], summary="本单位的提醒")
def list_notices(request, unread: bool = False):
    staff = request.auth
    qs = policies.notices_for(staff).select_related("case")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [{"id": n.pk, "kind": n.kind, "kind_label": n.get_kind_display(), "case_number": n.case.number, "text": n.text,
             "created_at": n.created_at, "read_at": n.read_at} for n in qs.order_by("-created_at")[:200]]


class ProposalOut(Schema):
    id: int
    case_number: str
    unit: str | None
    ground: str
    reason: str
    state: str
    created_at: dt.datetime


class DismissIn(Schema):
    reason: str


def _proposal_out(p: SupervisionProposal) -> dict:
    return {"id": p.pk, "case_number": p.case.number, "unit": p.unit.name if p.unit_id else None, "ground": p.ground,
            "reason": p.reason, "state": p.state, "created_at": p.created_at}


@router.get("/proposals", response=list[ProposalOut], summary="督办建议（超期自动提出，待督办员决定）")
def list_proposals(request, state: str = ProposalState.PENDING):
    staff = request.auth
    qs = (policies.proposals_visible(staff).filter(state=state)
          .select_related("case", "unit").order_by("-created_at")[:200])
    return [_proposal_out(p) for p in qs]


@router.post("/proposals/{pid}/dismiss", response=ProposalOut, summary="不予督办")
def dismiss(request, pid: int, data: DismissIn):
    staff = request.auth
    p = policies.proposals_visible(staff).filter(pk=pid).first()
    if p is None:
        raise NotFound(_("督办建议不存在，或不在您的管辖范围内"))
    p = svc.dismiss_proposal(p, actor=staff, reason=data.reason)
    return _proposal_out(SupervisionProposal.objects.select_related("case", "unit").get(pk=p.pk))


@router.get("/dashboards/{board}", summary="统计看板数据（来自每日汇总；volume、areas、deadlines、ratings、scorecards、supervision）")
@reads_from_replica
def get_dashboard(request, board: str, area: str | None = None, period: str = "week", dim: str = "channel",
                  start: dt.date | None = Query(None, alias="from"), end: dt.date | None = Query(None, alias="to")):
    from minxin.oversight import dashboards

    if board not in dashboards.BOARDS:
        raise NotFound(_("没有名为%(board)s的统计看板") % {"board": board})
    period = period if period in ("week", "month") else "week"
    default_start, default_end = dashboards.default_period(period)
    start, end = _period(start or default_start, end or default_end)
    scope = dashboards.scope_for(request.auth, area_code=area, start=start, end=end)
    if board in ("volume", "areas", "deadlines") and not dashboards.has_rollups(scope):
        return {"empty": True, "message": str(dashboards.NO_ROLLUPS)}
    if board == "volume":
        data = dashboards.volume(scope, dim=dim if dim in ("channel", "category", "domain", "area") else "channel", period=period)
    else:
        data = getattr(dashboards, board)(scope)
    return {"empty": False, "scope": scope.label, "start": start, "end": end, **data}
