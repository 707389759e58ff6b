"""The admin site edits the organisation only through minxin.org.services: the same checks
(area codes, unique unit codes, no loops, password rules) and the same security audit."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from minxin.core.errors import DomainError
from minxin.org import services
from minxin.org.models import Area, Role, Staff, Unit


def _raise_as_form_errors(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for field, errors in exc.fields.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed = True
    if not placed or exc.message:
        raise forms.ValidationError(exc.message)


class _ServiceWritesAdmin(admin.ModelAdmin):
    """Deletion goes through the service too, one object at a time, so each is audited."""

    delete_service = None

    def delete_model(self, request, obj):
        try:
            type(self).delete_service(obj, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            level = self.instance.level if self.instance.pk else data.get("level")
            try:
                services.validate_area(code=data.get("code", ""), name=data.get("name", ""), level=level, area=self.instance if self.instance.pk else None)
            except DomainError as exc:
                _raise_as_form_errors(self, exc)
        return data


@admin.register(Area)
class AreaAdmin(_ServiceWritesAdmin):
    form = AreaForm
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    delete_service = services.delete_area

    def get_readonly_fields(self, request, obj=None):
        # The level is fixed once created; moving in the tree keeps it.
        return ["level"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.create_area(code=obj.code, name=obj.name, level=obj.level, parent=obj.parent, actor=request.user)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        old_parent_id = Area.objects.values_list("parent_id", flat=True).get(pk=obj.pk)
        services.update_area(obj, code=obj.code, name=obj.name, actor=request.user)
        if obj.parent_id != old_parent_id and obj.parent is not None:
            services.move_area(obj, new_parent=obj.parent, actor=request.user)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "doc_code", "kind", "area", "parent", "domains", "is_external", "is_active"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.validate_unit(
                    code=data.get("code", ""), name=data.get("name", ""), kind=data.get("kind", ""),
                    unit=self.instance if self.instance.pk else None, parent=data.get("parent"),
                )
            except DomainError as exc:
                _raise_as_form_errors(self, exc)
        return data


@admin.register(Unit)
class UnitAdmin(_ServiceWritesAdmin):
    form = UnitForm
    list_display = ["code", "name", "doc_code", "kind", "area", "parent", "is_external", "is_active"]
    list_filter = ["kind", "is_external", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["area", "parent"]
    delete_service = services.delete_unit

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in ["code", "name", "short_name", "doc_code", "kind", "area", "parent", "domains", "is_external"]}
        if not change:
            created = services.create_unit(**fields, actor=request.user)
            if not form.cleaned_data["is_active"]:
                created = services.update_unit(created, **fields, is_active=False, actor=request.user)
            obj.pk = created.pk
            return
        services.update_unit(obj, **fields, is_active=form.cleaned_data["is_active"], actor=request.user)


_ROLE_FIELD = forms.MultipleChoiceField(label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple)


class StaffAddForm(forms.ModelForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False, help_text=_("至少12位，不能是常见密码或纯数字"))
    roles = _ROLE_FIELD

    class Meta:
        model = Staff
        fields = ["unit", "title"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.validate_new_staff(username=data["username"], password=data["password"], roles=data["roles"])
            except DomainError as exc:
                _raise_as_form_errors(self, exc)
        return data


class StaffChangeForm(forms.ModelForm):
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    roles = _ROLE_FIELD

    class Meta:
        model = Staff
        fields = ["unit", "title", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("full_name", self.instance.user.first_name)
            self.initial.setdefault("roles", list(self.instance.roles.values_list("role", flat=True)))


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["__str__", "unit", "title", "is_active"]
    list_filter = ["is_active", "roles__role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    raw_id_fields = ["unit"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = StaffChangeForm if obj is not None else StaffAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["username", "full_name", "password", "unit", "title", "roles"]
        return ["full_name", "unit", "title", "is_active", "roles"]

    def has_delete_permission(self, request, obj=None):
        # Staff are kept for the record of what they did; 在岗 off removes their access.
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.create_staff(
                username=data["username"], password=data["password"], unit=data["unit"], roles=data["roles"],
                full_name=data["full_name"], title=data["title"], actor=request.user, check_password=True,
            )
            obj.pk, obj.user = created.pk, created.user
            return
        services.update_staff(obj, unit=data["unit"], title=data["title"], is_active=data["is_active"], full_name=data["full_name"], actor=request.user)
        services.set_roles(obj, data["roles"], actor=request.user)
