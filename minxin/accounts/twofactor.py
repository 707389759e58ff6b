"""Second factor (TOTP, RFC 6238) for administrators and leaders: who needs it, enrolment,
verification, reset. Every step is in the security audit."""

import base64
import io
import re
import time
from base64 import b32encode

import django_otp
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from minxin.accounts import audit
from minxin.accounts.models import SecurityAction
from minxin.core.errors import ValidationFailed

_CODE = re.compile(r"^\d{6}$")


def needs_second_factor(user) -> bool:
    """Superusers, admin-site users and staff holding a role in MINXIN_TWO_FACTOR_ROLES."""
    if user.is_superuser or user.is_staff:
        return True
    staff = getattr(user, "staff", None) if hasattr(user, "staff") else None
    return staff is not None and staff.has_role(*settings.MINXIN_TWO_FACTOR_ROLES)


def requires_two_factor(user) -> bool:
    return bool(settings.MINXIN_TWO_FACTOR_ENFORCED and user.is_authenticated and needs_second_factor(user))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (one per account; created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("动态口令"), confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app accepts when typed in by hand."""
    return b32encode(device.bin_key).decode("ascii")


def current_code(device: TOTPDevice) -> str:
    """The 6 digits the device's authenticator shows now (for the demo's printed logins and the
    development hint on the sign-in page; never shown with MINXIN_DEBUG=0)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def seconds_until_fresh_code(device: TOTPDevice) -> int:
    """0 if the code shown now can still sign in; otherwise the seconds until the next one.

    A code is accepted once only (replay protection), so a leader signing in twice within one
    30-second step must wait for the next code; the development hint says so instead of showing a
    code that will be refused."""
    now = int(time.time())
    if device.last_t < (now - device.t0) // device.step + device.drift:  # django_otp.oath.TOTP.t()
        return 0
    return device.step - (now - device.t0) % device.step


def qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data: URI for an <img> (an image keeps the SVG's XML
    namespaces, which inline HTML would drop; CSP allows data: images)."""
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _check_format(code: str) -> str:
    code = (code or "").strip().replace(" ", "")
    if not _CODE.match(code):
        raise ValidationFailed(_("动态口令应为6位数字"), fields={"code": _("应为6位数字")})
    return code


def _verify(request, device: TOTPDevice, code: str, *, action_ok: str) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        audit.record(SecurityAction.OTP_FAILED, request=request, username=request.user.get_username(), target=device, payload={"throttled": True})
        raise ValidationFailed(_("动态口令错误次数过多，请稍后再试"), fields={"code": _("请稍后再试")})
    if not device.verify_token(code):
        audit.record(SecurityAction.OTP_FAILED, request=request, username=request.user.get_username(), target=device)
        raise ValidationFailed(_("动态口令不正确或已过期，请输入验证器当前显示的6位数字"), fields={"code": _("不正确")})
    django_otp.login(request, device)
    audit.record(action_ok, request=request, username=request.user.get_username(), target=device)


def confirm_enrolment(request, code: str) -> TOTPDevice:
    """The first correct code confirms the pending device and verifies this session.

    Not one transaction on purpose: a wrong code's throttle count and audit row must stay.
    """
    code = _check_format(code)
    if confirmed_device(request.user) is not None:
        raise ValidationFailed(_("该账号已绑定动态口令；如需更换，请联系系统管理员重置"), fields={"code": _("已绑定")})
    device = pending_device(request.user)
    _verify(request, device, code, action_ok=SecurityAction.OTP_ENROLLED)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def verify_session(request, code: str) -> TOTPDevice:
    code = _check_format(code)
    device = confirmed_device(request.user)
    if device is None:
        raise ValidationFailed(_("该账号尚未绑定动态口令"), fields={"code": _("未绑定")})
    # Not atomic: a wrong code's throttle counter must be kept even though we raise.
    _verify(request, device, code, action_ok=SecurityAction.OTP_VERIFIED)
    return device


@transaction.atomic
def enrol_device(user, *, actor=None) -> TOTPDevice:
    """A confirmed device with a fresh secret, for set-up outside the browser (demo accounts)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=_("动态口令"), confirmed=True)
    audit.record(SecurityAction.OTP_ENROLLED, actor=actor, username=user.get_username(), target=device, payload={"by": "command"})
    return device


@transaction.atomic
def reset(user, *, actor=None) -> int:
    """Remove an account's devices (lost phone); it enrols again at its next sign-in."""
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit.record(SecurityAction.OTP_RESET, actor=actor, username=user.get_username(), payload={"devices": count})
    return count
