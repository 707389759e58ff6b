"""Who may see and do what with grid reports (网格上报).

- A 网格员 (role grid_worker in a 网格 unit) reports from their own grid only, sees the
  reports of their grid and works them: visits, 化解 steps, resolved at the grid.
- Staff of a 村社区 or 乡镇街道 unit, and of a 信访部门, see the grid reports of their area
  and below (read only here; the grid that reported an item works it).
- A 信访部门's registrars and leaders register a report the grid worker asked to become a
  case, when the grid is in their area (属地管理, as for any registration).
- Nobody else sees grid reports through this app (functional departments see ledger
  lines assigned to them in the ledger, as before).
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from minxin.cases import policies as case_policies
from minxin.core.errors import PermissionDenied
from minxin.org.models import Role, Staff, UnitKind
from minxin.org.policies import SYSTEM, in_bureau, is_active, require_actor

# Units whose staff oversee the grids below them.
OVERSEEING_KINDS = (UnitKind.VILLAGE, UnitKind.TOWNSHIP)


def is_grid_worker(staff) -> bool:
    return (is_active(staff) and staff is not SYSTEM and staff.unit.kind == UnitKind.GRID
            and staff.has_role(Role.GRID_WORKER))


def oversees(staff) -> bool:
    return is_active(staff) and staff is not SYSTEM and (in_bureau(staff) or staff.unit.kind in OVERSEEING_KINDS)


def may_use(staff) -> bool:
    """The grid pages are for grid workers and the people who oversee them."""
    return is_grid_worker(staff) or oversees(staff)


def reports_q(staff) -> Q | None:
    require_actor(staff)
    if staff is SYSTEM:
        return Q()
    if is_grid_worker(staff):
        return Q(grid_id=staff.unit_id)
    if oversees(staff):
        return Q(entry__area__path__startswith=staff.unit.area.path)
    return None


def reports_visible(qs, staff):
    q = reports_q(staff)
    return qs.none() if q is None else qs.filter(q)


def check_report(actor: Staff, area) -> None:
    """Report from a grid: a grid worker, about a place in their own grid."""
    if not is_grid_worker(actor):
        raise PermissionDenied(_("只有网格员可以网格上报"))
    if not area.path.startswith(actor.unit.area.path):
        raise PermissionDenied(_("%(area)s不在%(grid)s范围内，只能上报本网格的事项") % {"area": area.name, "grid": actor.unit.name})


def may_work(staff, report) -> bool:
    return is_grid_worker(staff) and report.grid_id == staff.unit_id


def check_work(actor: Staff, report, what: str) -> None:
    if not may_work(actor, report):
        raise PermissionDenied(_("只有%(grid)s的网格员可以%(what)s") % {"grid": report.grid.name, "what": what})


def may_register_case(staff, report) -> bool:
    return case_policies.may_register(staff) and report.entry.area.path.startswith(staff.unit.area.path)


def check_register_case(actor: Staff, report) -> None:
    if not may_register_case(actor, report):
        raise PermissionDenied(_("只有该网格所在地信访部门的登记员或领导可以把网格上报登记为信访事项"))
