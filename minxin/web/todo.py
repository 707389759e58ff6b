"""What waits for the signed-in person, for the home page.

Every count comes from the owning domain's own scoped selector (the one its list page uses), and links to
that page, so the home page never counts an item its page would not show. Which items a person sees follows
the navigation's rule for the page it links to (web.context.NAV_ITEMS).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.cases.policies import may_register
from minxin.cases.queries import apply_filters, inbox_queryset
from minxin.org.models import Role, Staff


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    # Late already (past a statutory or set deadline): shown in the warning colour when not zero.
    late: bool = False


def _cases(staff: Staff) -> list[Todo]:
    if not staff.has_role(Role.REGISTRAR, Role.HANDLER, Role.REVIEWER):
        return []
    inbox = inbox_queryset(staff).order_by()
    url = reverse("web:case_inbox")
    return [
        Todo(_("工作台待办事项"), inbox.count(), url),
        # The workbench's own 只看已超期 filter, so the count is what the linked list shows.
        Todo(_("其中已超期"), apply_filters(inbox, {"overdue": True}).count(), f"{url}?overdue=on", late=True),
    ]


def _online(staff: Staff) -> list[Todo]:
    if not may_register(staff):
        return []
    from minxin.portal.models import SubmissionState
    from minxin.portal.services import queue_for

    return [Todo(_("网上信访待登记"), queue_for(staff).filter(state=SubmissionState.PENDING).count(),
                 reverse("portal:staff_queue"))]


def _alerts(staff: Staff) -> list[Todo]:
    if not staff.has_role(Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER):
        return []
    from minxin.risk.alerts import alerts_visible_to
    from minxin.risk.models import AlertState

    return [Todo(_("待处置预警"), alerts_visible_to(staff).exclude(state=AlertState.CLOSED).count(),
                 reverse("web:risk_alerts"))]


def _meeting_tasks(staff: Staff) -> list[Todo]:
    from minxin.meetings.services import unit_open_tasks

    n = unit_open_tasks(staff).count()
    # Every unit may receive a task; a unit that has none is not shown an empty line for it.
    return [Todo(_("联席会议交办任务（本单位未办结）"), n, reverse("web:meetings_list"))] if n else []


def _upward(staff: Staff) -> list[Todo]:
    if not staff.has_role(Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST):
        return []
    from minxin.upward.models import MatterState
    from minxin.upward.services import matters_visible_to, overdue_instructions

    url = reverse("web:upward_list")
    items = []
    open_matters = matters_visible_to(staff).filter(state=MatterState.OPEN).count()
    if open_matters:
        items.append(Todo(_("重大紧急事项（在办）"), open_matters, url))
    late = overdue_instructions(staff).count()
    if late:
        items.append(Todo(_("批示逾期未反馈"), late, url, late=True))
    return items


def _grid(staff: Staff) -> list[Todo]:
    from minxin.grid.policies import is_grid_worker

    if not is_grid_worker(staff):
        return []
    from minxin.grid.services import reports_for
    from minxin.risk.models import ACTIVE_DISPUTE_STATUSES

    n = reports_for(staff).filter(entry__status__in=ACTIVE_DISPUTE_STATUSES).count()
    return [Todo(_("我负责的网格事项（未化解）"), n, reverse("web:grid_home"))]


def todos_for(staff: Staff) -> list[Todo]:
    return [*_cases(staff), *_online(staff), *_alerts(staff), *_meeting_tasks(staff), *_upward(staff), *_grid(staff)]

