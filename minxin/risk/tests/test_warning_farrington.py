import numpy as np

from minxin.risk.warning import FarringtonConfig, detect, farrington_point

from ._series import poisson_weeks, weekly_dates, winter_mean

SIX_YEARS = 6 * 52


def _farrington_points(points):
    return [p for p in points if p.method == "farrington"]


def test_flat_poisson_series_raises_almost_no_alarms():
    y = poisson_weeks(np.full(SIX_YEARS, 10.0), seed=11)
    judged = _farrington_points(detect(y, weekly_dates(SIX_YEARS)))

    assert len(judged) > 100
    # alpha = 0.005 per week: about 0.5 false alarms expected in these weeks.
    assert sum(p.alarm for p in judged) <= 2
    assert all(7 < p.expected < 13 for p in judged)


def test_spike_in_the_last_week_is_flagged_and_explained():
    y = poisson_weeks(np.full(SIX_YEARS, 10.0), seed=11)
    y[-1] = 40
    last = detect(y, weekly_dates(SIX_YEARS), only_last=1)[0]

    assert last.method == "farrington"
    assert last.alarm
    assert last.observed == 40
    assert last.upper < 40
    assert last.score > 1
    assert f"本周观测 40 件，预期 {last.expected:.1f} 件" in last.explanation
    assert "超出上限，触发预警" in last.explanation


def test_a_regular_winter_peak_is_not_flagged():
    mean = winter_mean(SIX_YEARS)
    y = poisson_weeks(mean, seed=5)
    points = detect(y, weekly_dates(SIX_YEARS))
    last_year = points[-52:]
    peak = [p for p, m in zip(last_year, mean[-52:]) if m > 15]

    # A flat expectation (yearly mean about 9.4, so mean + 3 sd about 19) would
    # flag some of these weeks; the seasonal model expects them.
    assert peak and max(p.observed for p in peak) > 19
    assert all(p.method == "farrington" for p in last_year)
    assert sum(p.alarm for p in last_year) <= 1
    assert np.mean([p.expected for p in peak]) > 14


def test_past_outbreaks_in_the_baseline_barely_raise_the_threshold():
    n = SIX_YEARS
    dates = weekly_dates(n)
    clean = poisson_weeks(np.full(n, 10.0), seed=21)
    dirty = clean.copy()
    # Inside the 5-year baseline, outside the last 26 weeks; 154 and 258 fall in
    # the "same weeks" windows of earlier years, which set the expectation.
    for start in (70, 154, 200, 258):
        dirty[start : start + 3] += 45
    k = n - 1
    base = farrington_point(clean.astype(float), dates, k, FarringtonConfig())
    reweighted = farrington_point(dirty.astype(float), dates, k, FarringtonConfig())
    not_reweighted = farrington_point(dirty.astype(float), dates, k, FarringtonConfig(reweight=False))

    # Down-weighting removes most of the inflation (measured: expected 10.1 ->
    # 11.9 instead of 17.8, threshold 19 -> 30 instead of 56).
    assert reweighted.expected - base.expected <= 0.4 * (not_reweighted.expected - base.expected)
    assert reweighted.upper - base.upper <= 0.4 * (not_reweighted.upper - base.upper)
    assert not_reweighted.upper > base.upper + 20


def test_a_real_trend_is_followed_and_a_flat_series_gets_none():
    n = SIX_YEARS
    t = np.arange(n)
    mean = np.exp(1.5 + 0.005 * t)
    y = poisson_weeks(mean, seed=3)
    dates = weekly_dates(n)
    k = n - 1
    with_trend = farrington_point(y.astype(float), dates, k, FarringtonConfig())
    without = farrington_point(y.astype(float), dates, k, FarringtonConfig(trend=False))

    assert with_trend.trend_used
    assert abs(with_trend.expected - mean[k]) / mean[k] < 0.25
    assert without.expected < 0.85 * mean[k]

    flat = poisson_weeks(np.full(n, 10.0), seed=11)
    judged = _farrington_points(detect(flat, dates))
    assert sum(p.details["trend"] for p in judged) <= 0.2 * len(judged)


def test_few_cases_in_the_last_four_weeks_never_alarm():
    y = np.zeros(SIX_YEARS, dtype=int)
    y[::13] = 1  # a case a quarter
    y[-1] = 3
    last = detect(y, weekly_dates(SIX_YEARS), only_last=1)[0]

    assert last.observed > last.upper
    assert not last.alarm
    assert "不足 5 件，不触发预警" in last.explanation


def test_b_adapts_to_the_history_available():
    n = 3 * 52 + 10
    y = poisson_weeks(np.full(n, 10.0), seed=8)
    last = detect(y, weekly_dates(n), only_last=1)[0]

    assert last.method == "farrington"
    assert last.details["b"] == 3
    assert "参照前 3 年同期" in last.explanation


def test_a_burst_after_years_of_silence_is_flagged():
    y = np.zeros(SIX_YEARS, dtype=int)
    y[-1] = 6
    quiet, burst = detect(y, weekly_dates(SIX_YEARS), only_last=2)

    assert quiet.method == burst.method == "farrington"
    assert not quiet.alarm
    assert burst.alarm and burst.expected == 0.0
    assert "本周观测 6 件，预期 0.0 件" in burst.explanation
