"""来访 desk, 来信, 来电 and leader reception pages. Thin: parse, call one service, render.

A refused service call puts its field errors next to the fields and re-shows
everything typed; nothing has been saved (the services run in one transaction).
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minxin.cases.models import Case, CaseAttachment, Channel
from minxin.cases.services import register_case
from minxin.core import clock
from minxin.core.errors import DomainError, ValidationFailed
from minxin.org.models import Staff
from minxin.cases.policies import visible_cases
from minxin.reception import forms, lookup, policies, services
from minxin.reception.models import DayState, ReceptionBooking
from minxin.web.cases import areas
from minxin.web.cases.forms import attach_errors
from minxin.web.context import staff_of
from minxin.web.files import extension, stored_file_response

logger = logging.getLogger("minxin.reception.views")

PEOPLE_KEYS = ("name", "id_number", "phone", "address")


def _staff_or_404(request) -> Staff:
    staff = staff_of(request.user)
    if staff is None or not staff.is_active:
        raise Http404(_("您的账号尚未关联在岗的工作人员"))
    return staff


def _desk_staff(request) -> Staff | None:
    staff = _staff_or_404(request)
    if not policies.may_use_desk(staff):
        messages.error(request, policies.DESK_REFUSED)
        return None
    return staff


def _typed_back(post, form_class, staff):
    """Re-show what was typed without validating it (no-JavaScript 问题属地 refresh)."""
    initial = {k: v for k, v in post.items() if k in form_class.base_fields}
    people = [{k: post.get(f"p-{i}-{k}", "") for k in PEOPLE_KEYS} | {"is_representative": post.get(f"p-{i}-is_representative") == "on"}
              for i in range(forms.MAX_DESK_PEOPLE)]
    return form_class(initial=initial, staff=staff), forms.DeskPetitionerFormSet(initial=people, prefix="p")


def _people(formset) -> list[dict]:
    return [
        {k: (f.cleaned_data.get(k) or "") for k in PEOPLE_KEYS} | {"is_representative": bool(f.cleaned_data.get("is_representative"))}
        for f in formset.forms if not f.is_blank()
    ]


_CASE_DEFAULTS = {"category": "", "domain": None, "area": None, "subject": "", "content": "", "request": "", "facts": "",
                  "reasons": "", "is_urgent": False, "is_litigation": False, "anonymous": False, "people_count": None,
                  "accused_unit": None, "accused_person": ""}


def _case_kwargs(d: dict, staff) -> dict:
    """What the form parsed, with blanks for fields it could not (the service then says what is wrong with them)."""
    kwargs = {k: d.get(k, default) for k, default in _CASE_DEFAULTS.items()}
    kwargs["area"] = kwargs["area"] or staff.unit.area
    return kwargs


def _desk_page(request, staff, form, formset, *, template, area_data, status=200, **extra):
    more_open = any(
        any((f.data.get(f.add_prefix(k)) if f.is_bound else f.initial.get(k)) for k in PEOPLE_KEYS) for f in formset.forms[1:]
    )
    return render(request, template, {
        "form": form, "formset": formset, "more_people_open": more_open, "area_levels": areas.picker_levels(staff, area_data),
        "area_chosen": areas.chosen_area(staff, area_data), **extra,
    }, status=status)


def _desk_like(request, *, template: str, form_class, channel: str):
    staff = _desk_staff(request)
    if staff is None:
        return redirect("web:case_inbox")
    if request.method == "POST" and request.POST.get("refresh_area"):
        form, formset = _typed_back(request.POST, form_class, staff)
        return _desk_page(request, staff, form, formset, template=template, area_data=request.POST)
    form = form_class(request.POST or None, request.FILES or None, staff=staff)
    formset = forms.DeskPetitionerFormSet(request.POST or None, prefix="p")
    if request.method == "GET":
        return _desk_page(request, staff, form, formset, template=template, area_data=None)
    valid = form.is_valid() & formset.is_valid()  # both, so every field is checked in this round
    # An invalid form still goes through the service's checks (validate_only): all problems at once.
    kwargs = _case_kwargs(form.cleaned_data, staff) | {"actor": staff, "petitioners": _people(formset), "validate_only": not valid}
    try:
        if channel == Channel.LETTER:
            case = services.register_letter(files=request.FILES.getlist("files"), **kwargs)
        else:
            case = register_case(channel=channel, **kwargs)
    except ValidationFailed as exc:
        attach_errors(exc, form, formset)
    except DomainError as exc:
        form.add_error(None, exc.message)
    else:
        if case is not None:
            messages.success(request, _("已登记，信访件编号%(number)s") % {"number": case.number})
            return redirect("web:case_detail", pk=case.pk)
    return _desk_page(request, staff, form, formset, template=template, area_data=request.POST, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def desk(request):
    """来访 desk: fast registration with the person's earlier cases shown as the ID is typed."""
    return _desk_like(request, template="reception/desk.html", form_class=forms.DeskForm, channel=Channel.VISIT)


@login_required
@require_http_methods(["GET", "POST"])
def letter(request):
    return _desk_like(request, template="reception/letter.html", form_class=forms.LetterForm, channel=Channel.LETTER)


@login_required
@require_POST
def lookup_view(request):
    """htmx partial: earlier cases of the person whose ID number was just typed."""
    staff = _staff_or_404(request)
    if not policies.may_look_up(staff):
        # Refused as the API refuses it (403), whatever was typed.
        return HttpResponseForbidden(policies.LOOKUP_REFUSED)
    # htmx posts the whole form; the header names the field that was typed into.
    name = request.headers.get("HX-Trigger-Name") or "id_number"
    value = (request.POST.get(name) if name.endswith("id_number") else "") or request.POST.get("id_number", "")
    value = value.strip()
    context = {"value_given": bool(value)}
    if len(value) < 18:
        context["hint"] = _("输入18位身份证号后自动查询此人的信访记录") if value else ""
    else:
        try:
            context["history"] = lookup.person_history(staff, value)
        except ValidationFailed as exc:
            context["error"] = exc.message
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "reception/_history.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call(request):
    """来电: a quick form; the oral petition is recorded faithfully (Art. 19 §1)."""
    staff = _desk_staff(request)
    if staff is None:
        return redirect("web:case_inbox")
    if request.method == "POST" and request.POST.get("refresh_area"):
        form = forms.CallForm(initial={k: v for k, v in request.POST.items() if k in forms.CallForm.base_fields}, staff=staff)
        return _call_page(request, staff, form, request.POST)
    form = forms.CallForm(request.POST or None, staff=staff)
    if request.method == "POST":
        valid = form.is_valid()
        d = form.cleaned_data
        kwargs = {k: v for k, v in _case_kwargs(d, staff).items() if k not in ("is_litigation", "people_count", "anonymous")}
        try:
            # An invalid form still goes through the service's checks (validate_only): all problems at once.
            case = services.register_call(
                actor=staff, caller_name=d.get("caller_name", ""), phone=d.get("phone", ""), address=d.get("address", ""),
                anonymous=d.get("anonymous", False), validate_only=not valid, **kwargs,
            )
        except ValidationFailed as exc:
            attach_errors(exc, form)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if case is not None:
                messages.success(request, _("已登记，信访件编号%(number)s") % {"number": case.number})
                return redirect("web:case_detail", pk=case.pk)
        return _call_page(request, staff, form, request.POST, status=422)
    return _call_page(request, staff, form, None)


def _call_page(request, staff, form, area_data, status=200):
    return render(request, "reception/call.html", {
        "form": form, "area_levels": areas.picker_levels(staff, area_data), "area_chosen": areas.chosen_area(staff, area_data),
    }, status=status)


@login_required
def attachment(request, pk: int):
    """A desk attachment (e.g. a letter's scanned page), only for staff who may see its case."""
    staff = _staff_or_404(request)
    att = policies.attachments_visible(staff).filter(pk=pk).first()
    if att is None:
        raise Http404(_("未找到该附件，或您无权查看"))
    logger.info("case attachment downloaded id=%s staff_id=%s", att.pk, staff.pk)
    return stored_file_response(att, download_name=f"{att.case.number}-{att.pk}.{extension(att)}")


# --- Leader reception ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def days(request):
    staff = _staff_or_404(request)
    may_schedule = policies.may_schedule(staff)
    form = forms.DayForm(request.POST or None, staff=staff, initial={"date": clock.today()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                day = services.schedule_reception_day(
                    actor=staff, leader=d["leader"], date=d["date"], starts_at=d["starts_at"], ends_at=d["ends_at"],
                    place=d["place"], kind=d["kind"], topics=d["topics"], capacity=d["capacity"],
                )
            except ValidationFailed as exc:
                attach_errors(exc, form)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已安排领导接访：%(date)s") % {"date": day.date.isoformat()})
                return redirect("web:reception_day", pk=day.pk)
        status = 422
    rows = policies.days_visible(staff).order_by("-date", "starts_at")[:100]
    return render(request, "reception/days.html", {"days": rows, "form": form, "may_schedule": may_schedule}, status=status)


def _day_or_404(staff, pk):
    day = policies.days_visible(staff).filter(pk=pk).first()
    if day is None:
        raise Http404(_("未找到该接访日，或不在您的辖区"))
    return day


def _render_day(request, staff, day, *, book_form=None, cancel_form=None, bound=None, area_data=None, status=200):
    """`bound` = (booking pk, "outcome" | "turn", form) re-shows one booking's form with its errors."""
    may_record = policies.may_record(staff, day)
    rows = []
    for b in day.bookings.select_related("area", "case"):
        outcome = bound[2] if bound and bound[0] == b.pk and bound[1] == "outcome" else forms.OutcomeForm(prefix=f"o{b.pk}")
        turn = bound[2] if bound and bound[0] == b.pk and bound[1] == "turn" else forms.TurnIntoCaseForm(prefix=f"t{b.pk}", staff=staff, booking=b)
        rows.append({"booking": b, "outcome_form": outcome, "turn_form": turn,
                     "open": bool(bound and bound[0] == b.pk), "open_kind": bound[1] if bound and bound[0] == b.pk else ""})
    context = {
        "day": day, "rows": rows, "may_record": may_record, "staff": staff,
        "may_book": day.state == DayState.PLANNED and day.date >= clock.today()
        and policies.may_book(staff, day),
        "may_cancel": day.state == DayState.PLANNED and policies.may_cancel(staff, day),
        "book_form": book_form or forms.BookingForm(), "cancel_form": cancel_form or forms.CancelDayForm(),
        "area_levels": areas.picker_levels(staff, area_data), "area_chosen": areas.chosen_area(staff, area_data),
    }
    return render(request, "reception/day.html", context, status=status)


@login_required
def day_detail(request, pk: int):
    staff = _staff_or_404(request)
    return _render_day(request, staff, _day_or_404(staff, pk))


@login_required
@require_POST
def day_cancel(request, pk: int):
    staff = _staff_or_404(request)
    day = _day_or_404(staff, pk)
    form = forms.CancelDayForm(request.POST)
    form.is_valid()
    try:
        services.cancel_reception_day(day, actor=staff, reason=form.cleaned_data.get("reason", ""))
    except ValidationFailed as exc:
        attach_errors(exc, form)
        return _render_day(request, staff, day, cancel_form=form, status=422)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render_day(request, staff, _day_or_404(staff, pk), status=exc.status)
    messages.success(request, _("已取消该接访日"))
    return redirect("web:reception_day", pk=pk)


@login_required
@require_POST
def day_book(request, pk: int):
    staff = _staff_or_404(request)
    day = _day_or_404(staff, pk)
    if request.POST.get("refresh_area"):
        form = forms.BookingForm(initial={k: v for k, v in request.POST.items() if k in forms.BookingForm.base_fields})
        return _render_day(request, staff, day, book_form=form, area_data=request.POST)
    form = forms.BookingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        case = None
        if d["case_number"].strip():
            case = visible_cases(staff).filter(number=d["case_number"].strip()).first()
            if case is None:
                form.add_error("case_number", _("未找到该信访件，或不在您的管辖范围内"))
        if not form.errors:
            try:
                services.book_petitioner(
                    day, actor=staff, name=d["name"], id_number=d["id_number"], phone=d["phone"], address=d["address"],
                    topic=d["topic"], area=areas.chosen_area(staff, request.POST), case=case,
                )
            except ValidationFailed as exc:
                attach_errors(exc, form)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已预约"))
                return redirect("web:reception_day", pk=pk)
    return _render_day(request, staff, day, book_form=form, area_data=request.POST, status=422)


def _booking_or_404(staff, pk) -> ReceptionBooking:
    booking = policies.bookings_visible(staff).filter(pk=pk).select_related("day").first()
    if booking is None:
        raise Http404(_("未找到该预约"))
    return booking


@login_required
@require_POST
def booking_outcome(request, pk: int):
    staff = _staff_or_404(request)
    booking = _booking_or_404(staff, pk)
    form = forms.OutcomeForm(request.POST, prefix=f"o{pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_outcome(booking, actor=staff, attended=d["attended"], outcome=d["outcome"],
                                    resolved_on_spot=d["resolved_on_spot"])
        except ValidationFailed as exc:
            attach_errors(exc, form)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录接待结果"))
            return redirect("web:reception_day", pk=booking.day_id)
    return _render_day(request, staff, booking.day, bound=(pk, "outcome", form), status=422)


@login_required
@require_POST
def booking_turn(request, pk: int):
    staff = _staff_or_404(request)
    booking = _booking_or_404(staff, pk)
    form = forms.TurnIntoCaseForm(request.POST, prefix=f"t{pk}", staff=staff, booking=booking)
    if form.is_valid():
        d = form.cleaned_data
        try:
            case = services.turn_into_case(
                booking, actor=staff, category=d["category"], domain=d["domain"], subject=d["subject"], content=d["content"],
                request=d["request"], facts=d["facts"], reasons=d["reasons"], address=d["address"],
                assign_to=d["assign_to"], days=d["days"] if d["assign_to"] else None, requirements=d["requirements"],
                accused_unit=d["accused_unit"], accused_person=d["accused_person"],
            )
        except ValidationFailed as exc:
            if any(k.startswith("petitioners.") and k.endswith(".address") for k in exc.fields):
                form.add_error("address", _("请填写信访人住址"))
            attach_errors(exc, form)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记为信访件%(number)s") % {"number": case.number}
                             + (_("，并交办至%(unit)s") % {"unit": case.current_unit.name} if d["assign_to"] else ""))
            return redirect(reverse("web:reception_day", kwargs={"pk": booking.day_id}))
    return _render_day(request, staff, booking.day, bound=(pk, "turn", form), status=422)
