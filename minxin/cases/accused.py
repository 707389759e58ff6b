"""信访工作条例 第三十条第三款: 检举、揭发 material is never passed to the accused.

One place for the rule every routing service applies (转送, 交办, 受理争议, 复查/复核
bodies, 督办) and for how a named accused person is recorded. Visibility (lists,
search, exports, notices) is in minxin.org.scoping.
"""

from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied, ValidationFailed

ACCUSED_NAME_MAX = 64  # Case.accused_name


def refuse_if_accused(case, unit, *, action: str) -> None:
    """Raise PermissionDenied when `unit` is the accused unit or the accused staff member's unit.

    `action` names what was refused (e.g. “转送”), so the message says what and why.
    No override exists: the article is absolute.
    """
    if unit is None:
        return
    if case.accused_unit_id and unit.pk == case.accused_unit_id:
        raise PermissionDenied(
            _("不能%(action)s%(unit)s：它是被检举、揭发的单位，不得将检举、揭发材料转给被检举、揭发的单位（《信访工作条例》第三十条第三款）")
            % {"action": action, "unit": unit.name},
            fields={"unit": _("被检举、揭发单位")},
        )
    if case.accused_staff_id and case.accused_staff.unit_id == unit.pk:
        raise PermissionDenied(
            _("不能%(action)s%(unit)s：被检举、揭发的人员在该单位，不得将检举、揭发材料转给被检举、揭发的人员或其所在单位（《信访工作条例》第三十条第三款）")
            % {"action": action, "unit": unit.name},
            fields={"unit": _("被检举、揭发人员所在单位")},
        )


def resolve_accused_person(accused_unit, name: str, accused_staff=None) -> tuple[object | None, str, dict[str, str]]:
    """(staff, free-text name, field errors) for the person a petition names.

    A name typed at registration is linked to a staff member when exactly one active
    member of the accused unit bears it, so the routing and visibility rules reach
    that person; otherwise it is kept as written.
    """
    from minxin.org.models import Staff

    name = (name or "").strip()
    errors: dict[str, str] = {}
    if len(name) > ACCUSED_NAME_MAX:
        errors["accused_person"] = _("被反映人员姓名最多%(limit)d个字，现有%(n)d个字") % {"limit": ACCUSED_NAME_MAX, "n": len(name)}
        return None, name, errors
    if accused_staff is not None:
        if accused_unit is not None and accused_staff.unit_id != accused_unit.pk:
            errors["accused_person"] = _("被反映人员%(name)s不在被反映单位%(unit)s") % {
                "name": accused_staff.display_name, "unit": accused_unit.name}
        return accused_staff, "", errors
    if name and accused_unit is not None:
        matches = [s for s in Staff.objects.filter(unit=accused_unit, is_active=True).select_related("user")
                   if s.display_name == name]
        if len(matches) == 1:
            return matches[0], "", errors
    return None, name, errors
