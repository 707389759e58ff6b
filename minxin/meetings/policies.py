"""Who may see and do what with 联席会议 (one policy for pages, API and jobs).

- A meeting is convened by a city or 区县 信访部门 (its leaders and 督办员).
- The convener's staff and the staff of a 信访部门 above it (whose area contains the
  convener's) see the whole meeting; those holding a managing role change it.
- Member units see the meeting (topic, date, members, minutes, decisions) and their own
  tasks — not the agenda, whose cases and ledger entries they may not be entitled to see.
- The assigned unit's handlers and leaders report its task done; the convener accepts it.
- Nobody else sees anything: a sibling county's bureau gets a 404 like for a missing meeting.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied
from minxin.org.models import AreaLevel, Role, Staff, Unit
from minxin.org.policies import SYSTEM, in_bureau, is_active, require_actor

# Convening and accepting are leaders' and 督办员's calls; a registrar may keep the record.
CONVENE_ROLES = (Role.REVIEWER, Role.SUPERVISOR)
RECORD_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.REGISTRAR)
ACCEPT_ROLES = (Role.REVIEWER, Role.SUPERVISOR)
# A late task is 督办ed by a 督办员 (the 督办 machinery's own rule, oversight.policies).
SUPERVISE_ROLES = (Role.SUPERVISOR,)
# The assigned unit's people report the result.
REPORT_ROLES = (Role.HANDLER, Role.REVIEWER)
CONVENING_LEVELS = (AreaLevel.CITY, AreaLevel.COUNTY)


def _roles(roles) -> str:
    return "、".join(str(Role(r).label) for r in roles)


def roles_label(roles) -> str:
    """Role names in a fixed order (a frozenset's order is not)."""
    return _roles(sorted(roles))


def may_convene(staff) -> bool:
    """A leader or 督办员 of a city or 区县 信访部门."""
    return (is_active(staff) and staff is not SYSTEM and in_bureau(staff) and staff.has_role(*CONVENE_ROLES)
            and staff.unit.area.level in CONVENING_LEVELS)


def check_convene(staff) -> None:
    require_actor(staff)
    if not may_convene(staff):
        raise PermissionDenied(_("联席会议须由市、区县信访部门的%(roles)s召集") % {"roles": _roles(CONVENE_ROLES)})


def oversees(staff, meeting) -> bool:
    """The convener's own staff, or a 信访部门 above it: sees the whole meeting."""
    if staff is SYSTEM:
        return True
    return (is_active(staff) and in_bureau(staff)
            and meeting.convener.area.path.startswith(staff.unit.area.path))


def is_member(staff, meeting) -> bool:
    return is_active(staff) and staff is not SYSTEM and meeting.members.filter(pk=staff.unit_id).exists()


def may_see(staff, meeting) -> bool:
    return oversees(staff, meeting) or is_member(staff, meeting)


def visible_q(staff) -> Q | None:
    """Meetings `staff` may see (None: none)."""
    require_actor(staff)
    if staff is SYSTEM:
        return Q()
    if not is_active(staff):
        return None
    from minxin.meetings.models import Meeting

    member = Exists(Meeting.members.through.objects.filter(meeting_id=OuterRef("pk"), unit_id=staff.unit_id))
    if in_bureau(staff):
        return member | Q(convener__area__path__startswith=staff.unit.area.path)
    return member


def may_manage(staff, meeting, roles=RECORD_ROLES) -> bool:
    return staff is not SYSTEM and oversees(staff, meeting) and staff.has_role(*roles)


def check_manage(staff, meeting, what: str, roles=RECORD_ROLES) -> None:
    require_actor(staff)
    if not may_manage(staff, meeting, roles):
        raise PermissionDenied(
            _("%(what)s须由召集单位%(unit)s或其上级信访部门的%(roles)s办理")
            % {"what": what, "unit": meeting.convener.name, "roles": _roles(roles)}
        )


def tasks_visible_q(staff) -> Q | None:
    """Tasks `staff` may see: every task of a meeting they oversee, or their own unit's."""
    require_actor(staff)
    if staff is SYSTEM:
        return Q()
    if not is_active(staff):
        return None
    q = Q(unit_id=staff.unit_id)
    if in_bureau(staff):
        q |= Q(meeting__convener__area__path__startswith=staff.unit.area.path)
    return q


def may_see_task(staff, task) -> bool:
    own = staff is not SYSTEM and is_active(staff) and task.unit_id == staff.unit_id
    return own or oversees(staff, task.meeting)


def may_report(staff, task) -> bool:
    return (is_active(staff) and staff is not SYSTEM and staff.unit_id == task.unit_id
            and staff.has_role(*REPORT_ROLES))


def check_report(staff, task) -> None:
    require_actor(staff)
    if not may_report(staff, task):
        raise PermissionDenied(_("任务须由责任单位%(unit)s的%(roles)s报送办结")
                               % {"unit": task.unit.name, "roles": _roles(REPORT_ROLES)})


def check_member_unit(meeting, unit: Unit) -> None:
    """Member units are the convener's own area's units or a unit above it (e.g. a city
    department at a county meeting); never a sibling county's."""
    from minxin.core.errors import ValidationFailed

    area, convener_area = unit.area, meeting.convener.area
    if not (area.path.startswith(convener_area.path) or convener_area.path.startswith(area.path)):
        raise ValidationFailed(
            _("%(unit)s不在%(area)s，不能作为本次联席会议的成员单位") % {"unit": unit.name, "area": convener_area.name},
            fields={"members": _("辖区外单位")},
        )


def staff_label(staff: Staff | None) -> str:
    return staff.display_name if staff is not None else _("系统")
