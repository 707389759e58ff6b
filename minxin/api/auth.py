"""Who is calling: a signed-in browser session or an `Authorization: Bearer <token>`.

Both resolve to an active Staff record, which handlers receive as `request.auth`.
Accounts without a Staff record (e.g. a bare superuser) and inactive staff are refused:
every API call must be scoped by a unit (属地管理).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from minxin.api.errors import NotAuthenticated
from minxin.api.scopes import check_scope, count_request
from minxin.api.tokens import TokenRejected, authenticate_token
from minxin.core.errors import PermissionDenied
from minxin.org.models import Staff


def active_staff_of(user) -> Staff:
    staff = Staff.objects.select_related("user", "unit__area").filter(user=user).first()
    if staff is None:
        raise PermissionDenied(_("您的账号尚未关联工作人员和单位，不能使用接口；请联系系统管理员"), code="not_staff")
    if not staff.is_active:
        raise PermissionDenied(_("您的工作人员账号已停用"), code="staff_inactive")
    return staff


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            staff = authenticate_token(token)
        except TokenRejected as exc:
            # Stop here rather than fall through to the session: a caller who sends a
            # token means that token, and must learn it no longer works.
            raise NotAuthenticated(exc.message) from None
        check_scope(staff.presented_token, request.method, request.path_info)
        count_request(staff.presented_token)
        return staff


class StaffSessionAuth(APIKeyCookie):
    """Django's session cookie; unsafe methods must carry the CSRF token (X-CSRFToken)."""

    openapi_description = "浏览器会话（登录后自动携带）；POST/PUT/PATCH/DELETE 须带 X-CSRFToken 请求头"

    def __init__(self):
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        # Only a request that is actually authenticated by the cookie needs the CSRF check;
        # anonymous requests get a 401, not a confusing CSRF error.
        if key and request.user.is_authenticated and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise PermissionDenied(_("CSRF校验失败：请刷新页面后重试，或改用访问令牌"), code="csrf_failed")
        return key

    def authenticate(self, request, key):
        if not key or not request.user.is_authenticated or not request.user.is_active:
            return None
        return active_staff_of(request.user)


token_auth = TokenAuth()
session_auth = StaffSessionAuth()
# Order matters: an explicit token wins over a cookie the browser happens to send.
STAFF_AUTH = [token_auth, session_auth]
