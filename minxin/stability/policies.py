"""Who may see and do what with the 重大决策 register and its 稳评 (属地管理).

A decision is scoped like a ledger entry: a 信访部门 sees the decisions of its area and
everything below it; any other unit sees, and works on, only the decisions it is the
评估责任单位 for or that it registered itself. Nobody sees across to a sibling area.

Registering, assessing and the follow-up are work for any case-working role; approving a
conclusion (审定) is a leader's (审核/领导), and never the same person who proposed it.
"""

from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied
from minxin.org.models import Area, Role, Staff, Unit
from minxin.org.policies import SYSTEM, in_bureau, is_active
from minxin.risk import policies as risk_policies
from minxin.risk.policies import check_area, check_roles

WRITE_ROLES = (Role.REGISTRAR, Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)
APPROVE_ROLES = (Role.REVIEWER,)


# Scoped like ledger entries: a 信访部门 by area, any other unit what it is responsible for or registered.
decisions_q = risk_policies.assigned_q


def decisions_visible(qs, staff):
    q = decisions_q(staff)
    return qs.none() if q is None else qs.filter(q)


def may_see(staff, decision) -> bool:
    if staff is SYSTEM:
        return True
    return risk_policies.may_see_assigned(staff, decision)


def check_register(actor: Staff, area: Area, responsible_unit: Unit) -> None:
    check_roles(actor, WRITE_ROLES, _("登记重大决策事项"))
    check_area(actor, area)
    if not in_bureau(actor) and responsible_unit.pk != actor.unit_id:
        # Otherwise the unit would register a decision it could no longer see.
        raise PermissionDenied(_("%(unit)s只能登记由本单位负责评估的决策事项") % {"unit": actor.unit.name})


def check_work(actor: Staff, decision, what: str) -> None:
    check_roles(actor, WRITE_ROLES, what)
    if not may_see(actor, decision):
        raise PermissionDenied(
            _("该决策事项（%(area)s）不由%(unit)s负责，您不能%(what)s")
            % {"area": decision.area.name, "unit": actor.unit.name, "what": what}
        )


def check_approve(actor: Staff, decision) -> None:
    check_roles(actor, APPROVE_ROLES, _("审定稳评结论"))
    if not may_see(actor, decision):
        raise PermissionDenied(_("该决策事项不在您的管辖范围内"))


# ---------------------------------------------------------------- what the pages offer


def may_work(staff) -> bool:
    return is_active(staff) and staff is not SYSTEM and staff.has_role(*WRITE_ROLES)


def may_approve(staff) -> bool:
    return is_active(staff) and staff is not SYSTEM and staff.has_role(*APPROVE_ROLES)
