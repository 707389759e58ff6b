import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from minxin.risk.alerts import alerts_visible_to
from minxin.risk.models import Alert, AlertKind, Dimension, WatchedSeries
from minxin.risk.tasks import run_warnings_task
from minxin.risk.tests.factories import TZ, bulk_cases
from minxin.risk.warn import latest_period, run_warnings

TODAY = dt.date(2026, 6, 3)  # a Wednesday; the latest complete week starts Monday 25 May
SPIKE_WEEK = dt.date(2026, 5, 25)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(8), tzinfo=TZ), tick=False) as t:
        yield t


@pytest.fixture
def watched(db):
    WatchedSeries.objects.all().delete()
    return WatchedSeries.objects.create(name="区县×领域", area_level=2, dimension=Dimension.DOMAIN)


def weekly(start: dt.date, weeks: int, per_week) -> dict:
    out = {}
    for i in range(weeks):
        n = per_week(i) if callable(per_week) else per_week
        out[start + dt.timedelta(weeks=i, days=2)] = n
    return out


def spike(city, area="grid1"):
    # 20 quiet weeks of 2–4 cases, then 25 in the latest complete week.
    history = weekly(SPIKE_WEEK - dt.timedelta(weeks=20), 20, lambda i: 2 + i % 3)
    history[SPIKE_WEEK + dt.timedelta(days=1)] = 25
    bulk_cases(city, area=area, per_day=history)


def test_latest_period_is_the_last_complete_week():
    assert latest_period("weekly", TODAY) == SPIKE_WEEK
    assert latest_period("daily", TODAY) == dt.date(2026, 6, 2)


def test_a_spike_in_one_county_raises_one_statistical_alert_with_its_chart(city, watched):
    spike(city)
    bulk_cases(city, area="west1v", per_day=weekly(SPIKE_WEEK - dt.timedelta(weeks=20), 21, 3))
    summary = run_warnings()
    assert summary.created == 1
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.STATISTICAL and alert.area == city.areas["east"]
    assert alert.domain.name == "房地产" and alert.period_start == SPIKE_WEEK
    assert alert.observed == 25 and alert.expected < alert.upper < 25
    assert "观测 25 件" in alert.explanation
    assert alert.chart["counts"][-1] == 25 and alert.chart["dates"][-1] == SPIKE_WEEK.isoformat()


def test_running_the_warning_job_twice_raises_the_alert_once(city, watched):
    spike(city)
    first = run_warnings()
    second = run_warnings()
    assert (first.created, second.created, second.alarms) == (1, 0, 1)
    assert Alert.objects.count() == 1


def test_quiet_series_raise_nothing(city, watched):
    bulk_cases(city, area="grid1", per_day=weekly(SPIKE_WEEK - dt.timedelta(weeks=20), 21, 3))
    assert run_warnings().created == 0


def test_category_series_and_inactive_rows(city, watched):
    watched.is_active = False
    watched.save()
    WatchedSeries.objects.create(name="区县×类别", area_level=2, dimension=Dimension.CATEGORY)
    spike(city)
    run_warnings()
    alert = Alert.objects.get()
    assert alert.category == "complaint" and alert.domain is None


def test_county_alerts_are_invisible_to_the_sibling_county(city, watched):
    spike(city)
    run_warnings()
    assert alerts_visible_to(city.staff["east_leader"]).count() == 1
    assert alerts_visible_to(city.staff["west_registrar"]).count() == 0
    assert alerts_visible_to(city.staff["city_analyst"]).count() == 1


def test_command_and_task_run_the_same_job(city, watched, capsys):
    spike(city)
    call_command("risk", "warn", "--date", TODAY.isoformat())
    assert "created=1" in capsys.readouterr().out
    result = run_warnings_task.call()
    assert result["created"] == 0 and result["alarms"] == 1


def test_job_reads_daily_rollups_when_they_cover_the_window(city, watched):
    from minxin.oversight.sweeps import recompute_rollup

    spike(city)
    day = SPIKE_WEEK - dt.timedelta(weeks=20)
    while day < SPIKE_WEEK + dt.timedelta(days=7):
        recompute_rollup(day)
        day += dt.timedelta(days=1)
    summary = run_warnings()
    assert summary.source == "rollup" and summary.created == 1
    assert Alert.objects.get().observed == 25


def test_daily_series_judges_yesterday(city, watched):
    watched.frequency = "daily"
    watched.save()
    start = TODAY - dt.timedelta(days=40)
    per_day = {start + dt.timedelta(days=i): 1 + i % 2 for i in range(39)}
    per_day[TODAY - dt.timedelta(days=1)] = 12
    bulk_cases(city, area="grid1", per_day=per_day)
    assert run_warnings().created == 1
    alert = Alert.objects.get()
    assert alert.period_start == TODAY - dt.timedelta(days=1) and alert.chart["period"] == "day"
