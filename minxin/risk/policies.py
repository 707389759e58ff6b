"""Who may see and do what in the risk app (属地管理 for ledgers, alerts, rounds and plans).

Ledger entries are scoped like cases: a 信访部门 sees its area and everything below it;
any other unit sees only the entries assigned to it (it is the responsible unit) or that it
registered itself, and changes only those. A city-level functional unit therefore does not
see every entry of the city. Alerts, screening rounds and contingency plans are area-wide
notices: everyone in the area sees them; only the bureau's roles act on them. Nobody sees
across to a sibling area.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied
from minxin.org.models import Area, Role, Staff
from minxin.org.policies import SYSTEM, in_bureau, is_active, require_actor

# Ledger lines come from grids (网格员, minxin.grid), units and the bureau alike.
LEDGER_WRITE_ROLES = (Role.REGISTRAR, Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN, Role.GRID_WORKER)
# Opening rounds, reassessing, handling alerts and plans are the bureau's judgment calls.
ASSESS_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)
ALERT_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)
PLAN_ROLES = (Role.REVIEWER, Role.ADMIN)


def check_active(actor: Staff | None) -> None:
    if actor is None or not is_active(actor):
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
    """Area documents (rounds, plans): the caller's area subtree."""
    require_actor(staff)
    if staff is SYSTEM:
        return Q()
    if not is_active(staff):
        return None
    q = Q(**{f"{area_field}__path__startswith": staff.unit.area.path})
    if unit_field:
        q |= Q(**{unit_field: staff.unit_id})
    return q


def visible(qs, staff, **kw):
    q = visible_q(staff, **kw)
    return qs.none() if q is None else qs.filter(q)


def plans_visible(qs, staff):
    """Contingency plans in the caller's subtree and those of the areas above it (which apply to it too)."""
    q = visible_q(staff)
    if q is None:
        return qs.none()
    if staff is SYSTEM:
        return qs
    return qs.filter(q | Q(area__in=staff.unit.area.ancestors()))


# ---------------------------------------------------------------- ledger


def assigned_q(staff) -> Q | None:
    """Rows with an area, a responsible_unit and a created_by (ledger entries, 稳评 decisions) that
    `staff` may see: by area for a 信访部门, by assignment or authorship for everyone else."""
    require_actor(staff)
    if staff is SYSTEM:
        return Q()
    if not is_active(staff):
        return None
    q = Q(responsible_unit_id=staff.unit_id) | Q(created_by__unit_id=staff.unit_id)
    if in_bureau(staff):
        q |= Q(area__path__startswith=staff.unit.area.path)
    return q


ledger_q = assigned_q


def entries_visible(qs, staff):
    q = ledger_q(staff)
    return qs.none() if q is None else qs.filter(q)


def may_see_assigned(staff, obj) -> bool:
    """The one-object form of assigned_q."""
    if not is_active(staff):
        return False
    return (
        obj.responsible_unit_id == staff.unit_id
        or (obj.created_by_id is not None and obj.created_by.unit_id == staff.unit_id)
        or (in_bureau(staff) and covers(staff, obj.area))
    )


may_see_entry = may_see_assigned


def check_create_entry(actor: Staff, area: Area) -> None:
    check_roles(actor, LEDGER_WRITE_ROLES, _("登记矛盾纠纷"))
    check_area(actor, area)


def check_write_entry(actor: Staff, entry, what: str) -> None:
    """Change an entry: the same people who see it (and hold a ledger role)."""
    check_roles(actor, LEDGER_WRITE_ROLES, what)
    if not may_see_entry(actor, entry):
        raise PermissionDenied(
            _("该矛盾纠纷（%(area)s）未交由%(unit)s负责，您不能%(what)s")
            % {"area": entry.area.name, "unit": actor.unit.name, "what": what}
        )


# ---------------------------------------------------------------- what the pages offer
# The pages show a button only when the service behind it would accept the person; the
# services call check_roles with the same role lists.


def may_write_ledger(staff) -> bool:
    return is_active(staff) and staff is not SYSTEM and staff.has_role(*LEDGER_WRITE_ROLES)


def may_create_plan(staff) -> bool:
    return is_active(staff) and staff is not SYSTEM and staff.has_role(*PLAN_ROLES)


def check_create_plan(staff) -> None:
    check_roles(staff, PLAN_ROLES, _("制定应急预案"))


def may_activate_plan(staff) -> bool:
    return is_active(staff) and staff is not SYSTEM and staff.has_role(*ALERT_ROLES, *PLAN_ROLES)
