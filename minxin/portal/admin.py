from django.contrib import admin

from minxin.portal.models import AppealRequest, RealNameRule, Submission


@admin.register(RealNameRule)
class RealNameRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "require_name", "require_id_number", "require_verified_phone", "allow_anonymous")
    list_editable = ("require_name", "require_id_number", "require_verified_phone", "allow_anonymous")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "category", "subject", "area", "name_masked", "phone_masked", "state")
    list_filter = ("state", "category")
    fields = ("category", "subject", "area", "name_masked", "id_masked", "phone_masked", "state", "refusal_reason", "case", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(AppealRequest)
class AppealRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "requested_on", "state")
    readonly_fields = ("case", "submission", "kind", "request", "requested_on", "created_at", "state", "decided_by", "decided_at")
