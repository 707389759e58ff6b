"""Reads for pages, the API and exports: always through the actor's jurisdiction."""

from django.utils.translation import gettext as _

from minxin.cases.events import describe_event
from minxin.cases.models import Case, CaseEvent, CaseState
from minxin.cases.statemachine import available_actions
from minxin.core.errors import NotFound
from minxin.org.models import Staff


def cases_for(staff: Staff):
    return Case.objects.visible_to(staff)


def get_case_for(staff: Staff, pk: int) -> Case:
    case = cases_for(staff).select_related("registering_unit", "current_unit", "area", "domain").filter(pk=pk).first()
    if case is None:
        raise NotFound(_("未找到该信访事项，或您无权查看"))
    return case


def inbox(staff: Staff):
    """Cases waiting for the staff member's unit, soonest deadline first."""
    return cases_for(staff).filter(current_unit_id=staff.unit_id).open().order_by("next_due_on", "received_at")


def timeline(case: Case) -> list[tuple[CaseEvent, str]]:
    return [(ev, describe_event(ev)) for ev in case.events.order_by("seq")]


def actions_for(case: Case, staff: Staff) -> list[str]:
    return available_actions(case, staff)


__all__ = ["CaseState", "actions_for", "cases_for", "describe_event", "get_case_for", "inbox", "timeline"]
