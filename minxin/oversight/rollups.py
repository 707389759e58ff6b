"""The coarse rollup (CoarseRollup) the city-, 区县- and 乡镇街道-wide dashboards read.

DailyRollup keys each day by area × handling unit × channel × category × domain: at 1M cases a year it
holds millions of rows, about one per case and event, and a national 12-week or 12-month view summed
all of them. CoarseRollup holds what those views group by, one dimension at a time:

- received per *piece* (the days of one ISO week inside one calendar month) per 乡镇街道 and channel,
  category or domain, and per 村社区 for the area charts;
- overdue at the end of each day per 乡镇街道, for the deadline trend.

It is derived from DailyRollup only, in the same transaction that replaces a day of it, so both always
agree. The dashboards (minxin.oversight.dashboards) read it where that is exact — a scope at or above
the level a dimension keeps — and read the daily rollup otherwise (a unit's own view, a 村社区's).

The functions take the model classes so the migration that creates the table can fill it from the
daily rows already there (historical models).
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from minxin.org.models import AreaLevel

# The level each received dimension keeps areas at (an area is cut to its ancestor at this level or above).
RECEIVED_LEVELS = {"channel": AreaLevel.TOWNSHIP, "category": AreaLevel.TOWNSHIP, "domain": AreaLevel.TOWNSHIP,
                   "area": AreaLevel.VILLAGE}
OVERDUE_LEVEL = AreaLevel.TOWNSHIP
_DAILY_FIELD = {"channel": "channel", "category": "category", "domain": "domain_id_key"}


def piece_start(day: dt.date) -> dt.date:
    """First day of the piece holding `day`: its week's Monday, or the 1st if the month began later."""
    return max(day - dt.timedelta(days=day.weekday()), day.replace(day=1))


def piece_end(day: dt.date) -> dt.date:
    sunday = day + dt.timedelta(days=6 - day.weekday())
    month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return min(sunday, month_end)


class AreaCut:
    """Each area's ancestor-or-self at a given level or above (all areas, read once)."""

    def __init__(self, area_model):
        self._up = {pk: (parent, level) for pk, parent, level in area_model.objects.values_list("pk", "parent_id", "level")}
        self._memo: dict = {}

    def at(self, area_id: int, level: int) -> int:
        k = (area_id, level)
        if k not in self._memo:
            a = area_id
            while self._up[a][1] > level and self._up[a][0] is not None:
                a = self._up[a][0]
            self._memo[k] = a
        return self._memo[k]


def rebuild_piece(day: dt.date, *, daily_model, coarse_model, area_model, cut: AreaCut | None = None) -> int:
    """Replace the received rows of the piece holding `day` with the sums of its daily rows."""
    start, end = piece_start(day), piece_end(day)
    cut = cut or AreaCut(area_model)
    sums: dict = defaultdict(int)
    rows = (daily_model.objects.filter(date__gte=start, date__lte=end, received__gt=0)
            .values("area_id", "channel", "category", "domain_id_key").annotate(n=Sum("received")).order_by())
    for r in rows:
        for dim, level in RECEIVED_LEVELS.items():
            key = str(r[_DAILY_FIELD[dim]]) if dim in _DAILY_FIELD else ""
            sums[(dim, cut.at(r["area_id"], level), key)] += r["n"]
    coarse_model.objects.filter(dim__in=list(RECEIVED_LEVELS), start=start).delete()
    coarse_model.objects.bulk_create(
        [coarse_model(dim=dim, start=start, area_id=area, key=key, n=n) for (dim, area, key), n in sums.items()])
    return len(sums)


def rebuild_overdue_day(day: dt.date, *, daily_model, coarse_model, area_model, cut: AreaCut | None = None) -> int:
    """Replace the overdue rows of `day` with the sums of its daily rows."""
    cut = cut or AreaCut(area_model)
    sums: dict = defaultdict(int)
    for area_id, n in (daily_model.objects.filter(date=day, overdue__gt=0).values("area_id")
                       .annotate(n=Sum("overdue")).order_by().values_list("area_id", "n")):
        sums[cut.at(area_id, OVERDUE_LEVEL)] += n
    coarse_model.objects.filter(dim="overdue", start=day).delete()
    coarse_model.objects.bulk_create([coarse_model(dim="overdue", start=day, area_id=a, key="", n=n) for a, n in sums.items()])
    return len(sums)


def rebuild_all(*, daily_model, coarse_model, area_model) -> int:
    """Every piece and day that has daily rows (the migration that adds the table; a repair)."""
    cut = AreaCut(area_model)
    days = sorted(set(daily_model.objects.values_list("date", flat=True).distinct()))
    kw = {"daily_model": daily_model, "coarse_model": coarse_model, "area_model": area_model, "cut": cut}
    n = 0
    for start in sorted({piece_start(d) for d in days}):
        n += rebuild_piece(start, **kw)
    for d in days:
        n += rebuild_overdue_day(d, **kw)
    return n
