"""Urgent-report pages: the list with overdue flags, marking a case or an alert, and one
matter's page where its reports are edited, approved, sent, acknowledged and answered.

Thin: each view reads through the scoped services or calls one service and shows its
Chinese refusal as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from minxin.cases.models import Case
from minxin.core.errors import DomainError, NotFound
from minxin.org.models import Unit
from minxin.risk.alerts import get_alert
from minxin.rules.timelimits import is_overdue
from minxin.upward import policies
from minxin.upward import services as svc
from minxin.upward.models import REQUIRED_CONTENTS, Gravity, MatterState, ReportKind, ReportState
from minxin.web.context import active_staff


@login_required
def matter_list(request):
    staff = active_staff(request)
    show = request.GET.get("show", "open")
    qs = svc.matters_visible_to(staff).select_related("area", "unit", "case")
    if show == "open":
        qs = qs.filter(state=MatterState.OPEN)
    rows = [(m, svc.matter_flags(m)) for m in qs[:200]]
    return render(request, "upward/list.html", {
        "rows": rows, "show": show, "may_mark": policies.may_mark(staff), "gravities": Gravity.choices,
        "overdue_instructions": svc.overdue_instructions(staff)[:50]})


@login_required
def mark(request):
    staff = active_staff(request)
    if request.method == "POST":
        number = request.POST.get("case_number", "").strip()
        try:
            case = Case.objects.visible_to(staff).filter(number=number).first()
            if case is None:
                raise NotFound(_("信访件%(n)s不存在或您无权查看") % {"n": number or "（未填写）"})
            matter = svc.mark_case(case, actor=staff, gravity=request.POST.get("gravity", ""),
                                   reason=request.POST.get("reason", ""), title=request.POST.get("title", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("web:upward_list")
        messages.success(request, _("已认定为重大紧急事项，已生成首报草稿"))
        return redirect("web:upward_matter", pk=matter.pk)
    return redirect("web:upward_list")


@login_required
@require_POST
def mark_alert(request, pk):
    staff = active_staff(request)
    try:
        alert = get_alert(staff, pk)
        matter = svc.mark_alert(alert, actor=staff, gravity=request.POST.get("gravity", ""), reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:upward_list")
    messages.success(request, _("预警已转为重大紧急信息报告草稿"))
    return redirect("web:upward_matter", pk=matter.pk)


@login_required
def matter_detail(request, pk):
    staff = active_staff(request)
    try:
        matter = svc.get_matter(staff, pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:upward_list")
    reports = []
    for r in matter.reports.prefetch_related("cases", "alerts", "entries"):
        deliveries = [(d, policies.may_acknowledge(staff, d)) for d in r.deliveries.select_related("unit")]
        instructions = [(i, is_overdue(i.feedback_due_at, i.fed_back_at)) for i in r.instructions.select_related("delivery__unit")]
        reports.append({"r": r, "overdue": is_overdue(r.due_at, r.sent_at), "missing": svc.missing_contents(r),
                        "deliveries": deliveries, "instructions": instructions,
                        "editable": r.state in (ReportState.DRAFT, ReportState.RETURNED)})
    return render(request, "upward/matter.html", {
        "matter": matter, "reports": reports, "flags": svc.matter_flags(matter),
        "may_work": policies.may_work(staff, matter), "may_approve": policies.may_approve(staff, matter),
        "required": REQUIRED_CONTENTS, "kinds": [(ReportKind.FOLLOW_UP, ReportKind.FOLLOW_UP.label), (ReportKind.FINAL, ReportKind.FINAL.label)],
        "events": matter.events.select_related("actor__user", "report").order_by("at", "pk")})


_DONE = {
    "draft": _lazy("已起草报告"), "save": _lazy("报告已保存"), "submit": _lazy("已提交审批"),
    "approve": _lazy("已审批签发"), "return": _lazy("已退回修改"), "send": _lazy("报告已报出"),
    "ack": _lazy("已登记签收"), "instruction": _lazy("已登记批示"), "feedback": _lazy("已反馈落实情况"),
}


def _numbers(text: str) -> list[str]:
    return [n for n in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if n.strip()]


@login_required
@require_POST
def matter_action(request, pk, action):
    staff = active_staff(request)
    p = request.POST
    try:
        matter = svc.get_matter(staff, pk)
        if action == "draft":
            svc.draft_report(matter, actor=staff, kind=p.get("kind", ReportKind.FOLLOW_UP))
        elif action in ("save", "submit", "approve", "return", "send"):
            report = svc.get_report(staff, int(p.get("report") or 0))
            if report.matter_id != matter.pk:
                raise NotFound(_("该报告不属于本事项"))
            if action == "save":
                contents = {f: p.get(f, "") for f in svc.CONTENT_FIELDS if f in p}
                svc.update_report(report, actor=staff, case_numbers=_numbers(p.get("case_numbers", "")), **contents)
            elif action == "submit":
                svc.submit_report(report, actor=staff)
            elif action == "approve":
                svc.approve_report(report, actor=staff)
            elif action == "return":
                svc.return_report(report, actor=staff, note=p.get("note", ""))
            else:
                codes = _numbers(p.get("notify_unit_codes", ""))
                units = list(Unit.objects.filter(code__in=codes, is_active=True))
                if len(units) != len(set(codes)):
                    raise NotFound(_("通报单位编码有误：%(c)s") % {"c": "、".join(sorted(set(codes) - {u.code for u in units}))})
                svc.send_report(report, actor=staff, extra_units=units)
        elif action == "ack":
            svc.acknowledge(svc.get_delivery(staff, int(p.get("delivery") or 0)), actor=staff, by_name=p.get("by_name", ""))
        elif action == "instruction":
            svc.record_instruction(svc.get_delivery(staff, int(p.get("delivery") or 0)), actor=staff, leader=p.get("leader", ""),
                                   text=p.get("text", ""), due_on=p.get("due_on", ""))
        elif action == "feedback":
            svc.record_feedback(svc.get_instruction(staff, int(p.get("instruction") or 0)), actor=staff, text=p.get("text", ""))
        else:
            raise NotFound(_("未知操作"))
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("输入有误")))
    else:
        # Each step names itself, so two steps sent in quick succession show two different lines
        # rather than the same "已保存" twice.
        messages.success(request, _DONE.get(action, _("已保存")))
    return redirect("web:upward_matter", pk=pk)
