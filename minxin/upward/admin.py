from django.contrib import admin

from minxin.upward.models import ReceivingOffice, UpwardEvent


# Configuration an administrator edits: who receives reports for each area's 党委和政府.
@admin.register(ReceivingOffice)
class ReceivingOfficeAdmin(admin.ModelAdmin):
    list_display = ["area", "unit"]
    autocomplete_fields = ["area", "unit"]


# The audit is read here, never changed: reports and matters change only through the services.
@admin.register(UpwardEvent)
class UpwardEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "matter", "report"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
