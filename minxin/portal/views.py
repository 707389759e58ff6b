"""Public portal pages (no login) and the registrars' queue (login, scoped by area).

Thin: parse, call one service in minxin.portal.services, render.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minxin.cases.models import Category
from minxin.core.errors import DomainError, ValidationFailed
from minxin.portal import areas, forms, services
from minxin.portal import policies
from minxin.portal.models import Attachment, Submission, SubmissionState
from minxin.portal.throttle import Throttled, client_ip
from minxin.web.context import staff_of
from minxin.web.files import extension, stored_file_response

FOLLOW_SESSION_KEY = "portal_follow"
FOLLOW_SECONDS = 30 * 60


def _render(request, template, ctx, exc: DomainError | None = None, status: int | None = None):
    response = render(request, template, ctx, status=status or (exc.status if exc else 200))
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.wait)
    return response


def _form_kwargs():
    return {"max_files": settings.MINXIN_PORTAL_MAX_FILES, "max_mb": settings.MINXIN_PORTAL_MAX_FILE_BYTES // (1024 * 1024)}


def _rules():
    return [(c, services.rule_for(c.value), forms.CATEGORY_HELP[c]) for c in Category]


@require_GET
def home(request):
    return render(request, "portal/home.html", {"rules": _rules()})


@require_GET
def area_partial(request):
    levels, chosen = areas.chooser(request.GET)
    return render(request, "portal/_areas.html", {"levels": levels, "chosen": chosen})


@require_POST
def send_code_partial(request):
    """htmx: send the submission verification code; answers with a status line."""
    try:
        services.send_code(request.POST.get("phone", ""), purpose="submit", ip=client_ip(request))
    except DomainError as exc:
        return _render(request, "portal/_code_status.html", {"error": exc.message}, exc)
    return render(request, "portal/_code_status.html", {"sent": True})


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    data = request.POST if request.method == "POST" else None
    form = forms.SubmissionForm(data, request.FILES or None, **_form_kwargs())
    levels, chosen = areas.chooser(data or request.GET)
    ctx = {"form": form, "levels": levels, "chosen": chosen, "rules": _rules()}
    if request.method == "GET":
        return render(request, "portal/submit.html", ctx)
    form.is_valid()  # lenient fields: this only normalises what was typed
    d = form.cleaned_data
    if "refresh_area" in request.POST:
        return render(request, "portal/submit.html", ctx)
    if "send_code" in request.POST:
        try:
            services.send_code(d.get("phone", ""), purpose="submit", ip=client_ip(request))
        except DomainError as exc:
            _attach(form, exc)
            ctx["code_error"] = exc.message
            return _render(request, "portal/submit.html", ctx, exc)
        ctx["code_sent"] = True
        return render(request, "portal/submit.html", ctx)
    data_in = services.SubmissionInput(
        category=d.get("category") or "", subject=d.get("subject", ""), content=d.get("content", ""),
        request=d.get("request", ""), reasons=d.get("reasons", ""), area=chosen, anonymous=bool(d.get("anonymous")),
        name=d.get("name", ""), id_number=d.get("id_number", ""), phone=d.get("phone", ""), sms_code=d.get("sms_code", ""),
        address=d.get("address", ""), email=d.get("email", ""),
        accused_unit_name=d.get("accused_unit_name", ""), accused_person=d.get("accused_person", ""),
    )
    files = request.FILES.getlist("attachments")
    try:
        sub = services.submit(data_in, files, ip=client_ip(request))
    except DomainError as exc:
        _attach(form, exc)
        ctx["error"] = exc.message
        ctx["area_errors"] = exc.fields.get("area", [])
        ctx["files_dropped"] = bool(files)
        return _render(request, "portal/submit.html", ctx, exc)
    request.session["portal_submitted"] = sub.pk
    return redirect("portal:done")


def _attach(form, exc: DomainError):
    for field, msgs in exc.fields.items():
        if field in form.fields:  # the place chooser shows its own errors (area_errors)
            for m in msgs:
                form.add_error(field, m)


@never_cache
@require_GET
def done(request):
    pk = request.session.get("portal_submitted")
    sub = Submission.objects.filter(pk=pk).first() if pk else None
    if sub is None:
        return redirect("portal:home")
    return render(request, "portal/done.html", {"sub": sub})


# --- follow --------------------------------------------------------------------------------


def _followed(request) -> services.Tracked | None:
    info = request.session.get(FOLLOW_SESSION_KEY)
    if not info or time.time() - info.get("at", 0) > FOLLOW_SECONDS:
        request.session.pop(FOLLOW_SESSION_KEY, None)
        return None
    return services.Tracked.from_key(info)


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request):
    form = forms.FollowForm(request.POST or None)
    ctx = {"form": form, "step": "start"}
    if request.method == "GET":
        return render(request, "portal/follow.html", ctx)
    form.is_valid()
    d = form.cleaned_data
    ip = client_ip(request)
    try:
        if request.POST.get("step") == "verify" or not d.get("phone"):
            sub = services.finish_follow(d.get("code", ""), d.get("phone", ""), d.get("sms_code", ""), ip=ip)
        else:
            services.start_follow(d.get("code", ""), d.get("phone", ""), ip=ip)
            ctx["step"] = "verify"
            return render(request, "portal/follow.html", ctx)
    except DomainError as exc:
        ctx["error"] = exc.message
        ctx["step"] = "verify" if request.POST.get("step") == "verify" else "start"
        return _render(request, "portal/follow.html", ctx, exc)
    request.session.cycle_key()
    request.session[FOLLOW_SESSION_KEY] = {**sub.key(), "at": time.time()}
    return redirect("portal:progress")


@never_cache
@require_GET
def progress(request):
    sub = _followed(request)
    if sub is None:
        messages.info(request, _("请输入查询码和手机号查询"))
        return redirect("portal:follow")
    return render(request, "portal/progress.html", _progress_ctx(sub))


def _progress_ctx(sub, **extra):
    rating = services.rating_state(sub)
    ctx = {
        "sub": sub, "status": services.status_text(sub), "steps": services.progress(sub), "documents": services.documents(sub),
        "rating": rating, "appeals": services.appeal_options(sub), "my_appeals": list(sub.appeals.order_by("-created_at")),
        "targets": [], "score_choices": forms.RatingForm.base_fields["score"].choices,
    }
    if rating.get("open"):
        window = rating.get("window")
        from minxin.oversight.models import RatingTarget

        for value, label in RatingTarget.choices:
            unit = None
            if window is not None:
                unit = window.bureau if value == "bureau" else window.unit
            if window is not None and unit is None:
                continue
            ctx["targets"].append({"value": value, "label": label, "unit": unit, "rated": value in rating["rated"]})
    ctx.update(extra)
    return ctx


@require_POST
def rate(request):
    sub = _followed(request)
    if sub is None:
        return redirect("portal:follow")
    form = forms.RatingForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("请选择满意、基本满意或不满意"))
        d = form.cleaned_data
        services.rate(sub, target=d["target"], score=d["score"], comment=d.get("comment", ""))
    except DomainError as exc:
        return render(request, "portal/progress.html", _progress_ctx(sub, rating_error=exc.message), status=exc.status)
    messages.success(request, _("感谢您的评价"))
    return redirect("portal:progress")


@require_POST
def appeal(request):
    sub = _followed(request)
    if sub is None:
        return redirect("portal:follow")
    form = forms.AppealForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("请填写请求事项和理由"))
        services.request_appeal(sub, kind=form.cleaned_data["kind"], request=form.cleaned_data["request"])
    except DomainError as exc:
        return render(request, "portal/progress.html", _progress_ctx(sub, appeal_error=exc.message), status=exc.status)
    messages.success(request, _("申请已提交，信访部门登记后将以短信告知"))
    return redirect("portal:progress")


@require_GET
def document(request, pk: int):
    from minxin.documents.services import document_filename, open_document

    sub = _followed(request)
    if sub is None:
        raise Http404(_("请先查询"))
    doc = next((d for d in services.documents(sub) if d.pk == pk), None)
    if doc is None:
        raise Http404(_("未找到该文书"))
    try:
        data = open_document(doc)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(True, document_filename(doc))
    return response


@require_POST
def follow_end(request):
    request.session.pop(FOLLOW_SESSION_KEY, None)
    messages.info(request, _("已结束查询"))
    return redirect("portal:home")


# --- staff ---------------------------------------------------------------------------------


def _staff(request):
    staff = staff_of(request.user)
    if not services.may_register(staff):
        raise Http404(_("只有信访部门的登记员或领导可以处理网上信访件"))
    return staff


@login_required
@require_GET
def staff_queue(request):
    staff = _staff(request)
    state = request.GET.get("state", SubmissionState.PENDING)
    if state not in SubmissionState.values:
        state = SubmissionState.PENDING
    items = services.queue_for(staff).filter(state=state).order_by("created_at")[:200]
    return render(request, "portal/staff_queue.html", {
        "items": items, "state": state, "states": SubmissionState.choices, "appeals": services.appeals_for(staff)[:100],
    })


@login_required
@require_http_methods(["GET", "POST"])
def staff_detail(request, pk: int):
    staff = _staff(request)
    try:
        sub = services.get_for_staff(staff, pk)
    except DomainError:
        raise Http404(_("未找到该网上信访件，或不在您的辖区内")) from None
    reg = forms.RegisterForm(initial={"category": sub.category, "subject": sub.subject, "request": sub.request,
                                      "facts": sub.content, "reasons": sub.reasons or sub.content,
                                      "accused_unit": services.accused_unit_named(sub), "accused_person": sub.accused_person})
    ref = forms.RefuseForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "register":
                reg = forms.RegisterForm(request.POST)
                valid = reg.is_valid()
                # An invalid form still goes through the service's checks: every problem in one round, by its field.
                case = services.register_submission(sub, actor=staff, validate_only=not valid, **reg.cleaned_data)
                if case is None:
                    raise ValidationFailed(_("请按提示修改登记信息"))
                messages.success(request, _("已登记，信访件编号%(n)s；信访人可继续用原查询码查询") % {"n": case.number})
                return redirect("web:case_detail", pk=case.pk)
            if action == "refuse":
                ref = forms.RefuseForm(request.POST)
                if not ref.is_valid():
                    raise ValidationFailed(_("请填写不予登记的理由"))
                services.refuse_submission(sub, actor=staff, reason=ref.cleaned_data["reason"])
                messages.success(request, _("已不予登记，理由将在查询页向信访人显示"))
                return redirect("portal:staff_queue")
        except DomainError as exc:
            form = reg if action == "register" else ref
            for field, msgs in exc.fields.items():
                if field in form.fields and field not in form.errors:
                    for m in msgs:
                        form.add_error(field, m)
            messages.error(request, exc.message)
            status = exc.status
    return render(request, "portal/staff_detail.html", {"sub": sub, "reg": reg, "ref": ref,
                                                         "attachments": sub.attachments.all()}, status=status)


@login_required
@require_GET
def staff_attachment(request, pk: int):
    staff = _staff(request)
    att = policies.attachments_visible(staff).select_related("submission").filter(pk=pk).first()
    if att is None:
        raise Http404(_("未找到该附件"))
    return stored_file_response(att, download_name=f"附件{att.pk}.{extension(att)}")


@login_required
@require_POST
def staff_record_appeal(request, pk: int):
    staff = _staff(request)
    try:
        case = services.record_appeal(pk, actor=staff)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:staff_queue")
    messages.success(request, _("已登记信访件%(n)s的申请") % {"n": case.number})
    return redirect("web:case_detail", pk=case.pk)
