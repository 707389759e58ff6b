from django.contrib import admin

from minxin.cases.models import Domain


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_key", "sort_order"]
    list_editable = ["is_key", "sort_order"]
