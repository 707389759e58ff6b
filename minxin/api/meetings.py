"""信访工作联席会议 under /api/v1/meetings: meetings, agenda, minutes, decisions and tasks.

Thin handlers over minxin.meetings.services: lists are scoped by minxin.meetings.policies
(the convener and the bureaus above it see a meeting whole, member units see it and their
own tasks, nobody else anything: 404 as for a missing meeting); every change is one service
call; errors use the standard JSON body (403, 404, 409, 422).
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from minxin.api.paging import OffsetParams
from minxin.cases.models import Case
from minxin.core.errors import NotFound, ValidationFailed
from minxin.meetings import policies, services
from minxin.meetings.models import AgendaItem, Decision, Meeting, Task
from minxin.org.models import Unit
from minxin.risk.ledger import get_entry

router = Router(tags=["联席会议"])


class TaskOut(Schema):
    id: int
    meeting_id: int
    decision_id: int
    unit_code: str
    unit_name: str
    description: str
    started_on: dt.date
    due_on: dt.date
    state: str
    state_label: str
    deadline_status: str
    deadline_label: str
    result: str
    case_number: str | None
    supervision_id: int | None


class AgendaOut(Schema):
    id: int
    case_number: str | None
    entry_id: int | None
    note: str


class DecisionOut(Schema):
    id: int
    text: str
    agenda_item_id: int | None
    competent_unit_code: str | None  # Art. 24: the unit named to handle a disputed case
    settles: bool  # true: the decision settled the dispute; false with a unit: a recommendation to the arbiter
    tasks: list[TaskOut]


class MeetingOut(Schema):
    id: int
    convener_code: str
    convener_name: str
    held_on: dt.date
    topic: str
    place: str
    members: list[str]
    minutes: str
    closed: bool
    closed_at: dt.datetime | None
    agenda: list[AgendaOut] | None  # null for a member unit: the agenda is the convener's
    decisions: list[DecisionOut]


def _task_out(t: Task) -> dict:
    status = services.task_status(t)
    return {
        "id": t.pk, "meeting_id": t.meeting_id, "decision_id": t.decision_id, "unit_code": t.unit.code, "unit_name": t.unit.name,
        "description": t.description, "started_on": t.started_on, "due_on": t.due_on, "state": t.state,
        "state_label": t.get_state_display(), "deadline_status": status.key, "deadline_label": status.label, "result": t.result,
        "case_number": t.case.number if t.case_id else None, "supervision_id": t.supervision_id,
    }


def _decision_out(d: Decision, tasks: list) -> dict:
    return {"id": d.pk, "text": d.text, "agenda_item_id": d.item_id,
            "competent_unit_code": d.competent_unit.code if d.competent_unit_id else None, "settles": d.settles, "tasks": tasks}


def _meeting_out(staff, m: Meeting) -> dict:
    oversees = policies.oversees(staff, m)
    tasks: dict[int, list] = {}
    for t in services.tasks_for(staff, m):
        tasks.setdefault(t.decision_id, []).append(_task_out(t))
    return {
        "id": m.pk, "convener_code": m.convener.code, "convener_name": m.convener.name, "held_on": m.held_on, "topic": m.topic,
        "place": m.place, "members": [u.code for u in m.members.order_by("code")], "minutes": m.minutes,
        "closed": m.is_closed, "closed_at": m.closed_at,
        "agenda": [{"id": a.pk, "case_number": a.case.number if a.case_id else None, "entry_id": a.entry_id, "note": a.note}
                   for a in m.agenda.select_related("case")] if oversees else None,
        "decisions": [_decision_out(d, tasks.get(d.pk, [])) for d in m.decisions.select_related("competent_unit")
                      if oversees or d.pk in tasks],
    }


def _units(codes: list[str], field: str) -> list[Unit]:
    units = list(Unit.objects.filter(code__in=codes))
    missing = set(codes) - {u.code for u in units}
    if missing:
        raise ValidationFailed(_("单位编码%(c)s不存在") % {"c": "、".join(sorted(missing))}, fields={field: _("不存在")})
    return units


@router.get("", response=list[MeetingOut], summary="联席会议列表")
def list_meetings(request, paging: Query[OffsetParams]):
    staff = request.auth
    return [_meeting_out(staff, m) for m in paging.slice(services.meetings_visible_to(staff))]


class ConveneIn(Schema):
    held_on: dt.date
    topic: str
    place: str = ""
    member_codes: list[str] = []


@router.post("", response={201: MeetingOut}, summary="召集联席会议")
def convene(request, payload: ConveneIn):
    m = services.convene_meeting(actor=request.auth, held_on=payload.held_on, topic=payload.topic, place=payload.place,
                                 members=_units(payload.member_codes, "member_codes"))
    return Status(201, _meeting_out(request.auth, m))


@router.get("/tasks", response=list[TaskOut], summary="本单位承办的会议任务")
def my_tasks(request, paging: Query[OffsetParams], state: str | None = None):
    qs = services.tasks_visible_to(request.auth).filter(unit_id=request.auth.unit_id)
    if state:
        qs = qs.filter(state=state)
    return [_task_out(t) for t in paging.slice(qs)]


@router.get("/{meeting_id}", response=MeetingOut, summary="联席会议详情")
def get_meeting(request, meeting_id: int):
    return _meeting_out(request.auth, services.get_meeting(request.auth, meeting_id))


class MembersIn(Schema):
    member_codes: list[str]


@router.post("/{meeting_id}/members", response=MeetingOut, summary="增加成员单位")
def add_members(request, meeting_id: int, payload: MembersIn):
    m = services.get_meeting(request.auth, meeting_id)
    services.add_members(m, actor=request.auth, units=_units(payload.member_codes, "member_codes"))
    return _meeting_out(request.auth, services.get_meeting(request.auth, meeting_id))


class AgendaIn(Schema):
    case_number: str | None = None
    entry_id: int | None = None
    note: str = ""


@router.post("/{meeting_id}/agenda", response={201: AgendaOut}, summary="列入议程（信访事项或矛盾纠纷）")
def add_agenda(request, meeting_id: int, payload: AgendaIn):
    staff = request.auth
    m = services.get_meeting(staff, meeting_id)
    case = entry = None
    if payload.case_number:
        case = Case.objects.visible_to(staff).filter(number=payload.case_number).first()
        if case is None:
            raise NotFound(_("信访件%(n)s不存在或您无权查看") % {"n": payload.case_number}, fields={"case_number": _("无权或不存在")})
    if payload.entry_id is not None:
        entry = get_entry(staff, payload.entry_id)
    item = services.add_agenda_item(m, actor=staff, case=case, entry=entry, note=payload.note)
    return Status(201, {"id": item.pk, "case_number": case.number if case else None, "entry_id": item.entry_id, "note": item.note})


class MinutesIn(Schema):
    minutes: str


@router.post("/{meeting_id}/minutes", response=MeetingOut, summary="记录会议纪要")
def minutes(request, meeting_id: int, payload: MinutesIn):
    m = services.get_meeting(request.auth, meeting_id)
    services.record_minutes(m, actor=request.auth, minutes=payload.minutes)
    return _meeting_out(request.auth, services.get_meeting(request.auth, meeting_id))


class DecisionIn(Schema):
    text: str
    agenda_item_id: int | None = None
    # For a case whose handling unit is disputed: the unit the meeting names (one of the disputing units).
    competent_unit_code: str | None = None


@router.post("/{meeting_id}/decisions", response={201: DecisionOut}, summary="记录议定事项")
def decide(request, meeting_id: int, payload: DecisionIn):
    m = services.get_meeting(request.auth, meeting_id)
    item = None
    if payload.agenda_item_id is not None:
        item = AgendaItem.objects.filter(meeting=m, pk=payload.agenda_item_id).first()
        if item is None:
            raise ValidationFailed(_("议程事项不存在"), fields={"agenda_item_id": _("不存在")})
    competent = _units([payload.competent_unit_code], "competent_unit_code")[0] if payload.competent_unit_code else None
    d = services.record_decision(m, actor=request.auth, text=payload.text, item=item, competent_unit=competent)
    return Status(201, _decision_out(d, []))


class CloseIn(Schema):
    note: str = ""


@router.post("/{meeting_id}/close", response=MeetingOut, summary="会议闭环（全部任务验收后）")
def close(request, meeting_id: int, payload: CloseIn):
    m = services.get_meeting(request.auth, meeting_id)
    services.close_meeting(m, actor=request.auth, note=payload.note)
    return _meeting_out(request.auth, services.get_meeting(request.auth, meeting_id))


class TaskIn(Schema):
    unit_code: str
    description: str
    days: int | None = None
    due_on: dt.date | None = None


@router.post("/decisions/{decision_id}/tasks", response={201: TaskOut}, summary="交办会议任务")
def assign(request, decision_id: int, payload: TaskIn):
    d = Decision.objects.filter(pk=decision_id, meeting__in=services.meetings_visible_to(request.auth)).first()
    if d is None:
        raise NotFound(_("会议决定不存在，或您无权查看"))
    [unit] = _units([payload.unit_code], "unit_code")
    t = services.assign_task(d, actor=request.auth, unit=unit, description=payload.description, days=payload.days,
                             due_on=payload.due_on)
    return Status(201, _task_out(services.get_task(request.auth, t.pk)))


class DoneIn(Schema):
    result: str


@router.post("/tasks/{task_id}/done", response=TaskOut, summary="报送任务办结（责任单位）")
def report_done(request, task_id: int, payload: DoneIn):
    t = services.get_task(request.auth, task_id)
    services.report_task_done(t, actor=request.auth, result=payload.result)
    return _task_out(services.get_task(request.auth, task_id))


class AcceptIn(Schema):
    accept: bool = True
    note: str = ""


@router.post("/tasks/{task_id}/accept", response=TaskOut, summary="验收或退回任务（召集单位）")
def accept(request, task_id: int, payload: AcceptIn):
    t = services.get_task(request.auth, task_id)
    services.accept_task(t, actor=request.auth, accept=payload.accept, note=payload.note)
    return _task_out(services.get_task(request.auth, task_id))


class SuperviseIn(Schema):
    reason: str


@router.post("/tasks/{task_id}/supervise", response={201: TaskOut}, summary="督办超期任务（督办员）")
def supervise(request, task_id: int, payload: SuperviseIn):
    t = services.get_task(request.auth, task_id)
    services.supervise_task(t, actor=request.auth, reason=payload.reason)
    return Status(201, _task_out(services.get_task(request.auth, task_id)))
