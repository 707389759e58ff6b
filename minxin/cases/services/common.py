"""The frame every lifecycle action runs in.

`begin` loads the case through the actor's jurisdiction, checks the state
machine and takes the optimistic lock; `finish` writes the new state and the
audit event. Both run inside the caller's `transaction.atomic()`, so a refused
action (any DomainError) writes nothing.

Why the compare-and-swap comes first: on PostgreSQL the `UPDATE … WHERE
version = n` takes the row lock, so a second person acting at the same moment
waits on it and then finds the version moved (Conflict) — instead of both
racing to insert deadlines, documents and events.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils.translation import gettext as _

from minxin.cases.audit import append_event
from minxin.cases.events import SATISFIED_BY_DECISION, ClockResult, Ctx
from minxin.cases.events import apply_clocks as run_clock_effects
from minxin.cases.models import Case
from minxin.cases.searchdoc import SEARCHED_FIELDS, document_for
from minxin.cases.statemachine import Transition, find_transition
from minxin.core import clock
from minxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from minxin.cases.policies import visible_cases
from minxin.org.models import Staff, Unit
from minxin.org.policies import SYSTEM, SystemActor, is_active, is_system, require_actor

# Sent after commit with case_id, action, from_state, to_state, event_id.
# Notifications, 督办 and rollups subscribe here rather than being called inline.
case_changed = Signal()
# Sent INSIDE the action's transaction, same arguments: what must commit or roll back with the
# event subscribes here — the petitioner notices written to the outbox (minxin.notify). A receiver
# that raises undoes the action.
case_event_recorded = Signal()

CASE_RELATED = ("registering_unit", "current_unit", "dispatching_unit", "decision_unit__parent", "area")


# ID and mobile numbers typed into free text (reasons, notes) never reach the audit payload.
_PII = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")


def redact(value):
    if isinstance(value, str):
        return _PII.sub("[已脱敏]", value)
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


@dataclass
class Step:
    case: Case
    actor: Staff | None
    transition: Transition
    from_state: str
    at: dt.datetime
    today: dt.date
    payload: dict = field(default_factory=dict)


def check_actor(actor: Staff) -> None:
    require_actor(actor)
    if not is_active(actor):
        raise PermissionDenied(_("账号已停用或不在岗，不能办理信访事项"))


def load_visible(case: Case | int, actor: Staff | SystemActor) -> Case:
    """The case, through the actor's jurisdiction. Sweeps and jobs pass org.policies.SYSTEM;
    None is refused (it used to mean "any case")."""
    check_actor(actor)
    pk = case.pk if isinstance(case, Case) else case
    fresh = visible_cases(actor).select_related(*CASE_RELATED).filter(pk=pk).first()
    if fresh is None:
        # Same answer whether the case does not exist or lies outside the actor's jurisdiction.
        raise PermissionDenied(_("该信访事项不在您的管辖范围内，或不存在"))
    return fresh


def begin(case: Case | int, *, actor: Staff | SystemActor, action: str, expected_version: int | None) -> Step:
    """Load, authorise and lock. Must be called inside transaction.atomic()."""
    fresh = load_visible(case, actor)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(_("信访件%(number)s已被他人修改，请刷新后重试") % {"number": fresh.number})
    transition = find_transition(action, fresh, actor)
    bumped = Case.objects.filter(pk=fresh.pk, version=fresh.version).update(version=F("version") + 1)
    if bumped != 1:
        raise Conflict(_("信访件%(number)s已被他人修改，请刷新后重试") % {"number": fresh.number})
    fresh.version += 1
    now = clock.now()
    # The records name a person, or nobody for the system (CaseEvent.actor is empty for sweeps).
    return Step(case=fresh, actor=None if is_system(actor) else actor, transition=transition, from_state=fresh.state, at=now, today=clock.today())


def finish(step: Step, *, to_state: str | None = None, fields: dict | None = None, payload: dict | None = None):
    """Write the projection, append the audit event, refresh the next due date, queue the notices; announce after commit."""
    case = step.case
    updates = dict(fields or {})
    if to_state is not None:
        updates["state"] = to_state
    if updates:
        for key, value in updates.items():
            setattr(case, key, value)
        if SEARCHED_FIELDS & updates.keys():
            # The unit handling it (or another searched field) changed: so does the search document.
            updates["search_document"] = case.search_document = document_for(case)
        Case.objects.filter(pk=case.pk).update(**updates)
    full_payload = redact({"unit": step.actor.unit.name if step.actor else _("系统"), **step.payload, **(payload or {})})
    event = append_event(
        case, at=step.at, actor=step.actor, action=step.transition.action,
        from_state=step.from_state, to_state=case.state, payload=full_payload,
    )
    from minxin.rules.deadlines import refresh_next_due

    refresh_next_due(case)
    info = {"case_id": case.pk, "action": event.action, "from_state": event.from_state, "to_state": event.to_state, "event_id": event.pk}
    case_event_recorded.send(sender=Case, **info)
    transaction.on_commit(lambda: case_changed.send(sender=Case, **info))
    return event


def record_case_event(case: Case | int, *, actor: Staff | SystemActor, action: str, payload: dict | None = None):
    """Put an event that is not a lifecycle step (coordination, e.g. a 联席会议's decision) on the
    case's timeline: the state is unchanged, the audit chain and the in-transaction subscribers
    (webhook outbox) see it like any other event. The caller checks its own permission and holds
    its transaction; the case must be visible to the actor (属地管理)."""
    fresh = load_visible(case, actor)
    # Serialises the chain append with lifecycle actions on the same case.
    locked = Case.objects.select_for_update(of=("self",)).get(pk=fresh.pk)
    person = None if is_system(actor) else actor
    full_payload = redact({"unit": person.unit.name if person else _("系统"), **(payload or {})})
    event = append_event(locked, at=clock.now(), actor=person, action=action, from_state=locked.state,
                         to_state=locked.state, payload=full_payload)
    case_event_recorded.send(sender=Case, case_id=locked.pk, action=event.action, from_state=event.from_state,
                             to_state=event.to_state, event_id=event.pk)
    return event


def require_text(value: str | None, field_name: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("请填写%(label)s") % {"label": label}, fields={field_name: _("必填")})
    return text


def unit_payload(unit: Unit | None) -> dict:
    return {"id": unit.pk, "name": unit.name} if unit else {}


def petitioner_label(case: Case) -> str:
    """Masked names only: payloads and documents never carry identifying data in clear."""
    names = list(case.parties.order_by("-is_representative", "pk").values_list("petitioner__name_masked", flat=True)[:3])
    if not names:
        return _("匿名")
    more = case.parties.count() - len(names)
    return "、".join(names) + (_("等%(n)d人") % {"n": more + len(names)} if more > 0 else "")


def issue(step: Step, *, kind: str, unit: Unit, context: dict, addressed_to_petitioner: bool = True):
    """Issue an official document; its 文号 goes into the event payload."""
    from minxin.documents.services import issue_document

    doc = issue_document(
        step.case, kind=kind, unit=unit, actor=step.actor if step.actor is not None else SYSTEM, context=context, addressed_to_petitioner=addressed_to_petitioner
    )
    step.payload.setdefault("documents", []).append({"kind": kind, "number": doc.number, "id": doc.pk})
    return doc


def running_codes(case: Case) -> set[str]:
    from minxin.rules.deadlines import running_deadlines

    return {d.code for d in running_deadlines(case)}


def running(case: Case, code: str):
    from minxin.rules.deadlines import running_deadlines

    return next((d for d in running_deadlines(case) if d.code == code), None)


def complete_if_running(case: Case, code: str, *, at=None):
    from minxin.rules.deadlines import complete_deadline

    if running(case, code) is not None:
        return complete_deadline(case, code, at=at)
    return None


def cancel_if_running(case: Case, code: str):
    from minxin.rules.deadlines import cancel_deadline

    if running(case, code) is not None:
        cancel_deadline(case, code)


def start(case: Case, code: str, *, on: dt.date, amount: int | None = None):
    from minxin.rules.deadlines import start_deadline

    return start_deadline(case, code, trigger_date=on, amount=amount)


class LiveClocks:
    """The clock book of a live case: the registry's effects become CaseDeadline writes
    through minxin.rules.deadlines (cases.history has the in-memory twin for replays)."""

    def __init__(self, case: Case):
        self.case = case

    def start(self, code: str, *, on: dt.date, amount: int | None = None):
        return start(self.case, code, on=on, amount=amount)

    def complete(self, code: str, *, at=None):
        return complete_if_running(self.case, code, at=at)

    def cancel(self, code: str, *, at=None):
        dl = running(self.case, code)
        if dl is not None:
            cancel_if_running(self.case, code)
        return dl

    def stop_all(self, *, at=None):
        stop_all_clocks(self.case, at=at)

    def extend(self, code: str, *, days, reason: str, approved_by, at=None):
        from minxin.rules.deadlines import extend_deadline

        return extend_deadline(self.case, code, days=days, reason=reason, approved_by=approved_by)

    def pause(self, code: str, *, on: dt.date):
        from minxin.rules.deadlines import pause_deadline

        dl = running(self.case, code)
        return pause_deadline(self.case, code, on=on) if dl is not None and dl.paused_at is None else None

    def resume(self, code: str, *, on: dt.date):
        from minxin.rules.deadlines import resume_deadline

        dl = running(self.case, code)
        return resume_deadline(self.case, code, on=on) if dl is not None and dl.paused_at is not None else None


def apply_clocks(step: Step, *, to_state: str | None = None, **payload) -> ClockResult:
    """Apply the clock effects the event registry declares for this step's action.

    `payload` carries the values the effects read (route, days, delivered_on, …): the
    same keys the event records, so a replay of the audit trail gives the same clocks.
    """
    ctx = Ctx(case=step.case, payload=payload, from_state=step.from_state,
              to_state=to_state if to_state is not None else step.case.state, on=step.today, at=step.at, actor=step.actor)
    return run_clock_effects(step.transition.action, LiveClocks(step.case), ctx)


def stop_all_clocks(case: Case, *, at=None):
    # A decision that ends the case satisfies the intake and notice clocks; the rest are moot.
    for code in running_codes(case):
        if code in SATISFIED_BY_DECISION:
            complete_if_running(case, code, at=at)
        else:
            cancel_if_running(case, code)
