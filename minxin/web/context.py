from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.cases.policies import may_register
from minxin.org.models import Role, Staff
from minxin.org.policies import bureau_with_role, may_administer
from minxin.oversight.policies import may_analyse

# (label, url name, who sees it): roles (empty = every staff member), or a policy function
# taking the staff member, so a link is shown exactly to those the page will serve. Other
# modules append their pages here, e.g. (_("事项列表"), "web:case_list", (Role.REGISTRAR, Role.HANDLER)).
NAV_ITEMS = [
    (_("首页"), "web:home", ()),
    (_("工作台"), "web:case_inbox", (Role.REGISTRAR, Role.HANDLER, Role.REVIEWER)),
    (_("登记"), "web:case_register", may_register),
    # The desks: reception.policies.may_use_desk is this same rule (web.context sits below reception).
    (_("来访接待"), "web:reception_desk", may_register),
    (_("来电"), "web:reception_call", may_register),
    (_("来信"), "web:reception_letter", may_register),
    (_("领导接访"), "web:reception_days", (Role.REGISTRAR, Role.REVIEWER)),
    (_("指标口径"), "web:oversight_metrics", may_analyse),
    (_("统计分析"), "web:oversight_dashboards", may_analyse),
    (_("风险预警"), "web:risk_overview", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER)),
    (_("预警收件箱"), "web:risk_alerts", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER)),
    # 稳评: stability.policies.WRITE_ROLES, the roles that register and assess decisions (web.context sits
    # below the domain apps whose pages import it, so it may not import stability).
    (_("决策稳评"), "web:stability_list", (Role.REGISTRAR, Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)),
    # opinion.policies.may_read is this same rule (web.context sits below opinion: lower apps import it).
    (_("舆情"), "web:opinion_list", lambda staff: bureau_with_role(staff, Role.ANALYST, Role.REVIEWER, Role.SUPERVISOR)),
    (_("应急预案"), "web:risk_plans", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER, Role.ADMIN)),
    # 联席会议: every unit may sit on one and receive its tasks (the page lists the unit's own).
    (_("联席会议"), "web:meetings_list", ()),
    (_("重大紧急报告"), "web:upward_list", (Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST)),
    (_("数据导入导出"), "web:exchange_index", (Role.REGISTRAR, Role.REVIEWER, Role.ADMIN)),
]


def staff_of(user) -> Staff | None:
    """The Staff record of a signed-in user, or None (anonymous, or an account with no unit)."""
    if not user.is_authenticated:
        return None
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


def active_staff(request) -> Staff:
    """The signed-in staff member on duty, for staff pages; anyone else gets 403."""
    from django.core.exceptions import PermissionDenied

    staff = staff_of(request.user)
    if staff is None or not staff.is_active:
        raise PermissionDenied
    return staff


def navigation(request):
    staff = staff_of(request.user)
    items = []
    if staff is not None and staff.is_active:
        for label, name, who in NAV_ITEMS:
            if who(staff) if callable(who) else (not who or staff.has_role(*who)):
                url = reverse(name)
                items.append({"label": label, "url": url, "active": request.path == url})
        if may_administer(staff) and request.user.is_staff:
            items.append({"label": _("系统管理"), "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "current_staff": staff}
