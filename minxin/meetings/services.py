"""联席会议 services: the only writers of meetings, agenda, decisions and tasks.

One function per transition. Each checks the actor through minxin.meetings.policies,
validates, writes, appends a MeetingEvent and — when a case is concerned — puts the
step on the case's timeline through the cases service layer, all in one transaction.

Task deadlines are counted by the rules' working-day calendar (工作日, like the
statutory clocks) and shown with the one status function of minxin.rules.deadlines.
A task left undone past its due day is flagged by the `meeting_tasks` sweep; the
convener then 督办s it through minxin.oversight.supervision, whose own sweep escalates
an unanswered 督办.
"""

import datetime as dt
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.events import A
from minxin.cases.models import Case
from minxin.cases.services import record_case_event
from minxin.core import clock
from minxin.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from minxin.meetings import policies
from minxin.meetings.models import AgendaItem, Decision, Meeting, MeetingEvent, Task, TaskState
from minxin.org.models import Staff, Unit
from minxin.org.policies import SYSTEM, is_system
from minxin.risk.models import DisputeEntry
from minxin.rules.calendar import PeriodUnit
from minxin.rules.deadlines import DeadlineStatus, deadline_status
from minxin.rules.models import DeadlineState

MAX_TASK_DAYS = 120  # working days; a longer task is a plan, not a meeting's follow-up


def _audit(meeting, action: str, *, actor, task=None, **payload) -> MeetingEvent:
    return MeetingEvent.objects.create(meeting=meeting, task=task, at=clock.now(),
                                       actor=None if is_system(actor) else actor, action=action, payload=payload)


def _text(value, field: str, label: str, *, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("请填写%(label)s") % {"label": label}, fields={field: _("必填")})
    if max_length and len(text) > max_length:
        raise ValidationFailed(_("%(label)s最多%(n)d个字") % {"label": label, "n": max_length}, fields={field: _("过长")})
    return text


def _lock(meeting) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    m = Meeting.objects.select_for_update(of=("self",)).select_related("convener__area").filter(pk=pk).first()
    if m is None:
        raise NotFound(_("联席会议不存在"))
    return m


def _check_open(meeting: Meeting) -> None:
    if meeting.closed_at is not None:
        raise InvalidTransition(_("联席会议“%(topic)s”已于%(d)s闭环，不能再变更")
                                % {"topic": meeting.topic, "d": timezone.localdate(meeting.closed_at).isoformat()})


def _case_payload(meeting: Meeting) -> dict:
    return {"meeting": meeting.pk, "convener": meeting.convener.name, "held_on": meeting.held_on.isoformat(),
            "topic": meeting.topic}


# ---------------------------------------------------------------- reads


def meetings_visible_to(staff):
    q = policies.visible_q(staff)
    qs = Meeting.objects.select_related("convener__area")
    return qs.none() if q is None else qs.filter(q)


def get_meeting(staff, pk: int) -> Meeting:
    m = meetings_visible_to(staff).filter(pk=pk).first()
    if m is None:
        raise NotFound(_("未找到编号为%(pk)s的联席会议，或您无权查看") % {"pk": pk})
    return m


def tasks_visible_to(staff):
    q = policies.tasks_visible_q(staff)
    qs = Task.objects.select_related("unit", "meeting__convener__area", "decision", "case", "supervision")
    return qs.none() if q is None else qs.filter(q)


def unit_open_tasks(staff):
    """The tasks given to the staff member's own unit and not yet accepted (the list page's 本单位任务)."""
    return tasks_visible_to(staff).filter(unit_id=staff.unit_id).exclude(state=TaskState.ACCEPTED)


def get_task(staff, pk: int) -> Task:
    t = tasks_visible_to(staff).filter(pk=pk).first()
    if t is None:
        raise NotFound(_("未找到编号为%(pk)s的会议任务，或您无权查看") % {"pk": pk})
    return t


def tasks_for(staff, meeting: Meeting):
    """All of the meeting's tasks for those who oversee it; a member unit only its own."""
    qs = tasks_visible_to(staff).filter(meeting=meeting)
    return qs if policies.oversees(staff, meeting) else qs.filter(unit_id=staff.unit_id)


def task_status(task: Task, today: dt.date | None = None) -> DeadlineStatus:
    """The task's clock, in the words and colours of every other deadline (rules.deadlines)."""
    if task.state == TaskState.ASSIGNED:
        state = DeadlineState.RUNNING
    else:
        done_on = timezone.localdate(task.reported_at)
        state = DeadlineState.MET if done_on <= task.due_on else DeadlineState.MISSED
    return deadline_status(SimpleNamespace(state=state, paused_at=None, due_on=task.due_on, provisional=False), today)


def task_due_on(start: dt.date, days: int) -> dt.date:
    """`days` 工作日 after `start`, by the working-day calendar the statutory clocks use."""
    from minxin.rules.calendar_db import load_working_calendar

    return load_working_calendar().add(start, days, PeriodUnit.WORKING_DAY)


# ---------------------------------------------------------------- transitions


def _units(meeting: Meeting, units) -> list[Unit]:
    out = []
    for unit in units or ():
        if not isinstance(unit, Unit):
            raise ValidationFailed(_("成员单位无效"), fields={"members": _("无效")})
        if not unit.is_active or unit.is_external:
            raise ValidationFailed(_("%(unit)s未启用或不是本系统单位") % {"unit": unit.name}, fields={"members": _("无效")})
        policies.check_member_unit(meeting, unit)
        out.append(unit)
    return out


def convene_meeting(*, actor: Staff, held_on: dt.date, topic: str, members=(), place: str = "") -> Meeting:
    """召集 a joint meeting of the actor's 信访部门 with `members`."""
    policies.check_convene(actor)
    topic = _text(topic, "topic", _("议题"), max_length=200)
    if not isinstance(held_on, dt.date):
        raise ValidationFailed(_("请填写会议日期"), fields={"held_on": _("必填")})
    with transaction.atomic():
        now = clock.now()
        meeting = Meeting.objects.create(convener=actor.unit, held_on=held_on, topic=topic, place=(place or "").strip()[:100],
                                         created_by=actor, created_at=now)
        units = _units(meeting, members)
        meeting.members.add(*[u for u in units if u.pk != actor.unit_id])
        _audit(meeting, "convene", actor=actor, topic=topic, held_on=held_on.isoformat(),
               members=[u.name for u in units])
    return meeting


def add_members(meeting, *, actor: Staff, units) -> Meeting:
    with transaction.atomic():
        m = _lock(meeting)
        policies.check_manage(actor, m, _("增加成员单位"))
        _check_open(m)
        added = [u for u in _units(m, units) if u.pk != m.convener_id and not m.members.filter(pk=u.pk).exists()]
        if not added:
            raise ValidationFailed(_("请选择尚未参会的成员单位"), fields={"members": _("必填")})
        m.members.add(*added)
        _audit(m, "add_members", actor=actor, members=[u.name for u in added])
    return m


def add_agenda_item(meeting, *, actor: Staff, case: Case | None = None, entry: DisputeEntry | None = None,
                    note: str = "") -> AgendaItem:
    """Put a case or a ledger entry on the agenda; a case's timeline shows it."""
    from minxin.risk.policies import may_see_entry

    if (case is None) == (entry is None):
        raise ValidationFailed(_("请选择一件信访事项或一条矛盾纠纷"), fields={"case": _("二选一")})
    with transaction.atomic():
        m = _lock(meeting)
        policies.check_manage(actor, m, _("提请议题"))
        _check_open(m)
        # The matter must lie in the convener's area: then every one of its staff (and the bureaus
        # above) may see it, and the case's timeline can record the meeting's steps.
        area = case.area if case is not None else entry.area
        if not area.path.startswith(m.convener.area.path):
            raise ValidationFailed(_("该事项属%(area)s，不在召集单位%(unit)s的辖区内") % {"area": area.name, "unit": m.convener.name},
                                   fields={"case" if case is not None else "entry": _("辖区外")})
        if case is not None:
            if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
                raise NotFound(_("信访件不存在或不在您的管辖范围内"), fields={"case": _("无权或不存在")})
            if AgendaItem.objects.filter(meeting=m, case=case).exists():
                raise Conflict(_("信访件%(n)s已在本次会议议程中") % {"n": case.number})
        else:
            if not may_see_entry(actor, entry):
                raise NotFound(_("矛盾纠纷不存在或不在您的管辖范围内"), fields={"entry": _("无权或不存在")})
            if AgendaItem.objects.filter(meeting=m, entry=entry).exists():
                raise Conflict(_("该矛盾纠纷已在本次会议议程中"))
        item = AgendaItem.objects.create(meeting=m, case=case, entry=entry, note=(note or "").strip(), added_by=actor,
                                         added_at=clock.now())
        _audit(m, "add_agenda_item", actor=actor, case=case.number if case else None, entry=entry.pk if entry else None)
        if case is not None:
            record_case_event(case, actor=actor, action=A.MEETING_AGENDA, payload={**_case_payload(m), "note": item.note})
    return item


def record_minutes(meeting, *, actor: Staff, minutes: str) -> Meeting:
    minutes = _text(minutes, "minutes", _("会议纪要"))
    with transaction.atomic():
        m = _lock(meeting)
        policies.check_manage(actor, m, _("记录会议纪要"))
        _check_open(m)
        if m.held_on > clock.today():
            raise InvalidTransition(_("会议定于%(d)s召开，召开后才能记录纪要") % {"d": m.held_on.isoformat()})
        Meeting.objects.filter(pk=m.pk).update(minutes=minutes, minutes_at=clock.now())
        m.refresh_from_db()
        _audit(m, "record_minutes", actor=actor, length=len(minutes))
    return m


def record_decision(meeting, *, actor: Staff, text: str, item: AgendaItem | None = None,
                    competent_unit: Unit | None = None) -> Decision:
    """An 议定事项, optionally about one agenda item; on a case's timeline when it is about a case.

    `competent_unit`: for a case whose handling unit is disputed (信访工作条例 第二十四条), the unit
    the meeting names to handle it. When the convener is the dispute's arbiter (the registering
    bureau, for units with no common 上一级) the decision settles the dispute through the cases
    service (transfer to that unit, same checks and clocks as the case page); otherwise the
    decision is recorded as the meeting's recommendation to the arbiter, who settles it."""
    from minxin.cases.models import CaseState, JurisdictionDispute
    from minxin.cases.services import settle_dispute

    text = _text(text, "text", _("议定事项"))
    if competent_unit is not None and not isinstance(competent_unit, Unit):
        raise ValidationFailed(_("确定的受理机关无效"), fields={"competent_unit": _("无效")})
    with transaction.atomic():
        m = _lock(meeting)
        policies.check_manage(actor, m, _("记录会议决定"))
        _check_open(m)
        if m.held_on > clock.today():
            raise InvalidTransition(_("会议定于%(d)s召开，召开后才能记录决定") % {"d": m.held_on.isoformat()})
        if item is not None and item.meeting_id != m.pk:
            raise ValidationFailed(_("该议程事项不属于本次会议"), fields={"item": _("无效")})
        dispute = None
        if competent_unit is not None:
            if item is None or not item.case_id:
                raise ValidationFailed(_("确定受理机关须针对议程中的一件信访事项"), fields={"item": _("请选择信访事项")})
            case = Case.objects.get(pk=item.case_id)
            dispute = (JurisdictionDispute.objects.select_related("arbiter").filter(case_id=case.pk, settled_at__isnull=True)
                       .first())
            if case.state != CaseState.DISPUTED or dispute is None:
                raise InvalidTransition(_("信访件%(n)s当前为“%(s)s”，没有待确定的受理争议")
                                        % {"n": case.number, "s": case.get_state_display()})
            if not dispute.units.filter(pk=competent_unit.pk).exists():
                names = "、".join(dispute.units.order_by("pk").values_list("name", flat=True))
                raise ValidationFailed(_("只能在争议所涉单位（%(units)s）中确定受理机关") % {"units": names},
                                       fields={"competent_unit": _("不在争议单位中")})
        settles = dispute is not None and dispute.arbiter_id == m.convener_id
        if settles:
            from minxin.cases.statemachine import RECORD, find_transition

            try:
                find_transition(A.SETTLE_DISPUTE, case, actor)
            except PermissionDenied:
                raise PermissionDenied(_("据此确定受理机关须由%(unit)s的%(roles)s记录该决定")
                                       % {"unit": dispute.arbiter.name, "roles": policies.roles_label(RECORD)}) from None
        decision = Decision.objects.create(meeting=m, item=item, text=text, competent_unit=competent_unit, settles=settles,
                                           recorded_by=actor, recorded_at=clock.now())
        _audit(m, "record_decision", actor=actor, decision=decision.pk, text=text,
               case=item.case.number if item and item.case_id else None,
               competent_unit=competent_unit.name if competent_unit else None,
               arbiter=dispute.arbiter.name if dispute else None, settles=settles)
        if item is not None and item.case_id:
            extra = {}
            if dispute is not None:
                extra = {"competent_unit": competent_unit.name, "arbiter": dispute.arbiter.name, "settles": settles}
            record_case_event(item.case_id, actor=actor, action=A.MEETING_DECISION,
                              payload={**_case_payload(m), "decision": decision.pk, "text": text, **extra})
        if settles:
            # The one settle-dispute transition of the cases app: it checks the actor may act for the
            # arbiter, refuses an accused unit, transfers the case and starts its clocks.
            settle_dispute(item.case_id, actor=actor, unit=competent_unit,
                           note=_("联席会议（%(d)s）议定：%(text)s") % {"d": m.held_on.isoformat(), "text": text})
    return decision


def assign_task(decision: Decision, *, actor: Staff, unit: Unit, description: str, days: int | None = None,
                due_on: dt.date | None = None) -> Task:
    """Give `unit` a task of the decision, due `days` 工作日 from today or on `due_on`.

    The unit joins the meeting's members (it must be able to see the meeting to report)."""
    description = _text(description, "description", _("任务内容"))
    if not isinstance(unit, Unit):
        raise ValidationFailed(_("请选择责任单位"), fields={"unit": _("必填")})
    today = clock.today()
    if (days is None) == (due_on is None):
        raise ValidationFailed(_("请填写办理期限（工作日数）或办结日期，二选一"), fields={"days": _("二选一")})
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_TASK_DAYS:
            raise ValidationFailed(_("办理期限应为1至%(n)d个工作日") % {"n": MAX_TASK_DAYS}, fields={"days": _("超出范围")})
        due = task_due_on(today, days)
    else:
        if due_on <= today:
            raise ValidationFailed(_("办结日期应晚于今天（%(d)s）") % {"d": today.isoformat()}, fields={"due_on": _("不晚于今天")})
        due = due_on
    with transaction.atomic():
        m = _lock(decision.meeting_id)
        policies.check_manage(actor, m, _("交办会议任务"))
        _check_open(m)
        [unit] = _units(m, [unit])
        if unit.pk == m.convener_id:
            raise ValidationFailed(_("任务应交由成员单位办理，不能交给召集单位本身"), fields={"unit": _("召集单位")})
        case_id = decision.item.case_id if decision.item_id else None
        task = Task.objects.create(decision=decision, meeting=m, unit=unit, case_id=case_id, description=description,
                                   started_on=today, due_on=due, assigned_by=actor, assigned_at=clock.now())
        m.members.add(unit)
        _audit(m, "assign_task", actor=actor, task=task, unit=unit.name, due_on=due.isoformat(), days=days)
        if case_id:
            record_case_event(case_id, actor=actor, action=A.MEETING_TASK, payload={
                **_case_payload(m), "task": description, "task_unit": unit.name, "due_on": due.isoformat()})
    return task


def _lock_task(task) -> Task:
    pk = task.pk if isinstance(task, Task) else task
    t = Task.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if t is None:
        raise NotFound(_("会议任务不存在"))
    return Task.objects.select_related("unit", "meeting__convener__area", "case").get(pk=t.pk)


def report_task_done(task, *, actor: Staff, result: str) -> Task:
    """The assigned unit reports the task done, with its result; it waits for the convener."""
    result = _text(result, "result", _("办理结果"))
    with transaction.atomic():
        t = _lock_task(task)
        policies.check_report(actor, t)
        if t.state != TaskState.ASSIGNED:
            raise InvalidTransition(_("该任务当前为“%(s)s”，不能再报送办结") % {"s": t.get_state_display()})
        now = clock.now()
        late = clock.today() > t.due_on
        Task.objects.filter(pk=t.pk).update(state=TaskState.REPORTED, result=result, reported_at=now, reported_by=actor)
        t.refresh_from_db()
        _audit(t.meeting, "report_task_done", actor=actor, task=t, late=late)
        if t.case_id:
            payload = {**_case_payload(t.meeting), "task": t.description, "task_unit": t.unit.name, "result": result,
                       "late": late}
            if Case.objects.visible_to(actor).filter(pk=t.case_id).exists():
                recorder = actor
            else:
                # A member unit need not be able to open the case (属地管理); the meeting records its
                # report on the case for it, naming the unit and the person who reported.
                recorder = SYSTEM
                payload.update(unit=t.unit.name, reporter=actor.display_name)
            record_case_event(t.case_id, actor=recorder, action=A.MEETING_TASK_REPORTED, payload=payload)
    return t


def accept_task(task, *, actor: Staff, accept: bool = True, note: str = "") -> Task:
    """The convener accepts the reported result (验收, closes the task) or sends it back with reasons."""
    note = (note or "").strip()
    with transaction.atomic():
        t = _lock_task(task)
        policies.check_manage(actor, t.meeting, _("验收会议任务"), roles=policies.ACCEPT_ROLES)
        if t.state != TaskState.REPORTED:
            raise InvalidTransition(_("该任务当前为“%(s)s”，没有待验收的办理结果") % {"s": t.get_state_display()})
        if not accept and not note:
            raise ValidationFailed(_("退回须说明理由"), fields={"note": _("必填")})
        now = clock.now()
        late = timezone.localdate(t.reported_at) > t.due_on
        if accept:
            Task.objects.filter(pk=t.pk).update(state=TaskState.ACCEPTED, accepted_at=now, accepted_by=actor)
        else:
            # Back to the unit with its original due day: a late redo stays late.
            Task.objects.filter(pk=t.pk).update(state=TaskState.ASSIGNED, reported_at=None, reported_by=None)
        t.refresh_from_db()
        _audit(t.meeting, "accept_task" if accept else "return_task", actor=actor, task=t, note=note, late=late)
        if accept and t.case_id:
            record_case_event(t.case_id, actor=actor, action=A.MEETING_TASK_ACCEPTED, payload={
                **_case_payload(t.meeting), "task_unit": t.unit.name, "result": t.result, "late": late, "note": note})
    return t


def close_meeting(meeting, *, actor: Staff, note: str = "") -> Meeting:
    """会议闭环: the convener closes the meeting once every task it gave is accepted (验收).

    Refused, naming the open tasks, while any task is still with its unit or awaiting acceptance;
    a closed meeting takes no further members, agenda items, minutes, decisions or tasks."""
    note = (note or "").strip()
    with transaction.atomic():
        m = _lock(meeting)
        policies.check_manage(actor, m, _("会议闭环"), roles=policies.ACCEPT_ROLES)
        _check_open(m)
        if m.minutes_at is None and not m.decisions.exists():
            raise InvalidTransition(_("会议尚无纪要和决定，不能闭环"))
        open_tasks = list(Task.objects.filter(meeting=m).exclude(state=TaskState.ACCEPTED).select_related("unit")
                          .order_by("due_on", "pk"))
        if open_tasks:
            listed = "；".join(_("%(unit)s“%(task)s”（%(state)s）") % {
                "unit": t.unit.name, "task": t.description[:30], "state": t.get_state_display()} for t in open_tasks)
            raise InvalidTransition(_("尚有%(n)d项任务未验收，不能闭环：%(tasks)s") % {"n": len(open_tasks), "tasks": listed})
        Meeting.objects.filter(pk=m.pk).update(closed_at=clock.now(), closed_by=actor)
        m.refresh_from_db()
        _audit(m, "close_meeting", actor=actor, note=note, tasks=Task.objects.filter(meeting=m).count())
    return m


def supervise_task(task, *, actor: Staff, reason: str):
    """督办 an overdue task through the 督办 machinery (oversight.supervision) on the task's case.

    Needs a case (督办单 are about cases): a task about a ledger entry alone is followed up
    on the meeting page. The 督办's own sweep escalates it when the unit does not reply."""
    from minxin.oversight.models import SupervisionGround
    from minxin.oversight.supervision import issue_supervision

    reason = _text(reason, "reason", _("督办说明"))
    with transaction.atomic():
        t = _lock_task(task)
        policies.check_manage(actor, t.meeting, _("督办会议任务"), roles=policies.SUPERVISE_ROLES)
        if t.state != TaskState.ASSIGNED:
            raise InvalidTransition(_("该任务当前为“%(s)s”，无需督办") % {"s": t.get_state_display()})
        if clock.today() <= t.due_on:
            raise InvalidTransition(_("任务办结期限为%(d)s，尚未超期") % {"d": t.due_on.isoformat()})
        if t.case_id is None:
            raise InvalidTransition(_("该任务未关联信访事项，不能发出督办单；请在会议页面跟踪"))
        if t.supervision_id is not None and t.supervision.state != "closed":
            raise Conflict(_("该任务已在督办中（%(level)s）") % {"level": t.supervision.get_level_display()})
        sup = issue_supervision(t.case, actor=actor, ground=SupervisionGround.DELAY, target_unit=t.unit, reason=reason,
                                requirements=_("联席会议（%(date)s）交办任务：%(task)s，办结期限%(due)s")
                                % {"date": t.meeting.held_on.isoformat(), "task": t.description, "due": t.due_on.isoformat()})
        Task.objects.filter(pk=t.pk).update(supervision=sup)
        t.refresh_from_db()
        _audit(t.meeting, "supervise_task", actor=actor, task=t, supervision=sup.pk, reason=reason)
    return sup


# ---------------------------------------------------------------- the sweep


def flag_overdue_tasks(today: dt.date | None = None, *, after_each=None) -> int:
    """Sweep: each task past its due day without a report is flagged once per due day — an audit
    line, an 超期 notice to the unit and a 督办建议-style notice to the convener (on the task's
    case, the oversight outbox being about cases). Idempotent: the conditional UPDATE on
    `overdue_flagged_due` lets one run (or one worker) flag a task once."""
    from minxin.oversight.models import Notice, NoticeKind

    today = today or clock.today()
    done = 0
    qs = Task.objects.filter(state=TaskState.ASSIGNED, due_on__lt=today).exclude(overdue_flagged_due=F("due_on"))
    for pk in qs.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            t = Task.objects.select_related("unit", "meeting__convener", "case").get(pk=pk)
            if Task.objects.filter(pk=pk, state=TaskState.ASSIGNED).exclude(overdue_flagged_due=t.due_on).update(
                    overdue_flagged_due=t.due_on) != 1:
                continue  # another worker flagged it, or it was reported meanwhile
            _audit(t.meeting, "task_overdue", actor=SYSTEM, task=t, due_on=t.due_on.isoformat())
            if t.case_id:
                facts = {"number": t.case.number, "date": t.meeting.held_on.isoformat(), "task": t.description,
                         "due": t.due_on.isoformat(), "unit": t.unit.name}
                for kind, unit_id, text in (
                    (NoticeKind.OVERDUE, t.unit_id, _("联席会议（%(date)s）交办的任务“%(task)s”（信访件%(number)s）已于%(due)s届满仍未办结") % facts),
                    (NoticeKind.SUPERVISION_PROPOSED, t.meeting.convener_id, _("%(unit)s承办的联席会议任务“%(task)s”（信访件%(number)s）超期，建议督办") % facts),
                ):
                    try:
                        with transaction.atomic():
                            Notice.objects.create(kind=kind, case_id=t.case_id, unit_id=unit_id, period=f"mtask:{t.pk}:{t.due_on}",
                                                  text=text, payload={"meeting_task": t.pk, "due_on": t.due_on.isoformat()},
                                                  created_at=clock.now())
                    except IntegrityError:
                        pass
        done += 1
        if after_each:
            after_each()
    return done


def sweep(today=None, after_each=None) -> int:
    return flag_overdue_tasks(today, after_each=after_each)


__all__ = [
    "accept_task", "add_agenda_item", "add_members", "assign_task", "close_meeting", "convene_meeting", "flag_overdue_tasks",
    "get_meeting", "get_task", "meetings_visible_to", "record_decision", "record_minutes", "report_task_done", "supervise_task",
    "task_status", "tasks_for", "tasks_visible_to",
]
