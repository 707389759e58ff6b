"""Flags of a case set after registration, without a state transition.

`mark_urgent`: a case found 重大、紧急 after it was registered (minxin.upward marks the matter and
reports it up) gets `Case.is_urgent`, so the lists and the case page flag it like one registered
as urgent. The same event records the marking on the timeline (A.UPWARD_MARK, worded in the
event registry), in the caller's transaction.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from minxin.cases.audit import append_event
from minxin.cases.events import A
from minxin.cases.models import Case
from minxin.cases.services import common
from minxin.core import clock
from minxin.org.policies import is_system


def mark_urgent(case: Case | int, *, actor, payload: dict):
    """Set 重大紧急 on a case the actor may see and record why (payload: gravity_label, reason, …)."""
    with transaction.atomic():
        fresh = common.load_visible(case, actor)
        # Lock in the order of the lifecycle services, so the audit chain stays in order.
        fresh = Case.objects.select_for_update(of=("self",)).select_related(*common.CASE_RELATED).get(pk=fresh.pk)
        was_urgent = fresh.is_urgent
        if not was_urgent:
            Case.objects.filter(pk=fresh.pk).update(is_urgent=True, version=F("version") + 1)
            fresh.is_urgent, fresh.version = True, fresh.version + 1
        person = None if is_system(actor) else actor
        event = append_event(fresh, at=clock.now(), actor=person, action=A.UPWARD_MARK, from_state=fresh.state,
                             to_state=fresh.state, payload=common.redact({
                                 "unit": person.unit.name if person else _("系统"), "was_urgent": was_urgent, **payload}))
        info = {"case_id": fresh.pk, "action": event.action, "from_state": event.from_state, "to_state": event.to_state,
                "event_id": event.pk}
        common.case_event_recorded.send(sender=Case, **info)
        transaction.on_commit(lambda: common.case_changed.send(sender=Case, **info))
    return event
