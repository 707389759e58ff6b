"""Portal forms. Fields are lenient here; the rules (real-name, checksum, files) live in
services.validate_submission so the web form and the API apply the same ones."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import RefuseOverlongText
from minxin.cases.models import Category
from minxin.org.models import Unit
from minxin.oversight.models import RatingScore, RatingTarget
from minxin.portal.models import AppealKind
from minxin.web.cases.forms import AccusedUnitField, accused_unit_choices

CATEGORY_HELP = {
    Category.SUGGESTION: _("对工作提出建议、意见，或反映情况"),
    Category.ACCUSATION: _("检举、揭发、控告违纪违法行为"),
    Category.COMPLAINT: _("维护自身合法权益的申诉、请求"),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


def _text(label, max_length, widget=None, **kw):
    # Length is checked by the service (same message for web and API, naming the limit); no HTML
    # maxlength, which would cut pasted text silently.
    widget = widget or forms.TextInput()
    return forms.CharField(label=label, required=False, strip=True, widget=widget, **kw)


class SubmissionForm(RefuseOverlongText, forms.Form):
    category = forms.ChoiceField(label=_("信访类别"), choices=Category.choices, widget=forms.RadioSelect, required=False)
    subject = _text(_("标题"), 200, help_text=_("一句话概括，例如：小区电梯长期停用"))
    content = _text(_("事实和经过"), 5000, widget=forms.Textarea(attrs={"rows": 6}),
                    help_text=_("时间、地点、涉及的单位或事情经过"))
    request = _text(_("请求事项"), 2000, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("希望有关单位做什么"))
    reasons = _text(_("理由（可选）"), 3000, widget=forms.Textarea(attrs={"rows": 3}))
    accused_unit_name = _text(_("被检举、揭发的单位（如有）"), 100,
                              help_text=_("依法不会转给被检举控告的单位或人员，他们也看不到本件（《信访工作条例》第三十条第三款）"))
    accused_person = _text(_("被检举、揭发的人员（如有）"), 64, help_text=_("姓名及职务，知道的请填写"))
    anonymous = forms.BooleanField(label=_("匿名检举控告（不填写姓名、身份证号和住址）"), required=False)
    name = _text(_("姓名"), 32, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = _text(_("身份证号码"), 18, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    address = _text(_("住址"), 200, widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    phone = _text(_("手机号码"), 11, widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
                  help_text=_("用于接收验证码、办理进度通知和查询"))
    sms_code = _text(_("短信验证码"), 6, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    email = _text(_("电子邮箱（可选）"), 120, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    attachments = MultipleFileField(label=_("附件（可选）"), required=False)

    def __init__(self, *args, max_files=5, max_mb=5, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _("JPEG、PNG 图片或 PDF，最多%(n)d个，每个不超过%(mb)dMB") % {"n": max_files, "mb": max_mb}


class FollowForm(RefuseOverlongText, forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=24, required=False,
                           help_text=_("网上提交时得到的查询码，或来访、来信、来电登记后短信和告知书上的查询码"),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
                            help_text=_("提交时验证过的手机号，或登记时留下的手机号；匿名且未留手机号的可不填"))
    sms_code = forms.CharField(label=_("短信验证码"), max_length=6, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class RatingForm(RefuseOverlongText, forms.Form):
    target = forms.ChoiceField(choices=RatingTarget.choices, widget=forms.HiddenInput)
    score = forms.ChoiceField(label=_("评价"), choices=RatingScore.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见（可选）"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(RefuseOverlongText, forms.Form):
    kind = forms.ChoiceField(choices=AppealKind.choices, widget=forms.HiddenInput)
    request = forms.CharField(label=_("请求事项和理由"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class RegisterForm(RefuseOverlongText, forms.Form):
    # Not required here: register_case names every missing Art. 19 item in one round, next to its field.
    category = forms.ChoiceField(label=_("信访类别"), choices=[("", _("请选择")), *Category.choices], required=False)
    subject = forms.CharField(label=_("标题"), max_length=200, required=False)
    request = forms.CharField(label=_("请求"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    facts = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    accused_unit = AccusedUnitField(label=_("被反映单位"), queryset=Unit.objects.none(), required=False, empty_label=_("无"),
                                    help_text=_("检举控告所指的单位；该单位看不到此件，也不能被转送、交办（第三十条第三款）"))
    accused_person = forms.CharField(label=_("被反映人员"), required=False, help_text=_("姓名；是被反映单位工作人员的，自动关联到其账号"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accused_unit"].queryset = accused_unit_choices()


class RefuseForm(RefuseOverlongText, forms.Form):
    reason = forms.CharField(label=_("不予登记的理由（信访人可见）"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("例如：属于诉讼途径解决的事项，请依法向人民法院提起诉讼（第二十八条、第三十一条）"))
