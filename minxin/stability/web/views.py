"""稳评 pages: the register, a decision with its assessment, nearby matters and follow-up.

Thin: each view reads through the scoped selectors or calls one service. A refused form is
shown again with the input kept and the service's Chinese message beside the field;
objects outside the caller's reach are 404, actions their role may not take 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minxin.core import errors
from minxin.core.errors import DomainError
from minxin.core.forms import attach_errors, refuse_on_form
from minxin.stability import policies, selectors, services
from minxin.stability.models import Assessment, DecisionKind, DecisionState
from minxin.stability.services import FOLLOWED_CONCLUSIONS
from minxin.stability.web.forms import ApproveForm, ConcludeForm, DecisionForm, FollowUpForm, groups_text
from minxin.web.context import active_staff


def _decision_or_404(staff, pk):
    try:
        return selectors.get_decision(staff, pk)
    except errors.NotFound:
        raise Http404 from None


@login_required
def decision_list(request):
    staff = active_staff(request)
    qs = selectors.decisions_visible_to(staff).select_related("area", "domain", "responsible_unit", "assessment")
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    if state in DecisionState.values:
        qs = qs.filter(state=state)
    if kind in DecisionKind.values:
        qs = qs.filter(kind=kind)
    return render(request, "stability/list.html", {
        "decisions": qs[:300], "states": DecisionState.choices, "kinds": DecisionKind.choices, "state": state, "kind": kind,
        "can_register": policies.may_work(staff),
    })


@login_required
def decision_new(request):
    staff = active_staff(request)
    if not policies.may_work(staff):
        raise PermissionDenied
    form = DecisionForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.register_decision(actor=staff, **form.service_kwargs())
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            messages.success(request, _("已登记决策事项"))
            return redirect("web:stability_decision", pk=d.pk)
    return render(request, "stability/new.html", {"form": form})


def _assessment_initial(a: Assessment | None) -> dict:
    if a is None:
        return {}
    return {"affected_groups": groups_text(a.affected_groups), "findings": a.findings, "level": a.level,
            "level_reasons": a.level_reasons, "measures": a.measures, "conclusion": a.conclusion}


def _detail(request, staff, d, **forms):
    a = getattr(d, "assessment", None) if hasattr(d, "assessment") else None
    initial = _assessment_initial(a)
    ctx = {
        "d": d, "a": a,
        # One form serves both buttons: 保存 (record_findings) and 提出结论 (conclude_assessment).
        "assess_form": forms.get("assess") or ConcludeForm(initial=initial),
        "approve_form": forms.get("approve") or ApproveForm(),
        "follow_form": forms.get("follow") or FollowUpForm(initial={"decided_on": d.decided_on, "weeks": selectors.FOLLOW_UP_WEEKS}),
        "can_work": policies.may_work(staff) and policies.may_see(staff, d),
        "can_approve": policies.may_approve(staff) and a is not None and a.concluded_by_id != staff.pk,
        "followed": a is not None and d.state == DecisionState.APPROVED and a.conclusion in FOLLOWED_CONCLUSIONS,
        "follow_ups": d.follow_ups.select_related("by__user"),
        "events": d.events.select_related("actor__user"),
    }
    return render(request, "stability/decision.html", ctx)


@login_required
def decision_detail(request, pk):
    staff = active_staff(request)
    return _detail(request, staff, _decision_or_404(staff, pk))


@login_required
@require_GET
def nearby(request, pk):
    """The live list of nearby matters (htmx fragment); a concluded assessment shows its snapshot instead."""
    staff = active_staff(request)
    d = _decision_or_404(staff, pk)
    a = getattr(d, "assessment", None) if hasattr(d, "assessment") else None
    snap = a.nearby_snapshot if a is not None and a.nearby_snapshot else selectors.nearby_matters(d, staff=staff)
    return render(request, "stability/_nearby.html", {"d": d, "n": snap, "is_snapshot": bool(a and a.nearby_snapshot)})


@login_required
@require_GET
def follow_up_panel(request, pk):
    """Weekly series around the decision date with the detector's alarms and the related alerts (htmx fragment)."""
    staff = active_staff(request)
    d = _decision_or_404(staff, pk)
    return render(request, "stability/_follow_up.html", {"d": d, "f": selectors.follow_up(d, staff=staff)})


@login_required
@require_POST
def decision_action(request, pk, action):
    staff = active_staff(request)
    d = _decision_or_404(staff, pk)
    form = None
    key = {"findings": "assess", "conclude": "assess", "approve": "approve", "return": "approve", "follow-up": "follow"}.get(action)
    try:
        if action == "start":
            services.start_assessment(d, actor=staff)
            messages.success(request, _("已开始评估"))
        elif action in ("findings", "conclude"):
            form = ConcludeForm(request.POST)
            if not form.is_valid():
                return _detail(request, staff, d, **{key: form})
            data = dict(form.cleaned_data)
            if action == "findings":
                data.pop("conclusion", None)
                services.record_findings(d, actor=staff, **data)
                messages.success(request, _("已保存评估情况"))
            else:
                services.conclude_assessment(d, actor=staff, **data)
                messages.success(request, _("已提出评估结论，待领导审定"))
        elif action in ("approve", "return"):
            form = ApproveForm(request.POST)
            form.is_valid()
            note = form.cleaned_data.get("note", "")
            if action == "approve":
                services.approve_assessment(d, actor=staff, note=note)
                messages.success(request, _("已审定评估结论"))
            else:
                services.return_assessment(d, actor=staff, note=note)
                messages.success(request, _("已退回重新评估"))
        elif action == "follow-up":
            form = FollowUpForm(request.POST)
            if not form.is_valid():
                return _detail(request, staff, d, **{key: form})
            services.record_follow_up(d, actor=staff, **form.cleaned_data)
            messages.success(request, _("已记录决策后跟踪"))
        else:
            raise Http404
    except DomainError as exc:
        if isinstance(exc, errors.PermissionDenied):
            raise PermissionDenied(exc.message) from None
        if form is None:
            messages.error(request, exc.message)
            return redirect("web:stability_decision", pk=pk)
        attach_errors(exc, form)
        return _detail(request, staff, selectors.get_decision(staff, pk), **{key: form})
    return redirect("web:stability_decision", pk=pk)
