from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from minxin.accounts import twofactor
from minxin.core.errors import ValidationFailed


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("web:home")


@never_cache
@login_required
def two_factor(request):
    """Enrol (QR code + first code) or verify (code) the second factor of this session."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    enrolled = twofactor.confirmed_device(request.user) is not None
    error = ""
    if request.method == "POST":
        try:
            if enrolled:
                twofactor.verify_session(request, request.POST.get("code", ""))
            else:
                twofactor.confirm_enrolment(request, request.POST.get("code", ""))
        except ValidationFailed as exc:
            error = exc.message
        else:
            return redirect(next_url)
    context = {"next": next_url, "error": error, "enrolled": enrolled}
    device = twofactor.confirmed_device(request.user) if enrolled else twofactor.pending_device(request.user)
    if not enrolled:
        context.update(qr_image=twofactor.qr_data_uri(device), secret=twofactor.secret_of(device))
    if settings.DEBUG:
        # Development only, like the outbox of SMS codes: a newcomer trying the demo's leader
        # accounts has no authenticator app yet. Never with MINXIN_DEBUG=0.
        context["dev_code"] = twofactor.current_code(device)
        context["dev_wait"] = twofactor.seconds_until_fresh_code(device) if enrolled else 0
    return render(request, "accounts/two_factor.html", context, status=422 if error else 200)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a Chinese page, HTTP 429."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
