"""Matching an item against cases (duplicate index), ledger entries and hotspots; area from place names."""

import datetime as dt

import pytest

from minxin.intake.duplicates.index import index_case
from minxin.opinion import matching, services
from minxin.opinion.models import OpinionMatch
from minxin.opinion.places import infer_area
from minxin.org.policies import SYSTEM
from minxin.risk import ledger
from minxin.risk.hotspots import Topic
from minxin.risk.models import RiskLevel
from minxin.testing import make_case

pytestmark = pytest.mark.django_db

LIFT = "东一社区丽发新城小区3号楼电梯自2月起停运，物业公司拒不维修，80多户居民上下楼困难，要求尽快修复电梯。"
POST = "网友爆料：东一社区丽发新城小区3号楼电梯自2月起停运，物业公司拒不维修，80多户居民上下楼困难，老人只能困在家中。"


def _case(city, text, area="east1v", unit="east_bureau", current="east1_office"):
    case = make_case(city, area=area, registering_unit=unit, current_unit=current)
    case.subject, case.content = "小区电梯停运", text
    case.save(update_fields=["subject", "content"])
    index_case(case)
    return case


def test_place_names_in_the_text_give_the_deepest_area(city):
    assert infer_area("东一社区居民反映噪音扰民")[0] == city.areas["east1v"]
    assert infer_area("东城区东一街道东一社区居民反映噪音")[0] == city.areas["east1v"]
    assert infer_area("东城区多个小区停水")[0] == city.areas["east"]
    area, reason = infer_area("东一社区和东二村都有人反映")
    assert area == city.areas["east"] and "同属东城区" in reason
    assert infer_area("东一社区和西一社区都有人反映")[0] is None  # only the city in common: not a guess worth making
    assert infer_area("某地居民反映噪音扰民") == (None, "")


def test_an_item_matches_the_same_matter_case_with_reasons(city, clock):
    case = _case(city, LIFT)
    _case(city, "西一社区菜市场占道经营，早高峰交通拥堵，居民要求整治。", area="west1v", unit="west_bureau", current="west1_office")
    found = matching.match_cases(POST)
    assert [m["case"].pk for m in found] == [case.pk]
    m = found[0]
    assert m["score"] >= 0.5 and m["reasons"][0] in ("可能同一事项", "相关事项")
    assert any("文字相似度" in r for r in m["reasons"])


def test_an_item_matches_an_open_ledger_entry_of_its_county(city, clock):
    from minxin.cases.models import Domain

    housing = Domain.objects.get(name="房地产")
    near = ledger.create_entry(actor=city.staff["east_leader"], source="grid", domain=housing, area=city.areas["east1v"],
                               summary="丽发新城小区业主与物业公司因电梯维修费用分摊产生纠纷", level=RiskLevel.YELLOW,
                               responsible_unit=city.units["east1_office"])
    ledger.create_entry(actor=city.staff["east_leader"], source="grid", domain=housing, area=city.areas["east2v"],
                        summary="东二村村民与养殖场因粪污排放产生纠纷", level=RiskLevel.BLUE, responsible_unit=city.units["east_bureau"])
    text = "东一社区丽发新城小区业主与物业公司因电梯维修费用问题争执不下，电梯已停运半月。"
    found = matching.match_entries(text, area=city.areas["east1v"], scope=city.areas["east"])
    assert [m["entry"].pk for m in found] == [near.pk]
    assert found[0]["score"] >= matching.ENTRY_FLOOR
    assert any(r.startswith("同一区域") for r in found[0]["reasons"])
    assert any("见于舆情正文" in r for r in found[0]["reasons"])


def test_an_item_matches_a_hotspot_by_keywords_and_title(city):
    lift = Topic(keywords=["电梯", "停运", "物业", "维修"], size=6, heat=8.2, title="小区电梯停运物业不修", places=[("东一社区", 6)],
                 newest=dt.date(2026, 3, 1))
    school = Topic(keywords=["学校", "学位", "划片"], size=4, heat=5.0, title="学区划片调整", newest=dt.date(2026, 3, 1))
    found = matching.match_hotspots(POST, area=city.areas["east1v"], topics=[lift, school])
    assert [m["label"] for m in found] == ["小区电梯停运物业不修"]
    reasons = found[0]["reasons"]
    assert any("热点关键词" in r for r in reasons) and "热点发生地包括东一社区" in reasons


def test_matches_are_stored_and_shown_only_where_the_viewer_may_see_the_case(city, clock):
    west_case = _case(city, LIFT.replace("东一社区", "西一社区"), area="west1v", unit="west_bureau", current="west1_office")
    [outcome] = services.take_in([{"source": "监测", "published_at": "2026-03-01 08:00", "text": POST.replace("东一社区", "西一社区"),
                                   "area_code": city.areas["west1v"].code}], actor=SYSTEM)
    item = outcome.item
    item.refresh_from_db()
    assert item.matched_at is not None
    assert OpinionMatch.objects.filter(item=item, case=west_case).exists()
    assert [m.case_id for m in services.matches_for(city.staff["city_analyst"], item)["case"]] == [west_case.pk]


def test_a_stored_case_match_is_hidden_from_a_viewer_who_may_not_see_the_case(city, clock):
    west_case = make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office")
    [outcome] = services.take_in([{"source": "监测", "published_at": "2026-03-01 08:00", "text": "东一社区居民反映噪音",
                                   "area_code": city.areas["east1v"].code}], actor=SYSTEM, match=False)
    OpinionMatch.objects.create(item=outcome.item, kind="case", case=west_case, score=0.9, reasons=["可能同一事项"])
    assert services.matches_for(city.staff["east_leader"], outcome.item)["case"] == []
    assert [m.case_id for m in services.matches_for(city.staff["city_analyst"], outcome.item)["case"]] == [west_case.pk]


def test_hotspot_matches_are_shown_to_the_receiving_bureau_and_above_only(city, clock):
    [outcome] = services.take_in([{"source": "监测", "published_at": "2026-03-01 08:00", "text": "东一社区居民反映电梯停运",
                                   "area_code": city.areas["east1v"].code}], actor=city.staff["city_registrar"], match=False)
    OpinionMatch.objects.create(item=outcome.item, kind="hotspot", label="小区电梯停运物业不修", score=0.6, reasons=["热点标题的 60% 见于正文"])
    assert [m.label for m in services.matches_for(city.staff["city_analyst"], outcome.item)["hotspot"]] == ["小区电梯停运物业不修"]
    # The east bureau sees the item, but the hotspots were computed over the whole city's cases.
    assert services.matches_for(city.staff["east_leader"], outcome.item)["hotspot"] == []
