from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from minxin.accounts import audit
from minxin.accounts.models import SecurityAction, SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the chain is written by minxin.accounts.audit and checked by `audit verify`."""

    list_display = ["seq", "at", "action", "actor", "username", "ip", "target_label"]
    list_filter = ["action"]
    search_fields = ["username", "actor", "target_label", "ip"]
    exclude = ["prev_hash", "hash", "key_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _AuditedAdminMixin:
    """Every add, change (including a password set by an administrator) and deletion made in
    these admin pages also goes to the security audit chain, next to Django's own admin log."""

    audit_changed = SecurityAction.ACCOUNT_CHANGED
    audit_added = SecurityAction.ACCOUNT_CHANGED

    def _audit(self, request, obj, action, message):
        username = obj.get_username() if hasattr(obj, "get_username") else getattr(getattr(obj, "user", None), "username", "")
        audit.record(action, request=request, username=username, target=obj, payload={"admin": str(message) if message else ""})

    def log_addition(self, request, obj, message):
        self._audit(request, obj, self.audit_added, message or "added")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        action = SecurityAction.PASSWORD_CHANGED if "password" in str(message).lower() or "密码" in str(message) else self.audit_changed
        self._audit(request, obj, action, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, self.audit_changed, "deleted")
        return super().log_deletions(request, queryset)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(_AuditedAdminMixin, UserAdmin):
    pass


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(_AuditedAdminMixin, TOTPDeviceAdmin):
    """Deleting a device here is how an administrator resets a lost phone."""

    audit_changed = SecurityAction.OTP_RESET
    audit_added = SecurityAction.OTP_ENROLLED


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(_AuditedAdminMixin, GroupAdmin):
    """Groups carry admin-site permissions: a change to one is a role change."""

    audit_changed = SecurityAction.ROLES_CHANGED
    audit_added = SecurityAction.ROLES_CHANGED

    def _audit(self, request, obj, action, message):
        audit.record(action, request=request, target=obj, payload={"group": obj.name, "admin": str(message) if message else ""})


# Deleting a login-failure record (axes) lifts a lockout: an account change like any other.
from axes.admin import AccessAttemptAdmin  # noqa: E402  (imported here so axes has registered its admin first)
from axes.models import AccessAttempt  # noqa: E402



class AuditedAccessAttemptAdmin(_AuditedAdminMixin, AccessAttemptAdmin):
    def _audit(self, request, obj, action, message):
        audit.record(action, request=request, username=obj.username or "", target=obj,
                     payload={"unlocked": str(message) == "deleted", "ip": obj.ip_address or ""})


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AuditedAccessAttemptAdmin)
