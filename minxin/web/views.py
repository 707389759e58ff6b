from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from minxin.cases.models import Case
from minxin.org.models import Role
from minxin.web.context import staff_of
from minxin.web.todo import todos_for


@login_required
def home(request):
    staff = staff_of(request.user)
    context = {"staff": staff}
    if staff is not None and staff.is_active:
        context.update(
            roles=[Role(code).label for code in sorted(staff.role_codes)],
            area=staff.unit.area,
            todos=todos_for(staff),
        )
        # A 网格员 (or an administrator) works no cases: two zeros would only puzzle them.
        if staff.has_role(Role.REGISTRAR, Role.HANDLER, Role.REVIEWER, Role.SUPERVISOR, Role.ANALYST):
            visible = Case.objects.visible_to(staff)
            context.update(case_stats=True, case_count=visible.count(), open_case_count=visible.open().count())
    return render(request, "web/home.html", context)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after the session is flushed, so it travels in the message cookie to the login page.
        messages.success(request, _("您已安全退出"))
        return response
