"""信访人评价 (Art. 21): who may rate, once per rated body, inside the window.

The window (rule "rating_window", 30日 by default) opens when the result reaches
the petitioner: the day the 信访处理意见书 is delivered, or the day the case ends
(办结, 复核终结, 不予受理, 不再受理) if no opinion was delivered before. The opening
is derived from the case's audit events, so it is the same whether it is
materialised by the sweep (`open_rating_windows`), by the first rating, or later.

The 信访部门 (the registering bureau) and the 责任单位 (the unit the case was
transferred or assigned to) are rated separately.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from minxin.cases.audit import append_event
from minxin.cases.events import A
from minxin.cases.models import Case, CaseParty, CaseRouting, CaseState
from minxin.cases.services.common import case_event_recorded
from minxin.core import clock
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.org.models import Role, Staff, Unit
from minxin.oversight import policies
from minxin.oversight.models import Rating, RatingScore, RatingTarget, RatingWindow, RatingWindowState

RULE_CODE = "rating_window"
CHANNELS = ("portal", "phone", "visit", "sms", "letter", "hotline", "app")
# States in which the result has reached the petitioner for good.
ENDING_STATES = (CaseState.CLOSED, CaseState.FINAL, CaseState.NOT_ACCEPTED, CaseState.NOT_REACCEPTED)
# Routings that hand the matter to a 责任单位 (not 复查/复核 bodies or dispute arbiters).
HANDLING_ROUTINGS = ("transfer", "assign")



@dataclass(frozen=True)
class Opening:
    opens_on: dt.date
    bureau_id: int
    unit_id: int | None


def handling_unit_id(case: Case, *, at: dt.datetime | None = None) -> int | None:
    """The 责任单位: the last unit the case was transferred or assigned to (before `at`)."""
    qs = CaseRouting.objects.filter(case=case, kind__in=HANDLING_ROUTINGS)
    if at is not None:
        qs = qs.filter(at__lte=at)
    return qs.order_by("-at", "-pk").values_list("unit_id", flat=True).first()


def rating_openings(cases) -> dict[int, Opening]:
    """When and for whom each case's rating window opens; cases with none are left out.

    The opening day is the case's result date (minxin.oversight.metrics): the
    delivery of the 信访处理意见书, or else the day the case ended.
    """
    from minxin.oversight.metrics import result_events

    cases = {c.pk: c for c in cases if not c.is_anonymous}
    with_parties = set(CaseParty.objects.filter(case_id__in=list(cases)).values_list("case_id", flat=True))
    results = result_events([pk for pk in cases if pk in with_parties])
    routings: dict[int, list] = {}
    for case_id, at, unit_id in (CaseRouting.objects.filter(case_id__in=list(results), kind__in=HANDLING_ROUTINGS)
                                 .order_by("at", "pk").values_list("case_id", "at", "unit_id")):
        routings.setdefault(case_id, []).append((at, unit_id))
    out = {}
    for pk, (opens_on, event_at) in results.items():
        unit_id = None
        for at, uid in routings.get(pk, ()):
            if at <= event_at:
                unit_id = uid
        out[pk] = Opening(opens_on=opens_on, bureau_id=cases[pk].registering_unit_id, unit_id=unit_id)
    return out


def rating_opening(case: Case) -> Opening | None:
    """When and for whom the rating window opens, or None (not yet, or nobody can rate)."""
    return rating_openings([case]).get(case.pk)


def ensure_rating_window(case: Case, *, cache: dict | None = None) -> RatingWindow | None:
    """Materialise the case's window if it is due; idempotent and safe under concurrency.

    `cache` (a dict the caller keeps across calls) spares a sweep reloading the
    working calendar and re-resolving the rule for every case.
    """
    existing = RatingWindow.objects.filter(case=case).first()
    if existing is not None:
        return existing
    opening = rating_opening(case)
    if opening is None:
        return None
    rule, due_on = _due_on(case, opening.opens_on, {} if cache is None else cache)
    try:
        with transaction.atomic():
            return RatingWindow.objects.create(
                case=case, rule=rule, opens_on=opening.opens_on, due_on=due_on, bureau_id=opening.bureau_id,
                unit_id=opening.unit_id, created_at=clock.now(),
            )
    except IntegrityError:  # another process opened it first
        return RatingWindow.objects.get(case=case)


def _check_recorder(case: Case, actor: Staff, rated_unit: Unit) -> None:
    policies.check_record_rating(actor, case, rated_unit)


def record_rating(case, *, target: str, score: str, comment: str = "", channel: str = "portal",
                  rater_petitioner=None, actor: Staff | None = None) -> Rating:
    """Record one petitioner's rating of the 信访部门 or the 责任单位 of `case`.

    `rater_petitioner` must be a 信访人 of the case (the portal has verified their
    phone). Staff recording a rating given by phone pass `actor`; when the case has
    a single 信访人 they may leave `rater_petitioner` out.
    """
    if target not in RatingTarget.values:
        raise ValidationFailed(_("评价对象应为信访部门或责任单位"), fields={"target": _("无效")})
    if score not in RatingScore.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意"), fields={"score": _("必填")})
    if channel not in CHANNELS:
        raise ValidationFailed(_("评价渠道无效，应为：%(list)s") % {"list": "、".join(CHANNELS)}, fields={"channel": _("无效")})
    comment = (comment or "").strip()
    pk = case.pk if isinstance(case, Case) else case
    with transaction.atomic():
        # The row lock serialises this event with lifecycle actions on the same case (audit chain).
        c = Case.objects.select_for_update(of=("self",)).select_related("registering_unit", "area").filter(pk=pk).first()
        if c is None:
            raise ValidationFailed(_("信访事项不存在"))
        parties = list(CaseParty.objects.filter(case=c).values_list("petitioner_id", flat=True))
        if rater_petitioner is None:
            if actor is None or len(parties) != 1:
                raise ValidationFailed(_("请指明作出评价的信访人"), fields={"rater_petitioner": _("必填")})
            rater_id = parties[0]
        else:
            rater_id = rater_petitioner.pk if hasattr(rater_petitioner, "pk") else int(rater_petitioner)
        if rater_id not in parties:
            raise PermissionDenied(_("只有信访件%(number)s的信访人本人可以评价") % {"number": c.number})
        window = ensure_rating_window(c)
        if window is None:
            raise ValidationFailed(
                _("信访件%(number)s尚未办结或书面答复尚未送达，暂不能评价") % {"number": c.number}
            )
        window = RatingWindow.objects.select_for_update(of=("self",)).select_related("bureau", "unit").get(pk=window.pk)
        today = clock.today()
        if today > window.due_on:
            raise ValidationFailed(
                _("信访件%(number)s的评价期限已于%(due)s届满，不能再评价") % {"number": c.number, "due": window.due_on.isoformat()}
            )
        rated_unit = window.bureau if target == RatingTarget.BUREAU else window.unit
        if rated_unit is None:
            raise ValidationFailed(
                _("信访件%(number)s未转送、交办责任单位办理，只能评价信访部门") % {"number": c.number}, fields={"target": _("无责任单位")}
            )
        if actor is not None:
            _check_recorder(c, actor, rated_unit)
        label = RatingTarget(target).label
        if Rating.objects.filter(case=c, target=target).exists():
            raise ValidationFailed(
                _("信访件%(number)s已对%(target)s作出评价，每件事项只能评价一次") % {"number": c.number, "target": label},
                fields={"target": _("已评价")},
            )
        now = clock.now()
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    case=c, window=window, target=target, unit=rated_unit, score=score, comment=comment, channel=channel,
                    rater_petitioner_id=rater_id, recorded_by=actor, rated_at=now,
                )
        except IntegrityError:
            raise ValidationFailed(
                _("信访件%(number)s已对%(target)s作出评价，每件事项只能评价一次") % {"number": c.number, "target": label},
                fields={"target": _("已评价")},
            ) from None
        if window.state != RatingWindowState.RATED:
            RatingWindow.objects.filter(pk=window.pk).update(state=RatingWindowState.RATED)
        event = append_event(
            c, at=now, actor=actor, action=A.RATE, from_state=c.state, to_state=c.state,
            payload={"target": target, "unit": rated_unit.name, "score": score, "channel": channel,
                     "on_behalf": actor is not None},
        )
        # In this transaction, like the lifecycle services: subscribers' outbox rows (webhooks) commit with it.
        case_event_recorded.send(sender=Case, case_id=c.pk, action=A.RATE, from_state=c.state, to_state=c.state,
                                 event_id=event.pk)
    return rating


def rating_status(case: Case) -> dict:
    """What the portal shows: whether the case can be rated now, until when, and for which bodies.

    {"open": bool, "opens_on": date|None, "due_on": date|None,
     "targets": [{"target": "bureau"|"unit", "label", "unit": name, "rated": bool, "score": str|None}]}
    """
    window = ensure_rating_window(case)
    if window is None:
        return {"open": False, "opens_on": None, "due_on": None, "targets": []}
    done = dict(Rating.objects.filter(case=case).values_list("target", "score"))
    targets = []
    for target, unit in ((RatingTarget.BUREAU, window.bureau), (RatingTarget.UNIT, window.unit)):
        if unit is not None:
            targets.append({"target": target.value, "label": str(target.label), "unit": unit.name,
                            "rated": target.value in done, "score": done.get(target.value)})
    return {"open": clock.today() <= window.due_on, "opens_on": window.opens_on, "due_on": window.due_on, "targets": targets}


def _due_on(case: Case, opens_on: dt.date, cache: dict):
    """(rule, due day) of the case's window. Within one sweep the calendar and the rule
    versions are loaded once; the choice among versions is rules.selectors.resolve_rule's
    (in force on the day, most specific scope, newest), which also reports a missing rule."""
    from minxin.rules.calendar_db import load_working_calendar
    from minxin.rules.models import DeadlineRule
    from minxin.rules.selectors import resolve_rule

    if "calendar" not in cache:
        cache["calendar"] = load_working_calendar()
        cache["rules"] = list(DeadlineRule.objects.filter(code=RULE_CODE, is_active=True).select_related("area"))
    in_force = [r for r in cache["rules"] if r.effective_from <= opens_on and (r.effective_to is None or r.effective_to >= opens_on)
                and r.applies_to(case.area)]
    rule = max(in_force, key=lambda r: (r.specificity(), r.effective_from, r.pk)) if in_force else resolve_rule(
        RULE_CODE, area=case.area, on=opens_on)
    return rule, cache["calendar"].add(opens_on, rule.amount, rule.unit)


def open_rating_windows(*, after_each=None, chunk: int = 500) -> int:
    """Sweep: open the windows of cases whose result has reached the petitioner. Idempotent:
    the one-window-per-case constraint makes a rerun or a concurrent sweep insert nothing twice."""
    candidates = (
        Case.objects.filter(rating_window__isnull=True, is_anonymous=False)
        .filter(Q(state__in=ENDING_STATES) | Q(decision_delivered_on__isnull=False) | Q(closed_at__isnull=False)
                | Q(state__in=(CaseState.REVIEW_REQUESTED, CaseState.REVIEW_DECIDED, CaseState.RECHECK_REQUESTED)))
        .select_related("area").order_by("pk")
    )
    opened = 0
    cache: dict = {}
    batch: list[Case] = []

    def flush():
        nonlocal opened
        openings = rating_openings(batch)
        now = clock.now()
        rows = []
        for case in batch:
            o = openings.get(case.pk)
            if o is None:
                continue
            rule, due_on = _due_on(case, o.opens_on, cache)
            rows.append(RatingWindow(case=case, rule=rule, opens_on=o.opens_on, due_on=due_on, bureau_id=o.bureau_id,
                                     unit_id=o.unit_id, created_at=now))
            if after_each:
                after_each()
        before = RatingWindow.objects.filter(case__in=batch).count()
        RatingWindow.objects.bulk_create(rows, ignore_conflicts=True)
        opened += RatingWindow.objects.filter(case__in=batch).count() - before
        batch.clear()

    for case in candidates.iterator(chunk_size=chunk):
        batch.append(case)
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return opened


def expire_rating_windows(today: dt.date | None = None, *, after_each=None, chunk: int = 500) -> int:
    """Sweep: 待评价 → 超期未评价 once the window has passed with no rating. Idempotent:
    the state guard in the UPDATE is the claim, so a rerun or a second worker changes nothing."""
    from minxin.oversight.models import Notice, NoticeKind

    today = today or clock.today()
    expired = 0
    while True:
        rows = list(RatingWindow.objects.filter(state=RatingWindowState.PENDING, due_on__lt=today).order_by("pk")
                    .values_list("pk", "case_id", "bureau_id", "due_on", "case__number")[:chunk])
        if not rows:
            return expired
        pks = [r[0] for r in rows]
        # Notices first, then the state change: a crash in between leaves the windows
        # pending, and the rerun finds the notices already there (unique) and finishes.
        now = clock.now()
        Notice.objects.bulk_create([
            Notice(kind=NoticeKind.RATING_EXPIRED, case_id=case_id, unit_id=bureau_id, period=f"rating:{pk}", created_at=now,
                   text=_("信访件%(number)s评价期已于%(due)s届满，信访人未评价，可电话回访") % {"number": number, "due": due.isoformat()})
            for pk, case_id, bureau_id, due, number in rows
        ], ignore_conflicts=True)
        expired += RatingWindow.objects.filter(pk__in=pks, state=RatingWindowState.PENDING).update(
            state=RatingWindowState.EXPIRED, expired_at=clock.now())
        if after_each:
            after_each()


def rating_summary(ratings) -> dict:
    """Counts per score over a Rating queryset."""
    agg = ratings.aggregate(
        total=Count("pk"),
        satisfied=Count("pk", filter=Q(score=RatingScore.SATISFIED)),
        basically=Count("pk", filter=Q(score=RatingScore.BASICALLY)),
        unsatisfied=Count("pk", filter=Q(score=RatingScore.UNSATISFIED)),
    )
    agg["satisfaction"] = (agg["satisfied"] + agg["basically"]) / agg["total"] if agg["total"] else None
    return agg


def ratings_by_target(*, units=None, since: dt.date | None = None, until: dt.date | None = None) -> dict:
    """Aggregates kept apart for 信访部门 and 责任单位: {target: {unit_id: summary}}."""
    qs = Rating.objects.all()
    if units is not None:
        qs = qs.filter(unit__in=units)
    if since:
        qs = qs.filter(window__opens_on__gte=since)
    if until:
        qs = qs.filter(window__opens_on__lte=until)
    out: dict = {RatingTarget.BUREAU.value: {}, RatingTarget.UNIT.value: {}}
    for row in qs.values("target", "unit_id").annotate(
        total=Count("pk"),
        satisfied=Count("pk", filter=Q(score=RatingScore.SATISFIED)),
        basically=Count("pk", filter=Q(score=RatingScore.BASICALLY)),
        unsatisfied=Count("pk", filter=Q(score=RatingScore.UNSATISFIED)),
    ):
        row["satisfaction"] = (row["satisfied"] + row["basically"]) / row["total"] if row["total"] else None
        out[row["target"]][row["unit_id"]] = row
    return out
