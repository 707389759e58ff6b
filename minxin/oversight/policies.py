"""Who may see the numbers (metrics, dashboards, scorecards, their exports and reports).

One rule for pages, API and exports: analysts, supervisors and leaders (审核/领导) may look;
a 信访部门 looks at its area subtree and the units in it, any other unit only at itself
(its own metrics and its own scorecard). 系统管理员 manages accounts, not analysis.
"""

from django.utils.translation import gettext as _

from minxin.core.errors import NotFound, PermissionDenied
from minxin.org.models import Area, Role, Unit
from minxin.org.policies import check_active, in_bureau, is_active, is_system, require_actor
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


def own_figures_scope(staff) -> tuple[Area | None, Unit | None]:
    """Whose figures a person may look at when they name none: the analysis scope (their area
    for a bureau, their unit otherwise), or nothing for someone without an analysis role. The
    metric definitions page shows figures only then, like GET /api/v1/oversight/metrics."""
    require_actor(staff)
    if not may_analyse(staff):
        return None, None
    return analysis_scope(staff)


# ---------------------------------------------------------------- 督办 (第三十九条) and 回访评价

REPLY_ROLES = (Role.HANDLER, Role.REVIEWER)
SUPERVISE_ROLES = (Role.SUPERVISOR,)
# 约谈 and 通报 are decisions of the bureau's leadership or its 督办员.
SANCTION_ROLES = (Role.SUPERVISOR, Role.REVIEWER)
# A rating given by phone is recorded by the bureau's registrars, leaders or 督办员.
RATING_RECORDER_ROLES = (Role.REGISTRAR, Role.REVIEWER, Role.SUPERVISOR)


def covers_case(staff, case) -> bool:
    """A 信访部门 whose area contains the case's area (the one that may supervise it)."""
    return in_bureau(staff) and case.area.path.startswith(staff.unit.area.path)


def may_supervise(staff, case, roles=SUPERVISE_ROLES) -> bool:
    """Issue a 督办 on `case`: a 督办员 of a bureau covering the case."""
    require_actor(staff)
    return is_active(staff) and not is_system(staff) and staff.has_role(*roles) and covers_case(staff, case)


def check_supervise(staff, case, roles=SUPERVISE_ROLES) -> None:
    check_active(staff)
    if not may_supervise(staff, case, roles):
        raise PermissionDenied(
            _("督办须由辖区覆盖信访件%(number)s的信访部门督办员办理，您（%(unit)s）不能办理")
            % {"number": case.number, "unit": staff.unit.name}
        )


def check_reply(staff, supervision) -> None:
    """The supervised unit's handlers and leaders reply."""
    check_active(staff)
    if is_system(staff) or staff.unit_id != supervision.target_unit_id or not staff.has_role(*REPLY_ROLES):
        raise PermissionDenied(_("督办反馈须由被督办单位%(unit)s的办理人员提交") % {"unit": supervision.target_unit.name})


def check_review_reply(staff, supervision) -> None:
    """The issuing bureau's leaders and 督办员 review the reply."""
    check_active(staff)
    if is_system(staff) or staff.unit_id != supervision.issuing_unit_id or not staff.has_role(*SANCTION_ROLES):
        raise PermissionDenied(_("督办反馈须由督办单位%(unit)s审核") % {"unit": supervision.issuing_unit.name})


def check_escalate(staff, supervision) -> None:
    """A 督办员 covering the case, or the overdue sweep acting as SYSTEM for the issuing bureau."""
    require_actor(staff)
    if is_system(staff):
        return
    check_active(staff)
    if not may_supervise(staff, supervision.case):
        raise PermissionDenied(_("升级督办须由辖区覆盖该事项的信访部门督办员办理"))


def check_sanction(staff, supervision) -> None:
    """约谈 and 通报: leaders or 督办员 of a bureau covering the case."""
    check_active(staff)
    if not may_supervise(staff, supervision.case, SANCTION_ROLES):
        raise PermissionDenied(_("约谈、通报须由辖区覆盖该事项的信访部门领导或督办员记录"))


def check_record_rating(staff, case, rated_unit) -> None:
    """Staff recording a petitioner's rating given by phone: the bureau's registrars, leaders or
    督办员, on a case they may see, never a rating of their own unit."""
    from minxin.cases.policies import visible_cases

    check_active(staff)
    if is_system(staff) or not (in_bureau(staff) and staff.has_role(*RATING_RECORDER_ROLES)):
        raise PermissionDenied(_("只有信访部门的登记员、领导或督办员可以代为登记信访人的评价"))
    if not visible_cases(staff).filter(pk=case.pk).exists():
        raise PermissionDenied(_("该信访事项不在您的管辖范围内，或不存在"))
    if rated_unit.pk == staff.unit_id:
        raise PermissionDenied(
            _("不能代为登记对本单位（%(unit)s）的评价；请信访人通过网上渠道评价，或由上级信访部门回访登记") % {"unit": rated_unit.name}
        )


def supervisions_visible(staff):
    """督办单 on the cases `staff` may see."""
    from minxin.cases.policies import visible_cases
    from minxin.oversight.models import Supervision

    return Supervision.objects.filter(case__in=visible_cases(staff))


def proposals_visible(staff):
    from minxin.cases.policies import visible_cases
    from minxin.oversight.models import SupervisionProposal

    return SupervisionProposal.objects.filter(case__in=visible_cases(staff))


def notices_for(staff):
    """Reminders sent to the caller's unit, on cases it still may see (never the case accusing it)."""
    from minxin.cases.policies import visible_cases
    from minxin.oversight.models import Notice

    require_actor(staff)
    if is_system(staff):
        return Notice.objects.none()
    return Notice.objects.filter(unit=staff.unit, sent_at__isnull=False, case__in=visible_cases(staff))
