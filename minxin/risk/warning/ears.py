"""EARS C1, C2 and C3 (CDC Early Aberration Reporting System).

For short series, where there is no "same week last year" to compare with.
As surveillance::earsC, with two documented choices:

- C1: baseline = the 7 periods just before t; C1(t) = (y_t - mean) / sd.
- C2: the same with a 2-period guard band: baseline t-9 .. t-3, so the first
  days of a rising outbreak do not inflate their own baseline.
- C3: C3(t) = sum over i in {t-2, t-1, t} of max(0, C2(i) - 1), the CDC
  definition. The upper bound reported is the count at t that would make
  C3(t) exceed the threshold, i.e. mean_t + sd_t * (1 + z - lag part), or 0
  when the two previous periods alone already exceed z (C3 stays in alarm).
  (R's earsC writes observed_t + sd*(z - lags) there, which ignores C2(t);
  its documentation gives the formula without the +1.)

The threshold z is 3 (standard deviations) for all three, as the CDC uses for
C1/C2 and as asked for minxin; earsC's default alpha (0.001 for C1/C2, 0.025
for C3) corresponds to z = 3.09 and 1.96. sd is floored at `min_sigma`
(Burkom recommends 0.5-1 for sparse counts; earsC defaults to 0) so a baseline
of seven zeros followed by a single case does not raise an alarm.
"""

from dataclasses import dataclass

import numpy as np

from ._i18n import _
from .errors import WarningInputError

METHODS = ("C1", "C2", "C3")


@dataclass(frozen=True)
class EarsConfig:
    baseline: int = 7
    threshold: float = 3.0
    min_sigma: float = 1.0

    def __post_init__(self):
        if self.baseline < 3:
            raise WarningInputError(_("EARS 基线期数至少为 3"))
        if self.threshold <= 0:
            raise WarningInputError(_("EARS 阈值必须大于 0"))
        if self.min_sigma < 0:
            raise WarningInputError(_("EARS 最小标准差 min_sigma 不能为负"))


@dataclass(frozen=True)
class EarsResult:
    index: int
    observed: int
    expected: float
    upper: float
    alarm: bool
    score: float  # the C1/C2/C3 statistic


def first_index(method: str, cfg: EarsConfig) -> int:
    """First 0-based index that can be judged (earsC's default range start)."""
    return cfg.baseline + {"C1": 0, "C2": 2, "C3": 4}[method]


def _baseline_stats(y: np.ndarray, t: int, lag: int, cfg: EarsConfig) -> tuple[float, float]:
    ref = y[t - lag - cfg.baseline + 1 : t - lag + 1]
    return float(ref.mean()), max(float(ref.std(ddof=1)), cfg.min_sigma)


def _c_stat(y_t: float, mean: float, sd: float) -> float:
    if sd > 0:
        return (y_t - mean) / sd
    return 0.0 if y_t <= mean else float("inf")


def ears(y, method: str = "C2", cfg: EarsConfig | None = None, indices=None) -> list[EarsResult]:
    """EARS on a validated count series; by default every judgeable index."""
    cfg = cfg or EarsConfig()
    if method not in METHODS:
        raise WarningInputError(_("EARS 方法只能是 C1、C2 或 C3"))
    y = np.asarray(y, dtype=float)
    start = first_index(method, cfg)
    if indices is None:
        indices = range(start, y.size)
    out = []
    for t in indices:
        t = int(t)
        if t < start or t >= y.size:
            raise WarningInputError(
                _("EARS %(method)s 需要第 %(n)d 期之前至少 %(need)d 期历史")
                % {"method": method, "n": t + 1, "need": start}
            )
        lag = 1 if method == "C1" else 3
        mean, sd = _baseline_stats(y, t, lag, cfg)
        stat = _c_stat(y[t], mean, sd)
        upper = mean + cfg.threshold * sd
        if method == "C3":
            lag_part = 0.0
            for s in (t - 1, t - 2):
                m_s, sd_s = _baseline_stats(y, s, 3, cfg)
                lag_part += max(0.0, _c_stat(y[s], m_s, sd_s) - 1)
            stat = lag_part + max(0.0, stat - 1)
            # When the two previous periods alone exceed z every count alarms.
            upper = mean + sd * (1 + cfg.threshold - lag_part) if lag_part < cfg.threshold else 0.0
        out.append(
            EarsResult(
                index=t,
                observed=int(y[t]),
                expected=mean,
                upper=float(upper),
                alarm=bool(stat > cfg.threshold),
                score=float(stat),
            )
        )
    return out
