"""Who may feed and who may read public-opinion items (舆情).

Reading is for the analysts and leaders of a 信访部门 (分析员, 审核/领导, 督办员), by area like
the ledger: an item placed in an area is seen by the bureaus at that area and above; an item
with no known area belongs to the bureau whose feed brought it, and is seen by that bureau and
the bureaus above it. Feeding (API or Excel) is for a bureau's accounts with the same roles or
登记员 — the monitoring service's token is issued for one of those accounts, and scope
`opinion:create` bounds the token further (minxin.api.scopes). Functional departments see none:
an item is a signal for the bureau, not a case routed to them.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from minxin.core.errors import NotFound, PermissionDenied
from minxin.org.models import Role
from minxin.org.policies import SYSTEM, bureau_with_role, in_bureau, is_active, require_actor

READ_ROLES = (Role.ANALYST, Role.REVIEWER, Role.SUPERVISOR)
INTAKE_ROLES = (Role.REGISTRAR, *READ_ROLES)


def may_read(staff) -> bool:
    require_actor(staff)
    return staff is SYSTEM or bureau_with_role(staff, *READ_ROLES)


def may_intake(staff) -> bool:
    require_actor(staff)
    return staff is SYSTEM or bureau_with_role(staff, *INTAKE_ROLES)


def check_intake(staff) -> None:
    if not may_intake(staff):
        raise PermissionDenied(_("只有信访部门的登记员、分析员、督办员或领导可以报送舆情信息"))


def check_read(staff) -> None:
    if not may_read(staff):
        raise PermissionDenied(_("只有信访部门的分析员、督办员或领导可以查看舆情信息"))


def visible_q(staff) -> Q | None:
    require_actor(staff)
    if staff is SYSTEM:
        return Q()
    if not is_active(staff) or not in_bureau(staff) or not staff.has_role(*READ_ROLES):
        return None
    path = staff.unit.area.path
    return Q(area__path__startswith=path) | Q(area__isnull=True, unit__area__path__startswith=path)


def visible(qs, staff):
    q = visible_q(staff)
    return qs.none() if q is None else qs.filter(q)


def may_see(staff, item) -> bool:
    if not may_read(staff):
        return False
    if staff is SYSTEM:
        return True
    path = staff.unit.area.path
    place = item.area if item.area_id else item.unit.area
    return place.path.startswith(path)


def get_visible(staff, pk: int, qs):
    """The item if `staff` may see it; otherwise 404 (whether it exists is not disclosed)."""
    check_read(staff)
    item = visible(qs, staff).filter(pk=pk).first()
    if item is None:
        raise NotFound(_("未找到编号为%(pk)s的舆情信息，或您无权查看") % {"pk": pk})
    return item


def area_in_scope(staff, area) -> bool:
    """An item's area must lie within the feeding bureau's area (属地管理)."""
    return staff is SYSTEM or area.path.startswith(staff.unit.area.path)
