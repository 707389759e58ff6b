"""Statistical early warning for petition counts (issue 8, item 2).

Pure numpy/scipy; no models or database access. Give it one count series
(weekly or daily, with dates) and it tells, period by period, whether the
count is unusually high, how high it was expected to be, and why -- in
Chinese, ready to show to staff, who decide what to do with it.

    from minxin.risk.warning import detect
    points = detect(counts, dates)             # list[WarningPoint]

Methods: the improved Farrington algorithm (Noufaily et al. 2013) when there
are >= 3 years of history, EARS C1/C2/C3 for shorter series.
"""

from .detect import WarningPoint, detect
from .ears import EarsConfig, EarsResult, ears
from .errors import WarningInputError
from .farrington import FarringtonConfig, FarringtonResult, farrington_flexible, farrington_point
from .series import aggregate_daily_to_weekly, validate_series

__all__ = [
    "EarsConfig",
    "EarsResult",
    "FarringtonConfig",
    "FarringtonResult",
    "WarningInputError",
    "WarningPoint",
    "aggregate_daily_to_weekly",
    "detect",
    "ears",
    "farrington_flexible",
    "farrington_point",
    "validate_series",
]
