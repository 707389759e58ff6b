"""Matters near a decision are found by area (the decision's and below) and domain, grouped,
ranked and counted, and kept as a snapshot when the assessment is concluded."""

import datetime as dt

import pytest
import time_machine

from minxin.cases.models import Domain
from minxin.risk import ledger
from minxin.risk.models import RiskLevel
from minxin.risk.tests.factories import bulk_cases
from minxin.stability import selectors, services
from minxin.stability.tests.helpers import GROUPS, NOW, TODAY, register


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def day(n):
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def neighbourhood(city):
    # Inside: 东一社区 (below 东一街道), 房地产 — two distinct matters.
    bulk_cases(city, area="east1v", per_day={day(10): 6, day(40): 3}, subject="幸福里小区拆迁补偿标准过低",
               content="幸福里小区拆迁补偿标准过低，每平方米补偿不足市场价一半，要求提高拆迁补偿")
    bulk_cases(city, area="grid1", per_day={day(20): 2}, subject="锦绣花园物业费上涨",
               content="锦绣花园物业公司擅自上涨物业费，业主要求公开收费依据")
    # Outside: a sibling township, another domain, an accusation, older than a year.
    bulk_cases(city, area="east2v", per_day={day(10): 5}, subject="幸福里小区拆迁补偿标准过低", content="拆迁补偿过低")
    bulk_cases(city, area="east1v", per_day={day(10): 4}, domain_name="劳动关系", subject="拖欠工资", content="工地拖欠工资")
    bulk_cases(city, area="east1v", per_day={day(10): 2}, category="accusation", subject="举报征收办工作人员", content="收受好处")
    bulk_cases(city, area="east1v", per_day={day(400): 7}, subject="幸福里小区拆迁补偿标准过低", content="拆迁补偿过低")
    ledger.create_entry(actor=city.staff["east_leader"], source="grid", domain=Domain.objects.get(name="房地产"), area=city.areas["east1v"],
                        summary="幸福里小区拆迁补偿标准过低，住户要求提高拆迁补偿", level=RiskLevel.ORANGE,
                        level_reasons="人数多", responsible_unit=city.units["east_housing"], people_count=30, screened_on=day(5))
    ledger.create_entry(actor=city.staff["east_leader"], source="grid", domain=Domain.objects.get(name="房地产"), area=city.areas["east2v"],
                        summary="东二村宅基地纠纷", level=RiskLevel.YELLOW, responsible_unit=city.units["east_housing"])


def test_cases_and_entries_of_the_area_and_domain_are_counted(city, neighbourhood):
    d = register(city)
    n = selectors.nearby_matters(d, staff=city.staff["east_leader"])
    assert n["cases"]["total"] == 11 and n["cases"]["people"] == 11
    assert n["entries"]["total"] == 1 and n["entries"]["by_level"]["orange"] == 1 and n["entries"]["active"] == 1


def test_matters_are_grouped_and_ranked_with_their_counts(city, neighbourhood):
    d = register(city)
    matters = selectors.nearby_matters(d, staff=city.staff["east_leader"])["matters"]
    top = matters[0]
    assert "拆迁补偿" in top["title"]
    assert (top["cases"], top["entries"], top["people"]) == (9, 1, 39)
    fee = next(m for m in matters if "物业费" in m["title"])
    assert (fee["cases"], fee["entries"]) == (2, 0)
    assert sum(m["cases"] for m in matters) == 11
    assert top["examples"][0]["number"].startswith("R")


def test_what_the_viewer_may_not_see_is_not_found_for_them(city, neighbourhood):
    d = register(city)
    # 东城区人社局's handler sees no 房地产 case and no entry of 住建局.
    n = selectors.nearby_matters(d, staff=city.staff["east_hr_handler"])
    assert n["cases"]["total"] == 0 and n["entries"]["total"] == 0 and n["matters"] == []


def test_the_snapshot_is_kept_at_conclusion_and_later_cases_do_not_change_it(city, neighbourhood):
    d = register(city)
    services.start_assessment(d, actor=city.staff["east_leader"])
    services.conclude_assessment(d, actor=city.staff["east_leader"], conclusion="postpone", level="red", affected_groups=GROUPS,
                                 level_reasons="近期多次集体访", measures="暂缓推进，先行公开补偿方案")
    bulk_cases(city, area="east1v", per_day={day(1): 5}, subject="幸福里小区拆迁补偿标准过低", content="拆迁补偿过低")
    d.refresh_from_db()
    assert d.assessment.nearby_snapshot["cases"]["total"] == 11
    assert selectors.nearby_matters(d, staff=city.staff["east_leader"])["cases"]["total"] == 16
