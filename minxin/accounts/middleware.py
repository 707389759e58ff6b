from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from minxin.accounts import audit
from minxin.accounts.twofactor import requires_two_factor


class AuditContextMiddleware:
    """Lets writes made while serving a request name its user and address in the security audit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tokens = audit.bind_request(user if user is not None and user.is_authenticated else None, audit.client_ip(request))
        try:
            return self.get_response(request)
        finally:
            audit.unbind_request(tokens)


class RequireTwoFactorMiddleware:
    """A session whose account needs a second factor reaches nothing but sign-in, sign-out,
    the second-factor page and static files until that factor is verified."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def _open_prefixes(self):
        if self._open is None:
            self._open = (
                reverse("accounts:two_factor"), reverse("web:login"), reverse("web:logout"),
                reverse("admin:logout"), "/static/", "/healthz",
            )
        return self._open

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and "HTTP_AUTHORIZATION" not in request.META  # API tokens are their own credential
            and not request.path.startswith(self._open_prefixes())
            and requires_two_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "two_factor_required", "message": _("请先在网页上完成动态口令验证"), "fields": {}}},
                    status=403,
                )
            target = request.get_full_path() if request.method == "GET" else reverse("web:home")
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': target})}")
        return self.get_response(request)
