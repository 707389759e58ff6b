"""信访情况年度报告 (《信访工作条例》第四十一条) as .docx.

The article asks for: （一）信访事项的数据统计、信访事项涉及领域以及被投诉较多的机关或者单位；
（二）转送、交办、督办情况；（三）提出改进工作、完善政策、追究责任建议以及被采纳情况；
（四）其他应当报告的事项。Every number comes from the records; what the system does not
record (the 第三十八、三十九条 proposals) is said to be missing, never estimated.
"""

import datetime as dt

from django.db.models import Count
from django.utils.translation import gettext as _

from minxin.org.models import Area
from minxin.oversight import metrics
from minxin.oversight.models import (
    ProposalState, Supervision, SupervisionLevel, SupervisionProposal, SupervisionRecord, SupervisionRecordKind,
    SupervisionState,
)
from minxin.oversight.reports import common
from minxin.oversight.reports._docx import Report, pct

TOP_UNITS = 10
KEY_METRICS = ("timely_acceptance", "on_time_completion", "participation", "satisfaction", "first_time_resolution",
               "repeat_rate", "level_skipping", "average_handling_days")


def collect(*, year: int, area: Area, cases) -> dict:
    """Everything the report states, from `cases` (already limited to what the requester may see) in `area`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cases = cases.filter(area__path__startswith=area.path)
    lo, hi = common.bounds(start, end)
    received = cases.filter(received_at__gte=lo, received_at__lt=hi)
    accused = list(
        received.exclude(accused_unit=None).values_list("accused_unit__name").annotate(n=Count("pk"))
        .order_by("-n", "accused_unit__name").values_list("accused_unit__name", "n")[:TOP_UNITS]
    )
    handled = list(
        received.exclude(current_unit=None).values_list("current_unit__name").annotate(n=Count("pk"))
        .order_by("-n", "current_unit__name").values_list("current_unit__name", "n")[:TOP_UNITS]
    )
    sups = Supervision.objects.filter(case__in=cases.values("pk"), issued_at__gte=lo, issued_at__lt=hi)
    by_level = dict(sups.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    by_state = dict(sups.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    records = dict(
        SupervisionRecord.objects.filter(supervision__in=sups.values("pk"))
        .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    proposals = SupervisionProposal.objects.filter(case__in=cases.values("pk"), created_at__gte=lo, created_at__lt=hi)
    by_proposal = dict(proposals.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    scope = metrics.Scope(start=start, end=end, area=area)
    values = {code: metrics.compute(code, scope) for code in KEY_METRICS}
    names = {d["code"]: (str(d["name"]), d["kind"]) for d in metrics.metric_definitions()}
    return {
        "year": year, "area": area.full_name, "start": start, "end": end,
        "volume": common.volume(cases, start, end),
        "accused": accused, "handled": handled,
        "routings": common.routings(cases, start, end),
        "supervision": {
            "total": sups.count(),
            "by_level": [(str(label), by_level.get(k, 0)) for k, label in SupervisionLevel.choices],
            "by_state": [(str(label), by_state.get(k, 0)) for k, label in SupervisionState.choices],
            "escalated": records.get(SupervisionRecordKind.ESCALATE, 0),
            "interviews": records.get(SupervisionRecordKind.INTERVIEW, 0),
            "circulars": records.get(SupervisionRecordKind.CIRCULAR, 0),
        },
        "proposals": {"total": proposals.count(), "issued": by_proposal.get(ProposalState.ISSUED, 0),
                      "dismissed": by_proposal.get(ProposalState.DISMISSED, 0),
                      "pending": by_proposal.get(ProposalState.PENDING, 0)},
        "metrics": [(names[c][0], names[c][1], values[c]) for c in KEY_METRICS],
    }


def _metric_text(kind: str, v: metrics.Value) -> str:
    if v.value is None:
        return _("本期无可计算数据")
    if kind == "rate":
        return f"{100 * v.value:.1f}%（{v.numerator:.0f}/{v.denominator:.0f}）"
    return _("%(days).1f天（%(n).0f件）") % {"days": v.value, "n": v.denominator}


def render(data: dict) -> bytes:
    v = data["volume"]
    r = Report(_("%(area)s%(year)d年度信访情况报告") % {"area": data["area"], "year": data["year"]},
               _("（依据《信访工作条例》第四十一条；统计期间 %(start)s 至 %(end)s）") % {"start": data["start"], "end": data["end"]})

    r.heading(_("一、信访事项的数据统计、涉及领域以及被投诉较多的机关、单位"))
    r.body(_("本年度共收到信访事项%(received)d件，其中来访%(visits)d件；受理%(accepted)d件，办结%(closed)d件。"
             "信访人评价%(rated)d次，其中满意和基本满意%(satisfied)d次，满意率%(rate)s。")
           % {**v, "rate": pct(v["satisfied"], v["rated"])})
    r.body(_("按信访形式统计："))
    r.table([_("信访形式"), _("件数")], [list(x) for x in v["by_channel"]])
    r.body(_("按信访类别统计："))
    r.table([_("信访类别"), _("件数")], [list(x) for x in v["by_category"]])
    r.body(_("信访事项涉及领域："))
    if v["by_domain"]:
        r.table([_("领域"), _("件数")], [list(x) for x in v["by_domain"]])
    else:
        r.body(_("本年度没有收到信访事项。"))
    r.body(_("被投诉较多的机关、单位（检举控告中被反映的单位，前%(n)d名）：") % {"n": TOP_UNITS})
    if data["accused"]:
        r.table([_("被反映单位"), _("件数")], [list(x) for x in data["accused"]])
    else:
        r.body(_("本年度登记的信访事项中没有记录被反映的机关、单位。"))
    r.body(_("办理信访事项较多的责任单位（前%(n)d名）：") % {"n": TOP_UNITS})
    if data["handled"]:
        r.table([_("责任单位"), _("件数")], [list(x) for x in data["handled"]])
    else:
        r.body(_("本年度没有转送、交办到责任单位的信访事项。"))

    s = data["supervision"]
    r.heading(_("二、转送、交办、督办情况"))
    r.body(_("本年度转送信访事项%(transfer)d件次，交办%(assign)d件次。") % data["routings"])
    r.body(_("发出督办单%(total)d件，其中督办逾期升级%(escalated)d次，约谈%(interviews)d次，通报%(circulars)d次。") % s)
    r.table([_("督办级别"), _("件数")], [list(x) for x in s["by_level"]])
    r.table([_("督办状态"), _("件数")], [list(x) for x in s["by_state"]])

    p = data["proposals"]
    r.heading(_("三、提出改进工作、完善政策、追究责任建议以及被采纳情况"))
    r.body(_("本系统尚未记录信访部门依《信访工作条例》第三十八条、第三十九条提出的改进工作、完善政策、追究责任建议及其采纳情况，"
             "本节不列出这些建议的数字，请另行补充。"))
    r.body(_("系统记录的督办情况如下：超期检测提出督办建议%(total)d条，其中已督办%(issued)d条，不予督办%(dismissed)d条，"
             "待决定%(pending)d条；督办单的办结情况见第二部分。") % p)

    r.heading(_("四、其他应当报告的事项"))
    r.body(_("主要工作指标（口径见系统“指标口径”页面）："))
    r.table([_("指标"), _("本年度")], [[name, _metric_text(kind, val)] for name, kind, val in data["metrics"]])
    return r.bytes()
