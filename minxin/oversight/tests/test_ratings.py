import datetime as dt

import pytest

from minxin.cases.models import CaseEvent
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.oversight.models import Rating, RatingWindow, RatingWindowState
from minxin.oversight.ratings import expire_rating_windows, open_rating_windows, ratings_by_target, record_rating

pytestmark = pytest.mark.django_db


def _petitioner(case):
    return case.parties.first().petitioner


def test_petitioner_rates_bureau_and_unit_separately_once_each(flow, city):
    case = flow.opinion_case()
    p = _petitioner(case)
    r1 = record_rating(case, target="bureau", score="satisfied", rater_petitioner=p)
    r2 = record_rating(case, target="unit", score="unsatisfied", comment="电梯仍未修好", rater_petitioner=p)
    assert r1.unit == city.units["east_bureau"]
    assert r2.unit == city.units["east_housing"]
    with pytest.raises(ValidationFailed, match="只能评价一次"):
        record_rating(case, target="unit", score="satisfied", rater_petitioner=p)
    assert Rating.objects.filter(case=case).count() == 2
    assert CaseEvent.objects.filter(case=case, action="rate").count() == 2
    agg = ratings_by_target()
    assert agg["bureau"][city.units["east_bureau"].pk]["satisfaction"] == 1.0
    assert agg["unit"][city.units["east_housing"].pk]["satisfaction"] == 0.0


def test_rating_before_the_result_is_delivered_is_refused(flow):
    case = flow.transfer(flow.register())
    with pytest.raises(ValidationFailed, match="暂不能评价"):
        record_rating(case, target="bureau", score="satisfied", rater_petitioner=_petitioner(case))
    assert not RatingWindow.objects.exists()


def test_only_a_petitioner_of_the_case_may_rate(flow):
    case = flow.opinion_case()
    other = flow.register(petitioners=[{"name": "李四", "address": "东一街道2号", "phone": "13800001111"}])
    with pytest.raises(PermissionDenied, match="信访人本人"):
        record_rating(case, target="bureau", score="satisfied", rater_petitioner=_petitioner(other))
    assert not Rating.objects.exists()


def test_rating_after_the_window_closes_is_refused_and_window_expires(flow):
    case = flow.opinion_case()
    flow.advance(days=30)
    record_rating(case, target="bureau", score="basically", rater_petitioner=_petitioner(case))
    flow.advance(days=1)
    with pytest.raises(ValidationFailed, match="评价期限已于2026-04-01届满"):
        record_rating(case, target="unit", score="satisfied", rater_petitioner=_petitioner(case))
    # A window with a rating is not 超期未评价.
    assert expire_rating_windows() == 0
    assert RatingWindow.objects.get(case=case).state == RatingWindowState.RATED


def test_unrated_window_expires_once(flow):
    case = flow.opinion_case()
    assert open_rating_windows() == 1
    assert open_rating_windows() == 0
    flow.advance(days=31)
    assert expire_rating_windows() == 1
    assert expire_rating_windows() == 0
    assert RatingWindow.objects.get(case=case).state == RatingWindowState.EXPIRED
    # The registering bureau is told once, so it can follow up by phone.
    from minxin.oversight.models import Notice

    assert list(Notice.objects.filter(case=case).values_list("kind", "unit__code")) == [("rating_expired", "B-EAST")]


def test_staff_records_phone_rating_of_the_unit_but_not_of_own_bureau(flow, city):
    case = flow.opinion_case()
    registrar = city.staff["east_registrar"]
    r = record_rating(case, target="unit", score="satisfied", channel="phone", actor=registrar)
    assert r.recorded_by == registrar and r.rater_petitioner == _petitioner(case)
    with pytest.raises(PermissionDenied, match="本单位"):
        record_rating(case, target="bureau", score="satisfied", channel="phone", actor=registrar)
    with pytest.raises(PermissionDenied):
        record_rating(case, target="bureau", score="satisfied", channel="phone", actor=city.staff["east_housing_handler"])


def test_suggestion_closed_by_unit_opens_window_on_closing_day(flow, city):
    case = flow.register(category="suggestion")
    case = flow.accept(flow.transfer(case))
    flow.advance(days=5)
    case = flow.close(case)
    record_rating(case, target="unit", score="satisfied", rater_petitioner=_petitioner(case))
    window = RatingWindow.objects.get(case=case)
    assert window.opens_on == dt.date(2026, 3, 7)
    assert window.unit == city.units["east_housing"]


def test_sweep_command_runs_each_due_sweep_once_per_period(flow, capsys):
    from django.core.management import call_command

    from minxin.oversight.models import SweepRun

    flow.opinion_case()
    flow.advance(days=31)
    call_command("sweep", "--once", "--inline")
    out = capsys.readouterr().out
    assert "评价期限开启与超期未评价" in out
    assert RatingWindow.objects.get().state == RatingWindowState.EXPIRED
    runs = SweepRun.objects.count()
    call_command("sweep", "--once", "--inline")
    assert SweepRun.objects.count() == runs and "已执行" not in capsys.readouterr().out


def test_rating_status_tells_the_portal_what_is_left_to_rate(flow):
    from minxin.oversight.ratings import rating_status

    case = flow.transfer(flow.register())
    assert rating_status(case) == {"open": False, "opens_on": None, "due_on": None, "targets": []}
    case = flow.opinion(flow.accept(case))
    record_rating(case, target="bureau", score="satisfied", rater_petitioner=_petitioner(case))
    status = rating_status(case)
    assert status["open"] and status["due_on"] == dt.date(2026, 4, 1)
    assert [(t["target"], t["rated"], t["score"]) for t in status["targets"]] == [("bureau", True, "satisfied"), ("unit", False, None)]
    flow.advance(days=31)
    assert rating_status(case)["open"] is False
