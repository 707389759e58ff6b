from django.contrib import admin

from minxin.notify.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "purpose", "recipient_masked", "status", "attempts", "last_error")
    list_filter = ("channel", "status", "purpose")
    exclude = ("recipient_enc", "body_enc")
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name not in ("recipient_enc", "body_enc")]

    def has_add_permission(self, request):
        return False
