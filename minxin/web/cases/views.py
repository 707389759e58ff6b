"""Workbench pages: 待办 inbox, 登记, the case page with its actions, document download.

Thin: parse, call one service (or selector), render. Every case comes from
Case.objects.visible_to(staff); a case outside the jurisdiction is a 404.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minxin.cases.models import Case, CaseParty, CaseState, JurisdictionDispute
from minxin.cases.selectors import timeline
from minxin.cases.services import register_case
from minxin.cases.statemachine import available_actions
from minxin.core import clock
from minxin.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from minxin.documents.selectors import documents_of
from minxin.documents.services import document_filename, open_document
from minxin.org.models import Role, Staff
from minxin.rules.deadlines import deadline_status
from minxin.rules.models import CaseDeadline, DeadlineState
from minxin.rules.selectors import case_deadlines
from minxin.web.cases import forms
from minxin.web.cases.actions import ACTIONS, perform
from minxin.web.context import staff_of

logger = logging.getLogger("minxin.web.cases")

PAGE_SIZE = 20


def _staff_or_404(request) -> Staff:
    staff = staff_of(request.user)
    if staff is None or not staff.is_active:
        # Pages need a unit to scope by; the home page explains how to get one.
        raise Http404(_("您的账号尚未关联在岗的工作人员"))
    return staff


def _visible_case(staff: Staff, pk: int) -> Case:
    case = (
        Case.objects.visible_to(staff)
        .select_related("registering_unit", "current_unit", "dispatching_unit", "decision_unit", "area", "domain")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404(_("未找到该信访事项，或您无权查看"))
    return case


# --- 待办 ---------------------------------------------------------------------------------


def inbox_queryset(staff: Staff):
    """Open cases waiting for the staff member's unit, soonest deadline first.

    Waiting means the unit may be the one to act next: it handles the case, it sent
    a case now back with an objection or a 办结报告, it must settle a dispute, or
    (信访部门) the case is registered in its area and not yet routed.
    """
    unit = staff.unit
    waiting = Q(current_unit_id=unit.pk) | Q(
        state__in=[CaseState.OBJECTED, CaseState.REPORTED], dispatching_unit_id=unit.pk
    ) | Q(
        Exists(JurisdictionDispute.objects.filter(case_id=OuterRef("pk"), arbiter_id=unit.pk, settled_at__isnull=True)),
        state=CaseState.DISPUTED,
    )
    if unit.is_petition_bureau:
        waiting |= Q(state=CaseState.REGISTERED, area__path__startswith=unit.area.path)
    return (
        Case.objects.visible_to(staff)
        .open()
        .filter(waiting)
        .select_related("current_unit", "area")
        .order_by(F("next_due_on").asc(nulls_last=True), "received_at", "pk")
    )


def _apply_filters(qs, data: dict):
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    if data.get("overdue"):
        qs = qs.filter(next_due_on__lt=clock.today())
    if data.get("q"):
        q = data["q"].strip()
        qs = qs.filter(Q(number__icontains=q) | Q(subject__icontains=q))
    return qs


def _nearest_status(cases) -> dict:
    """Status of each case's nearest running clock, computed by rules.deadline_status (the one function)."""
    nearest: dict[int, CaseDeadline] = {}
    rows = CaseDeadline.objects.filter(
        case_id__in=[c.pk for c in cases], state=DeadlineState.RUNNING, paused_at__isnull=True
    ).select_related("rule").order_by("due_on", "pk")
    for dl in rows:
        nearest.setdefault(dl.case_id, dl)
    today = clock.today()
    return {case_id: (dl, deadline_status(dl, today)) for case_id, dl in nearest.items()}


@login_required
def inbox(request):
    staff = _staff_or_404(request)
    form = forms.InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = _apply_filters(inbox_queryset(staff), data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = _nearest_status(page.object_list)
    rows = []
    for c in page.object_list:
        deadline, status = statuses.get(c.pk, (None, None))
        days = abs(status.days_left) if status is not None and status.days_left is not None else None
        rows.append({"case": c, "deadline": deadline, "status": status, "days": days})
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(), "staff": staff,
        "can_register": _may_register(staff),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "inbox-results":
        return render(request, "web/cases/_inbox_results.html", context)
    return render(request, "web/cases/inbox.html", context)


# --- 登记 ---------------------------------------------------------------------------------


def _may_register(staff: Staff) -> bool:
    return staff.unit.is_petition_bureau and staff.has_role(Role.REGISTRAR, Role.REVIEWER)


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    staff = _staff_or_404(request)
    if not _may_register(staff):
        messages.error(request, _("只有信访部门的登记员或领导可以登记信访事项"))
        return redirect("web:case_inbox")
    form = forms.RegistrationForm(request.POST or None, staff=staff)
    formset = forms.PetitionerFormSet(request.POST or None, prefix="p")
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            people = [
                {k: (f.cleaned_data.get(k) or "") for k in ("name", "id_number", "phone", "address")}
                | {"is_representative": bool(f.cleaned_data.get("is_representative"))}
                for f in formset.forms
                if not f.is_blank()
            ]
            try:
                case = register_case(
                    actor=staff, channel=d["channel"], category=d["category"], domain=d["domain"], area=d["area"],
                    subject=d["subject"], content=d["content"], request=d["request"], facts=d["facts"],
                    reasons=d["reasons"], is_urgent=d["is_urgent"], is_litigation=d["is_litigation"],
                    anonymous=d["anonymous"], people_count=d["people_count"], petitioners=people,
                )
            except ValidationFailed as exc:
                forms.attach_errors(exc, form, formset)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已登记，信访件编号%(number)s") % {"number": case.number})
                return redirect("web:case_detail", pk=case.pk)
        status = 422
    return render(request, "web/cases/register.html", {"form": form, "formset": formset}, status=status)


# --- 事项页 --------------------------------------------------------------------------------


def _may_see_identity(staff: Staff, case: Case) -> bool:
    """Full identity only for the registering bureau's registrars and leaders (第十八条 protection)."""
    return staff.unit_id == case.registering_unit_id and staff.has_role(Role.REGISTRAR, Role.REVIEWER)


def _petitioners(case: Case, *, full: bool) -> list[dict]:
    rows = []
    for party in CaseParty.objects.filter(case=case).select_related("petitioner").order_by("-is_representative", "pk"):
        p = party.petitioner
        if full:
            rows.append({"name": p.name, "id_number": p.id_number, "phone": p.phone, "address": p.address,
                         "representative": party.is_representative})
        else:
            rows.append({"name": p.name_masked, "id_number": p.id_masked, "phone": p.phone_masked, "address": "",
                         "representative": party.is_representative})
    return rows


def _deadline_rows(case: Case) -> list[dict]:
    today = clock.today()
    return [{"deadline": dl, "status": deadline_status(dl, today)} for dl in case_deadlines(case)]


def _action_forms(case: Case, staff: Staff, bound: tuple[str, object] | None = None) -> list[dict]:
    out = []
    for code in available_actions(case, staff):
        form_class = forms.ACTION_FORMS.get(code)
        if form_class is None or code not in ACTIONS:
            continue
        if bound and bound[0] == code:
            form = bound[1]
        else:
            form = form_class(initial={"version": case.version}, case=case, staff=staff)
        out.append({"code": code, "label": ACTIONS[code].label, "form": form, "open": bool(bound and bound[0] == code),
                    "url": reverse("web:case_action", kwargs={"pk": case.pk, "action": code})})
    return out


def _render_case(request, staff: Staff, case: Case, *, bound=None, status=200):
    full = request.GET.get("identity") == "full" and _may_see_identity(staff, case)
    if full:
        # Who looked at a petitioner's identity; no personal data in the log line.
        logger.info("petitioner identity viewed case_id=%s staff_id=%s", case.pk, staff.pk)
    context = {
        "case": case,
        "staff": staff,
        "petitioners": _petitioners(case, full=full),
        "identity_full": full,
        "may_see_identity": _may_see_identity(staff, case),
        "deadlines": _deadline_rows(case),
        "documents": list(documents_of(case)),
        "timeline": timeline(case),
        "actions": _action_forms(case, staff, bound),
    }
    return render(request, "web/cases/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    staff = _staff_or_404(request)
    return _render_case(request, staff, _visible_case(staff, pk))


@login_required
@require_POST
def action(request, pk: int, action: str):
    staff = _staff_or_404(request)
    case = _visible_case(staff, pk)
    form_class = forms.ACTION_FORMS.get(action)
    if form_class is None or action not in ACTIONS:
        raise Http404(_("没有这项操作"))
    form = form_class(request.POST, case=case, staff=staff)
    if not form.is_valid():
        return _render_case(request, staff, case, bound=(action, form), status=422)
    try:
        perform(action, case, actor=staff, expected_version=form.cleaned_data["version"], data=form.service_data())
    except Conflict:
        messages.error(request, _("已被他人修改，请刷新后重试"))
        return _render_case(request, staff, _visible_case(staff, pk), status=409)
    except ValidationFailed as exc:
        forms.attach_errors(exc, form)
        return _render_case(request, staff, case, bound=(action, form), status=422)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render_case(request, staff, case, bound=(action, form), status=exc.status)
    messages.success(request, _("已完成：%(action)s") % {"action": ACTIONS[action].label})
    return redirect("web:case_detail", pk=pk)


@login_required
def document(request, pk: int, doc_pk: int):
    staff = _staff_or_404(request)
    case = _visible_case(staff, pk)
    doc = documents_of(case).filter(pk=doc_pk).first()
    if doc is None:
        raise Http404(_("未找到该文书"))
    try:
        data = open_document(doc)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:  # e.g. the stored file no longer matches its hash
        return HttpResponse(exc.message, status=exc.status if exc.status >= 400 else 500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(True, document_filename(doc))
    response["Cache-Control"] = "private, no-store"
    return response
