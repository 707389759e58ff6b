from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from minxin.api.models import ApiToken
from minxin.api.tokens import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "unit", "staff", "name", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "staff__user__username", "unit__code", "unit__name"]
    readonly_fields = ["unit", "staff", "name", "prefix", "scopes", "rate_per_minute", "created_at", "last_used_at",
                       "expires_at", "revoked_at"]
    exclude = ["token_hash"]
    actions = ["revoke_selected"]

    # A token is shown exactly once when created (manage.py api_token create, or
    # POST /api/v1/me/tokens), so the admin can only look at and revoke them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting would drop a token without a trace in the security audit; revoking keeps the row
    # and writes TOKEN_REVOKED (revoke_token).
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke_selected(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(prefix=token.prefix, staff=token.staff, actor=request.user)
            count += 1
        self.message_user(request, ngettext("已吊销%(n)d个令牌", "已吊销%(n)d个令牌", count) % {"n": count}, messages.SUCCESS)
