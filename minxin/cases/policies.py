"""Who may see and do what with cases: stated once, called by pages, API, exports and jobs.

Which cases: `Case.objects.visible_to(staff)` (org/scoping.py) is the single scoping query;
`visible_cases` is the entry other code uses. Which actions on a visible case: the state
machine's role table (cases/statemachine.py). The rest is here.
"""

from django.utils.translation import gettext as _

from minxin.cases.models import Case
from minxin.core.errors import PermissionDenied
from minxin.org.models import Role
from minxin.org.policies import bureau_with_role, is_active, require_actor

# 登记 and everything at the front desk (visits, calls, letters, online submissions,
# person look-ups, leader reception days) belongs to a 信访部门's registrars and leaders.
REGISTER_ROLES = (Role.REGISTRAR, Role.REVIEWER)
# Who may see a petitioner's full name, ID number, phone and address (第十八条, 第四十六条（六）).
IDENTITY_ROLES = (Role.REGISTRAR, Role.REVIEWER)

REGISTER_REFUSED = _("只有信访部门的登记员或领导可以登记信访事项")


def visible_cases(staff):
    """Every case `staff` may see; SYSTEM (jobs) sees all, None is a bug."""
    require_actor(staff)
    return Case.objects.visible_to(staff)


def may_register(staff) -> bool:
    """登记 petitions and work the front desk: a 信访部门's registrars and leaders."""
    return bureau_with_role(staff, *REGISTER_ROLES)


def check_register(staff, message: str | None = None) -> None:
    if not may_register(staff):
        raise PermissionDenied(message or REGISTER_REFUSED)


def may_see_identity(staff, case: Case) -> bool:
    """Full petitioner identity only for the registering bureau's registrars and leaders."""
    return is_active(staff) and staff.unit_id == case.registering_unit_id and staff.has_role(*IDENTITY_ROLES)


def check_see_identity(staff, case: Case) -> None:
    """Asking for the full identity without the right is refused, on pages and in the API alike."""
    if not may_see_identity(staff, case):
        raise PermissionDenied(_("只有登记该事项的信访部门的登记员或领导可以查看信访人的完整身份信息"))
