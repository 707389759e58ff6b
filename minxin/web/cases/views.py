"""Workbench pages: 待办 inbox, 登记, the case page with its actions, document download.

Thin: parse, call one service (or selector), render. Every case comes from
Case.objects.visible_to(staff); a case outside the jurisdiction is a 404.
"""

import logging

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minxin.cases.models import Case, CaseParty
from minxin.cases.selectors import timeline
from minxin.cases.services import register_case
from minxin.cases.statemachine import available_actions
from minxin.core import clock
from minxin.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from minxin.documents import policies as document_policies
from minxin.documents.selectors import documents_of
from minxin.documents.services import document_filename, open_document
from minxin.org.models import Staff
from minxin.rules.deadlines import deadline_status
from minxin.rules.selectors import case_deadlines
from minxin.web.cases import areas, forms
from minxin.cases.actions import ACTIONS, perform
from minxin.cases.policies import check_see_identity, may_register, may_see_identity
from minxin.cases.queries import (
    MAX_SEARCH_ROWS, BadCursor, all_visible_queryset, apply_filters, inbox_queryset, keyset_page, nearest_status,
)
from minxin.web.context import staff_of
from minxin.web.files import extension, stored_file_response

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


@login_required
def inbox(request):
    staff = _staff_or_404(request)
    form = forms.InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    base = all_visible_queryset(staff) if data.get("scope") == "all" else inbox_queryset(staff)
    qs = apply_filters(base, data)
    page, next_cursor, after = None, None, request.GET.get("after") or ""
    if data.get("q"):
        # Ranked search results page by number (bounded); lists in due order by keyset.
        paginator = Paginator(qs[:MAX_SEARCH_ROWS], PAGE_SIZE)
        # How many match (up to the bound) does not depend on their order: counted without the ORDER BY,
        # PostgreSQL never computes the rank, which otherwise scores every match a second time.
        paginator.count = qs.order_by()[:MAX_SEARCH_ROWS].count()
        page = paginator.get_page(request.GET.get("page"))
        cases, total = list(page.object_list), page.paginator.count
    else:
        try:
            cases, next_cursor = keyset_page(qs, after or None, PAGE_SIZE)
        except BadCursor:
            after = ""
            cases, next_cursor = keyset_page(qs, None, PAGE_SIZE)
        total = qs.order_by().count()
    statuses = nearest_status(cases)
    rows = []
    for c in cases:
        deadline, status = statuses.get(c.pk, (None, None))
        days = abs(status.days_left) if status is not None and status.days_left is not None else None
        rows.append({"case": c, "deadline": deadline, "status": status, "days": days})
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("after", None)
    context = {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(), "staff": staff,
        "total": total, "next_cursor": next_cursor, "after": after,
        "can_register": may_register(staff),
        "drill": [(form[f].label, form.cleaned_data[f]) for f in forms.InboxFilterForm.DRILL_FIELDS
                  if data.get(f)] if data else [],
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "inbox-results":
        return render(request, "web/cases/_inbox_results.html", context)
    return render(request, "web/cases/inbox.html", context)


# --- 登记 ---------------------------------------------------------------------------------


def _typed_back(post) -> tuple[dict, list[dict]]:
    """What was typed, as initial values: re-shows the form without validating it."""
    fields = [k for k in forms.RegistrationForm.base_fields]
    initial = {k: post.get(k, "") for k in fields}
    for flag in ("is_urgent", "is_litigation", "anonymous"):
        initial[flag] = post.get(flag) == "on"
    people = [
        {k: post.get(f"p-{i}-{k}", "") for k in ("name", "id_number", "phone", "address")}
        | {"is_representative": post.get(f"p-{i}-is_representative") == "on"}
        for i in range(forms.MAX_PETITIONER_ROWS)
    ]
    return initial, people


def _more_people_typed(formset) -> bool:
    keys = ("name", "id_number", "phone", "address", "is_representative")
    for f in formset.forms[1:]:
        if f.is_bound and (any(f.data.get(f.add_prefix(k)) for k in keys) or f.errors):
            return True
        if not f.is_bound and any(f.initial.get(k) for k in keys):
            return True
    return False


def _register_page(request, staff, form, formset, *, area_data, status=200):
    context = {
        "form": form, "formset": formset, "more_people_open": _more_people_typed(formset), "area_levels": areas.picker_levels(staff, area_data),
        "area_chosen": areas.chosen_area(staff, area_data),
        # A form shown again (errors, or the no-JS area step) asks for its suggestions again on load,
        # so what the registrar saw before submitting is not lost.
        "reload_suggestions": bool(area_data and any((area_data.get(k) or "").strip() for k in ("subject", "content"))),
    }
    return render(request, "web/cases/register.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    staff = _staff_or_404(request)
    if not may_register(staff):
        messages.error(request, _("只有信访部门的登记员或领导可以登记信访事项"))
        return redirect("web:case_inbox")
    if request.method == "POST" and request.POST.get("refresh_area"):
        # Without JavaScript: show the next level of 问题属地, keep everything typed, save nothing.
        initial, people = _typed_back(request.POST)
        form = forms.RegistrationForm(initial=initial, staff=staff)
        formset = forms.PetitionerFormSet(initial=people, prefix="p")
        return _register_page(request, staff, form, formset, area_data=request.POST)
    form = forms.RegistrationForm(request.POST or None, staff=staff)
    formset = forms.PetitionerFormSet(request.POST or None, prefix="p")
    if request.method == "GET":
        return _register_page(request, staff, form, formset, area_data=None)
    valid = form.is_valid() & formset.is_valid()  # both, so every field is checked in this round
    d = form.cleaned_data
    people = [
        {k: (f.cleaned_data.get(k) or "") for k in ("name", "id_number", "phone", "address")}
        | {"is_representative": bool(f.cleaned_data.get("is_representative"))}
        for f in formset.forms
        if not f.is_blank()
    ]
    try:
        # An invalid form still goes through the service's checks (validate_only), so all
        # problems come back at once.
        case = register_case(
            actor=staff, channel=d.get("channel", ""), category=d.get("category", ""), domain=d.get("domain"),
            area=d.get("area") or staff.unit.area,
            subject=d.get("subject", ""), content=d.get("content", ""), request=d.get("request", ""), facts=d.get("facts", ""),
            reasons=d.get("reasons", ""), is_urgent=d.get("is_urgent", False), is_litigation=d.get("is_litigation", False),
            anonymous=d.get("anonymous", False), people_count=d.get("people_count"), petitioners=people,
            accused_unit=d.get("accused_unit"), accused_person=d.get("accused_person", ""), validate_only=not valid,
        )
    except ValidationFailed as exc:
        forms.attach_errors(exc, form, formset)
    except DomainError as exc:
        form.add_error(None, exc.message)
    else:
        if case is None:  # validate_only found nothing the form had not already flagged
            return _register_page(request, staff, form, formset, area_data=request.POST, status=422)
        from minxin.web.cases.suggestions import record_shown_choices

        record_shown_choices(case, request.POST, staff=staff)
        messages.success(request, _("已登记，信访件编号%(number)s") % {"number": case.number})
        return redirect("web:case_detail", pk=case.pk)
    return _register_page(request, staff, form, formset, area_data=request.POST, status=422)


@login_required
def area_picker(request):
    """htmx partial: the 问题属地 selects after one of them changed."""
    staff = _staff_or_404(request)
    return render(request, "web/cases/_area_picker.html", {
        "area_levels": areas.picker_levels(staff, request.GET), "area_chosen": areas.chosen_area(staff, request.GET),
        "area_picker_partial": True,
    })


# --- 事项页 --------------------------------------------------------------------------------


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
    full = request.GET.get("identity") == "full" and may_see_identity(staff, case)
    if full:
        # Who looked at a petitioner's identity; no personal data in the log line.
        logger.info("petitioner identity viewed case_id=%s staff_id=%s", case.pk, staff.pk)
    context = {
        "case": case,
        "staff": staff,
        "petitioners": _petitioners(case, full=full),
        "identity_full": full,
        "may_see_identity": may_see_identity(staff, case),
        "deadlines": _deadline_rows(case),
        "documents": list(documents_of(case)),
        "attachments": _attachments(case),
        "case_attachments": list(case.case_attachments.order_by("uploaded_at", "pk")),
        "timeline": timeline(case),
        "actions": _action_forms(case, staff, bound),
    }
    return render(request, "web/cases/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    staff = _staff_or_404(request)
    case = _visible_case(staff, pk)
    if request.GET.get("identity") == "full":
        # Same rule and answer as the API: refused, said on the page, identity stays masked.
        try:
            check_see_identity(staff, case)
        except PermissionDenied as exc:
            messages.error(request, exc.message)
            return _render_case(request, staff, case, status=exc.status)
    return _render_case(request, staff, case)


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
        # Not allowed (any more): the action's form may no longer be on the page, so say it at the top.
        messages.error(request, exc.message)
        return _render_case(request, staff, _visible_case(staff, pk), status=exc.status)
    messages.success(request, _("已完成：%(action)s") % {"action": ACTIONS[action].label})
    return redirect("web:case_detail", pk=pk)


def _attachment_model():
    # Attachments arrive with 网上信访 submissions (minxin.portal); without that app there are none.
    try:
        return apps.get_model("portal", "Attachment")
    except LookupError:
        return None


def _attachments(case: Case) -> list:
    model = _attachment_model()
    return list(model.objects.filter(submission__case=case).order_by("pk")) if model else []


@login_required
def attachment(request, pk: int, att_pk: int):
    staff = _staff_or_404(request)
    case = _visible_case(staff, pk)
    model = _attachment_model()
    att = model.objects.filter(submission__case=case, pk=att_pk).first() if model else None
    if att is None:
        raise Http404(_("未找到该附件"))
    # A neutral name: the uploader's own file name may be hostile or identifying.
    return stored_file_response(att, download_name=f"附件{att.pk}.{extension(att)}")


@login_required
def document(request, pk: int, doc_pk: int):
    staff = _staff_or_404(request)
    case = _visible_case(staff, pk)
    doc = document_policies.visible_document(staff, case, doc_pk)
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
