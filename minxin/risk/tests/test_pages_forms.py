import datetime as dt

import pytest
import time_machine

from minxin.risk import alerts, ledger, plans
from minxin.risk.models import (
    AlertKind,
    ContingencyPlan,
    DisputeEntry,
    DisputeStatus,
    Drill,
    PlanActivation,
    PlanTask,
    ResolutionStep,
    RiskEvent,
    RiskLevel,
)
from minxin.risk.tests.factories import TZ, domain
from minxin.testing import PASSWORD

NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def entry_post(city, **over):
    data = {
        "source": "grid", "screened_on": "2026-04-07", "domain": domain("房地产").pk, "area": city.areas["grid1"].pk,
        "parties": "某小区业主与开发商", "people_count": "30", "amount_wan": "120.5", "level": "orange",
        "level_reasons": "业主多次聚集", "responsible_unit": city.units["east1_office"].pk, "responsible_name": "王某",
        "summary": "延期交房引发业主聚集",
    }
    data.update(over)
    return data


def add_entry(city, actor="east_leader"):
    return ledger.create_entry(actor=city.staff[actor], source="grid", domain=domain("房地产"), area=city.areas["grid1"],
                               summary="物业纠纷", level=RiskLevel.YELLOW, responsible_unit=city.units["east1_office"])


def test_entry_form_creates_an_entry_and_shows_it(city, client):
    c = login(client, "east1_handler")
    r = c.post("/risk/ledger/new/", entry_post(city))
    entry = DisputeEntry.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/risk/ledger/{entry.pk}/"
    assert (entry.area, entry.people_count, str(entry.amount_wan), entry.level, entry.responsible_name) == (
        city.areas["grid1"], 30, "120.50", RiskLevel.ORANGE, "王某")
    assert entry.screened_on == dt.date(2026, 4, 7) and entry.created_by == city.staff["east1_handler"]
    html = c.get(r["Location"]).content.decode()
    assert "延期交房引发业主聚集" in html and "东一社区第1网格" in html and "尚无化解措施记录" in html
    assert f'href="/risk/ledger/{entry.pk}/"' in c.get("/risk/ledger/").content.decode()


def test_bad_entry_submission_keeps_input_shows_errors_by_the_fields_and_saves_nothing(city, client):
    c = login(client, "east1_handler")
    r = c.post("/risk/ledger/new/", entry_post(city, level="red", level_reasons="", parties="联系人13912345678"))
    html = r.content.decode()
    assert r.status_code == 200
    assert "红色、橙色风险须写明定级理由" in html and "不得填写身份证号或手机号码" in html
    assert "延期交房引发业主聚集" in html and 'value="王某"' in html
    assert not DisputeEntry.objects.exists() and not RiskEvent.objects.exists()


def test_entry_form_only_offers_areas_inside_the_callers_subtree(city, client):
    c = login(client, "east1_handler")
    html = c.get("/risk/ledger/new/").content.decode()
    assert "东一社区第1网格" in html and "西一街道" not in html and "东二镇" not in html
    r = c.post("/risk/ledger/new/", entry_post(city, area=city.areas["west1"].pk))
    assert r.status_code == 200 and not DisputeEntry.objects.exists()


def test_entry_page_records_a_step_and_then_resolves(city, client):
    entry = add_entry(city)
    c = login(client, "east1_handler")
    url = f"/risk/ledger/{entry.pk}/"
    html = c.post(url, {"action": "status", "status": "resolved", "note": ""}).content.decode()
    assert "尚无化解措施记录，不能标记为已化解" in html
    entry.refresh_from_db()
    assert entry.status == DisputeStatus.HANDLING
    html = c.post(url, {"action": "step", "description": "", "taken_on": ""}).content.decode()
    assert "请填写化解措施" in html or "这个字段是必填项" in html
    assert not ResolutionStep.objects.exists()
    r = c.post(url, {"action": "step", "description": "组织双方调解，达成分期付款协议", "taken_on": "2026-04-08"})
    assert r.status_code == 302
    c.post(url, {"action": "status", "status": "resolved", "note": "协议已履行"})
    entry.refresh_from_db()
    assert entry.status == DisputeStatus.RESOLVED and entry.steps.get().description == "组织双方调解，达成分期付款协议"
    assert "组织双方调解，达成分期付款协议" in c.get(url).content.decode()


def test_sibling_county_gets_404_for_an_entry_and_cannot_add_steps(city, client):
    entry = add_entry(city)
    c = login(client, "west_registrar")
    assert c.get(f"/risk/ledger/{entry.pk}/").status_code == 404
    assert c.post(f"/risk/ledger/{entry.pk}/", {"action": "step", "description": "越权"}).status_code == 404
    assert not ResolutionStep.objects.exists()


def plan_post(**over):
    data = {
        "name": "房地产群体性事件应急预案", "area": None, "trigger_kinds": ["statistical", "ledger"], "min_level": "orange",
        "domain": domain("房地产").pk, "roles": "现场处置组|到场劝导\n综合组｜信息报送",
        "contacts": "值班室|市信访局|0000-12345", "task_templates": "2小时内到场了解诉求|现场处置组|2\n报告市委值班室|综合组",
    }
    data.update(over)
    return data


def test_plan_form_creates_a_plan_from_one_line_per_item(city, client):
    c = login(client, "city_leader")
    r = c.post("/risk/plans/new/", plan_post(area=city.areas["city"].pk))
    plan = ContingencyPlan.objects.get()
    assert r["Location"] == f"/risk/plans/{plan.pk}/"
    assert plan.trigger_kinds == ["statistical", "ledger"] and plan.min_level == RiskLevel.ORANGE
    assert plan.roles == [{"role": "现场处置组", "duty": "到场劝导"}, {"role": "综合组", "duty": "信息报送"}]
    assert plan.contacts == [{"name": "值班室", "unit": "市信访局", "phone": "0000-12345"}]
    assert plan.task_templates == [{"title": "2小时内到场了解诉求", "role": "现场处置组", "due_hours": 2},
                                   {"title": "报告市委值班室", "role": "综合组"}]
    assert "房地产群体性事件应急预案" in c.get("/risk/plans/").content.decode()


def test_bad_plan_submission_keeps_input_and_saves_nothing(city, client):
    c = login(client, "city_leader")
    html = c.post("/risk/plans/new/", plan_post(area=city.areas["city"].pk, task_templates="到场|现场组|两小时")).content.decode()
    assert "第1行的时限须为整数（小时）" in html and "房地产群体性事件应急预案" in html
    html = c.post("/risk/plans/new/", plan_post(area=city.areas["city"].pk, contacts="|市信访局|0000")).content.decode()
    assert "每个联系人须写明姓名" in html
    assert not ContingencyPlan.objects.exists()


def test_plan_activation_with_an_alert_creates_its_tasks_once(city, client):
    c = login(client, "city_leader")
    c.post("/risk/plans/new/", plan_post(area=city.areas["city"].pk))
    plan = ContingencyPlan.objects.get()
    alert, _ = alerts.raise_alert(dedupe_key="t", kind=AlertKind.STATISTICAL, level=RiskLevel.RED, title="东城区房地产信访量异常升高",
                                  area=city.areas["east"], domain=domain("房地产"))
    url = f"/risk/plans/{plan.pk}/"
    assert "东城区房地产信访量异常升高" in c.get(url).content.decode()
    html = c.post(url + "activate/", {"reason": "", "alert": alert.pk}).content.decode()
    assert not PlanActivation.objects.exists() and ("请填写启动理由" in html or "这个字段是必填项" in html)
    r = c.post(url + "activate/", {"reason": "业主聚集", "alert": alert.pk})
    assert r.status_code == 302
    html = c.post(url + "activate/", {"reason": "再次启动", "alert": alert.pk}).content.decode()
    assert "该预警已启动过预案" in html
    activation = PlanActivation.objects.get()
    assert activation.alert == alert and not activation.is_drill
    assert sorted(activation.tasks.values_list("title", flat=True)) == ["2小时内到场了解诉求", "报告市委值班室"]
    assert PlanTask.objects.count() == 2


def test_task_is_completed_from_the_plan_page_once(city, client):
    c = login(client, "city_leader")
    c.post("/risk/plans/new/", plan_post(area=city.areas["city"].pk))
    plan = ContingencyPlan.objects.get()
    c.post(f"/risk/plans/{plan.pk}/activate/", {"reason": "值班研判", "alert": ""})
    task = PlanTask.objects.get(title="报告市委值班室")
    c.post(f"/risk/plans/{plan.pk}/tasks/{task.pk}/done/", {"note": "已电话报告"})
    task.refresh_from_db()
    assert task.done_by == city.staff["city_leader"] and task.note == "已电话报告"
    html = c.post(f"/risk/plans/{plan.pk}/tasks/{task.pk}/done/", {"note": ""}, follow=True).content.decode()
    assert "已完成" in html
    task.refresh_from_db()
    assert task.note == "已电话报告"
    assert PlanTask.objects.filter(done_at__isnull=True).count() == 1


def test_drill_is_recorded_with_rehearsal_tasks_and_a_future_date_is_refused(city, client):
    c = login(client, "city_leader")
    c.post("/risk/plans/new/", plan_post(area=city.areas["city"].pk))
    plan = ContingencyPlan.objects.get()
    url = f"/risk/plans/{plan.pk}/drills/"
    html = c.post(url, {"held_on": "2026-04-09", "scenario": "某楼盘业主聚集", "run_tasks": "on"}).content.decode()
    assert "演练日期不能晚于今天" in html and "某楼盘业主聚集" in html and not Drill.objects.exists()
    c.post(url, {"held_on": "2026-04-07", "scenario": "某楼盘业主聚集", "participants": "市信访局、东城区", "findings": "联络表需更新", "run_tasks": "on"})
    drill = Drill.objects.get()
    assert drill.activation.is_drill and drill.activation.tasks.count() == 2
    html = c.get(f"/risk/plans/{plan.pk}/").content.decode()
    assert "联络表需更新" in html and "【演练】" in html


def test_handler_without_a_plan_role_gets_403(city, client):
    plan = plans.create_plan(actor=city.staff["city_leader"], name="城市预案", area=city.areas["city"],
                             task_templates=[{"title": "到场"}])
    c = login(client, "east_housing_handler")
    assert c.get("/risk/plans/new/").status_code == 403
    assert c.post("/risk/plans/new/", plan_post(area=city.areas["east"].pk)).status_code == 403
    assert c.get(f"/risk/plans/{plan.pk}/").status_code == 200
    assert c.post(f"/risk/plans/{plan.pk}/activate/", {"reason": "试图启动"}).status_code == 403
    assert c.post(f"/risk/plans/{plan.pk}/drills/", {"held_on": "2026-04-07", "scenario": "演练"}).status_code == 403
    assert ContingencyPlan.objects.count() == 1 and not PlanActivation.objects.exists()


def test_sibling_county_gets_404_for_a_county_plan(city, client):
    plan = plans.create_plan(actor=city.staff["east_leader"], name="东城区预案", area=city.areas["east"],
                             task_templates=[{"title": "到场"}])
    c = login(client, "west_registrar")
    assert c.get(f"/risk/plans/{plan.pk}/").status_code == 404
    assert "东城区预案" not in c.get("/risk/plans/").content.decode()


def test_an_entry_form_missing_fields_and_breaking_a_rule_reports_all_in_one_round(city, client):
    c = login(client, "east1_handler")
    r = c.post("/risk/ledger/new/", entry_post(city, domain="", area="", responsible_unit="", summary="", level="red",
                                               level_reasons="", responsible_name="王" * 40))
    html = r.content.decode()
    # Parsing errors (blank selects, an over-long name) and the service's rule (红色须写理由) together.
    assert "红色、橙色风险须写明定级理由" in html and "最多32个字，现有40个字" in html
    assert html.count("这个字段是必填项") >= 3 or html.count("必填") >= 3
    assert 'maxlength="32"' not in html
    assert not DisputeEntry.objects.exists()
