import datetime as dt

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minxin.cases.events import A, describe_event, public_text
from minxin.cases.models import CaseEvent
from minxin.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from minxin.meetings import services
from minxin.meetings.models import MeetingEvent, Task, TaskState
from minxin.oversight import sweeps
from minxin.oversight.models import Notice, NoticeKind, Supervision, SupervisionLevel
from minxin.oversight.supervision import escalate_ignored
from minxin.rules.calendar_db import load_working_calendar
from minxin.testing import START

TZ = START.tzinfo


def at(day: dt.date, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def decided(city, meeting, case, days=10):
    leader = city.staff["east_leader"]
    item = services.add_agenda_item(meeting, actor=leader, case=case, note="涉及住建、街道两家，办理单位有争议")
    services.record_minutes(meeting, actor=leader, minutes="会议听取了东一街道的情况汇报，明确由区住建局牵头。")
    decision = services.record_decision(meeting, actor=leader, item=item, text="由区住建局牵头，督促开发商制定交房计划")
    task = services.assign_task(decision, actor=leader, unit=city.units["east_housing"], description="督促开发商提交交房计划",
                                days=days)
    return decision, task


def test_a_case_decided_at_a_meeting_shows_agenda_decision_task_and_acceptance_on_its_timeline(city, meeting, east_case):
    decision, task = decided(city, meeting, east_case)
    services.report_task_done(task, actor=city.staff["east_housing_handler"], result="开发商已提交分期交房计划并公示")
    services.accept_task(task, actor=city.staff["east_leader"])
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED and task.accepted_by == city.staff["east_leader"]
    events = list(CaseEvent.objects.filter(case=east_case).order_by("seq"))
    assert [e.action for e in events] == [A.MEETING_AGENDA, A.MEETING_DECISION, A.MEETING_TASK, A.MEETING_TASK_REPORTED,
                                         A.MEETING_TASK_ACCEPTED]
    assert all(e.from_state == e.to_state == east_case.state for e in events)
    lines = [describe_event(e) for e in events]
    assert "督促开发商制定交房计划" in lines[1] and "东城区住房和城乡建设局" in lines[2] and "开发商已提交" in lines[3] and "开发商已提交" in lines[4]
    # The petitioner learns that a meeting decided, not what units were told or who was late.
    assert [public_text(e) for e in events] == [None, "经信访工作联席会议研究，已明确办理意见", None, None, None]
    actions = list(MeetingEvent.objects.filter(meeting=meeting).values_list("action", flat=True))
    assert actions == ["convene", "add_agenda_item", "record_minutes", "record_decision", "assign_task", "report_task_done",
                       "accept_task"]
    assert MeetingEvent.objects.filter(action="report_task_done", actor=city.staff["east_housing_handler"], task=task).exists()


def test_a_ledger_entry_can_be_on_the_agenda_and_writes_no_case_event(city, meeting, east_entry):
    item = services.add_agenda_item(meeting, actor=city.staff["east_leader"], entry=east_entry)
    assert item.entry == east_entry and CaseEvent.objects.count() == 0
    with pytest.raises(Conflict):
        services.add_agenda_item(meeting, actor=city.staff["east_leader"], entry=east_entry)


def test_only_city_or_county_bureau_leaders_and_supervisors_convene(city, clock):
    for who in ("east_registrar", "east_housing_leader", "east1_handler"):
        with pytest.raises(PermissionDenied):
            services.convene_meeting(actor=city.staff[who], held_on=dt.date(2026, 3, 3), topic="协调")
    m = services.convene_meeting(actor=city.staff["city_supervisor"], held_on=dt.date(2026, 3, 3), topic="全市协调")
    assert m.convener == city.units["city_bureau"]


def test_a_sibling_countys_unit_cannot_be_a_member(city, meeting):
    with pytest.raises(ValidationFailed) as err:
        services.add_members(meeting, actor=city.staff["east_leader"], units=[city.units["west1_office"]])
    assert "西一街道办事处" in err.value.message
    # a city department above the county may join
    services.add_members(meeting, actor=city.staff["east_leader"], units=[city.units["city_housing"]])
    assert meeting.members.filter(pk=city.units["city_housing"].pk).exists()


def test_who_sees_the_meeting_and_which_tasks(city, meeting, east_case):
    decision, task = decided(city, meeting, east_case)
    other = services.assign_task(decision, actor=city.staff["east_leader"], unit=city.units["east1_office"],
                                 description="做好业主解释疏导", days=5)
    seen = {k for k in ("east_leader", "east_registrar", "city_leader", "city_supervisor", "east_housing_handler",
                        "east1_handler", "west_registrar", "east_hr_handler")
            if services.meetings_visible_to(city.staff[k]).filter(pk=meeting.pk).exists()}
    assert seen == {"east_leader", "east_registrar", "city_leader", "city_supervisor", "east_housing_handler", "east1_handler"}
    assert set(services.tasks_for(city.staff["east_housing_handler"], meeting)) == {task}
    assert set(services.tasks_for(city.staff["city_leader"], meeting)) == {task, other}
    with pytest.raises(NotFound):
        services.get_meeting(city.staff["west_registrar"], meeting.pk)


def test_members_and_other_bureaus_cannot_change_the_meeting(city, meeting, east_case):
    for who in ("east_housing_leader", "west_registrar"):
        with pytest.raises(PermissionDenied):
            services.record_minutes(meeting, actor=city.staff[who], minutes="纪要")
    with pytest.raises(PermissionDenied):
        services.add_agenda_item(meeting, actor=city.staff["east_housing_handler"], case=east_case)
    # the higher-level bureau may
    services.record_minutes(meeting, actor=city.staff["city_leader"], minutes="市局列席并指导")
    assert MeetingEvent.objects.filter(action="record_minutes", actor=city.staff["city_leader"]).exists()


def test_only_the_assigned_unit_reports_and_only_the_convener_accepts(city, meeting, east_case):
    _decision, task = decided(city, meeting, east_case)
    with pytest.raises(PermissionDenied):
        services.report_task_done(task, actor=city.staff["east1_handler"], result="已办")
    with pytest.raises(ValidationFailed):
        services.report_task_done(task, actor=city.staff["east_housing_handler"], result="  ")
    with pytest.raises(InvalidTransition):
        services.accept_task(task, actor=city.staff["east_leader"])
    services.report_task_done(task, actor=city.staff["east_housing_handler"], result="已约谈开发商")
    with pytest.raises(PermissionDenied):
        services.accept_task(task, actor=city.staff["east_housing_leader"])
    with pytest.raises(ValidationFailed):
        services.accept_task(task, actor=city.staff["east_leader"], accept=False)
    services.accept_task(task, actor=city.staff["east_leader"], accept=False, note="未见书面交房计划")
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and MeetingEvent.objects.filter(action="return_task").count() == 1


def test_a_refused_step_writes_nothing(city, meeting, east_case):
    before = (MeetingEvent.objects.count(), CaseEvent.objects.count())
    with pytest.raises(PermissionDenied):
        services.add_agenda_item(meeting, actor=city.staff["west_registrar"], case=east_case)
    with pytest.raises(ValidationFailed):
        services.record_decision(meeting, actor=city.staff["east_leader"], text="")
    assert (MeetingEvent.objects.count(), CaseEvent.objects.count()) == before


def test_a_task_needs_one_deadline_within_bounds(city, meeting):
    decision = services.record_decision(meeting, actor=city.staff["east_leader"], text="各单位按职责分工落实")
    unit = city.units["east_housing"]
    for kw in ({}, {"days": 0}, {"days": 500}, {"days": 3, "due_on": dt.date(2026, 3, 20)}, {"due_on": dt.date(2026, 3, 2)}):
        with pytest.raises(ValidationFailed):
            services.assign_task(decision, actor=city.staff["east_leader"], unit=unit, description="落实", **kw)
    t = services.assign_task(decision, actor=city.staff["east_leader"], unit=unit, description="落实", due_on=dt.date(2026, 3, 20))
    assert t.due_on == dt.date(2026, 3, 20) and t.case is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=0, max_value=250), days=st.integers(min_value=1, max_value=services.MAX_TASK_DAYS))
def test_a_task_falls_due_after_exactly_its_working_days(city, offset, days):
    """Counted like the statutory 工作日 clocks: the due day is a working day and exactly `days`
    working days follow the day of assignment up to and including it."""
    start = dt.date(2026, 1, 5) + dt.timedelta(days=offset)
    cal = load_working_calendar()
    with time_machine.travel(at(start), tick=False):
        due = services.task_due_on(start, days)
    assert cal.is_workday(due)
    assert cal.working_days_between(start + dt.timedelta(days=1), due + dt.timedelta(days=1)) == days


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.integers(min_value=1, max_value=20), later=st.integers(min_value=0, max_value=60))
def test_a_task_is_overdue_exactly_when_today_passes_its_due_day_without_a_report(city, days, later):
    task = Task(state=TaskState.ASSIGNED, started_on=START.date(), due_on=START.date())
    with time_machine.travel(START, tick=False):
        task.due_on = services.task_due_on(START.date(), days)
    today = START.date() + dt.timedelta(days=later)
    status = services.task_status(task, today)
    assert (status.key == "overdue") == (today > task.due_on)
    assert status.late == (today > task.due_on)


def test_the_sweep_flags_an_overdue_task_once_and_the_convener_escalates_with_a_supervision(city, meeting, east_case):
    _decision, task = decided(city, meeting, east_case, days=3)
    due = task.due_on
    assert services.flag_overdue_tasks(due) == 0  # due today: not yet late
    with time_machine.travel(at(due), tick=False), pytest.raises(InvalidTransition):
        services.supervise_task(task, actor=city.staff["city_supervisor"], reason="尚未超期就督办")
    day = due + dt.timedelta(days=1)
    with time_machine.travel(at(day), tick=False):
        assert sweeps.run_sweep("meeting_tasks") == 1
        assert sweeps.run_sweep("meeting_tasks", period="again") == 0  # idempotent
        assert services.task_status(Task.objects.get(pk=task.pk)).key == "overdue"
        notices = Notice.objects.filter(case=east_case).values_list("kind", "unit_id")
        assert set(notices) == {(NoticeKind.OVERDUE, city.units["east_housing"].pk),
                                (NoticeKind.SUPERVISION_PROPOSED, city.units["east_bureau"].pk)}
        with pytest.raises(PermissionDenied):
            services.supervise_task(task, actor=city.staff["east_registrar"], reason="逾期未办")
        with pytest.raises(PermissionDenied):  # 督办 is the 督办员's (oversight.policies)
            services.supervise_task(task, actor=city.staff["east_leader"], reason="逾期未办")
        sup = services.supervise_task(task, actor=city.staff["city_supervisor"], reason="联席会议任务逾期未办结")
        with pytest.raises(Conflict):
            services.supervise_task(task, actor=city.staff["city_supervisor"], reason="再次督办")
    assert sup.target_unit == city.units["east_housing"] and Task.objects.get(pk=task.pk).supervision == sup
    assert CaseEvent.objects.filter(case=east_case, action=A.SUPERVISE).exists()
    # The 督办's own sweep escalates it when the unit does not reply in time.
    later = sup.reply_due_on + dt.timedelta(days=1)
    with time_machine.travel(at(later), tick=False):
        assert escalate_ignored(later) == 1
    assert Supervision.objects.get(pk=sup.pk).level == SupervisionLevel.KEY


def test_a_task_reported_late_shows_done_but_late(city, meeting, east_case):
    _decision, task = decided(city, meeting, east_case, days=2)
    with time_machine.travel(at(task.due_on + dt.timedelta(days=3)), tick=False):
        services.report_task_done(task, actor=city.staff["east_housing_handler"], result="已完成")
        task.refresh_from_db()
        status = services.task_status(task)
    assert (status.key, status.late) == ("done", True)


def test_a_matter_outside_the_conveners_area_cannot_go_on_its_agenda(city, meeting):
    from minxin.testing import make_case

    city_case = make_case(city, area="city", registering_unit="city_bureau", current_unit="city_housing")
    with pytest.raises(ValidationFailed) as err:
        services.add_agenda_item(meeting, actor=city.staff["city_leader"], case=city_case)
    assert "不在召集单位东城区信访局的辖区内" in err.value.message
    assert CaseEvent.objects.filter(case=city_case).count() == 0
