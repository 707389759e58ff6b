"""Admin pages for the editable lexicons and the registrar feedback (imported by IntakeConfig.ready)."""

from django.contrib import admin

from minxin.intake.models import EscalationPhrase, HintPhrase, SuggestionFeedback


@admin.register(HintPhrase)
class HintPhraseAdmin(admin.ModelAdmin):
    list_display = ("phrase", "route", "channel", "weight", "is_active", "updated_at")
    list_filter = ("route", "channel", "is_active")
    list_editable = ("weight", "is_active")
    search_fields = ("phrase", "note")


@admin.register(EscalationPhrase)
class EscalationPhraseAdmin(admin.ModelAdmin):
    list_display = ("phrase", "category", "weight", "is_active", "updated_at")
    list_filter = ("category", "is_active")
    list_editable = ("weight", "is_active")
    search_fields = ("phrase", "note")


@admin.register(SuggestionFeedback)
class SuggestionFeedbackAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "suggested", "confidence", "chosen", "accepted", "model_name", "model_version", "at")
    list_filter = ("kind", "accepted", "model_name")
    raw_id_fields = ("case", "staff")

    def has_change_permission(self, request, obj=None):
        return False  # the record of what happened is not edited by hand
