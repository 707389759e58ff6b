from django.contrib import admin

from minxin.documents.models import Document, DocumentSequence


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are issued by services and never edited (the file hash would break)."""

    list_display = ["number", "title", "case", "unit", "issued_at", "addressed_to_petitioner", "delivered_on"]
    list_filter = ["kind", "year", "addressed_to_petitioner"]
    search_fields = ["number", "case__number"]
    raw_id_fields = ["case", "unit", "issued_by"]
    # context holds the rendered text, which may include a petitioner's name.
    exclude = ["context", "personal_enc"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(admin.ModelAdmin):
    """Read-only: changing a counter by hand would break gapless numbering."""

    list_display = ["unit", "year", "family", "last_seq"]
    list_filter = ["year", "family"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
