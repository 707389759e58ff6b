from django.contrib import admin

from minxin.risk.models import (
    Alert,
    AlertAction,
    ContingencyPlan,
    DisputeEntry,
    Drill,
    RiskEvent,
    RiskScoringConfig,
    ScreeningRound,
    SensitiveDate,
    WatchedSeries,
)


# Configuration an administrator edits.
@admin.register(WatchedSeries)
class WatchedSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "root", "area_level", "dimension", "frequency", "method", "alpha", "is_active"]
    list_editable = ["is_active"]


@admin.register(SensitiveDate)
class SensitiveDateAdmin(admin.ModelAdmin):
    list_display = ["name", "start", "end", "recurs_yearly", "lead_days"]


@admin.register(RiskScoringConfig)
class RiskScoringConfigAdmin(admin.ModelAdmin):
    list_display = ["pk", "alert_threshold", "red_threshold", "orange_threshold", "yellow_threshold", "long_open_days"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Domain records change only through minxin.risk services (audited); the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DisputeEntry)
class DisputeEntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "screened_on", "area", "domain", "level", "status", "responsible_unit"]
    list_filter = ["level", "status", "domain"]


@admin.register(ScreeningRound)
class ScreeningRoundAdmin(ReadOnlyAdmin):
    list_display = ["pk", "area", "cadence", "min_level", "period_start", "period_end", "closed_at"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "level", "title", "area", "state", "created_at"]
    list_filter = ["kind", "level", "state"]


@admin.register(AlertAction)
class AlertActionAdmin(ReadOnlyAdmin):
    list_display = ["alert", "action", "actor", "at"]


@admin.register(ContingencyPlan)
class ContingencyPlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "area", "min_level", "domain", "is_active"]


@admin.register(Drill)
class DrillAdmin(ReadOnlyAdmin):
    list_display = ["plan", "held_on", "recorded_by"]


@admin.register(RiskEvent)
class RiskEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "entry", "alert", "plan"]
