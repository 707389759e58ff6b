"""Forms of the 来访 desk, 来信, 来电 and leader reception pages.

Forms only parse; the services check every rule and their field errors are put
back next to the fields (minxin.web.cases.forms.attach_errors).
"""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import RefuseOverlongText
from minxin.cases.models import Category, Domain
from minxin.org.models import Role, Staff, Unit
from minxin.reception import policies
from minxin.reception.models import ReceptionKind
from minxin.web.cases.forms import TEXTAREA, AreaPickerMixin, accused_unit_choices, PetitionerForm, RegistrationForm, UnitChoiceField, _blank, _dispatch_units

MAX_DESK_PEOPLE = 5  # one petitioner, or up to 5 representatives of a 集体访 (Art. 20 §3)


class DeskForm(RegistrationForm):
    """登记 at the desk: the channel is fixed by the page (来访 or 来信)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["channel"]


class DeskPetitionerForm(PetitionerForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typing an ID number shows this person's earlier cases at once (POST: CSRF-checked, never in a URL).
        self.fields["id_number"].widget.attrs.update({
            "hx-post": reverse_lazy("web:reception_lookup"),
            "hx-trigger": "keyup changed delay:500ms, blur",
            "hx-target": "#person-history",
            "hx-swap": "innerHTML",
            "autocomplete": "off",
            "inputmode": "text",
        })


DeskPetitionerFormSet = forms.formset_factory(DeskPetitionerForm, extra=MAX_DESK_PEOPLE, max_num=MAX_DESK_PEOPLE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        # The service checks count, size and type by content; the form only passes the list on.
        return [super(MultipleFileField, self).clean(f, initial) for f in data] if isinstance(data, (list, tuple)) else []


class LetterForm(DeskForm):
    files = MultipleFileField(
        label=_("来信扫描件"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf", "multiple": True}),
        help_text=_("JPEG、PNG 图片或 PDF，可多选；按文件内容检查类型"),
    )


class CallForm(RefuseOverlongText, AreaPickerMixin, forms.Form):
    category = forms.ChoiceField(label=_("信访类别"), choices=_blank(_("请选择")) + list(Category.choices))
    domain = forms.ModelChoiceField(label=_("领域"), queryset=Domain.objects.all(), required=False, empty_label=_("请选择"))
    caller_name = forms.CharField(label=_("来电人姓名（名称）"), max_length=64, required=False)
    phone = forms.CharField(label=_("回访电话"), max_length=16, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("匿名检举控告"), required=False, help_text=_("仅检举控告类可匿名"))
    subject = forms.CharField(label=_("标题"), max_length=200, required=False)
    content = forms.CharField(label=_("来电内容（如实记录）"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    request = forms.CharField(label=_("请求"), widget=TEXTAREA, required=False)
    facts = forms.CharField(label=_("事实"), widget=TEXTAREA, required=False)
    reasons = forms.CharField(label=_("理由"), widget=TEXTAREA, required=False)
    is_urgent = forms.BooleanField(label=_("重大、紧急"), required=False)
    accused_unit = RegistrationForm.base_fields["accused_unit"]
    accused_person = RegistrationForm.base_fields["accused_person"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accused_unit"].queryset = accused_unit_choices()


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.unit.name}）"


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DayForm(RefuseOverlongText, forms.Form):
    leader = LeaderChoiceField(label=_("接访领导"), queryset=Staff.objects.none(), required=False, empty_label=_("请选择"))
    kind = forms.ChoiceField(label=_("形式"), choices=ReceptionKind.choices)
    date = forms.DateField(label=_("日期"), widget=DATE)
    starts_at = forms.TimeField(label=_("开始时间"), widget=TIME)
    ends_at = forms.TimeField(label=_("结束时间"), widget=TIME)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    topics = forms.CharField(label=_("接访主题"), widget=TEXTAREA, required=False)
    capacity = forms.IntegerField(label=_("可预约人数"), min_value=1, max_value=200, initial=10)

    def __init__(self, *args, staff: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (
            policies.leaders_to_choose(staff).select_related("user", "unit").order_by("unit__area__path", "pk").distinct()
        )


class CancelDayForm(RefuseOverlongText, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class BookingForm(RefuseOverlongText, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=16, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    topic = forms.CharField(label=_("反映问题摘要"), widget=TEXTAREA, required=False)
    case_number = forms.CharField(label=_("关联信访件编号"), max_length=48, required=False, help_text=_("已有信访件的，可填写编号"))


YES_NO = [("yes", _("是")), ("no", _("否"))]


class OutcomeForm(RefuseOverlongText, forms.Form):
    attended = forms.TypedChoiceField(label=_("是否到场"), choices=[("yes", _("到场")), ("no", _("未到场"))],
                                      coerce=lambda v: v == "yes", widget=forms.RadioSelect, initial="yes")
    outcome = forms.CharField(label=_("接待结果"), widget=TEXTAREA, required=False)
    resolved_on_spot = forms.TypedChoiceField(label=_("当场化解"), choices=YES_NO, coerce=lambda v: v == "yes",
                                              widget=forms.RadioSelect, required=False, empty_value=None)


class TurnIntoCaseForm(RefuseOverlongText, forms.Form):
    category = forms.ChoiceField(label=_("信访类别"), choices=_blank(_("请选择")) + list(Category.choices))
    domain = forms.ModelChoiceField(label=_("领域"), queryset=Domain.objects.all(), required=False, empty_label=_("请选择"))
    subject = forms.CharField(label=_("标题"), max_length=200, required=False)
    content = forms.CharField(label=_("信访内容"), widget=TEXTAREA, required=False)
    request = forms.CharField(label=_("请求"), widget=TEXTAREA, required=False)
    facts = forms.CharField(label=_("事实"), widget=TEXTAREA, required=False)
    reasons = forms.CharField(label=_("理由"), widget=TEXTAREA, required=False)
    address = forms.CharField(label=_("信访人住址"), max_length=200, required=False, help_text=_("预约时未填写住址的必填"))
    assign_to = UnitChoiceField(label=_("当场交办至"), queryset=Unit.objects.none(), required=False, empty_label=_("暂不交办"))
    days = forms.IntegerField(label=_("办理期限（日）"), min_value=1, max_value=365, required=False, initial=30)
    requirements = forms.CharField(label=_("办理要求"), widget=TEXTAREA, required=False)
    accused_unit = RegistrationForm.base_fields["accused_unit"]
    accused_person = RegistrationForm.base_fields["accused_person"]

    def __init__(self, *args, staff: Staff, booking=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].queryset = _dispatch_units(staff)
        self.fields["accused_unit"].queryset = accused_unit_choices()
        if booking is not None and not self.is_bound:
            self.initial.setdefault("subject", booking.topic[:200])
            self.initial.setdefault("content", booking.topic)
