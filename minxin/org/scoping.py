"""属地管理: the single place that decides which cases a staff member may see.

Every list, page, API endpoint, export and search goes through
`Case.objects.visible_to(staff)`, which asks `case_visibility` here.

- A 信访部门 sees every case whose area is its own area or below it, and any
  case it currently handles or has handled.
- Any other unit sees the cases routed to it (current or past).
- Nobody sees across to a sibling area.
- Material that accuses a unit or a person is never visible to that unit or
  person (信访工作条例 第三十条第三款), whatever else would allow it.
"""

from django.db.models import Exists, OuterRef, Q

from minxin.org.models import Staff


def case_visibility(staff: Staff | None, *, case_model) -> Q | None:
    """Q over Case for what `staff` may see; None means nothing, SYSTEM (jobs) everything."""
    from minxin.org.policies import SYSTEM

    if staff is SYSTEM:
        return Q()
    if staff is None or not staff.is_active or not staff.user.is_active:
        return None
    unit = staff.unit
    routed_here = Q(current_unit_id=unit.pk) | Exists(
        case_model.routings.rel.related_model.objects.filter(case_id=OuterRef("pk"), unit_id=unit.pk)
    )
    allowed = routed_here
    if unit.is_petition_bureau:
        allowed |= Q(area__path__startswith=unit.area.path)
    # Art. 30(3): never to the accused unit or person.
    return allowed & ~Q(accused_unit_id=unit.pk) & ~Q(accused_staff_id=staff.pk)


def areas_visible_to(staff: Staff):
    from minxin.org.models import Area

    return Area.objects.within(staff.unit.area)
