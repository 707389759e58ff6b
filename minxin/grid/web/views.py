"""Grid pages (网格), phone-first: a grid worker reports from their grid in under a minute,
sees the items they are responsible for, records visits and 化解 steps and marks an item
solved at the grid. 村社区、乡镇街道 and 信访部门 staff see the grid reports of their area and
the 就地化解 board; a 信访部门's registrar registers a report that asked to become a case.

Each POST calls one service; a refusal re-renders the page with the input kept and the
service's message next to the field. Reports outside the caller's reach are 404.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.core import clock, errors
from minxin.core.errors import DomainError
from minxin.core.forms import refuse_on_form
from minxin.grid import policies, scoring, services
from minxin.grid.models import CaseRequest
from minxin.grid.web.forms import RegisterCaseForm, ReportForm, ResolveForm, VisitForm
from minxin.risk.models import ACTIVE_DISPUTE_STATUSES
from minxin.web.context import staff_of
from minxin.web.files import extension, stored_file_response


def _staff(request):
    staff = staff_of(request.user)
    if staff is None or not staff.is_active or not policies.may_use(staff):
        raise PermissionDenied
    return staff


def _report_or_404(staff, pk):
    try:
        return services.get_report(staff, pk)
    except errors.NotFound:
        raise Http404 from None


@login_required
def home(request):
    staff = _staff(request)
    reports = list(services.reports_for(staff).prefetch_related("visits")[:200])
    open_items = [r for r in reports if r.entry.status in ACTIVE_DISPUTE_STATUSES]
    done = [r for r in reports if r not in open_items]
    ctx = {"staff": staff, "worker": policies.is_grid_worker(staff), "open_items": open_items, "done_items": done[:30],
           "pending_cases": [r for r in reports if r.case_request == CaseRequest.PENDING]}
    if not ctx["worker"]:
        today = clock.today()
        start = today - dt.timedelta(days=scoring.BOARD_DAYS - 1)
        ctx.update(board=scoring.board(staff.unit.area, start, today), board_start=start, board_end=today)
    return render(request, "grid/home.html", ctx)


@login_required
def report_new(request):
    staff = _staff(request)
    if not policies.is_grid_worker(staff):
        raise PermissionDenied
    form = ReportForm(request.POST or None, request.FILES or None, staff=staff)
    if request.method == "POST":
        if form.is_valid():
            try:
                rep = services.report(actor=staff, **form.service_kwargs())
            except DomainError as exc:
                refuse_on_form(exc, form)
            else:
                messages.success(request, _("已上报，已进入矛盾纠纷排查台账"))
                return redirect("web:grid_item", pk=rep.pk)
    return render(request, "grid/report_new.html", {"form": form})


def _item_context(staff, rep, **forms):
    kinds = {v.step_id: v.get_kind_display() for v in rep.visits.all()}
    return {
        "r": rep, "entry": rep.entry,
        # Steps recorded in the ledger by others (not through the grid page) are plain 化解措施.
        "steps": [(s, kinds.get(s.pk, _("化解措施"))) for s in rep.entry.steps.all()],
        "may_work": policies.may_work(staff, rep) and rep.resolved_at is None,
        "may_resolve": policies.may_work(staff, rep) and rep.resolved_at is None and rep.case_request == CaseRequest.NONE,
        "may_register": policies.may_register_case(staff, rep) and rep.case_request == CaseRequest.PENDING,
        "visit_form": forms.get("visit_form") or VisitForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "register_form": forms.get("register_form") or RegisterCaseForm(),
    }


@login_required
def item(request, pk):
    staff = _staff(request)
    rep = _report_or_404(staff, pk)
    return render(request, "grid/item.html", _item_context(staff, rep))


@login_required
@require_POST
def item_visit(request, pk):
    staff = _staff(request)
    rep = _report_or_404(staff, pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.record_visit(rep, actor=staff, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            messages.success(request, _("已记录"))
            return redirect("web:grid_item", pk=rep.pk)
    return render(request, "grid/item.html", _item_context(staff, rep, visit_form=form), status=422)


@login_required
@require_POST
def item_resolve(request, pk):
    staff = _staff(request)
    rep = _report_or_404(staff, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_at_grid(rep, actor=staff, note=form.cleaned_data["note"])
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            messages.success(request, _("已标记为网格化解"))
            return redirect("web:grid_item", pk=rep.pk)
    return render(request, "grid/item.html", _item_context(staff, rep, resolve_form=form), status=422)


@login_required
@require_POST
def item_register(request, pk):
    staff = _staff(request)
    rep = _report_or_404(staff, pk)
    form = RegisterCaseForm(request.POST)
    if form.is_valid():
        try:
            rep = services.register_as_case(rep, actor=staff, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(exc, form)
        else:
            messages.success(request, _("已登记为信访事项%(n)s") % {"n": rep.case.number})
            return redirect("web:case_detail", pk=rep.case_id)
    return render(request, "grid/item.html", _item_context(staff, rep, register_form=form), status=422)


@login_required
def item_photo(request, pk):
    staff = _staff(request)
    rep = _report_or_404(staff, pk)
    if not rep.photo:
        raise Http404(_("该上报没有照片"))
    return stored_file_response(rep, download_name=f"网格上报{rep.pk}.{extension(rep)}")
