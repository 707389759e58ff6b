"""“Has this person been here before?” — the desk's ID-number lookup.

The ID number is matched through the blind index only (never decrypted in bulk),
and the cases come from Case.objects.visible_to(staff), so a registrar never
learns of a case outside their jurisdiction — not even that one exists.

The flags are suggestions for the registrar, never decisions:
- 重复信访: the person has an open case, or one received recently.
- 越级: an open case with a lower body of this area (Art. 19 §3: the superior
  不予受理 a matter a lower body has accepted or is handling).
- 复核终结: a case finished by 复核 (Art. 36 §3: same facts and reasons → 不再受理).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import OPEN_STATES, Case, CaseState, Petitioner
from minxin.cases.services.common import check_actor
from minxin.core import clock, crypto, identity
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.cases.policies import visible_cases
from minxin.reception import policies as rpolicies
from minxin.org.models import Staff

logger = logging.getLogger("minxin.reception.lookup")

MAX_ROWS = 50

FLAG_REPEAT = "repeat"
FLAG_SKIP_LEVEL = "skip_level"
FLAG_FINAL = "final"


def recent_days() -> int:
    """How far back a closed case still counts as a recent repeat (days)."""
    return int(getattr(settings, "MINXIN_RECEPTION_REPEAT_DAYS", 180))


@dataclass
class Flag:
    code: str
    label: str
    advice: str
    cases: list[str] = field(default_factory=list)


@dataclass
class HistoryRow:
    pk: int
    number: str
    subject: str
    state: str
    state_label: str
    registering_unit: str
    current_unit: str
    received_on: dt.date
    closed_on: dt.date | None
    is_open: bool
    flags: list[str]


@dataclass
class PersonHistory:
    rows: list[HistoryRow]
    flags: list[Flag]

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.rows if r.is_open)


may_look_up = rpolicies.may_look_up  # minxin.reception.policies


def person_history(staff: Staff, id_number: str) -> PersonHistory:
    """Earlier cases of the person with this ID number that `staff` may see, with flags."""
    check_actor(staff)
    rpolicies.check_look_up(staff)
    value = (id_number or "").strip().upper()
    problem = identity.id_number_problem(value)
    if problem:
        raise ValidationFailed(problem, fields={"id_number": problem})
    people = Petitioner.objects.filter(id_hash=crypto.blind_index("id", value)).values("pk")
    cases = list(
        visible_cases(staff)
        .filter(parties__petitioner__in=people)
        .select_related("registering_unit", "current_unit__area")
        .distinct()
        .order_by("-received_at")[:MAX_ROWS]
    )
    # A privacy-relevant access: who looked and how much they saw, never whom they looked up.
    logger.info("reception id lookup staff_id=%s cases=%s", staff.pk, len(cases))
    return _flagged(staff, cases)


def _flagged(staff: Staff, cases: list[Case]) -> PersonHistory:
    since = clock.now() - dt.timedelta(days=recent_days())
    unit = staff.unit
    flags = {
        FLAG_REPEAT: Flag(FLAG_REPEAT, _("重复信访"), _("此人有未办结或近期登记的信访事项，请核实是否为同一事项")),
        FLAG_SKIP_LEVEL: Flag(
            FLAG_SKIP_LEVEL, _("越级"),
            _("同一事项正由下级机关办理的，建议不予受理（《信访工作条例》第十九条第三款）"),
        ),
        FLAG_FINAL: Flag(
            FLAG_FINAL, _("复核终结"),
            _("以同一事实和理由再次提出的，建议不再受理（《信访工作条例》第三十六条第三款）"),
        ),
    }
    rows = []
    for c in cases:
        is_open = c.state in OPEN_STATES
        row_flags = []
        if is_open or c.received_at >= since:
            row_flags.append(FLAG_REPEAT)
        # Same test refuse_case applies for Art. 19 §3, so the suggestion can be acted on.
        if (is_open and c.current_unit is not None and c.current_unit_id != unit.pk
                and c.current_unit.area.path.startswith(unit.area.path)):
            row_flags.append(FLAG_SKIP_LEVEL)
        if c.state == CaseState.FINAL:
            row_flags.append(FLAG_FINAL)
        for code in row_flags:
            flags[code].cases.append(c.number)
        rows.append(HistoryRow(
            pk=c.pk, number=c.number, subject=c.subject, state=c.state, state_label=c.get_state_display(),
            registering_unit=c.registering_unit.name, current_unit=c.current_unit.name if c.current_unit else "",
            received_on=timezone.localdate(c.received_at),
            closed_on=timezone.localdate(c.closed_at) if c.closed_at else None,
            is_open=is_open, flags=row_flags,
        ))
    return PersonHistory(rows=rows, flags=[f for f in flags.values() if f.cases])
