"""Forms of the workbench: inbox filters, 登记, and one small form per lifecycle action.

Forms only parse input. Every rule (required Art. 19 fields, ≤5 representatives,
jurisdiction, deadlines) is checked by the services; their ValidationFailed
field errors are put back next to the fields by `attach_errors`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import RefuseOverlongText
from minxin.cases.models import CaseState, Category, Channel, Domain
from minxin.cases.services import Outcome, RefusalGround, ReviewResult, Route
from minxin.cases.statemachine import A
from minxin.org.models import Staff, Unit
from minxin.web.cases import areas

MAX_PETITIONER_ROWS = 6  # one petitioner, or up to 5 representatives plus one more named person

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _blank(label):
    return [("", label)]


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("编号、标题、内容、地点、单位，或信访人姓名、电话、身份证号"), "type": "search"}))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=_blank(_("全部状态")) + list(CaseState.choices))
    category = forms.ChoiceField(label=_("类别"), required=False, choices=_blank(_("全部类别")) + list(Category.choices))
    channel = forms.ChoiceField(label=_("形式"), required=False, choices=_blank(_("全部形式")) + list(Channel.choices))
    overdue = forms.BooleanField(label=_("只看已超期"), required=False)
    # Drill-down from the oversight dashboards (hidden; shown as a summary above the list).
    scope = forms.ChoiceField(label=_("范围"), required=False, widget=forms.HiddenInput,
                              choices=[("", _("待办")), ("all", _("全部可见事项"))])
    area = forms.CharField(label=_("问题属地（含下级）"), required=False, max_length=15, widget=forms.HiddenInput)
    domain = forms.CharField(label=_("领域"), required=False, max_length=32, widget=forms.HiddenInput)
    unit = forms.CharField(label=_("办理单位"), required=False, max_length=32, widget=forms.HiddenInput)
    received_from = forms.DateField(label=_("收到日期起"), required=False, widget=forms.HiddenInput)
    received_to = forms.DateField(label=_("收到日期止"), required=False, widget=forms.HiddenInput)
    due = forms.ChoiceField(label=_("期限状态"), required=False, widget=forms.HiddenInput,
                            choices=[("", "-"), ("normal", _("正常")), ("soon", _("即将到期"))])
    supervised = forms.BooleanField(label=_("被督办"), required=False, widget=forms.HiddenInput)

    DRILL_FIELDS = ("scope", "area", "domain", "unit", "received_from", "received_to", "due", "supervised")


def accused_unit_choices():
    # Any active unit may be the one accused, whatever the registrar's own area.
    return Unit.objects.filter(is_active=True).select_related("area").order_by("area__path", "code")


class AccusedUnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AreaPickerMixin:
    """For a form shown with the cascading 问题属地 selects (area_1 …, see minxin.web.cases.areas).

    Takes the staff member whose area bounds the choice and puts the chosen Area
    (or None) in cleaned_data["area"].
    """

    def __init__(self, *args, staff: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff

    def clean(self):
        data = super().clean()
        if areas.has_stale_choice(self.staff, self.data):
            raise forms.ValidationError(_("问题属地的下级区域与上级不一致，请重新选择"))
        data["area"] = areas.chosen_area(self.staff, self.data)
        return data


class RegistrationForm(RefuseOverlongText, AreaPickerMixin, forms.Form):
    channel = forms.ChoiceField(label=_("信访形式"), choices=_blank(_("请选择")) + list(Channel.choices))
    category = forms.ChoiceField(label=_("信访类别"), choices=_blank(_("请选择")) + list(Category.choices))
    domain = forms.ModelChoiceField(label=_("领域"), queryset=Domain.objects.all(), required=False, empty_label=_("请选择"))
    subject = forms.CharField(label=_("标题"), max_length=200, required=False)
    content = forms.CharField(label=_("信访内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    request = forms.CharField(label=_("请求"), widget=TEXTAREA, required=False)
    facts = forms.CharField(label=_("事实"), widget=TEXTAREA, required=False)
    reasons = forms.CharField(label=_("理由"), widget=TEXTAREA, required=False)
    is_urgent = forms.BooleanField(label=_("重大、紧急"), required=False)
    is_litigation = forms.BooleanField(label=_("涉法涉诉"), required=False)
    anonymous = forms.BooleanField(label=_("匿名检举控告"), required=False, help_text=_("仅检举控告类可匿名，匿名时可不填信访人"))
    people_count = forms.IntegerField(label=_("涉及人数"), required=False, min_value=1, help_text=_("集体访填写实际人数"))
    accused_unit = AccusedUnitField(label=_("被反映单位"), queryset=Unit.objects.none(), required=False, empty_label=_("无"),
                                          help_text=_("检举控告所指的单位；该单位看不到此件，也不能被转送、交办（第三十条第三款）"))
    accused_person = forms.CharField(label=_("被反映人员"), required=False, strip=True,
                                     help_text=_("姓名；是被反映单位工作人员的，自动关联到其账号"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accused_unit"].queryset = accused_unit_choices()



class PetitionerForm(RefuseOverlongText, forms.Form):
    name = forms.CharField(label=_("姓名（名称）"), max_length=64, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("电话"), max_length=16, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    is_representative = forms.BooleanField(label=_("代表"), required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any((data.get(k) or "").strip() for k in ("name", "id_number", "phone", "address"))


PetitionerFormSet = forms.formset_factory(PetitionerForm, extra=MAX_PETITIONER_ROWS, max_num=MAX_PETITIONER_ROWS)


def attach_errors(exc, form: forms.Form, formset=None) -> None:
    """Put a service's field errors next to the fields; unknown keys become form-wide errors."""
    for key, messages in exc.fields.items():
        parts = key.split(".")
        target, name = form, key
        if parts[0] == "petitioners" and formset is not None and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1]) - 1
            filled = [f for f in formset.forms if not f.is_blank()]
            if 0 <= index < len(filled):
                target, name = filled[index], parts[2]
        # A field the form already flagged keeps its own message (no two messages for one slip).
        if name in target.fields and name not in target.errors:
            for m in messages:
                target.add_error(name, m)
    # The summary cites the article, so it stays at the top of the form too.
    form.add_error(None, exc.message)


# --- Lifecycle action forms -------------------------------------------------------------


class ActionForm(RefuseOverlongText, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case=None, staff: Staff | None = None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}_%s")
        super().__init__(*args, **kwargs)
        self.case, self.staff = case, staff

    prefix_name = "action"

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def _dispatch_units(staff: Staff):
    # First handling goes to this deployment's own units, not the 省/国家 bodies kept for 复查/复核.
    return (
        Unit.objects.filter(is_active=True, is_external=False, area__path__startswith=staff.unit.area.path)
        .exclude(pk=staff.unit_id)
        .select_related("area")
        .order_by("area__path", "code")
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TransferForm(ActionForm):
    prefix_name = "transfer"
    unit = UnitChoiceField(label=_("转送至"), queryset=Unit.objects.none(), empty_label=_("请选择"))
    requirements = forms.CharField(label=_("办理要求"), widget=TEXTAREA, required=False)
    override_reason = forms.CharField(label=_("特殊去向的理由"), required=False,
                                      help_text=_("涉法涉诉、检举控告事项转至其他单位时必填"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.staff is not None:
            self.fields["unit"].queryset = _dispatch_units(self.staff)


class AssignForm(TransferForm):
    prefix_name = "assign"
    days = forms.IntegerField(label=_("办理期限（日）"), min_value=1, max_value=365, initial=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("交办至")


class AcceptForm(ActionForm):
    prefix_name = "accept"
    route = forms.ChoiceField(label=_("分类处理途径"), required=False, choices=_blank(_("不适用")) + list(Route.choices),
                              help_text=_("申诉求决类事项必选（第三十一条）"))
    note = forms.CharField(label=_("备注"), widget=TEXTAREA, required=False)


class ObjectForm(ActionForm):
    prefix_name = "object"
    reason = forms.CharField(label=_("异议理由"), widget=TEXTAREA, required=False)
    override_reason = forms.CharField(label=_("逾期理由"), required=False, help_text=_("超过5个工作日提出异议时必填"))


YES_NO = [("yes", _("同意")), ("no", _("不同意"))]


class DecideObjectionForm(ActionForm):
    prefix_name = "decide_objection"
    agree = forms.TypedChoiceField(label=_("核实结论"), choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), widget=TEXTAREA, required=False, help_text=_("不同意时必填"))


class RefuseForm(ActionForm):
    prefix_name = "refuse"
    ground = forms.ChoiceField(label=_("依据"), choices=[
        (RefusalGround.DUPLICATE_AT_LOWER, _("第十九条第三款：下级机关已受理或正在办理")),
        (RefusalGround.OTHER, _("其他法律法规依据")),
    ])
    related_case = forms.CharField(label=_("已在办理的信访件编号"), required=False)
    legal_basis = forms.CharField(label=_("法律法规依据"), required=False)
    reason = forms.CharField(label=_("不予受理的理由"), widget=TEXTAREA, required=False)


class RefuseRepeatForm(ActionForm):
    prefix_name = "refuse_repeat"
    earlier_case = forms.CharField(label=_("已复核终结的原信访件编号"), required=False)
    reason = forms.CharField(label=_("不再受理的理由"), widget=TEXTAREA, required=False,
                             help_text=_("说明与原事项为同一事实和理由（第三十六条第三款）"))


class OpenDisputeForm(ActionForm):
    prefix_name = "open_dispute"
    units = forms.ModelMultipleChoiceField(label=_("涉及的单位"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("争议理由"), widget=TEXTAREA, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.staff is not None:
            self.fields["units"].queryset = Unit.objects.filter(is_active=True, area__path__startswith=self.staff.unit.area.path)


class SettleDisputeForm(ActionForm):
    prefix_name = "settle_dispute"
    unit = UnitChoiceField(label=_("确定受理单位"), queryset=Unit.objects.none(), empty_label=_("请选择"))
    note = forms.CharField(label=_("说明"), widget=TEXTAREA, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dispute = self.case.disputes.filter(settled_at__isnull=True).first() if self.case is not None else None
        if dispute is not None:
            self.fields["unit"].queryset = dispute.units.all()


class StartHearingForm(ActionForm):
    prefix_name = "start_hearing"


class EndHearingForm(ActionForm):
    prefix_name = "end_hearing"
    summary = forms.CharField(label=_("听证情况"), widget=TEXTAREA, required=False)


class ExtendForm(ActionForm):
    prefix_name = "extend"
    days = forms.IntegerField(label=_("延长天数"), min_value=1, initial=30, help_text=_("不得超过30日（第三十四条）"))
    reason = forms.CharField(label=_("延期理由（将告知信访人）"), widget=TEXTAREA, required=False)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OpinionForm(ActionForm):
    prefix_name = "issue_opinion"
    outcome = forms.ChoiceField(label=_("处理结论"), choices=_blank(_("请选择")) + list(Outcome.choices))
    request = forms.CharField(label=_("投诉请求"), widget=TEXTAREA, required=False)
    facts = forms.CharField(label=_("事实和理由"), widget=TEXTAREA, required=False)
    opinion = forms.CharField(label=_("处理意见"), widget=TEXTAREA, required=False)
    legal_basis = forms.CharField(label=_("法律法规依据"), required=False)
    delivered_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE, help_text=_("已送达的填写，复查申请期限自此起算"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None and not self.is_bound:
            self.initial.setdefault("request", self.case.request)


class DeliveryForm(ActionForm):
    prefix_name = "record_delivery"
    delivered_on = forms.DateField(label=_("送达日期"), widget=DATE)


class SubmitReportForm(ActionForm):
    prefix_name = "submit_report"
    process = forms.CharField(label=_("办理过程"), widget=TEXTAREA, required=False)
    result = forms.CharField(label=_("办理结果"), widget=TEXTAREA, required=False)
    feedback = forms.CharField(label=_("信访人反馈"), widget=TEXTAREA, required=False)


class ReviewReportForm(ActionForm):
    prefix_name = "review_report"
    accept = forms.TypedChoiceField(label=_("审核结论"), choices=[("yes", _("通过")), ("no", _("退回"))],
                                    coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    note = forms.CharField(label=_("退回理由"), widget=TEXTAREA, required=False)


class CloseForm(ActionForm):
    prefix_name = "close"
    result = forms.CharField(label=_("办理结果"), widget=TEXTAREA, required=False)


class AppealRequestForm(ActionForm):
    prefix_name = "request_review"
    request = forms.CharField(label=_("请求事项和理由"), widget=TEXTAREA, required=False)
    requested_on = forms.DateField(label=_("申请日期"), required=False, widget=DATE, help_text=_("不填为今天"))
    override_reason = forms.CharField(label=_("受理逾期申请的理由"), required=False)


class RecheckRequestForm(AppealRequestForm):
    prefix_name = "request_recheck"


class DecideReviewForm(ActionForm):
    prefix_name = "decide_review"
    result = forms.ChoiceField(label=_("结论"), choices=_blank(_("请选择")) + list(ReviewResult.choices))
    facts = forms.CharField(label=_("事实和理由"), widget=TEXTAREA, required=False)
    opinion = forms.CharField(label=_("意见"), widget=TEXTAREA, required=False)
    legal_basis = forms.CharField(label=_("法律法规依据"), required=False)
    delivered_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE, help_text=_("已送达的填写，复核申请期限自此起算"))


class DecideRecheckForm(DecideReviewForm):
    prefix_name = "decide_recheck"
    delivered_on = None


ACTION_FORMS: dict[str, type[ActionForm]] = {
    A.TRANSFER: TransferForm,
    A.ASSIGN: AssignForm,
    A.ACCEPT: AcceptForm,
    A.OBJECT: ObjectForm,
    A.DECIDE_OBJECTION: DecideObjectionForm,
    A.REFUSE: RefuseForm,
    A.REFUSE_REPEAT: RefuseRepeatForm,
    A.OPEN_DISPUTE: OpenDisputeForm,
    A.SETTLE_DISPUTE: SettleDisputeForm,
    A.START_HEARING: StartHearingForm,
    A.END_HEARING: EndHearingForm,
    A.EXTEND: ExtendForm,
    A.ISSUE_OPINION: OpinionForm,
    A.RECORD_DELIVERY: DeliveryForm,
    A.SUBMIT_REPORT: SubmitReportForm,
    A.REVIEW_REPORT: ReviewReportForm,
    A.CLOSE: CloseForm,
    A.REQUEST_REVIEW: AppealRequestForm,
    A.DECIDE_REVIEW: DecideReviewForm,
    A.REQUEST_RECHECK: RecheckRequestForm,
    A.DECIDE_RECHECK: DecideRecheckForm,
}
