from django.contrib import admin

from minxin.accounts.models import SecurityEvent


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
