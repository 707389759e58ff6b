"""Every oversight metric, defined once.

Each metric is a declarative `Metric`: code, Chinese name, what is counted in
the numerator and the denominator, the time base (which date puts a case into a
period), what counts and what does not, and the function that computes it for
a `Scope` (an area subtree, optionally one unit, and a period of whole days).
The page, the API, the README and the scorecard all read these objects, so the
numbers and their explanation cannot drift apart.

Common terms
- *Area scope*: cases whose 问题属地 is the area or below it.
- *Unit scope*: cases the unit was responsible for — transferred or assigned to
  it (转送/交办), or registered by it when it is a 信访部门.
- *Result date* (结果日): the day the result reached the petitioner — the delivery
  day of the 信访处理意见书, or else the day the case ended (办结, 复核终结,
  不予受理, 不再受理); the same date that opens the rating window.
- A period is inclusive of both end dates, in the bureau's time zone.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Case, CaseEvent, CaseParty, CaseRouting, CaseState
from minxin.core import clock
from minxin.org.models import Area, Unit

REPEAT_WINDOW_DAYS = 90
HANDLING_ROUTINGS = ("transfer", "assign")
ENDING_STATES = (CaseState.CLOSED, CaseState.FINAL, CaseState.NOT_ACCEPTED, CaseState.NOT_REACCEPTED)
REFUSED_STATES = (CaseState.NOT_ACCEPTED, CaseState.NOT_REACCEPTED)


@dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date
    area: Area | None = None
    unit: Unit | None = None

    def bounds(self):
        tz = timezone.get_current_timezone()
        lo = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return lo, hi

    def cases(self):
        qs = Case.objects.all()
        if self.area is not None:
            qs = qs.filter(area__path__startswith=self.area.path)
        if self.unit is not None:
            handled = CaseRouting.objects.filter(unit=self.unit, kind__in=HANDLING_ROUTINGS).values("case_id")
            q = Q(pk__in=handled)
            if self.unit.is_petition_bureau:
                q |= Q(registering_unit=self.unit)
            qs = qs.filter(q)
        return qs

    def within(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass
class Value:
    numerator: float
    denominator: float
    value: float | None
    extra: dict = field(default_factory=dict)

    def as_dict(self):
        return asdict(self)


def _rate(num, den, **extra) -> Value:
    return Value(num, den, (num / den) if den else None, extra)


def _local(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


# ---------------------------------------------------------------- shared facts


def result_events(case_ids) -> dict[int, tuple[dt.date, dt.datetime]]:
    """case_id → (result date, time of the event that set it), for cases that have one."""
    out: dict[int, tuple[dt.date, dt.datetime]] = {}
    events = (
        CaseEvent.objects.filter(case_id__in=case_ids)
        .filter(Q(action__in=("issue_opinion", "record_delivery"), to_state=CaseState.OPINION_ISSUED) | Q(to_state__in=ENDING_STATES))
        .order_by("case_id", "seq")
        .values_list("case_id", "at", "to_state", "payload")
    )
    for case_id, at, to_state, payload in events:
        if case_id in out:
            continue
        if to_state == CaseState.OPINION_ISSUED:
            delivered = (payload or {}).get("delivered_on")
            if delivered:
                out[case_id] = (dt.date.fromisoformat(delivered), at)
        else:
            out[case_id] = (_local(at), at)
    return out


def result_dates(case_ids) -> dict[int, dt.date]:
    """case_id → result date (see module docstring), for cases that have one."""
    return {cid: day for cid, (day, _at) in result_events(case_ids).items()}


def petitioner_keys(case_ids) -> dict[int, set[str]]:
    """case_id → keys identifying its petitioners: the 信访人 row and, when known, the ID blind index."""
    out: dict[int, set[str]] = defaultdict(set)
    for case_id, pid, id_hash in CaseParty.objects.filter(case_id__in=case_ids).values_list("case_id", "petitioner_id", "petitioner__id_hash"):
        out[case_id].add(f"p{pid}")
        if id_hash:
            out[case_id].add(f"h{id_hash}")
    return out


def repeats_after_result(case_results: dict[int, dt.date], *, days: int = REPEAT_WINDOW_DAYS) -> set[int]:
    """Cases followed, within `days` after their result date, by another case received
    from the same petitioner (same 信访人 record or same ID number)."""
    if not case_results:
        return set()
    keys = petitioner_keys(list(case_results))
    by_key: dict[str, list[int]] = defaultdict(list)
    for cid, ks in keys.items():
        for k in ks:
            by_key[k].append(cid)
    pids = {int(k[1:]) for ks in keys.values() for k in ks if k[0] == "p"}
    hashes = {k[1:] for ks in keys.values() for k in ks if k[0] == "h"}
    lo = min(case_results.values())
    later = (
        CaseParty.objects.filter(Q(petitioner_id__in=pids) | Q(petitioner__id_hash__in=hashes))
        .filter(case__received_at__gte=dt.datetime.combine(lo, dt.time.min, tzinfo=timezone.get_current_timezone()))
        .values_list("case_id", "case__received_at", "petitioner_id", "petitioner__id_hash")
    )
    out: set[int] = set()
    for other_id, received_at, pid, id_hash in later:
        received = _local(received_at)
        for k in (f"p{pid}", f"h{id_hash}" if id_hash else None):
            for cid in by_key.get(k, ()) if k else ():
                if other_id != cid and case_results[cid] < received <= case_results[cid] + dt.timedelta(days=days):
                    out.add(cid)
    return out


def _responsible_unit(deadline, routings_by_case) -> int | None:
    from minxin.oversight.sweeps import UNIT_CLOCKS

    who = UNIT_CLOCKS.get(deadline.code)
    case = deadline.case
    if who == "registering":
        return case.registering_unit_id
    # The unit the case had been routed to when the clock started.
    best = None
    for at, unit_id, kind in routings_by_case.get(case.pk, ()):
        if at <= deadline.created_at:
            best = unit_id
    return best if best is not None else case.current_unit_id


def _clock_rows(codes, start: dt.date, end: dt.date, cases) -> list:
    """Clocks of `codes` on `cases` that count in the period (see _clock_rate)."""
    from minxin.rules.models import CaseDeadline, DeadlineState

    lo, hi = Scope(start=start, end=end).bounds()
    today = clock.today()
    return list(CaseDeadline.objects.filter(code__in=codes, case__in=cases).filter(
        Q(state__in=(DeadlineState.MET, DeadlineState.MISSED), completed_at__gte=lo, completed_at__lt=hi)
        | Q(state=DeadlineState.RUNNING, due_on__gte=start, due_on__lte=end, due_on__lt=today)
    ).select_related("case"))


def _responsible_units(rows) -> dict[int, int | None]:
    """deadline id → the unit answerable for it (one query for all rows)."""
    routings = defaultdict(list)
    for case_id, at, unit_id, kind in CaseRouting.objects.filter(
        case_id__in={d.case_id for d in rows}, kind__in=HANDLING_ROUTINGS
    ).order_by("at", "pk").values_list("case_id", "at", "unit_id", "kind"):
        routings[case_id].append((at, unit_id, kind))
    return {d.pk: _responsible_unit(d, routings) for d in rows}


def _clock_value(rows) -> Value:
    from minxin.rules.models import DeadlineState

    met = sum(1 for d in rows if d.state == DeadlineState.MET)
    missed = sum(1 for d in rows if d.state == DeadlineState.MISSED)
    running = sum(1 for d in rows if d.state == DeadlineState.RUNNING)
    by_code = defaultdict(lambda: [0, 0])
    for d in rows:
        by_code[d.code][1] += 1
        by_code[d.code][0] += d.state == DeadlineState.MET
    return _rate(met, len(rows), met=met, missed=missed, overdue_running=running, by_code={k: {"met": v[0], "total": v[1]} for k, v in by_code.items()})


def _clock_rate(scope: Scope, codes) -> Value:
    """met / (met + missed + running-and-overdue), for clocks of `codes`.

    A completed clock counts in the period of its completion day; a running clock
    counts once overdue, in the period containing its due day. Cancelled clocks
    (the obligation fell away, e.g. the case was re-routed) do not count.
    """
    rows = _clock_rows(codes, scope.start, scope.end, scope.cases())
    if scope.unit is not None:
        responsible = _responsible_units(rows)
        rows = [d for d in rows if responsible[d.pk] == scope.unit.pk]
    return _clock_value(rows)


def _clock_rates_by_unit(codes, start: dt.date, end: dt.date, unit_cases: dict[int, set[int]]) -> dict[int, Value]:
    """_clock_rate for many unit scopes at once: each clock counts for its responsible
    unit when the case is in that unit's scope — the same rows, a fixed number of queries."""
    rows = _clock_rows(codes, start, end, _cases_of(unit_cases))
    responsible = _responsible_units(rows)
    by_unit: dict[int, list] = defaultdict(list)
    for d in rows:
        uid = responsible[d.pk]
        if uid in unit_cases and d.case_id in unit_cases[uid]:
            by_unit[uid].append(d)
    return {uid: _clock_value(by_unit.get(uid, [])) for uid in unit_cases}


def unit_case_ids(units) -> dict[int, set[int]]:
    """unit id → ids of the cases in its unit scope (Scope.cases with `unit`), for many units in two queries."""
    units = list(units)
    out: dict[int, set[int]] = {u.pk: set() for u in units}
    for unit_id, case_id in CaseRouting.objects.filter(unit__in=units, kind__in=HANDLING_ROUTINGS).values_list("unit_id", "case_id"):
        out[unit_id].add(case_id)
    bureaus = [u for u in units if u.is_petition_bureau]
    if bureaus:
        for unit_id, case_id in Case.objects.filter(registering_unit__in=bureaus).values_list("registering_unit_id", "pk"):
            out[unit_id].add(case_id)
    return out


def _cases_of(unit_cases: dict[int, set[int]]) -> list[int]:
    return sorted(set().union(*unit_cases.values())) if unit_cases else []


# ---------------------------------------------------------------- metric functions


def timely_acceptance(scope: Scope) -> Value:
    return _clock_rate(scope, ("register_route_15d", "accept_notice_15d"))


def on_time_completion(scope: Scope) -> Value:
    return _clock_rate(scope, ("handle_60d", "assigned_report", "suggestion_reply"))


def _windows(scope: Scope):
    from minxin.oversight.models import RatingWindow

    return RatingWindow.objects.filter(case__in=scope.cases(), opens_on__gte=scope.start, opens_on__lte=scope.end)


def participation(scope: Scope) -> Value:
    from minxin.oversight.models import Rating

    today = clock.today()
    rated = set(Rating.objects.filter(window__in=_windows(scope)).values_list("window_id", "target"))
    pairs = []
    for w in _windows(scope).values("pk", "bureau_id", "unit_id", "due_on"):
        for target, unit_id in (("bureau", w["bureau_id"]), ("unit", w["unit_id"])):
            if unit_id is None or (scope.unit is not None and unit_id != scope.unit.pk):
                continue
            done = (w["pk"], target) in rated
            if done or w["due_on"] < today:
                pairs.append((target, done))
    num = sum(1 for _t, done in pairs if done)
    return _rate(num, len(pairs), **{
        f"{t}_{k}": v for t in ("bureau", "unit")
        for k, v in (("rated", sum(1 for tt, d in pairs if tt == t and d)), ("eligible", sum(1 for tt, _d in pairs if tt == t)))
    })


def satisfaction(scope: Scope) -> Value:
    from minxin.oversight.models import Rating

    qs = Rating.objects.filter(window__in=_windows(scope))
    if scope.unit is not None:
        qs = qs.filter(unit=scope.unit)
    extra = {}
    num = den = 0
    for target in ("bureau", "unit"):
        scores = list(qs.filter(target=target).values_list("score", flat=True))
        good = sum(1 for s in scores if s in ("satisfied", "basically"))
        extra[target] = {"satisfied": scores.count("satisfied"), "basically": scores.count("basically"),
                         "unsatisfied": scores.count("unsatisfied"), "rate": good / len(scores) if scores else None}
        num, den = num + good, den + len(scores)
    return _rate(num, den, **extra)


def _concluded(scope: Scope) -> dict[int, dt.date]:
    """Cases with a result date in the period, refusals excluded."""
    ids = list(scope.cases().exclude(state__in=REFUSED_STATES).values_list("pk", flat=True))
    return {cid: d for cid, d in result_dates(ids).items() if scope.within(d)}


def _first_time_failures(concluded: dict[int, dt.date]) -> tuple[set[int], set[int], set[int]]:
    """Concluded cases not resolved first time: (复查 requested, raised again within 90 days, unit rated 不满意)."""
    from minxin.oversight.models import Rating

    reviewed = set(CaseEvent.objects.filter(case_id__in=list(concluded), action="request_review").values_list("case_id", flat=True))
    repeated = repeats_after_result(concluded)
    unsatisfied = set(Rating.objects.filter(case_id__in=list(concluded), target="unit", score="unsatisfied").values_list("case_id", flat=True))
    return reviewed, repeated, unsatisfied


def _first_time_value(concluded, reviewed: set[int], repeated: set[int], unsatisfied: set[int]) -> Value:
    concluded = set(concluded)
    reviewed, repeated, unsatisfied = reviewed & concluded, repeated & concluded, unsatisfied & concluded
    failed = reviewed | repeated | unsatisfied
    return _rate(len(concluded) - len(failed), len(concluded),
                 review_requested=len(reviewed), repeated_within_90d=len(repeated), unsatisfied=len(unsatisfied))


def first_time_resolution(scope: Scope) -> Value:
    concluded = _concluded(scope)
    return _first_time_value(concluded, *_first_time_failures(concluded))


def first_time_resolution_by_unit(concluded_by_unit: dict[int, dict[int, dt.date]]) -> dict[int, Value]:
    """first_time_resolution for many unit scopes, given each unit's concluded cases
    (see _concluded); whether a case failed does not depend on the unit, so it is looked up once."""
    union: dict[int, dt.date] = {}
    for concluded in concluded_by_unit.values():
        union.update(concluded)
    failures = _first_time_failures(union)
    return {uid: _first_time_value(concluded, *failures) for uid, concluded in concluded_by_unit.items()}


def repeat_after_closure(scope: Scope) -> Value:
    concluded = _concluded(scope)
    repeated = repeats_after_result(concluded)
    return _rate(len(repeated), len(concluded))


def repeat_rate(scope: Scope) -> Value:
    lo, hi = scope.bounds()
    received = dict(scope.cases().filter(received_at__gte=lo, received_at__lt=hi).values_list("pk", "received_at"))
    keys = petitioner_keys(list(received))
    pids = {int(k[1:]) for ks in keys.values() for k in ks if k[0] == "p"}
    hashes = {k[1:] for ks in keys.values() for k in ks if k[0] == "h"}
    earlier_ids = set(
        CaseParty.objects.filter(Q(petitioner_id__in=pids) | Q(petitioner__id_hash__in=hashes)).values_list("case_id", flat=True)
    )
    earlier_results = result_dates(list(earlier_ids))
    earlier_keys = petitioner_keys(list(earlier_results))
    linked = set(Case.objects.filter(pk__in=list(received), related_case__isnull=False).values_list("pk", flat=True))
    repeats = set(linked)
    for cid, at in received.items():
        day = _local(at)
        for other, result in earlier_results.items():
            if other != cid and keys[cid] & earlier_keys.get(other, set()) and result < day <= result + dt.timedelta(days=REPEAT_WINDOW_DAYS):
                repeats.add(cid)
                break
    return _rate(len(repeats), len(received), linked=len(linked))


# Art. 20: a visit goes to the competent body's 本级 or 上一级; beyond that it is 越级.
LAWFUL_LEVELS_ABOVE_LOCAL = 1


def _bureaus_by_area() -> dict[int, tuple[int, int]]:
    """area_id → (unit id, area depth) of the 信访部门 sitting at that area."""
    out: dict[int, tuple[int, int]] = {}
    for pk, area_id, depth in Unit.objects.filter(kind="petition", is_active=True, is_external=False).order_by("pk").values_list("pk", "area_id", "area__depth"):
        out.setdefault(area_id, (pk, depth))
    return out


def local_bureau_of(area_path: str, bureaus: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
    """(unit id, depth) of the lowest 信访部门 whose area contains the area with this path."""
    for aid in reversed([int(p) for p in area_path.strip("/").split("/") if p]):
        if aid in bureaus:
            return bureaus[aid]
    return None


def registered_above_local(cases, *, min_levels: int = 1, bureaus=None) -> list[int]:
    """Cases registered at a 信访部门 at least `min_levels` area levels above the local one
    (the lowest 信访部门 whose area contains the case's area)."""
    bureaus = bureaus if bureaus is not None else _bureaus_by_area()
    out = []
    rows = cases.filter(registering_unit__kind="petition").values_list("pk", "area__path", "registering_unit__area__depth")
    for pk, path, reg_depth in rows.iterator(chunk_size=2000):
        local = local_bureau_of(path, bureaus)
        if local is not None and local[1] - reg_depth >= min_levels:
            out.append(pk)
    return out


def level_skipping(scope: Scope) -> Value:
    lo, hi = scope.bounds()
    cases = scope.cases().filter(received_at__gte=lo, received_at__lt=hi)
    bureaus = _bureaus_by_area()
    skipped = registered_above_local(cases, min_levels=LAWFUL_LEVELS_ABOVE_LOCAL + 1, bureaus=bureaus)
    above = registered_above_local(cases, min_levels=1, bureaus=bureaus)
    visits = cases.filter(pk__in=skipped, channel="visit").count()
    return _rate(len(skipped), cases.count(), visits=visits, above_local=len(above))


def _appeal_rate(scope: Scope, decided_action: str, request_action: str, decide_action: str) -> Value:
    lo, hi = scope.bounds()
    decided = set(CaseEvent.objects.filter(case__in=scope.cases(), action=decided_action, at__gte=lo, at__lt=hi).values_list("case_id", flat=True))
    requested = set(CaseEvent.objects.filter(case_id__in=list(decided), action=request_action).values_list("case_id", flat=True))
    results = defaultdict(int)
    for payload in CaseEvent.objects.filter(case_id__in=list(requested), action=decide_action).values_list("payload", flat=True):
        results[(payload or {}).get("result", "")] += 1
    return _rate(len(requested), len(decided), upheld=results["upheld"], changed=results["changed"],
                 overturned=results["overturned"], pending=len(requested) - sum(results.values()))


def review_rate(scope: Scope) -> Value:
    return _appeal_rate(scope, "issue_opinion", "request_review", "decide_review")


def recheck_rate(scope: Scope) -> Value:
    return _appeal_rate(scope, "decide_review", "request_recheck", "decide_recheck")


def supervision_stats(scope: Scope) -> Value:
    from minxin.oversight.models import Supervision

    lo, hi = scope.bounds()
    qs = Supervision.objects.filter(issued_at__gte=lo, issued_at__lt=hi)
    if scope.area is not None:
        qs = qs.filter(case__area__path__startswith=scope.area.path)
    if scope.unit is not None:
        qs = qs.filter(target_unit=scope.unit)
    rows = list(qs.values("issued_at", "first_replied_at", "level", "state", "escalated_at"))
    replied = [(r["first_replied_at"] - r["issued_at"]).total_seconds() / 86400 for r in rows if r["first_replied_at"]]
    avg = sum(replied) / len(replied) if replied else None
    return Value(len(rows), len(replied), avg, {
        "count": len(rows), "replied": len(replied), "unreplied": len(rows) - len(replied),
        "escalated": sum(1 for r in rows if r["escalated_at"]), "closed": sum(1 for r in rows if r["state"] == "closed"),
        "by_level": {lvl: sum(1 for r in rows if r["level"] == lvl) for lvl in (1, 2, 3)},
    })


def average_handling_days(scope: Scope) -> Value:
    concluded = _concluded(scope)
    received = dict(Case.objects.filter(pk__in=list(concluded)).values_list("pk", "received_at"))
    days = [(concluded[cid] - _local(received[cid])).days for cid in concluded]
    total = sum(days)
    return Value(total, len(days), (total / len(days)) if days else None, {})


# ---------------------------------------------------------------- the definitions


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    numerator: str
    denominator: str
    time_base: str
    counts: str
    excludes: str
    description: str
    compute: object
    kind: str = "rate"  # rate | count | days


METRICS: tuple[Metric, ...] = (
    Metric("timely_acceptance", _("及时受理率"),
           _("按期完成的“登记并转送交办”（15日，第二十二条）和“书面告知接收情况”（15日，第二十三条）期限数"),
           _("同两类期限中：在本期完成的（按期或超期），加上仍在计时、届满日在本期且已过的"),
           _("期限完成日；未完成的按届满日"),
           _("本区域内事项的上述两类期限；按单位统计时，登记转送期限归登记的信访部门，告知期限归当时被转送、交办的单位"),
           _("已取消的期限（如异议成立后改送他处）；尚未届满的计时期限"),
           _("信访部门是否在15日内登记并转送、交办，责任单位是否在收到后15日内书面告知信访人。"),
           timely_acceptance),
    Metric("on_time_completion", _("按期办结率"),
           _("按期完成的“办理期限”（60日，可延长30日，第三十四条）、“交办事项办结报告”（指定期限）和“建议意见回复”期限数"),
           _("同三类期限中：在本期完成的，加上仍在计时、届满日在本期且已过的"),
           _("期限完成日；未完成的按届满日"),
           _("经批准延期的按延长后的届满日判断"),
           _("已取消的期限；导入诉讼、仲裁等法定途径（第三十一条（一）至（五））的事项不计时，不计入"),
           _("应当出具处理意见书或办结报告的事项是否在法定或指定期限内办结。"),
           on_time_completion),
    Metric("participation", _("参评率"),
           _("已作出评价的“事项×评价对象”数"),
           _("结果日在本期的事项，其可评价对象（信访部门；转送、交办过的还有责任单位）中，已评价或评价期已届满的"),
           _("结果日（评价期起算日）"),
           _("信访部门、责任单位分别计数；按单位统计时只计对该单位的评价"),
           _("匿名检举控告；评价期尚未届满且未评价的（尚在待评价中）"),
           _("信访人对办理结果作出评价的比例。"),
           participation),
    Metric("satisfaction", _("满意率"),
           _("评价为“满意”或“基本满意”的评价数"),
           _("参评的评价数（满意＋基本满意＋不满意）"),
           _("结果日（评价期起算日）"),
           _("信访部门、责任单位分别列出；按单位统计时只计对该单位的评价"),
           _("未参评的事项（不视为满意）"),
           _("满意率 =（满意＋基本满意）÷ 参评数。"),
           satisfaction),
    Metric("first_time_resolution", _("一次性化解率"),
           _("结果日在本期、且未申请复查、结果日后90日内同一信访人未再信访、责任单位未被评为不满意的事项数"),
           _("结果日在本期的事项"),
           _("结果日"),
           _("同一信访人按信访人档案或身份证号盲索引识别；再次信访不论事项是否相同"),
           _("不予受理、不再受理的事项；结果日后90日内的数字为暂定值，随再次信访而下降"),
           _("一次办理即化解、信访人不再反复的比例。"),
           first_time_resolution),
    Metric("repeat_after_closure", _("办结后重复信访率"),
           _("结果日后90日内同一信访人再次信访的事项数"),
           _("结果日在本期的事项"),
           _("结果日"),
           _("同一信访人按信访人档案或身份证号盲索引识别"),
           _("不予受理、不再受理的事项"),
           _("“办结即了事”的反面指标：计入作出结果的单位（考评扣分项）。"),
           repeat_after_closure),
    Metric("repeat_rate", _("重复信访率"),
           _("收到日在本期、且为重复信访的事项数：信访人此前的事项在本次收到前90日内已有结果，或登记时关联了原事项"),
           _("收到日在本期的事项"),
           _("收到日"),
           _("同一信访人按信访人档案或身份证号盲索引识别"),
           _("匿名检举控告（无法识别信访人）只在关联了原事项时计入"),
           _("新收信访中重复信访所占比例。"),
           repeat_rate),
    Metric("level_skipping", _("越级率"),
           _("收到日在本期、由高于属地信访部门两级及以上的信访部门登记的事项数"),
           _("收到日在本期的事项"),
           _("收到日"),
           _("属地信访部门指辖区包含问题属地的最低一级信访部门，级别按行政区域层级计；附列其中走访件数，"
             "以及在属地以上任一级登记（含合法的上一级）的件数"),
           _("在属地信访部门或其上一级登记的事项（第二十条：走访应到本级或者上一级）"),
           _("超出第二十条“本级或者上一级”范围、越级反映的比例。本指标衡量属地化解的不足，"
             "不据此对信访人作出任何处理。"),
           level_skipping),
    Metric("review_rate", _("复查率"),
           _("本期出具处理意见书的事项中申请了复查的事项数；附列复查结果维持、变更、撤销、尚未作出的件数"),
           _("本期出具信访处理意见书的事项"),
           _("处理意见书出具日"),
           _("按第三十一条（六）办理的事项"),
           _("其他途径办理的事项（不出具意见书）"),
           _("信访人不服处理意见请求复查的比例（第三十五条）。"),
           review_rate),
    Metric("recheck_rate", _("复核率"),
           _("本期出具复查意见的事项中申请了复核的事项数；附列复核结果维持、变更、撤销、尚未作出的件数"),
           _("本期出具复查意见的事项"),
           _("复查意见出具日"),
           _("经复查的事项"),
           _("未经复查的事项"),
           _("信访人不服复查意见请求复核的比例（第三十六条）。"),
           recheck_rate),
    Metric("supervision", _("督办件数与平均反馈天数"),
           _("被督办单位首次反馈用时之和（自然日，精确到小时）"),
           _("已反馈的督办单数；另列督办总数、未反馈、升级、办结和各级别件数"),
           _("督办发出日"),
           _("本区域事项的督办单；按单位统计时为对该单位发出的督办单"),
           _("—"),
           _("督办件数 = 本期发出的督办单数；平均反馈天数 = 首次反馈用时之和 ÷ 已反馈数。"),
           supervision_stats, kind="count"),
    Metric("average_handling_days", _("平均办理天数"),
           _("各事项自收到日至结果日的自然日数之和"),
           _("结果日在本期的事项数"),
           _("结果日"),
           _("有结果（意见送达或办结）的事项"),
           _("不予受理、不再受理的事项"),
           _("从收到到信访人得到结果平均所用的自然日数。"),
           average_handling_days, kind="days"),
)

BY_CODE = {m.code: m for m in METRICS}


def metric_definitions() -> list[dict]:
    """Definitions for the page, the API and the README (strings, no callables)."""
    return [
        {"code": m.code, "name": str(m.name), "numerator": str(m.numerator), "denominator": str(m.denominator),
         "time_base": str(m.time_base), "counts": str(m.counts), "excludes": str(m.excludes),
         "description": str(m.description), "kind": m.kind}
        for m in METRICS
    ]


def definitions_markdown() -> str:
    lines = []
    for d in metric_definitions():
        lines += [f"### {d['name']}（`{d['code']}`）", "", d["description"], "",
                  f"- 分子：{d['numerator']}", f"- 分母：{d['denominator']}", f"- 时间口径：{d['time_base']}",
                  f"- 计入：{d['counts']}", f"- 不计入：{d['excludes']}", ""]
    return "\n".join(lines)


def compute(code: str, scope: Scope) -> Value:
    return BY_CODE[code].compute(scope)


def compute_all(scope: Scope) -> dict[str, Value]:
    return {m.code: m.compute(scope) for m in METRICS}
