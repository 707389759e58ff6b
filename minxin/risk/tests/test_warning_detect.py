import datetime as dt

import numpy as np
import pytest

from minxin.core.errors import ValidationFailed
from minxin.risk.warning import WarningInputError, aggregate_daily_to_weekly, detect

from ._series import poisson_weeks, weekly_dates


def test_a_short_series_is_judged_by_ears_c2():
    y = poisson_weeks(np.full(40, 8.0), seed=2)
    y[-1] = 30
    points = detect(y, weekly_dates(40))

    assert [p.method for p in points[:9]] == ["none"] * 9
    assert "历史数据不足" in points[0].explanation
    assert {p.method for p in points[9:]} == {"C2"}
    last = points[-1]
    assert last.alarm
    assert f"本周观测 30 件，预期 {last.expected:.1f} 件" in last.explanation
    assert "EARS C2" in last.explanation


def test_auto_switches_to_farrington_once_three_years_lie_behind():
    n = 4 * 52
    points = detect(poisson_weeks(np.full(n, 8.0), seed=4), weekly_dates(n))
    first_farrington = next(i for i, p in enumerate(points) if p.method == "farrington")

    assert {p.method for p in points[first_farrington:]} == {"farrington"}
    assert {p.method for p in points[9:first_farrington]} == {"C2"}
    assert 3 * 52 <= first_farrington <= 3 * 52 + 5


def test_method_can_be_forced_and_short_method_chosen():
    n = 4 * 52
    y = poisson_weeks(np.full(n, 8.0), seed=4)
    assert {p.method for p in detect(y, weekly_dates(n), method="C1")[7:]} == {"C1"}
    assert {p.method for p in detect(y, weekly_dates(n), short_method="C3")[11:100]} == {"C3"}
    forced = detect(y, weekly_dates(n), method="farrington")
    assert {p.method for p in forced} == {"none"}  # b=5 years are not there yet


def test_a_daily_series_with_little_history_is_judged_day_by_day():
    start = dt.date(2026, 1, 1)
    y = poisson_weeks(np.full(60, 3.0), seed=9)
    y[-1] = 25
    points = detect(y, [start + dt.timedelta(days=i) for i in range(60)])

    assert len(points) == 60
    assert points[-1].period == "day" and points[-1].method == "C2"
    assert points[-1].alarm
    assert points[-1].explanation.startswith("当日观测 25 件")


def test_a_long_daily_series_is_summed_into_weeks_for_farrington():
    start = dt.date(2020, 1, 1)  # a Wednesday: the partial first week is dropped
    n = 4 * 366 + 40
    days = [start + dt.timedelta(days=i) for i in range(n)]
    y = poisson_weeks(np.full(n, 2.0), seed=6)
    points = detect(y, days, only_last=3)

    assert all(p.period == "week" and p.date.weekday() == 0 for p in points)
    assert points[-1].method == "farrington"
    weekly, mondays = aggregate_daily_to_weekly(y, days)
    assert mondays[0] == dt.date(2020, 1, 6)
    assert weekly[0] == y[5:12].sum()
    assert points[-1].observed == weekly[-1]


def test_negative_counts_are_refused_with_the_position():
    with pytest.raises(WarningInputError, match="第 3 期的计数为负数") as exc:
        detect([1, 2, -1, 4], weekly_dates(4))
    assert isinstance(exc.value, ValueError)
    assert isinstance(exc.value, ValidationFailed)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="计数 5 个，日期 4 个"):
        detect([1, 2, 3, 4, 5], weekly_dates(4))


def test_gaps_in_the_dates_are_refused():
    dates = weekly_dates(5)
    dates[3] = dates[3] + dt.timedelta(weeks=1)
    with pytest.raises(ValueError, match="间隔 14 天"):
        detect([1, 2, 3, 4, 5], dates)


@pytest.mark.parametrize(
    ("counts", "message"),
    [([1, 2.5, 3], "不是整数"), ([1, float("nan"), 3], "缺失"), ([], "为空"), ([[1, 2]], "一维")],
)
def test_malformed_counts_are_refused(counts, message):
    with pytest.raises(ValueError, match=message):
        detect(counts, weekly_dates(len(counts)))


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="未知的预警方法"):
        detect([1, 2, 3], weekly_dates(3), method="cusum")


def test_points_serialise_for_the_api():
    d = detect([3] * 12, weekly_dates(12), only_last=1)[0].as_dict()
    assert d["date"] == weekly_dates(12)[-1].isoformat()
    assert set(d) >= {"observed", "expected", "upper", "alarm", "score", "method", "explanation"}


def test_an_infinite_score_serialises_as_none():
    y = [0] * (6 * 52)
    y[-1] = 6
    last = detect(y, weekly_dates(len(y)), only_last=1)[0]
    assert last.alarm and last.score == float("inf")
    assert last.as_dict()["score"] is None
