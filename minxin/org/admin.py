from django.contrib import admin, messages

from minxin.core.errors import DomainError
from minxin.org import services
from minxin.org.models import Area, Staff, StaffRole, Unit


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]

    def save_model(self, request, obj, form, change):
        # Paths and cycle checks belong to the service layer, not to a raw save().
        try:
            if not change:
                created = services.create_area(code=obj.code, name=obj.name, level=obj.level, parent=obj.parent)
                obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
                return
            old = Area.objects.get(pk=obj.pk)
            Area.objects.filter(pk=obj.pk).update(name=obj.name, code=obj.code)
            if obj.parent_id != old.parent_id and obj.parent is not None:
                services.move_area(old, new_parent=obj.parent)
        except DomainError as exc:
            messages.error(request, exc.message)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "doc_code", "kind", "area", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["area", "parent"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["__str__", "unit", "title", "is_active"]
    list_filter = ["is_active", "roles__role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    raw_id_fields = ["user", "unit"]
    inlines = [StaffRoleInline]
