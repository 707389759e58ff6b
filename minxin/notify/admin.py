from django.contrib import admin

from minxin.notify import policies
from minxin.notify.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "purpose", "recipient_masked", "status", "attempts", "last_error")
    list_filter = ("channel", "status", "purpose")
    exclude = ("recipient_enc", "body_enc")
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name not in ("recipient_enc", "body_enc")]

    # Who may read it: minxin.notify.policies; nobody adds, edits or deletes delivery rows.
    def has_module_permission(self, request):
        return policies.may_read_delivery_log(request.user)

    def has_view_permission(self, request, obj=None):
        return policies.may_read_delivery_log(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
