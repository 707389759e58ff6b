"""Recounting 暂定 clocks once a year's official holiday schedule is entered.

A clock that reached into a year without a complete calendar was counted with the
statutory holidays alone (minxin.rules.provisional) and marked provisional. When an
administrator completes that year (admin, or `manage.py calendar seed`), every such
running clock is counted again here — one transaction per case, with the case row
locked and its version bumped like any lifecycle action, and one audit event listing
each clock's old and new due day. The petitioner is told only when a date they were
given (TOLD_CLOCKS) moved.
"""

import logging

from django.db import transaction
from django.db.models import F

from minxin.cases.audit import append_event
from minxin.cases.models import Case
from minxin.cases.statemachine import A
from minxin.core import clock
from minxin.rules.calendar_db import load_working_calendar
from minxin.cases.services.common import case_event_recorded
from minxin.rules.deadlines import recompute_due, refresh_next_due
from minxin.rules.models import CaseDeadline, DeadlineState

logger = logging.getLogger(__name__)

# Clocks whose due day the petitioner has been given: the 办结期限 in the 受理告知书 and
# 延期告知书, and the 复查/复核 request windows shown on the portal.
TOLD_CLOCKS = frozenset({"handle_60d", "review_request_30d", "recheck_request_30d"})


def _provisional(qs):
    return qs.filter(state=DeadlineState.RUNNING, provisional=True)


def recompute_case(case_id: int, cal=None) -> dict | None:
    """Recount one case's provisional clocks; returns the event payload, or None when nothing was settled.

    A clock still reaching into a year without an official schedule stays provisional;
    if its date did not move either, there is nothing to record.
    """
    cal = cal or load_working_calendar()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return None
        clocks = list(_provisional(CaseDeadline.objects.filter(case=case)).select_related("rule").order_by("pk"))
        items = []
        for dl in clocks:
            old, new = recompute_due(dl, cal)
            if old != new or not dl.provisional:
                items.append({
                    "code": dl.code, "rule": dl.rule.name, "old_due_on": old.isoformat(), "new_due_on": new.isoformat(),
                    "provisional": dl.provisional,
                })
        if not items:
            return None
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
        told = [i["code"] for i in items if i["code"] in TOLD_CLOCKS and i["old_due_on"] != i["new_due_on"]]
        years = sorted({int(i["old_due_on"][:4]) for i in items} | {int(i["new_due_on"][:4]) for i in items})
        payload = {"clocks": items, "told_changed": told, "years": [y for y in years if y in cal.complete_years]}
        event = append_event(case, at=clock.now(), actor=None, action=A.RECOMPUTE_DEADLINES,
                             from_state=case.state, to_state=case.state, payload=payload)
        refresh_next_due(case)
        if told:
            info = {"case_id": case.pk, "action": A.RECOMPUTE_DEADLINES, "from_state": case.state,
                    "to_state": case.state, "event_id": event.pk}
            # In the transaction, like every case event: the notice commits with it (outbox).
            case_event_recorded.send(sender=Case, **info)
    return payload


def recompute_provisional_deadlines() -> int:
    """Recount every running provisional clock with the current calendar; returns how many cases got an event."""
    cal = load_working_calendar()
    case_ids = sorted(set(_provisional(CaseDeadline.objects.all()).values_list("case_id", flat=True)))
    done = 0
    for case_id in case_ids:
        if recompute_case(case_id, cal) is not None:
            done += 1
    logger.info("recomputed provisional deadlines on %d of %d cases", done, len(case_ids))
    return done
