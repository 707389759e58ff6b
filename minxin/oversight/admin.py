from django.contrib import admin

from minxin.oversight.models import (
    DailyRollup,
    Notice,
    Rating,
    RatingWindow,
    ScorecardConfig,
    Supervision,
    SupervisionProposal,
    SupervisionRecord,
    SweepRun,
)


@admin.register(ScorecardConfig)
class ScorecardConfigAdmin(admin.ModelAdmin):
    """The one place the scorecard's weights and penalties are changed (see minxin.oversight.scorecard)."""

    list_display = ["name", "is_active", "weight_resolution", "weight_satisfaction", "weight_timeliness", "weight_first_time",
                    "penalty_repeat", "penalty_overturned", "prior_cases", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        ("权重", {"fields": ["weight_resolution", "weight_satisfaction", "weight_timeliness", "weight_first_time"]}),
        ("扣分", {"fields": ["repeat_window_days", "penalty_repeat", "penalty_overturned"]}),
        ("小样本与压案判定", {"fields": ["prior_cases", "suppression_drop", "suppression_min_signals"]}),
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by services and sweeps; the admin shows them for inspection."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SupervisionRecordInline(admin.TabularInline):
    model = SupervisionRecord
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "by", "text", "payload"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "target_unit", "issuing_unit", "level", "ground", "state", "issued_at", "reply_due_on"]
    list_filter = ["level", "ground", "state"]
    inlines = [SupervisionRecordInline]


@admin.register(SupervisionProposal)
class SupervisionProposalAdmin(ReadOnlyAdmin):
    list_display = ["case", "unit", "ground", "state", "created_at"]
    list_filter = ["state"]


@admin.register(RatingWindow)
class RatingWindowAdmin(ReadOnlyAdmin):
    list_display = ["case", "opens_on", "due_on", "bureau", "unit", "state"]
    list_filter = ["state"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["case", "target", "unit", "score", "channel", "rated_at"]
    list_filter = ["target", "score", "channel"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["kind", "case", "unit", "period", "created_at", "sent_at"]
    list_filter = ["kind"]


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ["sweep", "period", "claimed_at", "started_at", "finished_at", "items", "error"]
    list_filter = ["sweep"]


@admin.register(DailyRollup)
class DailyRollupAdmin(ReadOnlyAdmin):
    list_display = ["date", "area", "unit_id_key", "channel", "category", "received", "accepted", "closed", "overdue"]
    list_filter = ["channel", "category"]
