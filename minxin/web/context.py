from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.org.models import Role

# (label, url name, roles that see it; empty = every staff member)
NAV_ITEMS = [
    (_("首页"), "web:home", ()),
]


def navigation(request):
    staff = getattr(request.user, "staff", None) if request.user.is_authenticated else None
    items = []
    if staff is not None:
        for label, name, roles in NAV_ITEMS:
            if not roles or staff.has_role(*roles):
                items.append({"label": label, "url": reverse(name), "active": request.path == reverse(name)})
        if staff.has_role(Role.ADMIN):
            items.append({"label": _("系统管理"), "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "current_staff": staff}
