"""Who may see and do what in the risk app (属地管理 for ledgers and alerts).

A staff member sees ledger entries and alerts whose area is their unit's area or
below it; a non-bureau unit also sees the entries it is responsible for. Nobody
sees across to a sibling area.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied
from minxin.org.models import Area, Role, Staff

# Ledger lines come from grids, units and the bureau alike.
LEDGER_WRITE_ROLES = (Role.REGISTRAR, Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN)
# Opening rounds, reassessing, handling alerts and plans are the bureau's judgment calls.
ASSESS_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)
ALERT_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)
PLAN_ROLES = (Role.REVIEWER, Role.ADMIN)


def check_active(actor: Staff | None) -> None:
    if actor is None or not actor.is_active or not actor.user.is_active:
        raise PermissionDenied(_("账号已停用或不在岗"))


def check_roles(actor: Staff, roles, what: str) -> None:
    check_active(actor)
    if not actor.has_role(*roles):
        labels = "、".join(str(Role(r).label) for r in roles)
        raise PermissionDenied(_("%(what)s需要以下角色之一：%(roles)s") % {"what": what, "roles": labels})


def covers(actor: Staff, area: Area) -> bool:
    return area.path.startswith(actor.unit.area.path)


def check_area(actor: Staff, area: Area) -> None:
    if not covers(actor, area):
        raise PermissionDenied(
            _("%(area)s不在%(unit)s的管辖范围内") % {"area": area.name, "unit": actor.unit.name}
        )


def visible_q(staff: Staff | None, *, area_field: str = "area", unit_field: str | None = None) -> Q | None:
    if staff is None or not staff.is_active or not staff.user.is_active:
        return None
    q = Q(**{f"{area_field}__path__startswith": staff.unit.area.path})
    if unit_field:
        q |= Q(**{unit_field: staff.unit_id})
    return q


def visible(qs, staff, **kw):
    q = visible_q(staff, **kw)
    return qs.none() if q is None else qs.filter(q)
