"""Periodic sweeps: reminders, overdue → 督办建议, rating and review windows, 督办
escalation, daily rollups and notice delivery.

Each sweep reads the *current state* (not "what changed since the last run"),
and every write it makes is guarded by a unique constraint or a conditional
UPDATE. So a sweep run twice, run by two workers at once, or killed half-way and
run again ends with the same rows: nothing doubled, nothing missed. The
`after_each` hook lets tests interrupt a sweep after N items.

The scheduler (`manage.py sweep`) claims one `SweepRun` row per (sweep, period)
before enqueueing, so several schedulers enqueue each run once.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import Case, CaseState
from minxin.core import clock
from minxin.org.models import Area, Unit, UnitKind
from minxin.oversight import rollups
from minxin.oversight.models import (
    CoarseRollup,
    DailyRollup,
    Notice,
    NoticeKind,
    Rating,
    RatingScore,
    RollupDay,
    Supervision,
    SupervisionGround,
    SupervisionProposal,
    SweepRun,
)

log = logging.getLogger(__name__)

# Sent after a notice is claimed for delivery (notice=Notice); SMS or e-mail channels subscribe.
notice_sent = Signal()

# Clocks that bind a body (not the petitioner's own 复查/复核/评价 windows), and
# which unit answers for them.
UNIT_CLOCKS = {
    "register_route_15d": "registering",
    "entry_deadline": "registering",
    "objection_verify": "dispatching",
    "accept_notice_15d": "current",
    "assigned_report": "current",
    "handle_60d": "current",
    "suggestion_reply": "current",
    "review_decide_30d": "current",
    "recheck_decide_30d": "current",
    "proposal_feedback": "current",
    "dispute_escalation": "current",
}


def responsible_unit_id(case: Case, code: str) -> int | None:
    who = UNIT_CLOCKS.get(code)
    if who == "registering":
        return case.registering_unit_id
    if who == "dispatching":
        return case.dispatching_unit_id or case.registering_unit_id
    if who == "current":
        return case.current_unit_id
    return None


def _unit_deadlines(qs):
    return qs.filter(code__in=list(UNIT_CLOCKS)).select_related("case", "rule")


class _NoticeBatch:
    """The notices of one chunk of clocks: which exist already is read in one query, the new ones are
    written in one statement. A sweep over every open clock otherwise spends several round trips a clock
    (exists?, savepoint, insert, release) even when nothing is new. The unique constraint still decides:
    rows a concurrent run inserted first are skipped (ON CONFLICT DO NOTHING)."""

    def __init__(self, kinds: list[str], case_ids):
        self.have = set(Notice.objects.filter(kind__in=kinds, case_id__in=set(case_ids))
                        .values_list("kind", "case_id", "unit_id", "period"))
        self.rows: list[Notice] = []

    def add(self, *, kind: str, case_id: int, unit_id: int, period: str, text: str, payload: dict | None = None) -> bool:
        key = (kind, case_id, unit_id, period)
        if key in self.have:
            return False
        self.have.add(key)
        self.rows.append(Notice(kind=kind, case_id=case_id, unit_id=unit_id, period=period, text=text,
                                payload=payload or {}, created_at=clock.now()))
        return True

    def save(self) -> None:
        Notice.objects.bulk_create(self.rows, ignore_conflicts=True)


CHUNK = 500


def _chunks(qs):
    from itertools import batched

    return batched(qs.order_by("pk").iterator(chunk_size=CHUNK), CHUNK)


def remind_due_soon(today: dt.date | None = None, *, after_each=None) -> int:
    """即将到期 reminder to the answering unit, once per clock and due date."""
    from minxin.rules.deadlines import due_soon_days
    from minxin.rules.models import CaseDeadline, DeadlineState

    today = today or clock.today()
    soon = today + dt.timedelta(days=due_soon_days())
    qs = _unit_deadlines(CaseDeadline.objects.filter(state=DeadlineState.RUNNING, paused_at__isnull=True,
                                                     due_on__gte=today, due_on__lte=soon))
    made = 0
    for chunk in _chunks(qs):
        batch = _NoticeBatch([NoticeKind.DUE_SOON], (dl.case_id for dl in chunk))
        for dl in chunk:
            unit_id = responsible_unit_id(dl.case, dl.code)
            if unit_id is None:
                continue
            due = dl.due_on.isoformat() + (_("（暂定）") if dl.provisional else "")
            text = _("信访件%(number)s“%(rule)s”将于%(due)s届满，请抓紧办理") % {
                "number": dl.case.number, "rule": dl.rule.name, "due": due}
            made += batch.add(kind=NoticeKind.DUE_SOON, case_id=dl.case_id, unit_id=unit_id, period=f"{dl.code}:{dl.due_on}",
                              text=text, payload={"deadline": dl.pk, "code": dl.code, "due_on": dl.due_on.isoformat()})
        batch.save()
        if after_each:
            for _dl in chunk:
                after_each()
    return made


def detect_overdue(today: dt.date | None = None, *, after_each=None) -> int:
    """超期: notice to the answering unit and one 督办建议 per missed clock for the bureau."""
    from minxin.rules.selectors import deadlines_due_by

    today = today or clock.today()
    made = 0
    parent_bureau: dict[int, int | None] = {}  # a unit → its 信访部门 parent, looked up once per run
    qs = _unit_deadlines(deadlines_due_by(today - dt.timedelta(days=1)))
    for chunk in _chunks(qs):
        batch = _NoticeBatch([NoticeKind.OVERDUE, NoticeKind.SUPERVISION_PROPOSED], (dl.case_id for dl in chunk))
        proposed = set(SupervisionProposal.objects.filter(deadline__in=[dl.pk for dl in chunk]).values_list("deadline_id", flat=True))
        proposals = []
        for dl in chunk:
            case = dl.case
            unit_id = responsible_unit_id(case, dl.code)
            if unit_id is None:
                continue
            facts = {"number": case.number, "rule": dl.rule.name, "due": dl.due_on.isoformat(), "basis": dl.rule.legal_basis}
            batch.add(kind=NoticeKind.OVERDUE, case_id=case.pk, unit_id=unit_id, period=f"{dl.code}:{dl.due_on}",
                      text=_("信访件%(number)s“%(rule)s”已于%(due)s届满仍未完成（%(basis)s）") % facts,
                      payload={"deadline": dl.pk, "code": dl.code, "due_on": dl.due_on.isoformat()})
            if dl.pk not in proposed:
                proposed.add(dl.pk)
                proposals.append(SupervisionProposal(
                    case=case, deadline=dl, unit_id=unit_id, ground=SupervisionGround.DELAY, created_at=clock.now(),
                    reason=_("“%(rule)s”已于%(due)s届满仍未完成（%(basis)s），建议督办（第四十条）") % facts,
                ))
            # The bureau that sent the case decides; when that bureau is itself late, its 上一级 does (Art. 43).
            bureau = case.dispatching_unit_id or case.registering_unit_id
            if bureau == unit_id:
                if unit_id not in parent_bureau:
                    parent_bureau[unit_id] = Unit.objects.filter(pk=unit_id, parent__kind=UnitKind.PETITION_BUREAU).values_list("parent_id", flat=True).first()
                bureau = parent_bureau[unit_id]
            if bureau and bureau != unit_id:
                batch.add(kind=NoticeKind.SUPERVISION_PROPOSED, case_id=case.pk, unit_id=bureau, period=f"deadline:{dl.pk}",
                          text=_("信访件%(number)s“%(rule)s”超期，系统建议督办，请督办员决定") % facts, payload={"deadline": dl.pk})
        with transaction.atomic():
            batch.save()
            # One 督办建议 per clock (unique on the deadline): a concurrent run's row wins, so the count
            # can then include a proposal the other run inserted first.
            SupervisionProposal.objects.bulk_create(proposals, ignore_conflicts=True)
        made += len(proposals)
        if after_each:
            for _dl in chunk:
                after_each()
    return made


def close_expired_review_windows(today: dt.date | None = None, *, after_each=None) -> int:
    """Cases whose 复查/复核 request window passed unused are 办结 (cases.services)."""
    from minxin.cases.services import close_expired_review_window
    from minxin.rules.models import CaseDeadline, DeadlineState

    today = today or clock.today()
    ids = (CaseDeadline.objects.filter(state=DeadlineState.RUNNING, code__in=("review_request_30d", "recheck_request_30d"),
                                       paused_at__isnull=True, due_on__lt=today,
                                       case__state__in=(CaseState.OPINION_ISSUED, CaseState.REVIEW_DECIDED))
           .values_list("case_id", flat=True).distinct().order_by("case_id"))
    done = 0
    for case_id in list(ids):
        if close_expired_review_window(case_id, today=today):
            done += 1
        if after_each:
            after_each()
    return done


def rating_windows(today: dt.date | None = None, *, after_each=None) -> int:
    from minxin.oversight.ratings import expire_rating_windows, open_rating_windows

    return open_rating_windows(after_each=after_each) + expire_rating_windows(today, after_each=after_each)


def escalate_supervisions(today: dt.date | None = None, *, after_each=None) -> int:
    from minxin.oversight.supervision import escalate_ignored

    return escalate_ignored(today, after_each=after_each)


def deliver_notices(*, after_each=None, limit: int = 1000) -> int:
    """Claim each unsent notice with a conditional UPDATE, then announce it (once)."""
    sent = 0
    for pk in list(Notice.objects.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:limit]):
        if Notice.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=clock.now()) != 1:
            continue  # another worker claimed it
        notice = Notice.objects.get(pk=pk)
        log.info("notice %s kind=%s unit=%s delivered", notice.pk, notice.kind, notice.unit_id)
        notice_sent.send(sender=Notice, notice=notice)
        sent += 1
        if after_each:
            after_each()
    return sent


# ---------------------------------------------------------------- daily rollups


def _day_bounds(day: dt.date):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def compute_rollup(day: dt.date) -> dict:
    """Counts for one day keyed by (area, unit, channel, category, domain)."""
    from minxin.rules.models import CaseDeadline, DeadlineState

    start, end = _day_bounds(day)
    counts: dict = defaultdict(lambda: defaultdict(int))
    dims = ("area_id", "current_unit_id", "channel", "category", "domain_id")

    def key(row, prefix=""):
        return (row[prefix + "area_id"], row[prefix + "current_unit_id"] or 0, row[prefix + "channel"],
                row[prefix + "category"], row[prefix + "domain_id"] or 0)

    for field, measure in (("received_at", "received"), ("accepted_at", "accepted"), ("closed_at", "closed")):
        for row in Case.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end}).values(*dims):
            counts[key(row)][measure] += 1
    # Overdue at the end of the day: due before it and not done by its end.
    overdue = (CaseDeadline.objects.filter(code__in=list(UNIT_CLOCKS), due_on__lt=day, created_at__lt=end)
               .filter(Q(state=DeadlineState.RUNNING) | Q(completed_at__gte=end))
               .values_list("case_id", flat=True).distinct())
    for row in Case.objects.filter(pk__in=list(overdue)).values(*dims):
        counts[key(row)]["overdue"] += 1
    cdims = tuple("case__" + d for d in dims)
    for row in Rating.objects.filter(rated_at__gte=start, rated_at__lt=end).values(*cdims, "score"):
        k = key(row, "case__")
        counts[k]["rated"] += 1
        counts[k]["satisfied"] += row["score"] in (RatingScore.SATISFIED, RatingScore.BASICALLY)
    for row in Supervision.objects.filter(issued_at__gte=start, issued_at__lt=end).values(*cdims):
        counts[key(row, "case__")]["supervised"] += 1
    return counts


def _rollup_day_row(day: dt.date) -> None:
    try:
        with transaction.atomic():
            RollupDay.objects.get_or_create(date=day)
    except IntegrityError:
        pass


def recompute_rollup(day: dt.date) -> int:
    """Replace one day's rollup rows, then the coarse rows built from them (its piece, its overdue).

    The RollupDay row lock serialises workers on the same day; the lock of the piece's first day, taken
    before it, serialises workers on different days of one piece (they rebuild the same coarse rows).
    """
    first = rollups.piece_start(day)
    for d in sorted({first, day}):
        _rollup_day_row(d)
    with transaction.atomic():
        if first != day:
            RollupDay.objects.select_for_update().get(date=first)
        lock = RollupDay.objects.select_for_update().get(date=day)
        counts = compute_rollup(day)
        DailyRollup.objects.filter(date=day).delete()
        rows = [
            DailyRollup(date=day, area_id=k[0], unit_id_key=k[1], channel=k[2], category=k[3], domain_id_key=k[4], **v)
            for k, v in counts.items()
        ]
        DailyRollup.objects.bulk_create(rows)
        rebuild_coarse_rollup(day)
        lock.computed_at, lock.rows = clock.now(), len(rows)
        lock.save(update_fields=["computed_at", "rows"])
    return len(rows)


def rebuild_coarse_rollup(day: dt.date) -> int:
    """The coarse rows that depend on `day`'s daily rows: its piece's received counts, its overdue counts."""
    kw = {"daily_model": DailyRollup, "coarse_model": CoarseRollup, "area_model": Area, "cut": rollups.AreaCut(Area)}
    return rollups.rebuild_piece(day, **kw) + rollups.rebuild_overdue_day(day, **kw)


def daily_rollups(today: dt.date | None = None, *, after_each=None) -> int:
    """Yesterday (final) and today (so far): late events for yesterday are picked up on the next run."""
    today = today or clock.today()
    total = 0
    for day in (today - dt.timedelta(days=1), today):
        total += recompute_rollup(day)
        if after_each:
            after_each()
    return total


# ---------------------------------------------------------------- registry and runs


@dataclass(frozen=True)
class SweepSpec:
    name: str
    label: str
    interval: int  # seconds between runs
    func: object


def _risk_sweep(module: str):
    # Imported when run: risk reads oversight's rollups, so a top-level import would be circular.
    return _sweep_of(f"minxin.risk.{module}")


def _sweep_of(dotted: str):
    """The `sweep(today, after_each=)` of a module above oversight, imported by name when the sweep runs."""

    def run(today=None, after_each=None):
        from importlib import import_module

        return import_module(dotted).sweep(today, after_each=after_each)

    return run


SWEEPS: dict[str, SweepSpec] = {
    s.name: s
    for s in (
        SweepSpec("due_soon", "即将到期提醒", 3600, remind_due_soon),
        SweepSpec("overdue", "超期检测与督办建议", 3600, detect_overdue),
        SweepSpec("review_windows", "复查/复核申请期满办结", 3600, close_expired_review_windows),
        SweepSpec("rating_windows", "评价期限开启与超期未评价", 3600, rating_windows),
        SweepSpec("supervision_escalation", "督办逾期升级", 3600, escalate_supervisions),
        SweepSpec("daily_rollups", "每日汇总", 900, daily_rollups),
        SweepSpec("deliver_notices", "提醒发送", 60, lambda today=None, after_each=None: deliver_notices(after_each=after_each)),
        SweepSpec("risk_warnings", "统计预警", 3600, _risk_sweep("warn")),
        SweepSpec("risk_case_scores", "信访事项风险评分", 86400, _risk_sweep("signals")),
        SweepSpec("meeting_tasks", "联席会议任务超期", 3600, _sweep_of("minxin.meetings.services")),
        SweepSpec("opinion_warnings", "舆情预警（舆情信息周量异常）", 3600, _sweep_of("minxin.opinion.warning")),
        # Every 10 minutes: the first report's limit is counted in hours.
        SweepSpec("upward_overdue", "重大紧急信息超时提醒", 600, _sweep_of("minxin.upward.sweeps")),
    )
}


def period_key(spec: SweepSpec, at: dt.datetime | None = None) -> str:
    at = at or clock.now()
    slot = int(at.timestamp()) // spec.interval
    return timezone.localtime(dt.datetime.fromtimestamp(slot * spec.interval, tz=dt.UTC)).strftime("%Y-%m-%dT%H:%M")


def claim_run(name: str, period: str) -> SweepRun | None:
    """The scheduler's claim: the first to insert (sweep, period) enqueues; the others get None."""
    try:
        with transaction.atomic():
            return SweepRun.objects.create(sweep=name, period=period, claimed_at=clock.now())
    except IntegrityError:
        return None


def run_sweep(name: str, *, period: str | None = None, after_each=None) -> int:
    """Run one sweep now and record it on its SweepRun row (created if the caller did not claim)."""
    spec = SWEEPS[name]
    period = period or period_key(spec)
    run, _created = SweepRun.objects.get_or_create(sweep=name, period=period, defaults={"claimed_at": clock.now()})
    SweepRun.objects.filter(pk=run.pk).update(started_at=clock.now(), error="")
    try:
        items = spec.func(clock.today(), after_each=after_each)
    except Exception as exc:
        SweepRun.objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    SweepRun.objects.filter(pk=run.pk).update(finished_at=clock.now(), items=items)
    return items


def schedule_due(*, enqueue=True, at: dt.datetime | None = None) -> list[tuple[str, str]]:
    """Claim the current period of every sweep; enqueue (or run inline) the claims this caller won."""
    won = []
    for spec in SWEEPS.values():
        period = period_key(spec, at)
        if claim_run(spec.name, period) is None:
            continue
        won.append((spec.name, period))
        if enqueue:
            from minxin.oversight.tasks import run_sweep_task

            run_sweep_task.enqueue(spec.name, period)
        else:
            run_sweep(spec.name, period=period)
    return won
