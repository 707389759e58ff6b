import datetime as dt

import pytest
import time_machine

from minxin.org.policies import SYSTEM
from minxin.risk import signals
from minxin.risk.models import Alert, AlertKind, RiskLevel, RiskScoringConfig, SensitiveDate
from minxin.risk.tests.factories import TZ, bulk_cases, link, petitioner

NOW = dt.datetime(2026, 7, 15, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def one(city, *, area="east1v", unit="east_bureau", day=dt.date(2026, 7, 10), **fields):
    case = bulk_cases(city, area=area, unit=unit, per_day={day: 1})[0]
    for k, v in fields.items():
        setattr(case, k, v)
    case.save()
    return case


def codes(score):
    return {r.code for r in score.reasons}


def test_plain_recent_case_scores_low(city):
    s = signals.score_case(one(city))
    assert s.score == 0 and s.level == RiskLevel.BLUE and s.reasons == []


def test_collective_case_with_many_people_scores_both_reasons(city):
    s = signals.score_case(one(city, is_collective=True, people_count=60))
    assert codes(s) == {"collective", "many_people"}
    assert s.score == 20 + 2 * 10  # 60 ≥ 10 × 5 people doubles the weight


def test_registering_at_the_city_bureau_for_a_county_matter_is_leapfrog(city):
    assert "leapfrog" in codes(signals.score_case(one(city, unit="city_bureau")))
    assert "leapfrog" not in codes(signals.score_case(one(city, unit="east_bureau")))


def test_same_petitioner_by_id_hash_counts_as_repeat(city):
    first, second = one(city), one(city)
    # The same person registered twice (two Petitioner rows, one ID number).
    link(first, petitioner())
    link(second, petitioner())
    s = signals.score_case(second)
    assert "repeat" in codes(s) and "另有1件" in next(r.detail for r in s.reasons if r.code == "repeat")
    ps = signals.score_petitioner(second.parties.get().petitioner, staff=SYSTEM)
    assert "共2件" in next(r.detail for r in ps.reasons if r.code == "repeat")


def test_text_cues_amount_and_long_open(city):
    case = one(city, day=dt.date(2026, 1, 5), content="拖欠工程款300万元，80多名工人讨薪！！")
    s = signals.score_case(case)
    assert {"large_amount", "escalation_text", "long_open"} <= codes(s)


def test_sensitive_dates_are_configuration(city):
    case = one(city, day=dt.date(2026, 7, 10))
    assert "sensitive_date" not in codes(signals.score_case(case))
    SensitiveDate.objects.create(name="某纪念日", start=dt.date(2026, 7, 12), end=dt.date(2026, 7, 12), lead_days=3)
    assert "sensitive_date" in codes(signals.score_case(case))
    # Recurring rows (seeded 国庆) match in any year.
    autumn = one(city, day=dt.date(2025, 9, 28))
    assert "sensitive_date" in codes(signals.score_case(autumn))


def test_weights_are_configurable(city):
    cfg = RiskScoringConfig.objects.get(pk=1)
    cfg.weights = {"collective": 55}
    cfg.save()
    assert signals.score_case(one(city, is_collective=True)).score == 55


def test_high_risk_case_goes_to_the_inbox_once_per_level(city):
    cfg = RiskScoringConfig.objects.get(pk=1)
    cfg.weights = {"collective": 70}
    cfg.save()
    case = one(city, is_collective=True, category="accusation", subject="举报某科长受贿")
    one(city)
    assert signals.score_open_cases() == {"scored": 2, "raised": 1}
    assert signals.score_open_cases()["raised"] == 0
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.CASE_RISK and alert.case == case and alert.level == RiskLevel.ORANGE
    assert "受贿" not in alert.title  # accusations never show their subject
    assert alert.reasons[0]["code"] == "collective"


def test_score_and_hotspot_commands(city, capsys):
    from django.core.management import call_command

    one(city, is_collective=True)
    call_command("risk", "score")
    assert "scored=1" in capsys.readouterr().out
    bulk_cases(city, area="grid1", per_day={dt.date(2026, 7, 12): 4}, subject="讨薪", content="工地拖欠农民工工资")
    call_command("risk", "hotspots", "--days", "30")
    assert "n=4" in capsys.readouterr().out
