"""Forms for the 稳评 pages: they shape input only; every rule is the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _l

from minxin.cases.models import Domain
from minxin.core.forms import RefuseOverlongText
from minxin.org.models import Area, Staff, Unit
from minxin.org.policies import in_bureau
from minxin.risk.models import RiskLevel
from minxin.stability.models import Conclusion, DecisionKind

_DATE = forms.DateInput(attrs={"type": "date"})


class DecisionForm(RefuseOverlongText, forms.Form):
    title = forms.CharField(label=_l("决策事项名称"), max_length=200)
    kind = forms.ChoiceField(label=_l("类别"), choices=DecisionKind.choices)
    area = forms.ModelChoiceField(label=_l("涉及区域"), queryset=Area.objects.none(), empty_label=_l("请选择"))
    domain = forms.ModelChoiceField(label=_l("领域"), queryset=Domain.objects.all(), empty_label=_l("请选择"))
    responsible_unit = forms.ModelChoiceField(label=_l("评估责任单位"), queryset=Unit.objects.none(), empty_label=_l("请选择"))
    planned_on = forms.DateField(label=_l("拟决策日期"), widget=_DATE)
    description = forms.CharField(label=_l("决策内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, staff: Staff, **kw):
        super().__init__(*args, **kw)
        area = staff.unit.area
        self.fields["area"].queryset = Area.objects.within(area).order_by("path")
        units = Unit.objects.filter(is_active=True, area__path__startswith=area.path)
        if not in_bureau(staff):
            units = units.filter(pk=staff.unit_id)
        self.fields["responsible_unit"].queryset = units.order_by("code")

    def service_kwargs(self) -> dict:
        return {"title": "", "kind": "", "area": None, "domain": None, "responsible_unit": None, "planned_on": None,
                "description": ""} | dict(self.cleaned_data)


_GROUPS_HELP = _l("每行一个群体，写成“群体：人数”，如“被征收户：320”")


class FindingsForm(RefuseOverlongText, forms.Form):
    affected_groups = forms.CharField(label=_l("利益相关群体及人数"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_GROUPS_HELP)
    findings = forms.CharField(label=_l("调查论证情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_l("征求意见、走访、听证、专家论证等情况"))
    level = forms.ChoiceField(label=_l("风险等级"), choices=[("", _l("未定"))] + RiskLevel.choices, required=False)
    level_reasons = forms.CharField(label=_l("定级理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_l("风险防范化解措施"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConcludeForm(FindingsForm):
    conclusion = forms.ChoiceField(label=_l("评估结论"), choices=[("", _l("请选择"))] + Conclusion.choices, required=False)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_l("审定意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(RefuseOverlongText, forms.Form):
    decided_on = forms.DateField(label=_l("实际决策日期"), required=False, widget=_DATE, help_text=_l("首次跟踪时填写；不填为拟决策日期"))
    weeks = forms.IntegerField(label=_l("比较周数"), min_value=1, max_value=52, initial=8)
    note = forms.CharField(label=_l("跟踪意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def groups_text(groups: list[dict]) -> str:
    return "\n".join(f"{g['group']}：{g['count']}" for g in groups)
