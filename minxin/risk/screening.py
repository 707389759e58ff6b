"""Rolling screening (滚动排查): rounds, reassessments and what is overdue for reassessment.

Cadence follows the level: red and orange disputes are reassessed every week,
the others every month. A round snapshots the entries it must cover when it
opens; each entry is reassessed once per round.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from minxin.org.models import Area, Staff
from minxin.risk import policies
from minxin.risk.audit import record
from minxin.risk.ledger import entries_visible_to, raise_if_red
from minxin.risk.models import (
    ACTIVE_DISPUTE_STATUSES,
    Cadence,
    DisputeEntry,
    Reassessment,
    RiskLevel,
    ScreeningRound,
    level_rank,
)

# Days allowed between two assessments, by level.
REASSESS_EVERY_DAYS = {RiskLevel.RED: 7, RiskLevel.ORANGE: 7, RiskLevel.YELLOW: 31, RiskLevel.BLUE: 31}
DEFAULT_MIN_LEVEL = {Cadence.WEEKLY: RiskLevel.ORANGE, Cadence.MONTHLY: RiskLevel.BLUE}


def _levels_at_least(min_level: str) -> list[str]:
    return [lv for lv in RiskLevel.values if level_rank(lv) >= level_rank(min_level)]


def rounds_visible_to(staff: Staff):
    return policies.visible(ScreeningRound.objects.all(), staff)


def get_round(staff: Staff, pk: int) -> ScreeningRound:
    rnd = rounds_visible_to(staff).select_related("area").filter(pk=pk).first()
    if rnd is None:
        raise NotFound(_("未找到编号为%(pk)s的排查轮次，或您无权查看") % {"pk": pk})
    return rnd


@transaction.atomic
def open_round(*, actor: Staff, area: Area, cadence: str, period_start: dt.date | None = None,
               period_end: dt.date | None = None, min_level: str | None = None) -> ScreeningRound:
    policies.check_roles(actor, policies.ASSESS_ROLES, _("开启排查轮次"))
    policies.check_area(actor, area)
    if cadence not in Cadence.values:
        raise ValidationFailed(_("周期须为每月或每周"), fields={"cadence": _("无效")})
    min_level = min_level or DEFAULT_MIN_LEVEL[cadence]
    if min_level not in RiskLevel.values:
        raise ValidationFailed(_("风险等级须为红、橙、黄、蓝之一"), fields={"min_level": _("无效")})
    start = period_start or clock.today()
    end = period_end or (start + dt.timedelta(days=6 if cadence == Cadence.WEEKLY else 30))
    if end < start:
        raise ValidationFailed(_("截止日期不能早于开始日期"), fields={"period_end": _("早于开始日期")})
    if ScreeningRound.objects.filter(area=area, cadence=cadence, min_level=min_level, period_start=start, closed_at__isnull=True).exists():
        raise Conflict(_("%(area)s在%(start)s已有同类排查轮次") % {"area": area.name, "start": start})
    rnd = ScreeningRound.objects.create(
        area=area, cadence=cadence, min_level=min_level, period_start=start, period_end=end, opened_by=actor, opened_at=clock.now()
    )
    due = DisputeEntry.objects.filter(
        area__path__startswith=area.path, status__in=ACTIVE_DISPUTE_STATUSES, level__in=_levels_at_least(min_level)
    )
    rnd.entries.set(due)
    record("round_opened", actor=actor, round=rnd.pk, area=area.code, cadence=cadence, entries=len(rnd.entries.all()))
    return rnd


@transaction.atomic
def reassess(rnd: ScreeningRound, entry: DisputeEntry, *, actor: Staff, new_level: str, note: str) -> Reassessment:
    policies.check_roles(actor, policies.ASSESS_ROLES, _("重新评估风险等级"))
    rnd = ScreeningRound.objects.select_for_update().select_related("area").get(pk=rnd.pk)
    policies.check_area(actor, rnd.area)
    if rnd.closed_at is not None:
        raise InvalidTransition(_("该排查轮次已结束，不能再评估"))
    if not rnd.entries.filter(pk=entry.pk).exists():
        raise ValidationFailed(_("该矛盾纠纷不在本轮排查范围内"), fields={"entry": _("不在本轮")})
    if new_level not in RiskLevel.values:
        raise ValidationFailed(_("风险等级须为红、橙、黄、蓝之一"), fields={"new_level": _("无效")})
    if not note.strip():
        raise ValidationFailed(_("请填写评估意见"), fields={"note": _("必填")})
    entry = DisputeEntry.objects.select_for_update().get(pk=entry.pk)
    now = clock.now()
    try:
        with transaction.atomic():
            r = Reassessment.objects.create(round=rnd, entry=entry, old_level=entry.level, new_level=new_level, note=note.strip(), by=actor, at=now)
    except IntegrityError:
        raise Conflict(_("该矛盾纠纷在本轮已评估过")) from None
    entry.level = new_level
    entry.last_assessed_at = now
    entry.updated_at = now
    entry.save(update_fields=["level", "last_assessed_at", "updated_at"])
    record("reassessed", actor=actor, entry=entry, at=now, round=rnd.pk, old=r.old_level, new=new_level)
    raise_if_red(entry, actor=actor)
    return r


@transaction.atomic
def close_round(rnd: ScreeningRound, *, actor: Staff) -> ScreeningRound:
    policies.check_roles(actor, policies.ASSESS_ROLES, _("结束排查轮次"))
    rnd = ScreeningRound.objects.select_for_update().select_related("area").get(pk=rnd.pk)
    policies.check_area(actor, rnd.area)
    if rnd.closed_at is not None:
        raise InvalidTransition(_("该排查轮次已结束"))
    rnd.closed_at = clock.now()
    rnd.save(update_fields=["closed_at"])
    pending = rnd.entries.exclude(reassessments__round=rnd).count()
    record("round_closed", actor=actor, round=rnd.pk, pending=pending)
    return rnd


@dataclass
class RoundLine:
    entry: DisputeEntry
    reassessment: Reassessment | None

    @property
    def done(self) -> bool:
        return self.reassessment is not None


def round_lines(rnd: ScreeningRound) -> list[RoundLine]:
    """Every entry the round must cover, with its reassessment if already done."""
    done = {r.entry_id: r for r in rnd.reassessments.select_related("by__user")}
    entries = rnd.entries.select_related("area", "domain", "responsible_unit").order_by("-level", "pk")
    lines = [RoundLine(e, done.get(e.pk)) for e in entries]
    lines.sort(key=lambda line: (line.done, -level_rank(line.entry.level), line.entry.pk))
    return lines


def overdue_for_reassessment(staff: Staff, *, today: dt.date | None = None):
    """Active entries in the caller's scope whose last assessment is older than their level allows."""
    today = today or clock.today()
    tz_now = clock.now()
    qs = entries_visible_to(staff).filter(status__in=ACTIVE_DISPUTE_STATUSES).select_related("area", "domain", "responsible_unit")
    out = []
    for level, days in REASSESS_EVERY_DAYS.items():
        cutoff = tz_now - dt.timedelta(days=days)
        out.extend(qs.filter(level=level, last_assessed_at__lt=cutoff))
    out.sort(key=lambda e: (-level_rank(e.level), e.last_assessed_at))
    return out
