"""Sign-ins, failures, lockouts and sign-outs go to the security audit chain."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from minxin.accounts import audit
from minxin.accounts.models import SecurityAction


@receiver(user_logged_in, dispatch_uid="minxin_audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit.record(SecurityAction.LOGIN_SUCCEEDED, actor=user, request=request, username=user.get_username(), payload={"path": request.path if request else ""})


@receiver(user_login_failed, dispatch_uid="minxin_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return  # an in-process password check, not a sign-in attempt
    audit.record(
        SecurityAction.LOGIN_FAILED, actor=None, request=request, username=credentials.get("username", ""),
        payload={"path": request.path, "locked_out": bool(getattr(request, "axes_locked_out", False))},
    )


@receiver(user_locked_out, dispatch_uid="minxin_audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(SecurityAction.LOCKED_OUT, actor=None, request=request, username=username or "", payload={"path": request.path if request else ""})


@receiver(user_logged_out, dispatch_uid="minxin_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(SecurityAction.LOGOUT, actor=user, request=request, username=user.get_username())
