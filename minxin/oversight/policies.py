"""Who may see the numbers (metrics, dashboards, scorecards, their exports and reports).

One rule for pages, API and exports: analysts, supervisors and leaders (审核/领导) may look;
a 信访部门 looks at its area subtree and the units in it, any other unit only at itself
(its own metrics and its own scorecard). 系统管理员 manages accounts, not analysis.
"""

from django.utils.translation import gettext as _

from minxin.core.errors import NotFound, PermissionDenied
from minxin.org.models import Area, Role, Unit
from minxin.org.policies import in_bureau, is_active, require_actor
from minxin.org.scoping import areas_visible_to

ANALYSIS_ROLES = (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER)
ANALYSIS_REFUSED = _("统计分析、指标和单位考评仅供分析员、督办员和领导查看")


def may_analyse(staff) -> bool:
    require_actor(staff)
    return is_active(staff) and staff.has_role(*ANALYSIS_ROLES)


def check_analyse(staff) -> None:
    if not may_analyse(staff):
        raise PermissionDenied(ANALYSIS_REFUSED)


def may_report(staff) -> bool:
    """Annual and weekly reports are the 信访部门's (第四十一条): its analysts, supervisors and leaders."""
    return may_analyse(staff) and in_bureau(staff)


def analysis_scope(staff, *, area_code: str | None = None, unit_code: str | None = None) -> tuple[Area | None, Unit | None]:
    """(area, unit) the caller may count over: a bureau its subtree (or a unit in it), anyone else itself."""
    check_analyse(staff)
    if not in_bureau(staff):
        if unit_code and unit_code != staff.unit.code:
            raise PermissionDenied(_("只能查看本单位（%(unit)s）的统计") % {"unit": staff.unit.name})
        return None, staff.unit
    visible = areas_visible_to(staff)
    area = staff.unit.area
    if area_code:
        area = visible.filter(code=area_code).first()
        if area is None:
            raise NotFound(_("区划代码%(code)s不在您的管辖范围内") % {"code": area_code}, fields={"area": _("无权查看")})
    unit = None
    if unit_code:
        unit = Unit.objects.select_related("area").filter(code=unit_code).first()
        if unit is None or not visible.filter(pk=unit.area_id).exists():
            raise NotFound(_("单位%(code)s不在您的管辖范围内") % {"code": unit_code}, fields={"unit": _("无权查看")})
    return area, unit
