"""决策稳评 under /api/v1/stability: the 重大决策 register, its assessment and follow-up.

Thin handlers over minxin.stability: lists are limited to what the caller may see
(stability.policies), every change is one service call, and errors use the standard JSON
body (403 not allowed, 404 outside the jurisdiction, 409 wrong state, 422 invalid).
"""

import datetime as dt

from ninja import Query, Router, Schema, Status

from minxin.api.paging import OffsetParams
from minxin.api.risk import _area, _domain, _unit
from minxin.stability import selectors, services
from minxin.stability.models import Decision

router = Router(tags=["决策稳评"])


class GroupIO(Schema):
    group: str
    count: int


class AssessmentOut(Schema):
    affected_groups: list[GroupIO]
    affected_total: int
    findings: str
    level: str
    level_label: str
    level_reasons: str
    measures: str
    conclusion: str
    conclusion_label: str
    concluded_by: str | None
    concluded_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    approval_note: str
    nearby_snapshot: dict


class FollowUpOut(Schema):
    as_of: dt.date
    weeks: int
    before_count: int
    after_count: int
    verdict: str
    p_value: float | None
    alerts: list[dict]
    note: str


class DecisionOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    area_code: str
    area_name: str
    domain: str
    responsible_unit: str
    responsible_unit_code: str
    description: str
    planned_on: dt.date
    decided_on: dt.date | None
    state: str
    state_label: str
    assessment: AssessmentOut | None
    follow_ups: list[FollowUpOut]


def _name(staff) -> str | None:
    return staff.display_name if staff is not None else None


def _out(d: Decision) -> dict:
    a = getattr(d, "assessment", None)
    return {
        "id": d.pk, "title": d.title, "kind": d.kind, "kind_label": d.get_kind_display(), "area_code": d.area.code,
        "area_name": d.area.name, "domain": d.domain.name, "responsible_unit": d.responsible_unit.name,
        "responsible_unit_code": d.responsible_unit.code, "description": d.description, "planned_on": d.planned_on,
        "decided_on": d.decided_on, "state": d.state, "state_label": d.get_state_display(),
        "assessment": None if a is None else {
            "affected_groups": a.affected_groups, "affected_total": a.affected_total, "findings": a.findings, "level": a.level,
            "level_label": a.get_level_display() if a.level else "", "level_reasons": a.level_reasons, "measures": a.measures,
            "conclusion": a.conclusion, "conclusion_label": a.get_conclusion_display() if a.conclusion else "",
            "concluded_by": _name(a.concluded_by), "concluded_at": a.concluded_at, "approved_by": _name(a.approved_by),
            "approved_at": a.approved_at, "approval_note": a.approval_note, "nearby_snapshot": a.nearby_snapshot,
        },
        "follow_ups": [
            {"as_of": f.as_of, "weeks": f.weeks, "before_count": f.before_count, "after_count": f.after_count, "verdict": f.verdict,
             "p_value": f.p_value, "alerts": f.alerts, "note": f.note}
            for f in d.follow_ups.all()
        ],
    }


def _get(request, decision_id: int) -> Decision:
    return selectors.get_decision(request.auth, decision_id)


@router.get("/decisions", response=list[DecisionOut], summary="重大决策事项登记册")
def list_decisions(request, paging: Query[OffsetParams], state: str | None = None, kind: str | None = None):
    qs = selectors.decisions_visible_to(request.auth).select_related("area", "domain", "responsible_unit", "assessment")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return [_out(d) for d in paging.slice(qs.prefetch_related("follow_ups"))]


class DecisionIn(Schema):
    title: str
    kind: str
    area_code: str
    domain: str
    responsible_unit_code: str
    planned_on: dt.date
    description: str = ""


@router.post("/decisions", response={201: DecisionOut}, summary="登记重大决策事项")
def register(request, payload: DecisionIn):
    staff = request.auth
    d = services.register_decision(
        actor=staff, title=payload.title, kind=payload.kind, area=_area(staff, payload.area_code), domain=_domain(payload.domain),
        responsible_unit=_unit(payload.responsible_unit_code), planned_on=payload.planned_on, description=payload.description,
    )
    return Status(201, _out(_get(request, d.pk)))


@router.get("/decisions/{decision_id}", response=DecisionOut, summary="决策事项及其稳评")
def get_decision(request, decision_id: int):
    return _out(_get(request, decision_id))


@router.post("/decisions/{decision_id}/start", response=DecisionOut, summary="开始评估")
def start(request, decision_id: int):
    services.start_assessment(_get(request, decision_id), actor=request.auth)
    return _out(_get(request, decision_id))


class FindingsIn(Schema):
    affected_groups: list[GroupIO] | None = None
    findings: str | None = None
    level: str | None = None
    level_reasons: str | None = None
    measures: str | None = None


def _findings(payload: FindingsIn) -> dict:
    data = payload.dict()
    if data["affected_groups"] is not None:
        data["affected_groups"] = [dict(g) for g in data["affected_groups"]]
    return data


@router.post("/decisions/{decision_id}/findings", response=DecisionOut, summary="记录评估情况")
def findings(request, decision_id: int, payload: FindingsIn):
    services.record_findings(_get(request, decision_id), actor=request.auth, **_findings(payload))
    return _out(_get(request, decision_id))


class ConcludeIn(FindingsIn):
    conclusion: str


@router.post("/decisions/{decision_id}/conclude", response=DecisionOut, summary="提出评估结论（保存关联信访快照）")
def conclude(request, decision_id: int, payload: ConcludeIn):
    data = _findings(payload)
    conclusion = data.pop("conclusion")
    services.conclude_assessment(_get(request, decision_id), actor=request.auth, conclusion=conclusion, **data)
    return _out(_get(request, decision_id))


class NoteIn(Schema):
    note: str = ""


@router.post("/decisions/{decision_id}/approve", response=DecisionOut, summary="审定评估结论")
def approve(request, decision_id: int, payload: NoteIn):
    services.approve_assessment(_get(request, decision_id), actor=request.auth, note=payload.note)
    return _out(_get(request, decision_id))


@router.post("/decisions/{decision_id}/return", response=DecisionOut, summary="退回重新评估")
def return_(request, decision_id: int, payload: NoteIn):
    services.return_assessment(_get(request, decision_id), actor=request.auth, note=payload.note)
    return _out(_get(request, decision_id))


@router.get("/decisions/{decision_id}/nearby", summary="区域和领域内的信访事项与矛盾纠纷（按问题归类排序）")
def nearby(request, decision_id: int, days: int = selectors.NEARBY_DAYS):
    d = _get(request, decision_id)
    return selectors.nearby_matters(d, staff=request.auth, days=min(max(days, 1), 3 * 366))


@router.get("/decisions/{decision_id}/follow-up", summary="决策前后每周信访量、预警判定与同期预警")
def follow_up_series(request, decision_id: int, weeks: int = selectors.FOLLOW_UP_WEEKS):
    d = _get(request, decision_id)
    return selectors.follow_up(d, staff=request.auth, weeks=min(max(weeks, 1), 52))


class FollowUpIn(Schema):
    decided_on: dt.date | None = None
    weeks: int = selectors.FOLLOW_UP_WEEKS
    note: str = ""


@router.post("/decisions/{decision_id}/follow-ups", response={201: FollowUpOut}, summary="记录决策后跟踪")
def record_follow_up(request, decision_id: int, payload: FollowUpIn):
    f = services.record_follow_up(_get(request, decision_id), actor=request.auth, decided_on=payload.decided_on,
                                  weeks=payload.weeks, note=payload.note)
    return Status(201, {"as_of": f.as_of, "weeks": f.weeks, "before_count": f.before_count, "after_count": f.after_count,
                        "verdict": f.verdict, "p_value": f.p_value, "alerts": f.alerts, "note": f.note})
