import datetime as dt

import pytest
import time_machine

from minxin.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from minxin.risk import alerts, plans
from minxin.risk.models import AlertAction, AlertKind, AlertState, PlanTask, RiskLevel
from minxin.risk.tests.factories import TZ, domain

NOW = dt.datetime(2026, 5, 6, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def raise_one(city, key="k1", level=RiskLevel.RED, area="east1v", kind=AlertKind.STATISTICAL):
    alert, _ = alerts.raise_alert(dedupe_key=key, kind=kind, level=level, title="东城区房地产信访量异常升高",
                                  area=city.areas[area], domain=domain("房地产"))
    return alert


def test_raising_the_same_key_twice_returns_the_first_alert(city):
    a = raise_one(city)
    b, created = alerts.raise_alert(dedupe_key="k1", kind=AlertKind.MANUAL, level=RiskLevel.BLUE, title="x", area=city.areas["east"])
    assert (b.pk, created) == (a.pk, False)


def test_full_alert_lifecycle_is_recorded(city):
    a = raise_one(city)
    leader, analyst = city.staff["east_leader"], city.staff["city_analyst"]
    alerts.assign_alert(a, actor=analyst, assignee=leader, note="请东城区核实")
    alerts.acknowledge_alert(a, actor=leader)
    alerts.escalate_alert(a, actor=leader, reason="涉及人数多，需市级协调")
    a.refresh_from_db()
    assert a.state == AlertState.ESCALATED and a.escalated_to == city.units["city_bureau"]
    alerts.close_alert(a, actor=analyst, note="已协调开发商分期交房")
    assert list(AlertAction.objects.filter(alert=a).values_list("action", flat=True)) == [
        "raised", "assigned", "acknowledged", "escalated", "closed"]
    with pytest.raises(InvalidTransition, match="已关闭"):
        alerts.acknowledge_alert(a, actor=analyst)


def test_sibling_county_and_plain_handlers_cannot_touch_an_alert(city):
    a = raise_one(city)
    with pytest.raises(PermissionDenied):
        alerts.acknowledge_alert(a, actor=city.staff["east_housing_handler"])
    city.staff["west_registrar"].roles.create(role="reviewer")
    with pytest.raises(PermissionDenied, match="管辖范围"):
        alerts.close_alert(a, actor=city.staff["west_registrar"], note="x")
    a.refresh_from_db()
    assert a.state == AlertState.NEW


def test_closing_needs_a_note(city):
    with pytest.raises(ValidationFailed, match="处置情况"):
        alerts.close_alert(raise_one(city), actor=city.staff["city_analyst"], note=" ")


def make_plan(city, **kw):
    return plans.create_plan(
        actor=city.staff["city_leader"], name="房地产群体性事件应急预案", area=city.areas["city"],
        trigger_kinds=[AlertKind.STATISTICAL, AlertKind.CASE_RISK], min_level=RiskLevel.ORANGE, domain=domain("房地产"),
        roles=[{"role": "现场处置组", "duty": "到场劝导"}], contacts=[{"name": "值班室", "unit": "市信访局", "phone": "0000-12345"}],
        task_templates=[{"title": "2小时内到场了解诉求", "role": "现场处置组", "due_hours": 2}, {"title": "报告市委值班室", "role": "综合组"}],
        **kw,
    )


def test_activating_a_matching_plan_from_an_alert_creates_its_tasks_once(city):
    plan = make_plan(city)
    a = raise_one(city)
    assert plans.matching_plans(a) == [plan]
    act = plans.activate_plan(plan, actor=city.staff["east_leader"], reason="预警升级", alert=a)
    tasks = list(act.tasks.all())
    assert [t.title for t in tasks] == ["2小时内到场了解诉求", "报告市委值班室"]
    assert tasks[0].due_at == NOW + dt.timedelta(hours=2) and tasks[1].due_at is None
    with pytest.raises(Conflict):
        plans.activate_plan(plan, actor=city.staff["east_leader"], reason="再次", alert=a)
    plans.complete_task(tasks[0], actor=city.staff["east1_handler"], note="已到场")
    assert PlanTask.objects.filter(done_at__isnull=False).count() == 1


def test_a_blue_alert_does_not_trigger_an_orange_plan(city):
    plan = make_plan(city)
    a = raise_one(city, key="blue", level=RiskLevel.BLUE)
    assert plans.matching_plans(a) == []
    with pytest.raises(ValidationFailed, match="触发条件"):
        plans.activate_plan(plan, actor=city.staff["city_leader"], reason="试试", alert=a)


def test_plan_without_tasks_is_refused(city):
    with pytest.raises(ValidationFailed, match="至少要有一项任务"):
        plans.create_plan(actor=city.staff["city_leader"], name="空预案", area=city.areas["city"], task_templates=[])


def test_drill_is_recorded_with_rehearsal_tasks(city):
    plan = make_plan(city)
    drill = plans.record_drill(plan, actor=city.staff["city_leader"], held_on=dt.date(2026, 5, 5), scenario="某楼盘业主聚集",
                               participants="市信访局、东城区", findings="联络表需更新")
    assert drill.activation.is_drill and drill.activation.tasks.count() == 2
