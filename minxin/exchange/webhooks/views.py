"""Pages for administrators: webhook subscriptions, their delivery log and replay (services do the work)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minxin.core.errors import DomainError, ValidationFailed
from minxin.exchange.webhooks import services
from minxin.exchange.webhooks.models import WebhookStatus
from minxin.org.policies import may_administer
from minxin.web.context import staff_of


def _admin(request):
    staff = staff_of(request.user)
    if staff is None or not may_administer(staff):
        raise Http404(_("只有系统管理员可以管理回调订阅"))
    return staff


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request):
    staff = _admin(request)
    errors, form, secret, created = {}, {}, None, None
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("unit", "owner", "name", "url")}
        form["events"] = request.POST.getlist("events")
        try:
            created, secret = services.create_subscription(actor=staff, unit_code=form["unit"], owner_username=form["owner"],
                                                           name=form["name"], url=form["url"], events=form["events"])
            form = {}
        except ValidationFailed as exc:
            errors, status = exc.fields, 422
    return render(request, "exchange/webhooks.html", {
        "subscriptions": services.subscriptions_for(staff), "event_types": services.event_types().items(),
        "errors": errors, "form": form, "secret": secret, "created": created,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request, pk: int):
    staff = _admin(request)
    try:
        sub = services.get_subscription(staff, pk)
    except DomainError:
        raise Http404(_("未找到该回调订阅，或不在您的管辖范围内")) from None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("enable", "disable"):
                services.update_subscription(actor=staff, pk=pk, is_active=action == "enable")
                messages.success(request, _("已启用") if action == "enable" else _("已停用"))
            elif action == "delete":
                services.delete_subscription(actor=staff, pk=pk)
                messages.success(request, _("已删除回调订阅"))
                return redirect("exchange:webhooks")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("exchange:webhook", pk=pk)
    state = request.GET.get("status", "")
    deliveries = sub.deliveries.all()
    if state in WebhookStatus.values:
        deliveries = deliveries.filter(status=state)
    return render(request, "exchange/webhook_detail.html", {
        "sub": sub, "deliveries": deliveries[:200], "state": state, "states": WebhookStatus.choices,
        "event_types": services.event_types(),
    })


@login_required
@require_POST
def webhook_replay(request, pk: int):
    staff = _admin(request)
    try:
        copy = services.replay(actor=staff, delivery_id=pk)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
        return redirect(request.POST.get("back") or "exchange:webhooks")
    messages.success(request, _("已重新排队发送（事件编号不变）"))
    return redirect("exchange:webhook", pk=copy.subscription_id)
