"""Risk pages: overview (treemap), ledger, alert inbox, hotspots.

The ledger's Excel import and export pages are the exchange domain's (minxin.web.exchange),
under the same /risk/ledger/ URLs.

Thin: each view reads through the scoped selectors or calls one service and
shows its Chinese refusal as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.core.errors import DomainError
from minxin.risk import alerts as alert_svc
from minxin.risk import ledger, plans, screening, selectors
from minxin.risk.hotspots import hotspots_for_cases
from minxin.risk.models import AlertState, Cadence, DisputeStatus, RiskLevel
from minxin.risk.screening import overdue_for_reassessment
from minxin.web.context import active_staff


@login_required
def overview(request):
    staff = active_staff(request)
    return render(request, "risk/overview.html", {"o": selectors.overview(staff), "levels": RiskLevel.choices})


@login_required
def ledger_list(request):
    staff = active_staff(request)
    qs = ledger.entries_visible_to(staff).select_related("area", "domain", "responsible_unit")
    status, level = request.GET.get("status", ""), request.GET.get("level", "")
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    return render(request, "risk/ledger.html", {
        "entries": qs[:500], "overdue": overdue_for_reassessment(staff)[:50],
        "statuses": DisputeStatus.choices, "levels": RiskLevel.choices, "status": status, "level": level,
    })


@login_required
def alert_inbox(request):
    staff = active_staff(request)
    qs = alert_svc.alerts_visible_to(staff).select_related("area", "domain", "assignee__user")
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.exclude(state=AlertState.CLOSED)
    return render(request, "risk/alerts.html", {"alerts": qs[:200], "show": show})


@login_required
def alert_detail(request, pk):
    staff = active_staff(request)
    try:
        alert = alert_svc.get_alert(staff, pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:risk_alerts")
    return render(request, "risk/alert.html", {
        "alert": alert, "actions": alert.actions.select_related("actor__user"), "plans": plans.matching_plans(alert),
        "is_open": alert.state != AlertState.CLOSED,
    })


@login_required
@require_POST
def alert_action(request, pk, action):
    staff = active_staff(request)
    note = request.POST.get("note", "")
    try:
        alert = alert_svc.get_alert(staff, pk)
        if action == "ack":
            alert_svc.acknowledge_alert(alert, actor=staff, note=note)
        elif action == "escalate":
            alert_svc.escalate_alert(alert, actor=staff, reason=note)
        elif action == "close":
            alert_svc.close_alert(alert, actor=staff, note=note)
        elif action == "plan":
            plan = plans.get_plan(staff, int(request.POST.get("plan", 0) or 0))
            plans.activate_plan(plan, actor=staff, reason=note, alert=alert)
        else:
            raise PermissionDenied
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理"))
    return redirect("web:risk_alert", pk=pk)


@login_required
def hotspots(request):
    staff = active_staff(request)
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 366)
    except ValueError:
        days = 30
    topics = hotspots_for_cases(staff=staff, days=days, limit=2000)[:20]
    # each row's weekly trend is drawn by risk/charts.js from the json_script element "<chart_id>-data"
    rows = [(t, f"topic-trend-{i}") for i, t in enumerate(topics, 1)]
    return render(request, "risk/hotspots.html", {"rows": rows, "days": days})


@login_required
def rounds(request):
    staff = active_staff(request)
    if request.method == "POST":
        try:
            rnd = screening.open_round(actor=staff, area=staff.unit.area, cadence=request.POST.get("cadence", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("web:risk_round", pk=rnd.pk)
    return render(request, "risk/rounds.html", {
        "rounds": screening.rounds_visible_to(staff).select_related("area")[:50], "cadences": Cadence.choices,
    })


@login_required
def round_detail(request, pk):
    staff = active_staff(request)
    try:
        rnd = screening.get_round(staff, pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:risk_rounds")
    if request.method == "POST":
        try:
            entry = ledger.get_entry(staff, int(request.POST.get("entry", 0) or 0))
            screening.reassess(rnd, entry, actor=staff, new_level=request.POST.get("new_level", ""), note=request.POST.get("note", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录重新评估"))
        return redirect("web:risk_round", pk=pk)
    lines = screening.round_lines(rnd)
    return render(request, "risk/round.html", {"round": rnd, "lines": lines, "levels": RiskLevel.choices,
                                               "done": sum(line.done for line in lines)})
