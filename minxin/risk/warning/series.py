"""Input checking and calendar helpers shared by the detectors.

A series is a sequence of non-negative integer counts and one date per count,
equally spaced: 7 days apart (weekly) or 1 day apart (daily). Missing periods
must be filled with 0 by the caller; a gap here would silently shift every
"same week last year" comparison, so it is refused.
"""

import datetime as dt
from collections.abc import Sequence

import numpy as np

from ._i18n import _
from .errors import WarningInputError

WEEKLY = "weekly"
DAILY = "daily"


def _as_date(value, index: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").astype(dt.date)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise WarningInputError(
        _("第 %(n)d 个日期无法识别（%(value)r）：请使用日期或 YYYY-MM-DD 格式")
        % {"n": index + 1, "value": value}
    )


def validate_counts(counts) -> np.ndarray:
    try:
        arr = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as exc:
        raise WarningInputError(_("计数序列必须全部是数字")) from exc
    if arr.ndim != 1:
        raise WarningInputError(_("计数序列必须是一维的（每期一个数）"))
    if arr.size == 0:
        raise WarningInputError(_("计数序列为空，无法评估"))
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise WarningInputError(
            _("第 %(n)d 期的计数缺失或不是有限数：缺失的期请填 0") % {"n": int(bad[0]) + 1}
        )
    neg = np.flatnonzero(arr < 0)
    if neg.size:
        i = int(neg[0])
        raise WarningInputError(
            _("第 %(n)d 期的计数为负数（%(value)s）：件数不能小于 0")
            % {"n": i + 1, "value": f"{arr[i]:g}"}
        )
    frac = np.flatnonzero(arr != np.round(arr))
    if frac.size:
        i = int(frac[0])
        raise WarningInputError(
            _("第 %(n)d 期的计数不是整数（%(value)s）：件数必须是整数")
            % {"n": i + 1, "value": f"{arr[i]:g}"}
        )
    return arr


def validate_series(counts, dates: Sequence) -> tuple[np.ndarray, list[dt.date], str]:
    """Return (counts, dates, frequency) or raise WarningInputError."""
    y = validate_counts(counts)
    if dates is None:
        raise WarningInputError(_("缺少日期：每个计数都需要对应的日期"))
    dates = list(dates)
    if len(dates) != y.size:
        raise WarningInputError(
            _("计数与日期的个数不一致：计数 %(n)d 个，日期 %(m)d 个")
            % {"n": y.size, "m": len(dates)}
        )
    ds = [_as_date(d, i) for i, d in enumerate(dates)]
    if len(ds) == 1:
        return y, ds, WEEKLY
    steps = {(b - a).days for a, b in zip(ds, ds[1:])}
    if steps == {7}:
        return y, ds, WEEKLY
    if steps == {1}:
        return y, ds, DAILY
    first_bad = next(i for i, (a, b) in enumerate(zip(ds, ds[1:])) if (b - a).days != (ds[1] - ds[0]).days or (b - a).days not in (1, 7))
    raise WarningInputError(
        _(
            "日期必须按时间先后、等间隔排列（每周一期或每天一期，缺失的期补 0）："
            "第 %(n)d 期 %(a)s 与第 %(m)d 期 %(b)s 之间间隔 %(gap)d 天"
        )
        % {
            "n": first_bad + 1,
            "a": ds[first_bad].isoformat(),
            "m": first_bad + 2,
            "b": ds[first_bad + 1].isoformat(),
            "gap": (ds[first_bad + 1] - ds[first_bad]).days,
        }
    )


def aggregate_daily_to_weekly(counts, dates: Sequence) -> tuple[np.ndarray, list[dt.date]]:
    """Sum a daily series into ISO weeks (Monday to Sunday).

    Only complete weeks are kept: a partial first or last week would look like
    a drop (or, for the current week, hide a rise) against full weeks. Each
    week is labelled by its Monday.
    """
    y, ds, freq = validate_series(counts, dates)
    if freq != DAILY and len(ds) > 1:
        raise WarningInputError(_("只有按天的序列才能汇总为按周"))
    start = next((i for i, d in enumerate(ds) if d.weekday() == 0), None)
    if start is None:
        raise WarningInputError(_("按天的序列不足一个完整的自然周（周一至周日）"))
    n_weeks = (len(ds) - start) // 7
    if n_weeks == 0:
        raise WarningInputError(_("按天的序列不足一个完整的自然周（周一至周日）"))
    block = y[start : start + 7 * n_weeks].reshape(n_weeks, 7)
    return block.sum(axis=1), [ds[start + 7 * i] for i in range(n_weeks)]


def same_weekday_years_back(day: dt.date, years: int) -> dt.date:
    """The date `years` calendar years earlier, moved to the nearest same weekday.

    This is surveillance's algo.farrington.referencetimepoints: "the same week
    last year" for weekly data, which drifts by a day a year against 52-week
    steps and by a week every ~6 years.
    """
    try:
        target = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        target = day.replace(year=day.year - years, day=28)
    shift = (day.weekday() - target.weekday()) % 7
    return target + dt.timedelta(days=shift if shift <= 3 else shift - 7)
