from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from minxin.core import clock
from minxin.rules import calendar_db
from minxin.rules.models import AdminAlert, CalendarDay, CalendarSource, CalendarYear, CaseDeadline, DeadlineRule

# Once a case clock was computed with a rule version, that version is history:
# a new limit is a new row with a later effective date (or a narrower scope).
_FROZEN_WHEN_USED = ["code", "amount", "unit", "province_code", "area", "effective_from"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "legal_basis", "limit_label", "scope_label", "effective_from", "effective_to", "is_statutory", "is_active"]
    list_filter = ["is_active", "is_statutory", "unit", "extendable"]
    search_fields = ["code", "name", "legal_basis"]
    raw_id_fields = ["area"]
    fieldsets = [
        (None, {"fields": ["code", "name", "legal_basis", "trigger", "action"]}),
        (_("期限"), {"fields": ["amount", "unit", "is_statutory", "extendable"]}),
        (_("适用范围与版本"), {"fields": ["province_code", "area", "effective_from", "effective_to", "is_active"]}),
        (None, {"fields": ["note"]}),
    ]

    @admin.display(description=_("期限"))
    def limit_label(self, obj):
        return obj.limit_label

    @admin.display(description=_("适用范围"))
    def scope_label(self, obj):
        return obj.scope_label

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.case_deadlines.exists():
            return _FROZEN_WHEN_USED
        return []


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    ordering = ["date"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "complete", "source", "edited_by", "edited_at"]
    readonly_fields = ["source", "edited_by", "edited_at"]
    inlines = [CalendarDayInline]

    def save_model(self, request, obj, form, change):
        obj.source = CalendarSource.MANUAL
        obj.edited_by = request.user
        obj.edited_at = clock.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the days are saved: the provisional clocks are recomputed from them.
        if form.instance.complete:
            changed = calendar_db.year_completed(form.instance.year)
            if changed:
                self.message_user(request, _("已按%(year)d年正式日历重新计算%(n)d个暂定期限") % {"year": form.instance.year, "n": changed})

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Editing a single day is an edit of the year, whoever seeded it.
        if formset.has_changed():
            CalendarYear.objects.filter(pk=form.instance.pk).update(
                source=CalendarSource.MANUAL, edited_by=request.user, edited_at=clock.now()
            )


@admin.register(AdminAlert)
class AdminAlertAdmin(admin.ModelAdmin):
    list_display = ["kind", "key", "message", "created_at", "resolved_at"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["kind", "key", "message", "created_at"]
    actions = ["mark_resolved"]

    @admin.action(description=_("标记为已处理"))
    def mark_resolved(self, request, queryset):
        queryset.filter(resolved_at__isnull=True).update(resolved_at=clock.now())

    def has_add_permission(self, request):
        return False


@admin.register(CaseDeadline)
class CaseDeadlineAdmin(admin.ModelAdmin):
    """Read-only: clocks change only through minxin.rules.deadlines."""

    list_display = ["case", "code", "started_on", "due_on", "state", "extended_days", "paused_days"]
    list_filter = ["state", "code"]
    search_fields = ["case__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
