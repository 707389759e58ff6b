"""The periodic sweep tells the reporting unit's staff, once, of an overdue 首报, 续报 or 批示反馈."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from minxin.core.errors import PermissionDenied
from minxin.notify.models import Delivery as Outbox
from minxin.org.policies import SYSTEM
from minxin.oversight import sweeps
from minxin.testing import make_case
from minxin.upward import services as svc
from minxin.upward.models import UpwardEvent
from minxin.upward.tests.factories import CONTENTS, reporting_lines

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)  # a Wednesday


@pytest.fixture
def clock_at():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def leader(city):
    reporting_lines(city)
    staff = city.staff["east_leader"]
    staff.user.email = "leader@east.example.cn"
    staff.user.save(update_fields=["email"])
    return staff


def _mark(city, leader):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    return svc.mark_case(case, actor=leader, gravity="both", reason="60余名业主聚集")


def _send(report, leader):
    svc.update_report(report, actor=leader, **CONTENTS)
    svc.submit_report(report, actor=leader)
    svc.approve_report(report, actor=leader)
    svc.send_report(report, actor=leader)
    report.refresh_from_db()
    return report


def _told():
    return list(Outbox.objects.filter(purpose=svc.OVERDUE_PURPOSE).values_list("subject", flat=True))


def test_an_overdue_first_report_is_told_to_the_reporting_unit_once_however_often_the_sweep_runs(city, leader, clock_at):
    matter = _mark(city, leader)
    clock_at.move_to(NOW + dt.timedelta(hours=2, minutes=1))
    assert sweeps.run_sweep("upward_overdue", period="a") == 1
    assert sweeps.run_sweep("upward_overdue", period="b") == 0
    assert _told() == [f"重大紧急信息首报超时：{matter.title}"]
    event = UpwardEvent.objects.get(matter=matter, action="overdue_notified")
    assert (event.actor, event.payload["key"], event.payload["told"]) == (None, f"first:{matter.pk}", 1)


def test_a_first_report_still_within_its_limit_is_not_told(city, leader, clock_at):
    _mark(city, leader)
    clock_at.move_to(NOW + dt.timedelta(hours=1, minutes=59))
    assert svc.notify_overdue(actor=SYSTEM) == 0
    assert _told() == []


def test_a_first_report_sent_late_is_no_longer_told(city, leader, clock_at):
    matter = _mark(city, leader)
    clock_at.move_to(NOW + dt.timedelta(hours=3))
    _send(matter.reports.get(), leader)
    assert svc.notify_overdue(actor=SYSTEM) == 0


def test_a_missing_follow_up_is_told_once_per_report_it_follows(city, leader, clock_at):
    matter = _mark(city, leader)
    first = _send(matter.reports.get(), leader)
    clock_at.move_to(NOW + dt.timedelta(hours=24, minutes=1))
    assert svc.notify_overdue(actor=SYSTEM) == 1
    assert svc.notify_overdue(actor=SYSTEM) == 0
    assert _told() == [f"重大紧急信息续报超时：{matter.title}"]
    assert UpwardEvent.objects.get(action="overdue_notified").payload["key"] == f"follow_up:{first.pk}"


def test_an_unanswered_instruction_past_its_date_is_told_once_and_an_answered_one_never(city, leader, clock_at):
    matter = _mark(city, leader)
    report = _send(matter.reports.get(), leader)
    office = report.deliveries.get(unit__name="东城区委区政府总值班室")
    late = svc.record_instruction(office, actor=leader, leader="区委书记", text="妥善处置", due_on="2026-04-09")
    answered = svc.record_instruction(office, actor=leader, leader="区长", text="做好稳控", due_on="2026-04-09")
    svc.record_feedback(answered, actor=leader, text="已落实")
    clock_at.move_to(dt.datetime(2026, 4, 9, 23, 59, tzinfo=TZ))
    svc.notify_overdue(actor=SYSTEM)
    assert not UpwardEvent.objects.filter(action="overdue_notified", payload__key__startswith="feedback").exists()
    # Past the 批示's own date (its limit ends at 24:00 of the 9th).
    clock_at.move_to(dt.datetime(2026, 4, 10, 0, 1, tzinfo=TZ))
    svc.notify_overdue(actor=SYSTEM)
    svc.notify_overdue(actor=SYSTEM)
    keys = [e.payload["key"] for e in UpwardEvent.objects.filter(action="overdue_notified", payload__key__startswith="feedback")]
    assert keys == [f"feedback:{late.pk}"]
    assert _told().count(f"重大紧急信息批示反馈超时：{matter.title}") == 1


def test_only_the_system_runs_the_overdue_sweep(city, leader, clock_at):
    with pytest.raises(PermissionDenied):
        svc.notify_overdue(actor=leader)
    with pytest.raises(TypeError):
        svc.notify_overdue(actor=None)


def test_the_overdue_sweep_is_scheduled_with_the_others():
    assert sweeps.SWEEPS["upward_overdue"].interval <= 3600
    assert "upward_overdue" in {name for name, _ in sweeps.schedule_due(enqueue=False)}
