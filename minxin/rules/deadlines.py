"""Case deadlines: start, complete, cancel, extend, pause and resume a case's clocks.

These run INSIDE the lifecycle services' transactions (cases.services etc.): the
caller holds the case, checks the actor's permission for its own action and
writes the audit event. `transaction.atomic` here only nests a savepoint. Every
check happens before the first write, so a refusal writes nothing.

How a due date is computed (see minxin.rules.calendar):
    due_on = period end after `started_on` of (amount + extended_days + paused_days)
             in the deadline's unit, moved to the next working day when it is not one,
and it never moves earlier than it was (a calendar correction by an administrator
does not shorten a running clock).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.core import clock
from minxin.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from minxin.org.models import Role
from minxin.rules.alerts import alerting_atomic
from minxin.rules.calendar import PeriodUnit, WorkingCalendar
from minxin.rules.calendar_db import load_working_calendar
from minxin.rules.models import CaseDeadline, DeadlineState
from minxin.rules.selectors import resolve_rule, running_deadlines

EXTENSION_RULE = "extension_max_30d"
DEFAULT_DUE_SOON_DAYS = 3


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _compute_due(cal: WorkingCalendar, dl: CaseDeadline) -> dt.date:
    """The due day by `cal`; also sets dl.provisional for the day the clock will keep.

    Callers keep the later of this and the current due day, so the flag looks at that.
    """
    total = dl.amount + dl.extended_days + dl.paused_days
    due = cal.add(dl.started_on, total, dl.unit)
    kept = max(due, dl.due_on) if dl.due_on else due
    dl.provisional = cal.is_provisional(dl.started_on, kept)
    return due


def _running(case, rule_code: str, *, lock: bool = True) -> CaseDeadline | None:
    qs = CaseDeadline.objects.filter(case=case, code=rule_code, state=DeadlineState.RUNNING).select_related("rule")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.first()


def _require_running(case, rule_code: str) -> CaseDeadline:
    dl = _running(case, rule_code)
    if dl is None:
        raise InvalidTransition(
            _("信访事项%(number)s没有计时中的“%(code)s”期限") % {"number": case.number, "code": rule_code}
        )
    return dl


@alerting_atomic
def start_deadline(case, rule_code: str, *, trigger_date, amount: int | None = None, replace: bool = False) -> CaseDeadline:
    """Start the clock `rule_code` on `case`, counted from the day after `trigger_date`.

    The rule version is the one in force on `trigger_date` for the case's area
    (most specific scope wins). `amount` overrides the rule's amount for limits set
    per case, such as the 指定办理期限 of a 交办 (Art. 22(三)). A clock of the same
    rule already running is a Conflict unless `replace=True`, which cancels it.
    """
    trigger_date = _as_date(trigger_date)
    rule = resolve_rule(rule_code, area=case.area, on=trigger_date)
    if rule.unit == PeriodUnit.HOUR:
        # DeadlineRule.clean refuses this; a row written around it must still not start a clock that cannot count.
        raise ValidationFailed(
            _("期限规则“%(rule)s”的单位是小时，信访事项办理期限只能按自然日或工作日计算，请在期限规则中改正“单位”")
            % {"rule": rule.name}, fields={"unit": _("不能为小时")}
        )
    amount = rule.amount if amount is None else amount
    if amount is None:
        raise ValidationFailed(
            _("“%(rule)s”没有统一期限，须在交办时指定办理期限") % {"rule": rule.name}, fields={"amount": _("必填")}
        )
    if amount < 1:
        raise ValidationFailed(_("期限应至少为1天"), fields={"amount": _("应至少为1天")})
    existing = _running(case, rule_code)
    if existing is not None and not replace:
        raise Conflict(
            _("信访事项%(number)s的“%(rule)s”期限已在计时（届满日%(due)s）")
            % {"number": case.number, "rule": rule.name, "due": existing.due_on.isoformat()}
        )
    dl = CaseDeadline(
        case=case, rule=rule, code=rule_code, started_on=trigger_date, amount=amount, unit=rule.unit, created_at=clock.now()
    )
    # Computed before any write: an error here refuses the whole action.
    dl.due_on = _compute_due(load_working_calendar(), dl)
    if existing is not None:
        existing.state = DeadlineState.CANCELLED
        existing.completed_at = clock.now()
        existing.save(update_fields=["state", "completed_at"])
    dl.save(force_insert=True)
    refresh_next_due(case)
    return dl


@alerting_atomic
def complete_deadline(case, rule_code: str, *, at: dt.datetime | None = None) -> CaseDeadline | None:
    """Stop the running clock: met when done on or before the due day, missed otherwise.

    Returns None when no such clock runs (completing is idempotent). A paused clock
    is resumed on the completion day first, so the pause still counts in its favour.
    """
    at = at or clock.now()
    done_on = _as_date(at)
    dl = _running(case, rule_code)
    if dl is None:
        return None
    if dl.paused_at is not None:
        _apply_resume(dl, on=max(done_on, dl.paused_at), cal=load_working_calendar())
    dl.state = DeadlineState.MET if done_on <= dl.due_on else DeadlineState.MISSED
    dl.completed_at = at
    dl.save(update_fields=["state", "completed_at", "due_on", "paused_at", "paused_days", "provisional"])
    refresh_next_due(case)
    return dl


@alerting_atomic
def cancel_deadline(case, rule_code: str) -> CaseDeadline | None:
    """Stop a clock that no longer applies (e.g. the item was 转送 elsewhere). None if none runs."""
    dl = _running(case, rule_code)
    if dl is None:
        return None
    dl.state = DeadlineState.CANCELLED
    dl.completed_at = clock.now()
    dl.save(update_fields=["state", "completed_at"])
    refresh_next_due(case)
    return dl


@alerting_atomic
def extend_deadline(case, rule_code: str, *, days: int, reason: str, approved_by) -> CaseDeadline:
    """Extend a clock once, by at most the "extension_max_30d" amount (Art. 34: 不得超过30日).

    The bound includes the number (民法典 第一千二百五十九条): 30 is allowed, 31 is not.
    The extension is counted in the deadline's own unit and must match the unit of
    the extension rule. `approved_by` must be a 负责人 (审核/领导 role).
    """
    dl = _require_running(case, rule_code)
    if not dl.rule.extendable:
        raise InvalidTransition(_("“%(rule)s”不允许延期") % {"rule": dl.rule.name})
    if dl.extended_days:
        raise InvalidTransition(
            _("“%(rule)s”已于%(when)s延期%(days)d天，不能再次延期")
            % {"rule": dl.rule.name, "when": timezone.localdate(dl.extended_at).isoformat(), "days": dl.extended_days}
        )
    if approved_by is None:
        raise ValidationFailed(_("延期须经本机关、单位负责人批准"), fields={"approved_by": _("必填")})
    if not approved_by.has_role(Role.REVIEWER):
        raise PermissionDenied(_("%(name)s不是负责人，不能批准延期") % {"name": approved_by.display_name})
    if not (reason or "").strip():
        raise ValidationFailed(_("请填写延期理由（须告知信访人）"), fields={"reason": _("必填")})
    cap = resolve_rule(EXTENSION_RULE, area=case.area, on=dl.started_on)
    if cap.unit != dl.unit:
        raise ValidationFailed(
            _("延期上限按%(cap)s计算，而该期限按%(unit)s计算，不能延期")
            % {"cap": cap.get_unit_display(), "unit": dl.get_unit_display()}
        )
    if days is None or days < 1 or (cap.amount is not None and days > cap.amount):
        raise ValidationFailed(
            _("延长期限应为1至%(max)d%(unit)s（%(basis)s）") % {"max": cap.amount, "unit": cap.get_unit_display(), "basis": cap.legal_basis},
            fields={"days": _("不得超过%(max)d天") % {"max": cap.amount}},
        )
    dl.extended_days = days
    new_due = _compute_due(load_working_calendar(), dl)
    dl.due_on = max(dl.due_on, new_due)
    dl.extension_reason = reason.strip()
    dl.extension_approved_by = approved_by
    dl.extended_at = clock.now()
    dl.save(update_fields=["extended_days", "due_on", "extension_reason", "extension_approved_by", "extended_at", "provisional"])
    refresh_next_due(case)
    return dl


@alerting_atomic
def pause_deadline(case, rule_code: str, *, on: dt.date) -> CaseDeadline:
    """Stop counting from day `on` (e.g. a 复核 hearing begins, Art. 36 §2)."""
    on = _as_date(on)
    dl = _require_running(case, rule_code)
    if dl.paused_at is not None:
        raise InvalidTransition(_("“%(rule)s”已于%(on)s暂停计时") % {"rule": dl.rule.name, "on": dl.paused_at.isoformat()})
    if on < dl.started_on:
        raise ValidationFailed(_("暂停日不能早于起算日%(start)s") % {"start": dl.started_on.isoformat()}, fields={"on": _("早于起算日")})
    if on > dl.due_on:
        raise InvalidTransition(_("“%(rule)s”已于%(due)s届满，不能暂停") % {"rule": dl.rule.name, "due": dl.due_on.isoformat()})
    dl.paused_at = on
    dl.save(update_fields=["paused_at"])
    refresh_next_due(case)
    return dl


@alerting_atomic
def resume_deadline(case, rule_code: str, *, on: dt.date) -> CaseDeadline:
    """Start counting again on day `on`; the paused days are added to the due date.

    Pause on day A and resume on day B: for a 自然日 clock B − A days are added
    (day A is the first day not counted, day B counts again; a pause and resume on
    the same day adds nothing). For a 工作日 clock the working days in [A, B) are
    added, since only working days were being counted.
    """
    on = _as_date(on)
    dl = _require_running(case, rule_code)
    if dl.paused_at is None:
        raise InvalidTransition(_("“%(rule)s”没有暂停，无需恢复计时") % {"rule": dl.rule.name})
    if on < dl.paused_at:
        raise ValidationFailed(
            _("恢复日不能早于暂停日%(paused)s") % {"paused": dl.paused_at.isoformat()}, fields={"on": _("早于暂停日")}
        )
    _apply_resume(dl, on=on, cal=load_working_calendar())
    dl.save(update_fields=["paused_at", "paused_days", "due_on", "provisional"])
    refresh_next_due(case)
    return dl


def _apply_resume(dl: CaseDeadline, *, on: dt.date, cal: WorkingCalendar) -> None:
    if dl.unit == PeriodUnit.WORKING_DAY:
        added = cal.working_days_between(dl.paused_at, on)
    else:
        added = (on - dl.paused_at).days
    dl.paused_days += added
    dl.paused_at = None
    dl.due_on = max(dl.due_on, _compute_due(cal, dl))


@dataclass(frozen=True)
class DeadlineStatus:
    key: str  # normal | due_soon | overdue | paused | done | cancelled
    label: str
    due_on: dt.date
    days_left: int | None  # negative when overdue; frozen while paused; None once stopped
    late: bool  # overdue now, or completed after the due day
    provisional: bool = False  # counted with a year whose official holidays are not entered yet (暂定)


STATUS_LABELS = {
    "normal": gettext_lazy("正常"),
    "due_soon": gettext_lazy("即将到期"),
    "overdue": gettext_lazy("已超期"),
    "paused": gettext_lazy("已暂停"),
    "done": gettext_lazy("已完成"),
    "cancelled": gettext_lazy("已取消"),
}


def due_soon_days() -> int:
    """Days before the due day from which a clock shows 即将到期 (setting MINXIN_DUE_SOON_DAYS, default 3)."""
    return int(getattr(settings, "MINXIN_DUE_SOON_DAYS", DEFAULT_DUE_SOON_DAYS))


def deadline_status(deadline: CaseDeadline, today: dt.date | None = None, *, soon_days: int | None = None) -> DeadlineStatus:
    """The one status function for lists, pages and sweeps."""
    today = today or clock.today()
    soon = due_soon_days() if soon_days is None else soon_days

    def make(key, days_left, late):
        return DeadlineStatus(
            key=key, label=str(STATUS_LABELS[key]), due_on=deadline.due_on, days_left=days_left, late=late,
            provisional=deadline.provisional and deadline.state == DeadlineState.RUNNING,
        )

    if deadline.state == DeadlineState.CANCELLED:
        return make("cancelled", None, False)
    if deadline.state in (DeadlineState.MET, DeadlineState.MISSED):
        return make("done", None, deadline.state == DeadlineState.MISSED)
    if deadline.paused_at is not None:
        return make("paused", (deadline.due_on - deadline.paused_at).days, False)
    days_left = (deadline.due_on - today).days
    if days_left < 0:
        return make("overdue", days_left, True)
    if days_left <= soon:
        return make("due_soon", days_left, False)
    return make("normal", days_left, False)


def recompute_due(dl: CaseDeadline, cal: WorkingCalendar) -> tuple[dt.date, dt.date]:
    """Recount a running clock with `cal` (e.g. once next year's official schedule is in).

    Like every recount it never moves the due day earlier: a date already told to
    the petitioner or the unit is not shortened. Returns (old, new) due days; saves.
    """
    old = dl.due_on
    dl.due_on = max(old, _compute_due(cal, dl))
    dl.save(update_fields=["due_on", "provisional"])
    return old, dl.due_on


def refresh_next_due(case) -> dt.date | None:
    """case.next_due_on = earliest due day of its running, unpaused clocks (None if none).

    A paused clock is left out: it cannot fall due while paused. Written with a
    queryset update so it neither bumps nor races the case's optimistic-lock version;
    the in-memory case is updated too so a later save() by the caller keeps it.
    """
    from minxin.cases.models import Case

    next_due = running_deadlines(case).filter(paused_at__isnull=True).aggregate(d=Min("due_on"))["d"]
    Case.objects.filter(pk=case.pk).update(next_due_on=next_due)
    case.next_due_on = next_due
    return next_due
