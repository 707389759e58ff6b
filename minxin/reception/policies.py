"""Who may use the front desk and leader reception days: stated once, called by the desk pages,
the reception API and the services.

- The desk (来访, 来信, 来电), the look-up by ID number and scheduling reception days belong to
  a 信访部门's registrars and leaders (`cases.policies.may_register`, the one "may register").
- A reception day is seen by the 信访部门 staff and leaders of its area and the areas above,
  and by the leader receiving on it; bookings carry personal matters, so nobody else sees it.
- Booking onto a day: the organising unit's registrars and leaders, or the receiving leader.
- Recording the outcome: the receiving leader or a registrar of the organising unit.
- Desk attachments (a letter's scanned pages) follow their case (`cases.policies.visible_cases`).
"""

from django.utils.translation import gettext as _

from minxin.cases.policies import may_register, visible_cases
from minxin.core.errors import PermissionDenied
from minxin.org.models import Role, Staff
from minxin.org.policies import check_active, in_bureau, is_active, is_system, require_actor

DESK_REFUSED = _("只有信访部门的登记员或领导可以登记信访事项")
LOOKUP_REFUSED = _("只有信访部门的登记员或领导可以按身份证号查询来访人的信访记录")
SCHEDULE_REFUSED = _("只有信访部门的登记员或领导可以安排领导接访")
# Who may receive petitioners on a reception day.
LEADER_ROLES = (Role.REVIEWER,)


def may_use_desk(staff) -> bool:
    """来访, 来信 and 来电 registration at the front desk."""
    return may_register(staff)


def may_look_up(staff) -> bool:
    """The look-up of a visitor's earlier cases by ID number."""
    return may_register(staff)


def check_look_up(staff) -> None:
    check_active(staff)
    if not may_look_up(staff):
        raise PermissionDenied(LOOKUP_REFUSED)


def may_schedule(staff) -> bool:
    return may_register(staff)


def check_schedule(staff, unit=None) -> None:
    """Arrange (or cancel) a reception day; changing one is for the organising unit only."""
    check_active(staff)
    if not may_schedule(staff):
        raise PermissionDenied(SCHEDULE_REFUSED)
    if unit is not None and staff.unit_id != unit.pk:
        raise PermissionDenied(_("该接访日由%(unit)s安排，您不能修改") % {"unit": unit.name})


def may_cancel(staff, day) -> bool:
    return may_schedule(staff) and staff.unit_id == day.unit_id


def leaders_to_choose(staff):
    """Leaders `staff` may put on a reception day: active leaders of units in their area."""
    return Staff.objects.filter(
        is_active=True, roles__role__in=LEADER_ROLES, unit__area__path__startswith=staff.unit.area.path
    ).distinct()


def may_receive(leader, scheduler) -> bool:
    """Whether `leader` may be scheduled to receive by `scheduler`."""
    return (
        leader is not None and is_active(leader) and leader.has_role(*LEADER_ROLES)
        and leader.unit.area.path.startswith(scheduler.unit.area.path)
    )


def days_visible(staff):
    """Reception days `staff` may see (with their bookings)."""
    from minxin.reception.models import ReceptionDay

    require_actor(staff)
    qs = ReceptionDay.objects.select_related("leader__user", "unit")
    if is_system(staff):
        return qs
    if not is_active(staff):
        return qs.none()
    if in_bureau(staff) or staff.has_role(*LEADER_ROLES):
        return qs.filter(unit__area__path__startswith=staff.unit.area.path)
    return qs.filter(leader=staff)


def bookings_visible(staff):
    from minxin.reception.models import ReceptionBooking

    return ReceptionBooking.objects.filter(day__in=days_visible(staff))


def may_book(staff, day) -> bool:
    return is_active(staff) and ((may_schedule(staff) and staff.unit_id == day.unit_id) or staff.pk == day.leader_id)


def check_book(staff, day) -> None:
    check_active(staff)
    if not may_book(staff, day):
        raise PermissionDenied(_("只有%(unit)s的登记员或接访领导可以预约") % {"unit": day.unit.name})


def may_record(staff, day) -> bool:
    """The receiving leader, or a registrar of the organising unit."""
    return is_active(staff) and not is_system(staff) and (
        staff.pk == day.leader_id or (staff.unit_id == day.unit_id and staff.has_role(Role.REGISTRAR))
    )


def check_record(staff, day) -> None:
    check_active(staff)
    if not may_record(staff, day):
        raise PermissionDenied(_("只有接访领导或%(unit)s的登记员可以记录接访结果") % {"unit": day.unit.name})


def check_link_case(staff, case) -> None:
    """A booking may name only a case the booker may see."""
    if case is not None and not visible_cases(staff).filter(pk=case.pk).exists():
        raise PermissionDenied(_("关联的信访件不在您的管辖范围内"))


def attachments_visible(staff):
    """Desk attachments (a letter's scanned pages) of the cases `staff` may see."""
    from minxin.cases.models import CaseAttachment

    return CaseAttachment.objects.filter(case__in=visible_cases(staff))
