"""Forms of the grid pages: they only shape input; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _l

from minxin.cases.models import Category, Channel, Domain
from minxin.core.forms import RefuseOverlongText
from minxin.grid import services
from minxin.grid.models import ReportKind, VisitKind
from minxin.org.models import Area, Staff
from minxin.risk.models import RiskLevel


class ReportForm(RefuseOverlongText, forms.Form):
    kind = forms.ChoiceField(label=_l("类型"), choices=ReportKind.choices, initial=ReportKind.DISPUTE, widget=forms.RadioSelect)
    domain = forms.ModelChoiceField(label=_l("领域"), queryset=Domain.objects.all(), empty_label=_l("请选择"))
    people_count = forms.IntegerField(label=_l("涉及人数"), min_value=1, initial=1,
                                      widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}))
    parties = forms.CharField(label=_l("涉及人员"), max_length=255, required=False,
                              help_text=_l("用文字描述，如“3户村民与施工方”，不得填写身份证号或手机号码"))
    description = forms.CharField(label=_l("情况描述"), max_length=services.DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    area = forms.ModelChoiceField(label=_l("所在网格"), queryset=Area.objects.none(), empty_label=None)
    place = forms.CharField(label=_l("具体位置"), max_length=services.PLACE_MAX, required=False, help_text=_l("如“3组17号门前”"))
    level = forms.ChoiceField(label=_l("风险等级"), choices=RiskLevel.choices, initial=RiskLevel.BLUE)
    photo = forms.FileField(label=_l("照片"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
                            help_text=_l("JPEG 或 PNG，可用手机直接拍照"))
    wants_case = forms.BooleanField(label=_l("申请转为信访事项（由信访部门登记）"), required=False)

    def __init__(self, *args, staff: Staff, **kw):
        super().__init__(*args, **kw)
        self.fields["area"].queryset = services.grid_areas(staff)

    def service_kwargs(self) -> dict:
        d = {"kind": "", "domain": None, "area": None, "description": "", "people_count": 1, "level": RiskLevel.BLUE} | dict(self.cleaned_data)
        d["wants_case"] = bool(d.get("wants_case"))
        return d


class VisitForm(RefuseOverlongText, forms.Form):
    kind = forms.ChoiceField(label=_l("记录类型"), choices=VisitKind.choices, initial=VisitKind.VISIT, widget=forms.RadioSelect)
    taken_on = forms.DateField(label=_l("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_l("不填为今天"))
    description = forms.CharField(label=_l("情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(RefuseOverlongText, forms.Form):
    note = forms.CharField(label=_l("化解结果"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RegisterCaseForm(RefuseOverlongText, forms.Form):
    petitioner_name = forms.CharField(label=_l("信访人姓名"), max_length=32)
    petitioner_address = forms.CharField(label=_l("信访人住址"), max_length=200)
    phone = forms.CharField(label=_l("联系电话"), max_length=20, required=False)
    category = forms.ChoiceField(label=_l("信访类别"), choices=Category.choices, initial=Category.COMPLAINT)
    channel = forms.ChoiceField(label=_l("信访形式"), choices=Channel.choices, initial=Channel.VISIT)
    request = forms.CharField(label=_l("请求"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_l("不填则以网格上报的情况描述为请求"))
