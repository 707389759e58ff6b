"""Who may see and do what with urgent matters and their reports (one policy for the app).

- See: staff of a 信访部门 whose area covers the matter's place (属地管理, upward: the city
  sees its counties' reports); staff of the reporting unit; staff of a unit a report was
  sent to (a county report reaches the city bureau, the city's in any case). Nobody sees a
  sibling area's matters.
- Mark a matter, draft, submit, send, record 签收/批示/反馈: staff of the reporting unit
  with a working role (handler, reviewer, supervisor, analyst). Only a 审核/领导 of the
  reporting unit approves or returns (请示报告: the unit's leader signs off what goes up).
- A receiving unit that has accounts here acknowledges for itself; an external body
  (org.Unit.is_external) cannot sign in, so the reporting unit records its 签收 by name.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied
from minxin.org.models import Role, Staff
from minxin.org.policies import SYSTEM, in_bureau, is_active, require_actor

WORK_ROLES = (Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)
APPROVE_ROLES = (Role.REVIEWER,)


def _labels(roles) -> str:
    return "、".join(str(Role(r).label) for r in roles)


def visible_q(staff) -> Q | None:
    require_actor(staff)
    if staff is SYSTEM:
        return Q()
    if not is_active(staff):
        return None
    q = Q(unit_id=staff.unit_id) | Q(reports__deliveries__unit_id=staff.unit_id)
    if in_bureau(staff):
        q |= Q(area__path__startswith=staff.unit.area.path)
    return q


def visible_matters(qs, staff):
    q = visible_q(staff)
    return qs.none() if q is None else qs.filter(q).distinct()


def may_see(staff, matter) -> bool:
    if staff is SYSTEM:
        return True
    if not is_active(staff):
        return False
    if matter.unit_id == staff.unit_id:
        return True
    if in_bureau(staff) and matter.area.path.startswith(staff.unit.area.path):
        return True
    from minxin.upward.models import Delivery

    return Delivery.objects.filter(report__matter=matter, unit_id=staff.unit_id).exists()


def _active(staff) -> None:
    if staff is None or staff is SYSTEM or not is_active(staff):
        raise PermissionDenied(_("账号已停用或不在岗"))


def may_mark(staff) -> bool:
    return staff is not None and staff is not SYSTEM and is_active(staff) and staff.has_role(*WORK_ROLES)


def check_mark(staff) -> None:
    _active(staff)
    if not staff.has_role(*WORK_ROLES):
        raise PermissionDenied(_("认定重大紧急事项需要以下角色之一：%(roles)s") % {"roles": _labels(WORK_ROLES)})


def may_work(staff, matter) -> bool:
    return may_mark(staff) and matter.unit_id == staff.unit_id


def check_work(staff, matter, what: str) -> None:
    """Draft, submit, send, record 签收/批示/反馈: the reporting unit's working roles."""
    _active(staff)
    if matter.unit_id != staff.unit_id:
        raise PermissionDenied(_("只有报告单位%(unit)s的工作人员可以%(what)s") % {"unit": matter.unit.name, "what": what})
    if not staff.has_role(*WORK_ROLES):
        raise PermissionDenied(_("%(what)s需要以下角色之一：%(roles)s") % {"what": what, "roles": _labels(WORK_ROLES)})


def may_approve(staff, matter) -> bool:
    return (staff is not None and staff is not SYSTEM and is_active(staff) and matter.unit_id == staff.unit_id
            and staff.has_role(*APPROVE_ROLES))


def check_approve(staff, matter) -> None:
    _active(staff)
    if not may_approve(staff, matter):
        raise PermissionDenied(_("只有报告单位%(unit)s的审核/领导可以审批信息报告") % {"unit": matter.unit.name})


def may_acknowledge(staff, delivery) -> bool:
    """The receiving unit itself, or — for a body outside this system — the reporting unit."""
    if staff is None or staff is SYSTEM or not is_active(staff):
        return False
    if delivery.unit_id == staff.unit_id:
        return True
    return delivery.unit.is_external and may_work(staff, delivery.report.matter)


def check_acknowledge(staff, delivery) -> None:
    _active(staff)
    if not may_acknowledge(staff, delivery):
        raise PermissionDenied(
            _("只有接收单位%(unit)s可以签收；本系统外的接收单位由报告单位代为登记签收") % {"unit": delivery.unit.name})


def check_record_instruction(staff, delivery) -> None:
    """A 批示 is recorded by the receiving unit or, for an external body, by the reporting unit."""
    _active(staff)
    if not may_acknowledge(staff, delivery):
        raise PermissionDenied(
            _("只有接收单位%(unit)s或报告单位可以登记该单位的批示") % {"unit": delivery.unit.name})



def check_sweep(actor) -> None:
    """The overdue sweep is a job: it runs as SYSTEM and no person triggers it in someone's name."""
    require_actor(actor)
    if actor is not SYSTEM:
        raise PermissionDenied(_("超时提醒由系统定时任务发出"))
