from django.contrib import admin

from minxin.meetings.models import AgendaItem, Decision, Meeting, MeetingEvent, Task


class ReadOnlyAdmin(admin.ModelAdmin):
    """Meetings change only through minxin.meetings.services (audited in MeetingEvent); the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    fields = ["case", "entry", "note", "added_by", "added_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["pk", "held_on", "topic", "convener", "closed_at", "created_by"]
    list_filter = ["held_on"]
    search_fields = ["topic"]
    inlines = [AgendaInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "meeting", "item", "competent_unit", "settles", "recorded_by", "recorded_at"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["pk", "meeting", "unit", "case", "state", "started_on", "due_on", "reported_at", "accepted_at", "supervision"]
    list_filter = ["state"]


@admin.register(MeetingEvent)
class MeetingEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "meeting", "task", "actor", "action"]
    list_filter = ["action"]
