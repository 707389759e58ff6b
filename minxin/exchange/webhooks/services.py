"""Webhook subscriptions (administrators) and their delivery (the worker): the only writers.

Queueing happens in the transaction of the case event (`on_case_event`, connected to
cases.services.common.case_event_recorded): one WebhookDelivery per subscription that wants the
event and whose unit account may see the case, plus its delivery job — both commit with the event
or neither does. The worker claims a row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL) with a
lease, POSTs it signed (signing.py) with its Idempotency-Key, and records the answer: 2xx is
delivered; anything else is retried after MINXIN_WEBHOOK_BACKOFF_SECONDS × 2^(attempt−1) up to
MINXIN_WEBHOOK_RETRIES times; MINXIN_WEBHOOK_DISABLE_AFTER failed attempts in a row switch the
subscription off (audited). A row recorded delivered is never sent again; a replay is a new row
carrying the same event id, so receivers that dedupe on `id` see it once.
"""

import datetime as dt
import ipaddress
import json
import logging
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minxin.accounts import audit
from minxin.accounts.models import SecurityAction
from minxin.cases.events import EVENTS
from minxin.cases.models import Case, CaseEvent
from minxin.core import clock, crypto, workers
from minxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from minxin.exchange.webhooks import signing
from minxin.exchange.webhooks.models import WebhookDelivery, WebhookStatus, WebhookSubscription
from minxin.org.models import Area, Staff, Unit
from minxin.org.policies import may_administer

logger = logging.getLogger("minxin.exchange.webhooks")

USER_AGENT = "minxin-webhooks/1"


def event_types() -> dict[str, str]:
    """Every event a subscriber may ask for, "case.<action>", from the one event registry."""
    return {f"case.{action}": str(kind.label) for action, kind in EVENTS.items()}


# --- administration --------------------------------------------------------------------------


def _check_admin(actor) -> None:
    if not may_administer(actor):
        raise PermissionDenied(_("只有系统管理员可以管理回调订阅"))


def subscriptions_for(actor):
    """The subscriptions of the units in the administrator's area."""
    _check_admin(actor)
    return WebhookSubscription.objects.filter(unit__area__in=Area.objects.within(actor.unit.area)).select_related(
        "unit", "owner__user")


def get_subscription(actor, pk: int) -> WebhookSubscription:
    sub = subscriptions_for(actor).filter(pk=pk).first()
    if sub is None:
        raise NotFound(_("未找到该回调订阅，或不在您的管辖范围内"))
    return sub


def _clean(*, name: str, url: str, events) -> tuple[str, str, list[str], dict[str, str]]:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写名称")
    elif len(name) > 100:
        errors["name"] = _("名称最多100个字")
    url = (url or "").strip()
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        errors["url"] = _("接收地址须是 http:// 或 https:// 开头的完整网址")
    elif len(url) > 500:
        errors["url"] = _("接收地址最多500个字符")
    elif parsed.username or parsed.password:
        errors["url"] = _("接收地址不能包含用户名或密码")
    elif not settings.DEBUG and parsed.scheme != "https" and not settings.MINXIN_WEBHOOK_ALLOW_PRIVATE:
        errors["url"] = _("生产环境的接收地址须使用 https")
    known = event_types()
    events = [str(e).strip() for e in (events or ()) if str(e).strip()]
    unknown = [e for e in events if e not in known]
    if unknown:
        errors["events"] = _("未知的事件：%(events)s") % {"events": "、".join(unknown)}
    elif not events:
        errors["events"] = _("请至少选择一个事件")
    return name, url, [e for e in known if e in events], errors


@transaction.atomic
def create_subscription(*, actor, unit_code: str, owner_username: str, name: str, url: str, events) -> tuple[WebhookSubscription, str]:
    """A new subscription; returns it and its signing secret, which is shown only this once."""
    _check_admin(actor)
    name, url, events, errors = _clean(name=name, url=url, events=events)
    unit = Unit.objects.filter(code=(unit_code or "").strip(), area__in=Area.objects.within(actor.unit.area)).first()
    if unit is None:
        errors["unit"] = _("您管辖的区域内没有编码为“%(code)s”的单位") % {"code": unit_code}
    owner = Staff.objects.select_related("user", "unit").filter(user__username=(owner_username or "").strip()).first()
    if owner is None:
        errors["owner"] = _("找不到账号“%(u)s”") % {"u": owner_username}
    elif unit is not None and owner.unit_id != unit.pk:
        errors["owner"] = _("账号%(u)s不属于%(unit)s") % {"u": owner_username, "unit": unit.name}
    elif not owner.is_active or not owner.user.is_active:
        errors["owner"] = _("账号%(u)s已停用") % {"u": owner_username}
    if errors:
        raise ValidationFailed(_("回调订阅未保存：") + "；".join(errors.values()), fields=errors)
    secret = "whsec_" + secrets.token_urlsafe(32)
    sub = WebhookSubscription.objects.create(
        unit=unit, owner=owner, name=name, url=url, events=events, secret_enc=crypto.encrypt(secret),
        secret_prefix=secret[:12], created_by=actor if isinstance(actor, Staff) else None, created_at=clock.now(),
    )
    audit.record(SecurityAction.WEBHOOK_CREATED, actor=actor, target=sub,
                 payload={"unit": unit.code, "owner": owner.user.username, "url": url, "events": events})
    return sub, secret


@transaction.atomic
def update_subscription(*, actor, pk: int, name: str | None = None, url: str | None = None, events=None,
                        is_active: bool | None = None) -> WebhookSubscription:
    """Change a subscription; switching it on again clears its failure count."""
    sub = get_subscription(actor, pk)
    sub = WebhookSubscription.objects.select_for_update().get(pk=sub.pk)
    name, url, events, errors = _clean(name=sub.name if name is None else name, url=sub.url if url is None else url,
                                       events=sub.events if events is None else events)
    if errors:
        raise ValidationFailed(_("回调订阅未保存：") + "；".join(errors.values()), fields=errors)
    before = {"name": sub.name, "url": sub.url, "events": sub.events, "is_active": sub.is_active}
    sub.name, sub.url, sub.events = name, url, events
    if is_active is not None and is_active != sub.is_active:
        sub.is_active = is_active
        if is_active:
            sub.failure_streak, sub.disabled_at, sub.disabled_reason = 0, None, ""
        else:
            sub.disabled_at, sub.disabled_reason = clock.now(), _("管理员停用")
    sub.save()
    after = {"name": sub.name, "url": sub.url, "events": sub.events, "is_active": sub.is_active}
    audit.record(SecurityAction.WEBHOOK_CHANGED, actor=actor, target=sub,
                 payload={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]})
    return sub


@transaction.atomic
def delete_subscription(*, actor, pk: int) -> None:
    sub = get_subscription(actor, pk)
    audit.record(SecurityAction.WEBHOOK_DELETED, actor=actor, target=sub, payload={"unit": sub.unit.code, "url": sub.url})
    sub.delete()


def deliveries_for(actor, pk: int):
    return get_subscription(actor, pk).deliveries.all()


@transaction.atomic
def replay(*, actor, delivery_id: int) -> WebhookDelivery:
    """Send a logged delivery again (same event id and body, new idempotency key), whatever its status."""
    _check_admin(actor)
    original = WebhookDelivery.objects.filter(pk=delivery_id, subscription__in=subscriptions_for(actor)).select_related(
        "subscription").first()
    if original is None:
        raise NotFound(_("未找到该回调发送记录，或不在您的管辖范围内"))
    if not original.subscription.is_active:
        raise ValidationFailed(_("订阅已停用，请先启用再重放"), fields={"subscription": _("已停用")})
    copy = WebhookDelivery.objects.create(
        subscription=original.subscription, event_id=original.event_id, event_type=original.event_type,
        case_id=original.case_id, case_event_id=original.case_event_id, payload=original.payload,
        replay_of=original, created_at=clock.now(), next_attempt_at=clock.now(),
    )
    audit.record(SecurityAction.WEBHOOK_REPLAYED, actor=actor, target=original.subscription,
                 payload={"delivery": original.pk, "replay": copy.pk, "event_id": original.event_id})
    _enqueue(copy.pk)
    return copy


# --- queueing (inside the case event's transaction) ------------------------------------------


def _job_is_transactional() -> bool:
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def _enqueue(pk: int, *, run_after=None) -> None:
    from minxin.exchange.webhooks.tasks import deliver_webhook_task

    task = deliver_webhook_task.using(run_after=run_after) if run_after is not None else deliver_webhook_task
    if _job_is_transactional():
        task.enqueue(pk)  # commits or rolls back with the delivery row
    else:
        transaction.on_commit(lambda: task.enqueue(pk))


def event_body(case: Case, event: CaseEvent, event_type: str, event_id: str) -> dict:
    """What a receiver gets: the event and the case's current public facts, never personal data."""
    kind = EVENTS.get(event.action)
    return {
        "id": event_id,
        "type": event_type,
        "created": event.at,
        "data": {
            "event": {"seq": event.seq, "action": event.action, "label": str(kind.label) if kind else event.action,
                      "from_state": event.from_state, "to_state": event.to_state, "at": event.at},
            "case": {"id": case.pk, "number": case.number, "state": case.state, "state_label": case.get_state_display(),
                     "category": case.category, "channel": case.channel, "area_code": case.area.code,
                     "current_unit_code": case.current_unit.code if case.current_unit_id else None,
                     "received_at": case.received_at, "version": case.version},
        },
    }


def queue_for_event(*, case_id: int, action: str, event_id=None, **_kwargs) -> int:
    """Write one delivery per interested subscription that may see the case; returns how many.
    Idempotent per (subscription, case event)."""
    event_type = f"case.{action}"
    subs = [s for s in WebhookSubscription.objects.filter(is_active=True).select_related("owner__user", "owner__unit")
            if s.wants(event_type)]
    if not subs or event_id is None:
        return 0
    event = CaseEvent.objects.filter(pk=event_id).first()
    case = Case.objects.select_related("area", "current_unit").filter(pk=case_id).first()
    if event is None or case is None:
        return 0
    queued = 0
    now = clock.now()
    for sub in subs:
        if not Case.objects.visible_to(sub.owner).filter(pk=case_id).exists():
            continue
        try:
            with transaction.atomic():
                delivery = WebhookDelivery(subscription=sub, event_type=event_type, case=case, case_event=event,
                                           dedupe_key=f"s{sub.pk}:e{event.pk}", created_at=now, next_attempt_at=now)
                delivery.payload = json.loads(json.dumps(event_body(case, event, event_type, delivery.event_id),
                                                         cls=DjangoJSONEncoder, ensure_ascii=False))
                delivery.save(force_insert=True)
        except IntegrityError:
            continue
        _enqueue(delivery.pk)
        queued += 1
    return queued


def on_case_event(sender, **kwargs):
    queue_for_event(**kwargs)


# --- delivery (the worker) -------------------------------------------------------------------


class DeliveryError(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.MINXIN_WEBHOOK_LEASE_SECONDS)


def _claim(pk: int) -> WebhookDelivery | None:
    now = clock.now()
    with transaction.atomic():
        row = (WebhookDelivery.objects.select_for_update(skip_locked=True)
               .filter(pk=pk, status__in=[WebhookStatus.QUEUED, WebhookStatus.SENDING]).first())
        if row is None:
            return None
        if row.status == WebhookStatus.QUEUED and row.next_attempt_at and row.next_attempt_at > now:
            return None  # its backoff has not run out; its job is scheduled for then
        if (row.status == WebhookStatus.SENDING and row.lease_until and row.lease_until > now
                and not workers.is_dead(row.claimed_by)):
            return None
        row.status, row.attempts = WebhookStatus.SENDING, row.attempts + 1
        row.claimed_by, row.lease_until = workers.current_worker_id(), now + _lease()
        row.save(update_fields=["status", "attempts", "claimed_by", "lease_until"])
    return row


def _settle(row: WebhookDelivery, **updates) -> bool:
    done = WebhookDelivery.objects.filter(pk=row.pk, status=WebhookStatus.SENDING, claimed_by=row.claimed_by,
                                          attempts=row.attempts).update(lease_until=None, **updates)
    for key, value in updates.items():
        setattr(row, key, value)
    return bool(done)


def _check_address(url: str) -> None:
    """Refuse loopback, private and link-local receivers unless allowed (no requests into our own network)."""
    if settings.MINXIN_WEBHOOK_ALLOW_PRIVATE:
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise DeliveryError(f"cannot resolve {host}: {exc}") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise DeliveryError(f"receiver address {ip} is not public (MINXIN_WEBHOOK_ALLOW_PRIVATE is off)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer (3xx), never followed: the signature names one URL


_opener = urllib.request.build_opener(_NoRedirect)


def _post(sub: WebhookSubscription, row: WebhookDelivery) -> int:
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
    secret = crypto.decrypt(sub.secret_enc)
    _check_address(sub.url)
    request = urllib.request.Request(sub.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.HEADER: signing.header(secret, body),
        "Minxin-Event": row.event_type,
        "Minxin-Event-Id": row.event_id,
        "Idempotency-Key": str(row.idempotency_key),
    })
    try:
        with _opener.open(request, timeout=settings.MINXIN_WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}", exc.code) from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"network: {getattr(exc, 'reason', exc)}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}", status)
    return status


def deliver(pk: int) -> WebhookDelivery | None:
    """One attempt at one delivery. None when it is not ours to send now (done, held, or backing off)."""
    row = _claim(pk)
    if row is None:
        return None
    sub = WebhookSubscription.objects.get(pk=row.subscription_id)
    if not sub.is_active:
        _settle(row, status=WebhookStatus.FAILED, last_error=_("订阅已停用"))
        return row
    try:
        status = _post(sub, row)
    except DeliveryError as exc:
        return _failed(sub, row, exc)
    recorded = _settle(row, status=WebhookStatus.DELIVERED, delivered_at=clock.now(), last_status_code=status, last_error="")
    WebhookSubscription.objects.filter(pk=sub.pk).update(failure_streak=0)
    logger.info("webhook delivery id=%s %s delivered%s", row.pk, row.event_type, "" if recorded else " (settled by another claimant)")
    return row


def _failed(sub: WebhookSubscription, row: WebhookDelivery, exc: DeliveryError) -> WebhookDelivery:
    error = str(exc)[:500]
    final = row.attempts > settings.MINXIN_WEBHOOK_RETRIES
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=sub.pk)
        locked.failure_streak += 1
        disable = locked.is_active and locked.failure_streak >= settings.MINXIN_WEBHOOK_DISABLE_AFTER
        if disable:
            locked.is_active, locked.disabled_at = False, clock.now()
            locked.disabled_reason = _("连续%(n)d次发送失败，自动停用") % {"n": locked.failure_streak}
            audit.record(SecurityAction.WEBHOOK_DISABLED, target=locked,
                         payload={"failures": locked.failure_streak, "last_error": error})
        locked.save(update_fields=["failure_streak", "is_active", "disabled_at", "disabled_reason"])
        if final or disable:
            _settle(row, status=WebhookStatus.FAILED, last_status_code=exc.status, last_error=error)
        else:
            delay = settings.MINXIN_WEBHOOK_BACKOFF_SECONDS * (2 ** (row.attempts - 1))
            when = clock.now() + dt.timedelta(seconds=delay)
            if _settle(row, status=WebhookStatus.QUEUED, last_status_code=exc.status, last_error=error, next_attempt_at=when):
                _enqueue(row.pk, run_after=when)
    if disable:
        # Nothing more goes to a switched-off receiver; a replay after re-enabling sends it again.
        WebhookDelivery.objects.filter(subscription=sub, status=WebhookStatus.QUEUED).update(
            status=WebhookStatus.FAILED, last_error=_("订阅已停用"))
    logger.warning("webhook delivery id=%s attempt=%s failed: %s", row.pk, row.attempts, error)
    return row


def reschedule_if_held(pk: int) -> str:
    """After a job found its row not ready: look again when the lease or the backoff runs out."""
    row = WebhookDelivery.objects.filter(pk=pk, status__in=[WebhookStatus.QUEUED, WebhookStatus.SENDING]).first()
    if row is None:
        return "skipped"
    when = row.lease_until if row.status == WebhookStatus.SENDING else row.next_attempt_at
    if when is not None and when > clock.now():
        _enqueue(pk, run_after=when)
        return "held"
    return "skipped"


def deliver_due(*, limit: int = 500) -> int:
    """Attempt every delivery that is due (queued past its backoff, or left sending by a dead claimant);
    returns how many were delivered. The recovery sweep, safe beside workers; tests call it instead of one."""
    now = clock.now()
    due = (WebhookDelivery.objects.filter(status__in=[WebhookStatus.QUEUED, WebhookStatus.SENDING])
           .exclude(status=WebhookStatus.QUEUED, next_attempt_at__gt=now).order_by("created_at", "pk"))
    done = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        row = deliver(pk)
        done += bool(row and row.status == WebhookStatus.DELIVERED)
    return done
