"""Front door: judge every period of one count series and explain each verdict.

    detect(counts, dates)                      # method="auto"
    detect(counts, dates, method="C3")
    detect(counts, dates, only_last=1)         # the weekly sweep: judge this week only

"auto" uses the improved Farrington method for a week when at least
`min_history_years` full years (default 3) lie before it -- with b = that many
years, up to FarringtonConfig.b -- and EARS (`short_method`, default C2) when
the history is shorter. Daily series are summed into ISO weeks (Monday to
Sunday, complete weeks only) when there is enough history for Farrington;
otherwise EARS runs on the days themselves. Each WarningPoint says which
method judged it and whether it is a week or a day.
"""

import datetime as dt
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from ._i18n import _
from .ears import METHODS as EARS_METHODS
from .ears import EarsConfig, ears, first_index
from .errors import WarningInputError
from .farrington import FarringtonConfig, farrington_point, years_available
from .series import DAILY, aggregate_daily_to_weekly, validate_series

FARRINGTON = "farrington"
NONE = "none"


@dataclass(frozen=True)
class WarningPoint:
    date: dt.date
    period: str  # "week" or "day"
    observed: int
    expected: float | None
    upper: float | None
    alarm: bool
    score: float | None
    method: str  # "farrington", "C1", "C2", "C3" or "none"
    explanation: str
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready: ISO date, and None for an infinite score (burst from zero)."""
        d = asdict(self)
        d["date"] = self.date.isoformat()
        for key in ("expected", "upper", "score"):
            if d[key] is not None and not math.isfinite(d[key]):
                d[key] = None
        return d


def _num(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def _head(period: str, observed: int, expected: float, upper: float) -> str:
    label = _("本周") if period == "week" else _("当日")
    return _("%(label)s观测 %(obs)d 件，预期 %(exp)s 件（上限 %(upper)s）") % {
        "label": label,
        "obs": observed,
        "exp": f"{expected:.1f}",
        "upper": _num(upper),
    }


def _explain_farrington(period, r, cfg: FarringtonConfig) -> str:
    head = _head(period, r.observed, r.expected, r.upper)
    how = _("（改进 Farrington 法，参照前 %(b)d 年同期及全年季节分段%(trend)s）") % {
        "b": r.b_used,
        "trend": _("，含长期趋势") if r.trend_used else "",
    }
    if r.alarm:
        return head + _("，超出上限，触发预警") + how
    if r.observed > r.upper and not r.enough_cases:
        return (
            head
            + _("，超出上限，但近 %(weeks)d 周合计不足 %(cases)d 件，不触发预警")
            % {"weeks": cfg.limit54[1], "cases": cfg.limit54[0]}
            + how
        )
    return head + _("，未超出上限") + how


def _explain_ears(period, r, method: str, cfg: EarsConfig) -> str:
    head = _head(period, r.observed, r.expected, r.upper)
    how = _("（EARS %(method)s，参照此前 %(n)d 期%(guard)s）") % {
        "method": method,
        "n": cfg.baseline,
        "guard": _("，隔开最近 2 期") if method != "C1" else "",
    }
    if r.alarm and method == "C3" and r.observed <= r.upper:
        return head + _("，近几期持续偏高（C3 累计 %(s)s 超过 %(z)s），触发预警") % {
            "s": f"{r.score:.1f}",
            "z": _num(cfg.threshold),
        } + how
    if r.alarm:
        return head + _("，超出上限，触发预警") + how
    return head + _("，未超出上限") + how


def _not_judged(date, period, observed, need: str | None = None, reason: str | None = None) -> WarningPoint:
    return WarningPoint(
        date=date,
        period=period,
        observed=int(observed),
        expected=None,
        upper=None,
        alarm=False,
        score=None,
        method=NONE,
        explanation=reason or _("历史数据不足（%(need)s），暂不评估") % {"need": need},
    )


def _judge(y, dates, period, indices, method, fcfg, ecfg, min_years, short_method):
    points = []
    for k in indices:
        date, obs = dates[k], int(y[k])
        use = method
        b_k = None
        if method in ("auto", FARRINGTON):
            b_k = years_available(dates, k, fcfg.w, fcfg.b) if period == "week" else 0
            need_years = fcfg.b if method == FARRINGTON else min_years
            if b_k >= need_years:
                use = FARRINGTON
            elif method == FARRINGTON:
                points.append(_not_judged(date, period, obs, _("需要此前 %(b)d 年按周数据") % {"b": fcfg.b}))
                continue
            else:
                use = short_method
        if use == FARRINGTON:
            r = farrington_point(y, dates, k, fcfg, b=b_k)
            if r is None:
                points.append(_not_judged(date, period, obs, reason=_("模型无法拟合，暂不评估")))
                continue
            points.append(
                WarningPoint(
                    date=date,
                    period=period,
                    observed=r.observed,
                    expected=r.expected,
                    upper=r.upper,
                    alarm=r.alarm,
                    score=r.score,
                    method=FARRINGTON,
                    explanation=_explain_farrington(period, r, fcfg),
                    details={"trend": r.trend_used, "phi": r.phi, "b": r.b_used, "enough_cases": r.enough_cases},
                )
            )
            continue
        if k < first_index(use, ecfg):
            points.append(
                _not_judged(date, period, obs, _("EARS %(m)s 需要此前至少 %(n)d 期") % {"m": use, "n": first_index(use, ecfg)})
            )
            continue
        (r,) = ears(y, use, ecfg, indices=[k])
        points.append(
            WarningPoint(
                date=date,
                period=period,
                observed=r.observed,
                expected=r.expected,
                upper=r.upper,
                alarm=r.alarm,
                score=r.score,
                method=use,
                explanation=_explain_ears(period, r, use, ecfg),
            )
        )
    return points


def detect(
    counts,
    dates,
    method: str = "auto",
    *,
    farrington: FarringtonConfig | None = None,
    ears_config: EarsConfig | None = None,
    min_history_years: int = 3,
    short_method: str = "C2",
    only_last: int | None = None,
) -> list[WarningPoint]:
    """Judge a weekly or daily count series; one WarningPoint per judged period.

    method: "auto", "farrington", "C1", "C2" or "C3".
    only_last: judge only the last N periods (weeks after daily aggregation).
    Raises WarningInputError (a ValueError) for bad input.
    """
    if method not in ("auto", FARRINGTON, *EARS_METHODS):
        raise WarningInputError(_("未知的预警方法 %(m)r：可选 auto、farrington、C1、C2、C3") % {"m": method})
    if short_method not in EARS_METHODS:
        raise WarningInputError(_("短序列方法只能是 C1、C2 或 C3"))
    if min_history_years < 1:
        raise WarningInputError(_("min_history_years 至少为 1"))
    if only_last is not None and only_last < 1:
        raise WarningInputError(_("only_last 至少为 1"))
    fcfg = farrington or FarringtonConfig()
    ecfg = ears_config or EarsConfig()
    y, ds, freq = validate_series(counts, dates)

    period = "week"
    if freq == DAILY and len(ds) > 1:
        period = "day"
        if method in ("auto", FARRINGTON):
            need_days = 366 * (fcfg.b if method == FARRINGTON else min_history_years) + 7 * (fcfg.w + 2)
            if len(ds) >= need_days:
                y, ds = aggregate_daily_to_weekly(y, ds)
                period = "week"
            elif method == FARRINGTON:
                raise WarningInputError(
                    _("按天的序列不足 %(b)d 年，无法汇总为周后使用 Farrington 法") % {"b": fcfg.b}
                )
    n = len(ds)
    start = 0 if only_last is None else max(n - only_last, 0)
    return _judge(np.asarray(y, float), ds, period, range(start, n), method, fcfg, ecfg, min_history_years, short_method)
