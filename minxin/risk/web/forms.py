"""Forms for the ledger and contingency-plan pages.

They only shape input (types, choices limited to the caller's area); every rule
of the domain is the service's, whose field errors are put back next to the fields.
"""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from minxin.core.forms import RefuseOverlongText
from minxin.cases.models import Domain
from minxin.org.models import Area, Staff, Unit
from minxin.risk.models import AlertKind, DisputeSource, DisputeStatus, RiskLevel

# Lines of the plan's lists are split on an ASCII or full-width bar.
_BAR = re.compile(r"\s*[|｜]\s*")

# A ledger entry from a page is a grid's or a unit's; entries from a case are linked on the case page.
_PAGE_SOURCES = [(v, l) for v, l in DisputeSource.choices if v != DisputeSource.CASE]


class EntryForm(RefuseOverlongText, forms.Form):
    source = forms.ChoiceField(label=_l("来源"), choices=_PAGE_SOURCES)
    screened_on = forms.DateField(label=_l("排查日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_l("不填为今天"))
    domain = forms.ModelChoiceField(label=_l("领域"), queryset=Domain.objects.all(), empty_label=_l("请选择"))
    area = forms.ModelChoiceField(label=_l("所属区域"), queryset=Area.objects.none(), empty_label=_l("请选择"))
    parties = forms.CharField(label=_l("当事方"), max_length=255, required=False, help_text=_l("用文字描述，不得填写身份证号或手机号码"))
    people_count = forms.IntegerField(label=_l("涉及人数"), min_value=1, initial=1, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    amount_wan = forms.DecimalField(label=_l("涉及金额(万元)"), min_value=0, max_digits=14, decimal_places=2, required=False, initial=0,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    level = forms.ChoiceField(label=_l("风险等级"), choices=RiskLevel.choices)
    level_reasons = forms.CharField(label=_l("定级理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_l("红色、橙色风险必填"))
    responsible_unit = forms.ModelChoiceField(label=_l("责任单位"), queryset=Unit.objects.none(), empty_label=_l("请选择"))
    responsible_name = forms.CharField(label=_l("责任人"), max_length=32, required=False)
    summary = forms.CharField(label=_l("矛盾纠纷简况"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, staff: Staff, **kw):
        super().__init__(*args, **kw)
        area = staff.unit.area
        self.fields["area"].queryset = Area.objects.within(area).order_by("path")
        self.fields["responsible_unit"].queryset = Unit.objects.filter(is_active=True, area__path__startswith=area.path).order_by("code")

    def service_kwargs(self) -> dict:
        # Blanks for what did not parse, so the service names those fields too.
        d = {"source": "", "domain": None, "area": None, "summary": "", "level": "", "responsible_unit": None,
             "people_count": 1} | dict(self.cleaned_data)
        d["amount_wan"] = d.get("amount_wan") or 0
        return d


class StepForm(forms.Form):
    description = forms.CharField(label=_l("化解措施"), widget=forms.Textarea(attrs={"rows": 2}))
    taken_on = forms.DateField(label=_l("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_l("不填为今天"))


class StatusForm(RefuseOverlongText, forms.Form):
    status = forms.ChoiceField(label=_l("状态"), choices=DisputeStatus.choices)
    note = forms.CharField(label=_l("说明"), required=False, max_length=500)


def _lines(text: str) -> list[list[str]]:
    return [_BAR.split(line.strip()) for line in (text or "").splitlines() if line.strip()]


class PlanForm(RefuseOverlongText, forms.Form):
    name = forms.CharField(label=_l("预案名称"), max_length=100)
    area = forms.ModelChoiceField(label=_l("适用区域"), queryset=Area.objects.none(), empty_label=_l("请选择"))
    trigger_kinds = forms.MultipleChoiceField(label=_l("触发预警类型"), choices=AlertKind.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple, help_text=_l("不选则任何类型的预警都可触发"))
    min_level = forms.ChoiceField(label=_l("最低触发等级"), choices=RiskLevel.choices, initial=RiskLevel.ORANGE)
    domain = forms.ModelChoiceField(label=_l("领域"), queryset=Domain.objects.all(), required=False, empty_label=_l("不限"), help_text=_l("不选则不限领域"))
    roles = forms.CharField(label=_l("职责分工"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_l("每行一项：责任组|职责，如“现场处置组|到场劝导”"))
    contacts = forms.CharField(label=_l("联系人"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_l("每行一人：姓名|单位|工作电话"))
    task_templates = forms.CharField(label=_l("任务清单"), widget=forms.Textarea(attrs={"rows": 4}),
                                     help_text=_l("每行一项：任务|责任组|时限(小时)，后两项可省略"))

    def __init__(self, *args, staff: Staff, **kw):
        super().__init__(*args, **kw)
        self.fields["area"].queryset = Area.objects.within(staff.unit.area).order_by("path")

    def clean_roles(self):
        return [{"role": p[0], "duty": "|".join(p[1:])} for p in _lines(self.cleaned_data["roles"])]

    def clean_contacts(self):
        return [{"name": p[0], "unit": p[1] if len(p) > 1 else "", "phone": p[2] if len(p) > 2 else ""}
                for p in _lines(self.cleaned_data["contacts"])]

    def clean_task_templates(self):
        tasks = []
        for i, p in enumerate(_lines(self.cleaned_data["task_templates"]), start=1):
            task = {"title": p[0], "role": p[1] if len(p) > 1 else ""}
            if len(p) > 2 and p[2]:
                try:
                    task["due_hours"] = int(p[2])
                except ValueError:
                    raise forms.ValidationError(_("第%(i)s行的时限须为整数（小时）") % {"i": i}) from None
            tasks.append(task)
        return tasks


class ActivateForm(forms.Form):
    reason = forms.CharField(label=_l("启动理由"), widget=forms.Textarea(attrs={"rows": 2}))
    alert = forms.TypedChoiceField(label=_l("关联预警"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, alerts=(), **kw):
        super().__init__(*args, **kw)
        self.fields["alert"].choices = [("", _("（不关联预警）"))] + [(a.pk, f"[{a.get_level_display()}] {a.title}") for a in alerts]


class DrillForm(forms.Form):
    held_on = forms.DateField(label=_l("演练日期"), widget=forms.DateInput(attrs={"type": "date"}))
    scenario = forms.CharField(label=_l("演练情景"), widget=forms.Textarea(attrs={"rows": 2}))
    participants = forms.CharField(label=_l("参演单位"), required=False)
    findings = forms.CharField(label=_l("发现问题及改进"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    run_tasks = forms.BooleanField(label=_l("按预案生成演练任务"), required=False, initial=True)
