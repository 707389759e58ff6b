from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.org.models import Role, Staff

# (label, url name, roles that see it; empty = every staff member). Other modules
# append their pages here, e.g. (_("事项列表"), "web:case_list", (Role.REGISTRAR, Role.HANDLER)).
NAV_ITEMS = [
    (_("首页"), "web:home", ()),
    (_("工作台"), "web:case_inbox", (Role.REGISTRAR, Role.HANDLER, Role.REVIEWER)),
    (_("登记"), "web:case_register", (Role.REGISTRAR, Role.REVIEWER)),
    (_("来访接待"), "web:reception_desk", (Role.REGISTRAR, Role.REVIEWER)),
    (_("来电"), "web:reception_call", (Role.REGISTRAR, Role.REVIEWER)),
    (_("来信"), "web:reception_letter", (Role.REGISTRAR, Role.REVIEWER)),
    (_("领导接访"), "web:reception_days", (Role.REGISTRAR, Role.REVIEWER)),
    (_("指标口径"), "web:oversight_metrics", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER)),
    (_("统计分析"), "web:oversight_dashboards", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER)),
    (_("风险预警"), "web:risk_overview", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER)),
    (_("预警收件箱"), "web:risk_alerts", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER)),
    (_("应急预案"), "web:risk_plans", (Role.ANALYST, Role.SUPERVISOR, Role.REVIEWER, Role.ADMIN)),
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


def navigation(request):
    staff = staff_of(request.user)
    items = []
    if staff is not None and staff.is_active:
        for label, name, roles in NAV_ITEMS:
            if not roles or staff.has_role(*roles):
                url = reverse(name)
                items.append({"label": label, "url": url, "active": request.path == url})
        if staff.has_role(Role.ADMIN) and request.user.is_staff:
            items.append({"label": _("系统管理"), "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "current_staff": staff}
