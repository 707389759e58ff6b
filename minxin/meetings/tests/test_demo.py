"""The demo city's worked joint meeting (minxin.demo.meetings), built by the demo build."""

import datetime as dt

import pytest
import time_machine

from minxin.cases.events import A
from minxin.cases.models import CaseEvent
from minxin.demo.build import build_demo
from minxin.demo.city import SMALL_CITY
from minxin.meetings.models import Meeting, TaskState

NOW = dt.datetime(2026, 6, 17, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.django_db
def test_the_demo_city_has_a_joint_meeting_with_decisions_tasks_and_an_overdue_task_under_supervision():
    with time_machine.travel(NOW, tick=False):
        result = build_demo(seed=1, cases=150, end_date=NOW.date(), batch_size=500, size=SMALL_CITY, work_year=True)
    assert result.year.counts["joint_meetings"] == 1
    meeting = Meeting.objects.get()
    assert meeting.convener.name == "禾城区信访局" and meeting.minutes
    assert meeting.agenda.filter(case__isnull=False).count() == 2 and meeting.agenda.filter(entry__isnull=False).exists()
    states = sorted(meeting.tasks.values_list("state", flat=True))
    assert states.count(TaskState.ACCEPTED) == 1 and states.count(TaskState.REPORTED) == 1
    late = meeting.tasks.get(supervision__isnull=False)
    assert late.state == TaskState.ASSIGNED and late.due_on < NOW.date() and late.overdue_flagged_due == late.due_on
    assert CaseEvent.objects.filter(case=late.case, action=A.MEETING_DECISION).exists()
    assert CaseEvent.objects.filter(case=late.case, action=A.SUPERVISE).exists()
