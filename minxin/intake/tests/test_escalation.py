import pytest

from minxin.intake.escalation import signals, signals_for_case
from minxin.intake.models import EscalationPhrase


def test_threat_of_self_harm_is_high_and_explained(db):
    result = signals({"content": "再不解决我就从单位楼上跳楼"})
    assert result["level"] == "high" and result["prominent"]
    assert result["categories"][0]["code"] == "self_harm"
    m = result["matches"][0]
    assert m["phrase"] == "跳楼" and m["start"] == "再不解决我就从单位楼上跳楼".index("跳楼")
    assert not result["model"]["used"] and "仅按词库" in result["model"]["note"]


def test_call_to_block_roads_and_gather(db):
    result = signals({"content": "明天组织大家去堵路，拉横幅"})
    assert {c["code"] for c in result["categories"]} == {"blocking", "gathering"}
    assert result["level"] == "high"


def test_wage_arrears_of_one_worker_is_not_a_danger_signal(db):
    assert signals({"content": "公司拖欠工资两个月"})["level"] == "none"


def test_wage_arrears_with_many_workers_is_flagged(db):
    result = signals({"content": "包工头拖欠60名农民工工资，大家的血汗钱没有着落"})
    assert result["workers"] == 60
    assert result["categories"][0]["code"] == "wage_arrears"
    assert result["level"] in ("medium", "high")
    assert any("60 名工人" in r for r in result["reasons"])


def test_lexicon_weight_edit_changes_the_level(db):
    assert signals({"content": "我要去找媒体曝光"})["level"] == "medium"
    EscalationPhrase.objects.filter(phrase__in=["找媒体", "曝光"]).update(weight=2.0)
    assert signals({"content": "我要去找媒体曝光"})["level"] == "high"


@pytest.mark.django_db
def test_signals_for_case_reads_the_case_fields(city):
    from minxin.testing import make_case

    case = make_case(city, area="east1v", registering_unit="east_bureau")
    case.request = "不解决就去北京上访"
    assert signals_for_case(case)["categories"][0]["code"] == "escalate_visit"
