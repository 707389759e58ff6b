"""Unit scorecards by a correct 政绩观: problems solved and people satisfied count;
low volume, fast-but-wrong closure and cases kept off the books do not pay.

Score (0–100) = 100 × weighted mean of four rates, each shrunk towards the
average of all scored units (so a unit with few cases is neither rewarded nor
punished by chance), minus two penalties:

- 化解 (resolution): share of the unit's concluded cases that *stood* — not raised
  again by the same petitioner within 90 days and not changed or overturned on
  复查/复核.
- 满意 (satisfaction): (满意 + 基本满意) ÷ ratings of the unit as 责任单位.
- 按期 (timeliness): the unit's clocks met ÷ clocks ended or overdue
  (及时受理 and 按期办结 clocks together, see metrics).
- 一次性化解 (first-time resolution): see metrics.first_time_resolution.
- Penalty for repeats: `penalty_repeat` points per percentage point of the unit's
  concluded or refused cases raised again by the same petitioner within
  `repeat_window_days` (a 不予受理 that brings the person back counts too).
- Penalty for overturned decisions: `penalty_overturned` points per percentage
  point of the unit's decisions changed or overturned on 复查/复核.

Counts never enter the score, only rates; shrinkage means a unit with few cases
sits near the average, not at the top.

A unit with no 有结果件数 in the period (nothing concluded) is not scored at all: its
化解 and 一次性化解 are undefined (无数据), so it is listed after the ranked units with
no score and no rank. Shrinking an empty record to the average would otherwise put a
unit that resolved nothing above every unit with real but below-average results —
rewarding low volume, the very 政绩观 this scorecard is meant to correct. The one
exception is a 村社区/乡镇街道 whose grids reported in the period: it is scored on the
components that have data (就地化解, and any ratings or clocks) and gets no credit for
the empty ones.

就地化解 (小事不出村) is a fifth component fed by LOCAL_RESOLUTION hooks (the grid app):
of the grid reports made in the unit's area in the period, the share solved at the
grid and not later raised as a case about the same matter. It is weighed only for
units that have grid reports; the others are scored on the four rates alone.

A separate flag, 疑似压案, marks a unit whose own intake fell by more than
`suppression_drop` against the previous period of equal length while other
signals about its area did not fall (petitions about its area registered at a
higher 信访部门 — skipping it — plus any hook in SUPPRESSION_SIGNALS, e.g. grid
reports, hotline mentions or ledger entries as those modules appear).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from minxin.cases.models import Case, CaseEvent, CaseRouting
from minxin.org.models import Area, Unit, UnitKind
from minxin.oversight import metrics
from minxin.oversight.models import Rating, ScorecardConfig

# Extra signals about an area for the suppression flag: callables
# (area, start, end) -> int, appended by other modules (risk ledger, grid, hotline). A hook
# with a `paths(start, end)` attribute (the area paths of its items) is asked once per period.
SUPPRESSION_SIGNALS: list = []

# 就地化解 sources: callables (units, start, end) -> {unit id: (solved at grid, reports)},
# appended by the grid app (which sits above oversight and may not be imported here).
LOCAL_RESOLUTION: list = []

# Components that are weighed only where they have data (n > 0); the four core rates are
# always weighed (shrunk towards the pool) for every ranked unit.
OPTIONAL_COMPONENTS = ("local",)


def active_config() -> ScorecardConfig:
    cfg = ScorecardConfig.objects.filter(is_active=True).order_by("-pk").first()
    return cfg if cfg is not None else ScorecardConfig()


@dataclass
class Component:
    rate: float | None
    n: int
    shrunk: float = 0.0


@dataclass
class Suppression:
    flagged: bool
    own_previous: int
    own_current: int
    signals_previous: int
    signals_current: int
    detail: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _("疑似压案") if self.flagged else ""


@dataclass
class UnitScore:
    unit: Unit
    concluded: int
    components: dict[str, Component]
    repeat_rate: float
    overturned_rate: float
    penalty: float
    score: float | None
    suppression: Suppression
    rank: int | None = None
    # Grid reports in the unit's area solved at the grid (就地化解数, see LOCAL_RESOLUTION).
    local_solved: int = 0

    @property
    def ranked(self) -> bool:
        """Only a unit with at least one 有结果 case in the period is scored and ranked."""
        return self.score is not None

    @property
    def unranked_reason(self) -> str:
        return "" if self.ranked else str(_("本期无有结果事项（也无网格上报），无数据，不参加排名"))

    def as_dict(self) -> dict:
        return {
            "unit_code": self.unit.code, "unit": self.unit.name, "rank": self.rank,
            "score": None if self.score is None else round(self.score, 2),
            "ranked": self.ranked, "unranked_reason": self.unranked_reason,
            "concluded": self.concluded, "local_solved": self.local_solved,
            "components": {k: {"rate": c.rate, "n": c.n, "shrunk": round(c.shrunk, 4)} for k, c in self.components.items()},
            "repeat_rate": self.repeat_rate, "overturned_rate": self.overturned_rate, "penalty": round(self.penalty, 2),
            "suppression": {"flagged": self.suppression.flagged, "label": str(self.suppression.label),
                            "own_previous": self.suppression.own_previous, "own_current": self.suppression.own_current,
                            "signals_previous": self.suppression.signals_previous,
                            "signals_current": self.suppression.signals_current, **self.suppression.detail},
        }


def _review_outcomes(units, start: dt.date, end: dt.date) -> dict[int, set[int]]:
    """unit id → cases in which its decision was changed or overturned by a 复查/复核 decided in the period.

    Each 复查/复核 request routes the case to the reviewing body with `from_unit` =
    the unit whose decision is challenged; the next review decision says the result.
    """
    lo, hi = metrics.Scope(start=start, end=end).bounds()
    out: dict[int, set[int]] = {u.pk: set() for u in units}
    challenged_cases = CaseRouting.objects.filter(from_unit__in=list(out), kind__in=("review", "recheck")).values("case_id")
    routings, decisions = defaultdict(list), defaultdict(list)
    for case_id, from_unit in (CaseRouting.objects.filter(case_id__in=challenged_cases, kind__in=("review", "recheck"))
                               .order_by("case_id", "at", "pk").values_list("case_id", "from_unit_id")):
        routings[case_id].append(from_unit)
    for case_id, at, payload in (CaseEvent.objects.filter(case_id__in=challenged_cases, action__in=("decide_review", "decide_recheck"))
                                 .order_by("case_id", "seq").values_list("case_id", "at", "payload")):
        decisions[case_id].append((at, payload))
    for case_id, challenged in routings.items():
        for unit_id, (at, payload) in zip(challenged, decisions[case_id], strict=False):
            if unit_id in out and lo <= at < hi and (payload or {}).get("result") in ("changed", "overturned"):
                out[unit_id].add(case_id)
    return out


def overturned_decisions(unit: Unit, start: dt.date, end: dt.date) -> set[int]:
    """Cases in which the unit's decision was changed or overturned by a 复查/复核 decided in the period."""
    return _review_outcomes([unit], start, end)[unit.pk]


def _own_intake(unit: Unit, start: dt.date, end: dt.date) -> int:
    lo, hi = metrics.Scope(start=start, end=end).bounds()
    return metrics.Scope(start=start, end=end, unit=unit).cases().filter(received_at__gte=lo, received_at__lt=hi).count()


class _SignalIndex:
    """Petitions registered above their local 信访部门, per period, computed once per scorecard run."""

    def __init__(self):
        self._bureaus = None
        self._periods: dict = {}
        self._hooks: dict = {}

    def hook_paths(self, hook, start: dt.date, end: dt.date) -> list[str]:
        key = (hook, start, end)
        if key not in self._hooks:
            self._hooks[key] = list(hook.paths(start, end))
        return self._hooks[key]

    def over_head(self, start: dt.date, end: dt.date) -> list[tuple[str, int, set[int]]]:
        key = (start, end)
        if key not in self._periods:
            if self._bureaus is None:
                self._bureaus = metrics._bureaus_by_area()
            lo, hi = metrics.Scope(start=start, end=end).bounds()
            period_cases = Case.objects.filter(received_at__gte=lo, received_at__lt=hi)
            ids = metrics.registered_above_local(period_cases, min_levels=1, bureaus=self._bureaus)
            routed: dict[int, set[int]] = defaultdict(set)
            for case_id, unit_id in CaseRouting.objects.filter(case_id__in=ids).values_list("case_id", "unit_id"):
                routed[case_id].add(unit_id)
            self._periods[key] = [
                (path, reg, routed[pk]) for pk, path, reg in
                Case.objects.filter(pk__in=ids).values_list("pk", "area__path", "registering_unit_id")
            ]
        return self._periods[key]


def _signals(unit: Unit, start: dt.date, end: dt.date, index: _SignalIndex | None = None) -> dict[str, int]:
    index = index or _SignalIndex()
    # Petitions about the unit's area that went over its head: registered at a 信访部门
    # above the local one, and never routed to or registered by this unit.
    skipped = sum(1 for path, reg, routed in index.over_head(start, end)
                  if path.startswith(unit.area.path) and reg != unit.pk and unit.pk not in routed)
    out = {"skipped_over": skipped}
    for hook in SUPPRESSION_SIGNALS:
        name = getattr(hook, "signal_name", hook.__name__)
        paths = getattr(hook, "paths", None)
        if paths is not None:
            # A hook that can list its items' area paths is asked once per period, not once per unit.
            out[name] = sum(1 for p in index.hook_paths(hook, start, end) if p.startswith(unit.area.path))
        else:
            out[name] = int(hook(unit.area, start, end))
    return out


def _suppression(unit: Unit, own_prev: int, own_cur: int, start: dt.date, end: dt.date,
                 cfg: ScorecardConfig, index: _SignalIndex) -> Suppression:
    prev_start, prev_end = _previous_period(start, end)
    sig_prev, sig_cur = _signals(unit, prev_start, prev_end, index), _signals(unit, start, end, index)
    total_prev, total_cur = sum(sig_prev.values()), sum(sig_cur.values())
    fell = own_prev > 0 and Decimal(own_cur) < Decimal(own_prev) * (1 - cfg.suppression_drop)
    signals_held = total_cur >= cfg.suppression_min_signals and total_cur >= total_prev
    return Suppression(
        flagged=bool(fell and signals_held), own_previous=own_prev, own_current=own_cur,
        signals_previous=total_prev, signals_current=total_cur,
        detail={"signals_by_kind_current": sig_cur, "signals_by_kind_previous": sig_prev,
                "previous_period": [prev_start.isoformat(), prev_end.isoformat()]},
    )


def _previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


def suppression_check(unit: Unit, start: dt.date, end: dt.date, cfg: ScorecardConfig | None = None,
                      index: _SignalIndex | None = None) -> Suppression:
    cfg = cfg or active_config()
    prev_start, prev_end = _previous_period(start, end)
    return _suppression(unit, _own_intake(unit, prev_start, prev_end), _own_intake(unit, start, end),
                        start, end, cfg, index or _SignalIndex())


def _raw_all(units: list[Unit], start: dt.date, end: dt.date, cfg: ScorecardConfig) -> dict[int, dict]:
    """The rates of every unit, from a fixed number of grouped queries (not per unit).

    Each unit's figures are those of its unit scope (metrics.Scope with `unit`): the
    same definitions, looked up once for the union of the units' cases.
    """
    unit_cases = metrics.unit_case_ids(units)
    lo, hi = metrics.Scope(start=start, end=end).bounds()
    prev_lo, _prev_hi = metrics.Scope(start=_previous_period(start, end)[0], end=end).bounds()
    all_ids = set().union(*unit_cases.values()) if unit_cases else set()
    refused, received = set(), {}
    for pk, state, at in Case.objects.filter(pk__in=sorted(all_ids)).values_list("pk", "state", "received_at"):
        if state in metrics.REFUSED_STATES:
            refused.add(pk)
        if prev_lo <= at < hi:
            received[pk] = at
    results = {cid: d for cid, d in metrics.result_dates(sorted(all_ids)).items() if start <= d <= end}
    repeated = metrics.repeats_after_result(results, days=cfg.repeat_window_days)
    overturned = _review_outcomes(units, start, end)
    ratings: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, score, n in (Rating.objects.filter(unit__in=units, target="unit", window__opens_on__gte=start, window__opens_on__lte=end)
                              .values_list("unit_id", "score").annotate(n=Count("pk")).values_list("unit_id", "score", "n")):
        ratings[unit_id][score] = n
    t1 = metrics._clock_rates_by_unit(("register_route_15d", "accept_notice_15d"), start, end, unit_cases)
    t2 = metrics._clock_rates_by_unit(("handle_60d", "assigned_report", "suggestion_reply"), start, end, unit_cases)
    concluded = {uid: {c: results[c] for c in ids if c in results and c not in refused} for uid, ids in unit_cases.items()}
    ftr = metrics.first_time_resolution_by_unit(concluded)
    local = _local_resolution(units, start, end)
    out = {}
    for u in units:
        ids, done = unit_cases[u.pk], concluded[u.pk]
        with_refusals = [c for c in ids if c in results]
        stood = len([c for c in done if c not in repeated and c not in overturned[u.pk]])
        n, rated = len(done), sum(ratings[u.pk].values())
        good = ratings[u.pk].get("satisfied", 0) + ratings[u.pk].get("basically", 0)
        clocks = t1[u.pk].denominator + t2[u.pk].denominator
        out[u.pk] = {
            "concluded": n,
            "components": {
                "resolution": Component(stood / n if n else None, n),
                "satisfaction": Component(good / rated if rated else None, rated),
                "timeliness": Component((t1[u.pk].numerator + t2[u.pk].numerator) / clocks if clocks else None, int(clocks)),
                "first_time": Component(ftr[u.pk].value, int(ftr[u.pk].denominator)),
                "local": Component(local[u.pk][0] / local[u.pk][1] if local[u.pk][1] else None, local[u.pk][1]),
            },
            "local_solved": local[u.pk][0],
            "repeat_rate": len([c for c in with_refusals if c in repeated]) / len(with_refusals) if with_refusals else 0.0,
            "overturned_rate": min(len(overturned[u.pk]) / n, 1.0) if n else (1.0 if overturned[u.pk] else 0.0),
            "intake": (sum(1 for c in ids if c in received and received[c] < lo), sum(1 for c in ids if c in received and received[c] >= lo)),
        }
    return out


def _local_resolution(units: list[Unit], start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """unit id → (grid reports solved at the grid, grid reports) over every LOCAL_RESOLUTION hook."""
    out = {u.pk: (0, 0) for u in units}
    for hook in LOCAL_RESOLUTION:
        for unit_id, (solved, reports) in hook(units, start, end).items():
            if unit_id in out:
                out[unit_id] = (out[unit_id][0] + solved, out[unit_id][1] + reports)
    return out


def scorecards(*, start: dt.date, end: dt.date, area: Area | None = None, units=None, cfg: ScorecardConfig | None = None) -> list[UnitScore]:
    """Score and rank the 责任单位 in `area` (or `units`) for the period.

    Units outside this deployment (Unit.is_external: provincial and national bodies
    kept only so that 复查/复核 can go up) are never scored with the local ones.
    """
    cfg = cfg or active_config()
    if units is None:
        units = Unit.objects.filter(is_active=True, is_external=False).exclude(kind__in=(UnitKind.PETITION_BUREAU, UnitKind.GRID))
        if area is not None:
            units = units.filter(area__path__startswith=area.path)
    units = list(units.select_related("area") if hasattr(units, "select_related") else units)
    raw = _raw_all(units, start, end, cfg)
    weights = {"resolution": float(cfg.weight_resolution), "satisfaction": float(cfg.weight_satisfaction),
               "timeliness": float(cfg.weight_timeliness), "first_time": float(cfg.weight_first_time),
               "local": float(cfg.weight_local)}
    # Pooled rate of every component over all units: the prior each unit is shrunk to.
    pooled = {}
    for key in weights:
        num = sum((r["components"][key].rate or 0) * r["components"][key].n for r in raw.values())
        den = sum(r["components"][key].n for r in raw.values())
        pooled[key] = num / den if den else 0.5
    k = cfg.prior_cases
    index = _SignalIndex()
    out = []
    for u in units:
        r = raw[u.pk]
        total_w, base = 0.0, 0.0
        for key, comp in r["components"].items():
            comp.shrunk = ((comp.rate or 0) * comp.n + pooled[key] * k) / (comp.n + k) if (comp.n + k) else pooled[key]
            # No data, no credit: optional components always, the others for a unit ranked on its
            # grids' work alone (nothing concluded), which must not get the pool's average for free.
            if not comp.n and (key in OPTIONAL_COMPONENTS or not r["concluded"]):
                continue
            base += weights[key] * comp.shrunk
            total_w += weights[key]
        base = 100 * base / (total_w or 1.0)
        penalty = float(cfg.penalty_repeat) * 100 * r["repeat_rate"] + float(cfg.penalty_overturned) * 100 * r["overturned_rate"]
        # Nothing concluded and no grid work: no score rather than the pool's average (module docstring).
        score = max(base - penalty, 0.0) if (r["concluded"] or r["components"]["local"].n) else None
        card = UnitScore(
            unit=u, concluded=r["concluded"], components=r["components"], repeat_rate=r["repeat_rate"],
            overturned_rate=r["overturned_rate"], penalty=penalty, score=score,
            suppression=_suppression(u, *r["intake"], start, end, cfg, index), local_solved=r["local_solved"],
        )
        out.append(card)
    out.sort(key=lambda s: (not s.ranked, -(s.score or 0), s.unit.code))
    for i, s in enumerate(x for x in out if x.ranked):
        s.rank = i + 1
    return out


def config_description(cfg: ScorecardConfig | None = None) -> dict:
    cfg = cfg or active_config()
    return {
        "weights": {"resolution": str(cfg.weight_resolution), "satisfaction": str(cfg.weight_satisfaction),
                    "timeliness": str(cfg.weight_timeliness), "first_time": str(cfg.weight_first_time),
                    "local": str(cfg.weight_local)},
        "ranking": str(_("本期没有有结果事项（有结果件数为0）的单位不计分、不排名，各项显示“无数据”，列在已排名单位之后；"
                         "不把空白记录收缩到平均水平，以免少收件、不办结的单位排在切实化解问题的单位之前。"
                         "辖区内本期有网格上报的村社区、乡镇街道只按有数据的各项（就地化解等）计分，无数据的项不得分。")),
        "local": str(_("就地化解：单位辖区内本期网格上报事项中，在网格化解、且其后未就同一事项形成信访事项的比例；"
                       "辖区内没有网格上报的单位不计此项。")),
        "repeat_window_days": cfg.repeat_window_days, "penalty_repeat": str(cfg.penalty_repeat),
        "penalty_overturned": str(cfg.penalty_overturned), "prior_cases": cfg.prior_cases,
        "suppression_drop": str(cfg.suppression_drop), "suppression_min_signals": cfg.suppression_min_signals,
    }
