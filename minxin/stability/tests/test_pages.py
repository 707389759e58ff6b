"""The 稳评 pages: register, assess, conclude (errors shown in Chinese beside the field), approve,
the nearby-matters and follow-up fragments, and scoping."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from minxin.cases.models import Domain
from minxin.risk.tests.factories import bulk_cases
from minxin.stability import services
from minxin.stability.models import Decision, DecisionState, StabilityEvent
from minxin.stability.tests.helpers import NOW, TODAY, concluded


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def login(city, who):
    c = Client()
    c.force_login(city.staff[who].user)
    return c


def test_register_start_conclude_and_approve_through_the_pages(city):
    c = login(city, "east_leader")
    assert "决策稳评" in c.get("/").content.decode()
    r = c.post("/stability/new/", {"title": "东一街道老旧片区房屋征收", "kind": "demolition", "area": city.areas["east1"].pk,
                                   "domain": Domain.objects.get(name="房地产").pk, "responsible_unit": city.units["east_housing"].pk,
                                   "planned_on": "2026-06-01", "description": "约320户"})
    d = Decision.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/stability/{d.pk}/"
    c.post(f"/stability/{d.pk}/start/")
    # 红 risk with 可实施: refused, the input kept, the reason beside the conclusion.
    form = {"affected_groups": "被征收户：320", "level": "red", "level_reasons": "多次集体访", "measures": "暂缓推进", "conclusion": "proceed"}
    r = c.post(f"/stability/{d.pk}/conclude/", form)
    page = r.content.decode()
    assert r.status_code == 200 and "红风险不能作出“可实施”的结论" in page and "多次集体访" in page
    d.refresh_from_db()
    assert d.state == DecisionState.ASSESSING
    r = c.post(f"/stability/{d.pk}/conclude/", form | {"conclusion": "postpone"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state == DecisionState.SUBMITTED
    # The one who concluded is not offered 审定; another leader is.
    assert "审定通过" not in c.get(f"/stability/{d.pk}/").content.decode()
    leader = login(city, "city_leader")
    assert "审定通过" in leader.get(f"/stability/{d.pk}/").content.decode()
    assert leader.post(f"/stability/{d.pk}/approve/", {"note": "同意暂缓"}).status_code == 302
    d.refresh_from_db()
    assert d.state == DecisionState.APPROVED and d.assessment.conclusion == "postpone"
    assert StabilityEvent.objects.filter(decision=d).count() == 4


def test_saving_findings_keeps_state_and_shows_them(city):
    c = login(city, "east_housing_handler")
    d = concluded(city, actor="east_housing_handler")
    services.return_assessment(d, actor=city.staff["east_housing_leader"], note="补充商户情况")
    r = c.post(f"/stability/{d.pk}/findings/", {"affected_groups": "被征收户：320\n周边商户：45", "findings": "补充走访商户45户"})
    assert r.status_code == 302
    page = c.get(f"/stability/{d.pk}/").content.decode()
    assert "周边商户 45" in page and "补充走访商户45户" in page and "补充商户情况" in page


def test_the_nearby_fragment_lists_matters_with_counts(city):
    bulk_cases(city, area="east1v", per_day={TODAY - dt.timedelta(days=9): 4}, subject="幸福里小区拆迁补偿过低", content="拆迁补偿过低")
    d = concluded(city)
    page = login(city, "east_leader").get(f"/stability/{d.pk}/nearby/").content.decode()
    assert "评估结论提出时的快照" in page and "幸福里小区拆迁补偿过低" in page and "4 件" in page


def test_the_follow_up_fragment_carries_the_chart_data(city):
    d = concluded(city, planned_on=TODAY - dt.timedelta(days=30))
    services.approve_assessment(d, actor=city.staff["city_leader"])
    c = login(city, "east_leader")
    assert 'id="follow-up"' in c.get(f"/stability/{d.pk}/").content.decode()
    page = c.get(f"/stability/{d.pk}/series/").content.decode()
    assert 'id="follow-chart-data"' in page and '"pivot"' in page and "决策前" in page


def test_pages_are_scoped_and_role_checked(city):
    d = concluded(city)
    assert login(city, "west_registrar").get(f"/stability/{d.pk}/").status_code == 404
    assert login(city, "east_hr_handler").get(f"/stability/{d.pk}/nearby/").status_code == 404
    assert login(city, "city_admin").get("/stability/new/").status_code == 403
    # A registrar sees it but may not 审定: 403, nothing written.
    before = StabilityEvent.objects.count()
    assert login(city, "east_registrar").post(f"/stability/{d.pk}/approve/", {"note": ""}).status_code == 403
    assert StabilityEvent.objects.count() == before
    assert "东一街道老旧片区房屋征收项目" not in login(city, "west_registrar").get("/stability/").content.decode()
