"""Risk pages with forms: a ledger entry (new, detail with 化解 steps and status),
contingency plans (list, new, detail with activation, tasks and drills).

Each POST calls one service; a refusal re-renders the page with the input kept and
the service's message next to the field. Objects outside the caller's area are 404,
actions the caller's role may not take are 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.core import errors
from minxin.core.errors import DomainError
from minxin.core.forms import refuse_on_form
from minxin.risk import ledger, plans, policies
from minxin.risk import alerts as alert_svc
from minxin.risk.models import AlertKind, AlertState, PlanTask
from minxin.risk.web.forms import ActivateForm, DrillForm, EntryForm, PlanForm, StatusForm, StepForm
from minxin.web.context import active_staff


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _entry_or_404(staff, pk):
    try:
        return ledger.get_entry(staff, pk)
    except errors.NotFound:
        raise Http404 from None


def _plan_or_404(staff, pk):
    try:
        return plans.get_plan(staff, pk)
    except errors.NotFound:
        raise Http404 from None


# --- Ledger entry -----------------------------------------------------------------------


@login_required
def entry_new(request):
    staff = active_staff(request)
    _require(policies.may_write_ledger(staff))
    form = EntryForm(request.POST or None, staff=staff)
    if request.method == "POST":
        valid = form.is_valid()
        try:
            # An invalid form still goes through the service's checks: every problem in one round.
            entry = ledger.create_entry(actor=staff, validate_only=not valid, **form.service_kwargs())
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            if entry is not None:
                messages.success(request, _("已登记矛盾纠纷"))
                return redirect("web:risk_entry", pk=entry.pk)
    return render(request, "risk/entry_new.html", {"form": form})


@login_required
def entry_detail(request, pk):
    staff = active_staff(request)
    entry = _entry_or_404(staff, pk)
    step_form, status_form = StepForm(), StatusForm(initial={"status": entry.status})
    if request.method == "POST":
        _require(policies.may_write_ledger(staff))
        action = request.POST.get("action")
        try:
            if action == "step":
                step_form = StepForm(request.POST)
                if step_form.is_valid():
                    ledger.add_step(entry, actor=staff, **step_form.cleaned_data)
                    messages.success(request, _("已记录化解措施"))
                    return redirect("web:risk_entry", pk=pk)
            elif action == "status":
                status_form = StatusForm(request.POST)
                if status_form.is_valid():
                    ledger.set_status(entry, actor=staff, **status_form.cleaned_data)
                    messages.success(request, _("已变更状态"))
                    return redirect("web:risk_entry", pk=pk)
            else:
                raise Http404
        except DomainError as exc:
            refuse_on_form(exc, step_form if action == "step" else status_form)
    return render(request, "risk/entry.html", {
        "entry": entry,
        "steps": entry.steps.select_related("by__user"),
        "reassessments": entry.reassessments.select_related("by__user", "round").order_by("at", "pk"),
        "step_form": step_form, "status_form": status_form,
        "can_write": policies.may_write_ledger(staff),
    })


# --- Contingency plans ------------------------------------------------------------------


@login_required
def plan_list(request):
    staff = active_staff(request)
    return render(request, "risk/plans.html", {
        "plans": plans.plans_visible_to(staff).select_related("area", "domain").order_by("-created_at", "-pk")[:200],
        "can_create": policies.may_create_plan(staff),
    })


@login_required
def plan_new(request):
    staff = active_staff(request)
    _require(policies.may_create_plan(staff))
    form = PlanForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.create_plan(actor=staff, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            messages.success(request, _("已制定应急预案"))
            return redirect("web:risk_plan", pk=plan.pk)
    return render(request, "risk/plan_new.html", {"form": form})


def _open_matching_alerts(staff, plan):
    qs = alert_svc.alerts_visible_to(staff).exclude(state=AlertState.CLOSED).select_related("area")[:200]
    return [a for a in qs if plans.plan_matches(plan, a)]


def _plan_page(request, staff, plan, *, activate_form=None, drill_form=None, status=200):
    alerts = _open_matching_alerts(staff, plan)
    return render(request, "risk/plan.html", {
        "plan": plan,
        "trigger_labels": [AlertKind(k).label for k in plan.trigger_kinds if k in AlertKind.values],
        "activations": plan.activations.select_related("alert", "activated_by__user").prefetch_related("tasks__done_by__user").order_by("-activated_at", "-pk"),
        "drills": plan.drills.select_related("recorded_by__user"),
        "activate_form": activate_form or ActivateForm(alerts=alerts),
        "drill_form": drill_form or DrillForm(),
        "can_activate": policies.may_activate_plan(staff),
    }, status=status)


@login_required
def plan_detail(request, pk):
    staff = active_staff(request)
    return _plan_page(request, staff, _plan_or_404(staff, pk))


@login_required
@require_POST
def plan_activate(request, pk):
    staff = active_staff(request)
    plan = _plan_or_404(staff, pk)
    _require(policies.may_activate_plan(staff))
    alerts = _open_matching_alerts(staff, plan)
    form = ActivateForm(request.POST, alerts=alerts)
    if form.is_valid():
        alert = next((a for a in alerts if a.pk == form.cleaned_data["alert"]), None)
        try:
            plans.activate_plan(plan, actor=staff, reason=form.cleaned_data["reason"], alert=alert)
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            messages.success(request, _("已启动应急预案，任务已生成"))
            return redirect("web:risk_plan", pk=pk)
    return _plan_page(request, staff, plan, activate_form=form)


@login_required
@require_POST
def plan_task_done(request, pk, task_pk):
    staff = active_staff(request)
    plan = _plan_or_404(staff, pk)
    task = PlanTask.objects.filter(pk=task_pk, activation__plan=plan).first()
    if task is None:
        raise Http404
    try:
        plans.complete_task(task, actor=staff, note=request.POST.get("note", ""))
    except errors.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已完成"))
    return redirect("web:risk_plan", pk=pk)


@login_required
@require_POST
def plan_drill(request, pk):
    staff = active_staff(request)
    plan = _plan_or_404(staff, pk)
    _require(policies.may_activate_plan(staff))
    form = DrillForm(request.POST)
    if form.is_valid():
        try:
            plans.record_drill(plan, actor=staff, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            messages.success(request, _("已记录演练"))
            return redirect("web:risk_plan", pk=pk)
    return _plan_page(request, staff, plan, drill_form=form)
