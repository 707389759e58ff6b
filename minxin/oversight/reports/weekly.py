"""领导周报: this week's numbers against last week's, top risks and overdue cases, as .docx."""

import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.core import clock
from minxin.org.models import Area
from minxin.oversight.reports import common
from minxin.oversight.reports._docx import Report, pct

TOP_RISKS = 10
TOP_OVERDUE = 20
LINES = (("received", gettext_lazy("收到信访事项")), ("visits", gettext_lazy("其中来访")), ("accepted", gettext_lazy("受理")),
         ("closed", gettext_lazy("办结")), ("rated", gettext_lazy("参评")), ("satisfied", gettext_lazy("满意及基本满意")),
         ("supervised", gettext_lazy("发出督办")))


def parse_week(text: str) -> dt.date:
    """'2026-W10' → the Monday of that ISO week."""
    m = re.fullmatch(r"(\d{4})-?W(\d{1,2})", (text or "").strip(), flags=re.IGNORECASE)
    if not m:
        raise ValueError(_("周次格式应为YYYY-Www，例如2026-W10"))
    return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)


def _risks(area: Area, until: dt.date) -> list[dict] | None:
    """Open alerts of minxin.risk in the area, most severe first; None when that module is not installed."""
    try:
        from minxin.risk.models import Alert, AlertState, RiskLevel
    except ImportError:
        return None
    order = {k: i for i, (k, _l) in enumerate(RiskLevel.choices)}  # 红 first: the choices run from most to least severe
    lo, hi = common.bounds(until, until)
    alerts = list(
        Alert.objects.filter(area__path__startswith=area.path, created_at__lt=hi)
        .exclude(state=AlertState.CLOSED).select_related("area").order_by("-created_at", "-pk")[:200]
    )
    alerts.sort(key=lambda a: (order.get(a.level, 99), -(a.score or 0)))
    return [{"title": a.title, "level": a.get_level_display(), "area": a.area.name, "state": a.get_state_display(),
             "created": a.created_at.date()} for a in alerts[:TOP_RISKS]]


def _overdue(cases, as_of: dt.date) -> tuple[int, list[dict]]:
    from minxin.rules.models import CaseDeadline, DeadlineState

    running = (CaseDeadline.objects.filter(state=DeadlineState.RUNNING, paused_at__isnull=True, due_on__lt=as_of,
                                           case__in=cases.values("pk"))
               .select_related("case", "case__current_unit", "rule").order_by("due_on", "pk"))
    seen, rows = set(), []
    for d in running:
        if d.case_id in seen:
            continue
        seen.add(d.case_id)
        rows.append({"number": d.case.number, "subject": d.case.subject, "rule": d.rule.name if d.rule_id else "",
                     "unit": d.case.current_unit.name if d.case.current_unit_id else "", "due_on": d.due_on,
                     "days": (as_of - d.due_on).days})
    return len(rows), rows[:TOP_OVERDUE]


def collect(*, monday: dt.date, area: Area, cases) -> dict:
    cases = cases.filter(area__path__startswith=area.path)
    sunday = monday + dt.timedelta(days=6)
    this = common.volume(cases, monday, sunday)
    last = common.volume(cases, monday - dt.timedelta(weeks=1), sunday - dt.timedelta(weeks=1))
    as_of = min(sunday + dt.timedelta(days=1), clock.today())
    total_overdue, overdue = _overdue(cases, as_of)
    return {"area": area.full_name, "monday": monday, "sunday": sunday, "week": monday.strftime("%G-W%V"),
            "this": this, "last": last, "as_of": as_of, "risks": _risks(area, sunday),
            "overdue_total": total_overdue, "overdue": overdue}


def _trend(now: int, before: int) -> str:
    if now == before:
        return _("持平")
    if before == 0:
        return _("增加%(n)d") % {"n": now}
    change = 100 * (now - before) / before
    return (_("上升%(p).1f%%") if change > 0 else _("下降%(p).1f%%")) % {"p": abs(change)}


def render(data: dict) -> bytes:
    t, p = data["this"], data["last"]
    r = Report(_("%(area)s信访工作周报") % {"area": data["area"]},
               _("（%(week)s：%(start)s 至 %(end)s）") % {"week": data["week"], "start": data["monday"], "end": data["sunday"]})
    r.heading(_("一、本周主要数字"))
    r.body(_("本周收到信访事项%(n)d件，较上周%(trend)s；办结%(closed)d件；满意率%(rate)s（上周%(last_rate)s）。")
           % {"n": t["received"], "trend": _trend(t["received"], p["received"]), "closed": t["closed"],
              "rate": pct(t["satisfied"], t["rated"]), "last_rate": pct(p["satisfied"], p["rated"])})
    r.table([_("项目"), _("本周"), _("上周"), _("变化")],
            [[str(label), t[k], p[k], _trend(t[k], p[k])] for k, label in LINES])
    r.heading(_("二、信访形式与类别"))
    r.table([_("信访形式"), _("本周"), _("上周")], [[a, n, m] for (a, n), (_b, m) in zip(t["by_channel"], p["by_channel"])])
    r.table([_("信访类别"), _("本周"), _("上周")], [[a, n, m] for (a, n), (_b, m) in zip(t["by_category"], p["by_category"])])
    r.heading(_("三、重点风险"))
    if data["risks"] is None:
        r.body(_("风险预警模块未启用，本周报不含风险预警。"))
    elif not data["risks"]:
        r.body(_("本周没有未关闭的风险预警。"))
    else:
        r.table([_("预警"), _("等级"), _("区域"), _("状态"), _("生成日期")],
                [[x["title"], x["level"], x["area"], x["state"], x["created"]] for x in data["risks"]])
    r.heading(_("四、超期未办结事项"))
    r.body(_("截至%(date)s，超期在办的信访事项共%(n)d件。") % {"date": data["as_of"], "n": data["overdue_total"]})
    if data["overdue"]:
        r.table([_("编号"), _("标题"), _("期限"), _("办理单位"), _("届满日"), _("超期天数")],
                [[x["number"], x["subject"], x["rule"], x["unit"], x["due_on"], x["days"]] for x in data["overdue"]])
    return r.bytes()
