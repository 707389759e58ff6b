"""The outbox: queue SMS and e-mail inside the caller's transaction, deliver them exactly once.

Queuing writes a Delivery row (and, with the database task queue, its delivery job) in the
transaction of the action that caused it: both commit with the case event or neither does, so
no crash between "commit" and "queue" can lose a notice. A request never waits on a gateway.

Delivery (in the worker) claims a row — `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL — and
marks it 'sending' with a lease and the claimant's id, then sends it with the row's idempotency
key and records the answer. If the worker dies mid-send, the row is claimed again once the lease
runs out or the claimant is seen dead (minxin.core.workers) and sent again with the same key; the
gateway's contract is to deliver a key once. A row recorded 'sent' is never sent again.
"""

import inspect
import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from minxin.core import clock, crypto, workers
from minxin.core.identity import mask_email, mask_phone
from minxin.notify.backends import SmsError, get_backend
from minxin.notify.models import Delivery, DeliveryStatus, MessageChannel

logger = logging.getLogger("minxin.notify")

# A run of 4–8 digits in a verification SMS is the code (the signature and wording carry none).
_CODE = re.compile(r"\d{4,8}")


def signature() -> str:
    return getattr(settings, "MINXIN_SMS_SIGNATURE", "【民心信访】")


def _job_is_transactional() -> bool:
    """True when enqueuing writes the job in our own database, i.e. inside our transaction."""
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def _enqueue(pk: int, *, run_after=None) -> None:
    from minxin.notify.tasks import deliver_task

    task = deliver_task.using(run_after=run_after) if run_after is not None else deliver_task
    if _job_is_transactional():
        task.enqueue(pk)  # commits or rolls back with the Delivery row
    else:
        # Another task backend runs or stores the job elsewhere: only once the row is committed.
        # If that hand-off is lost, the row is still queued and `send_pending_messages` sends it.
        transaction.on_commit(lambda: task.enqueue(pk))


def _queue(*, channel: str, recipient: str, masked: str, body: str, purpose: str, subject: str = "", case=None,
           sensitive: bool = False, dedupe_key: str | None = None) -> Delivery | None:
    """Write the Delivery and its job in the current transaction. None when `dedupe_key` was already used."""
    shown, secret = body, ""
    if sensitive:
        shown, secret = _CODE.sub(lambda m: "*" * len(m.group()), body), crypto.encrypt(body)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                channel=channel, purpose=purpose, recipient_enc=crypto.encrypt(recipient), recipient_masked=masked,
                subject=subject, body=shown, body_enc=secret, sensitive=sensitive, case=case, dedupe_key=dedupe_key,
                created_at=clock.now(),
            )
    except IntegrityError:
        if dedupe_key and Delivery.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    _enqueue(delivery.pk)
    return delivery


def queue_sms(phone: str, text: str, *, purpose: str, case=None, sensitive: bool = False, dedupe_key: str | None = None):
    """`sensitive`: the text holds a verification code; the log keeps it starred out."""
    return _queue(channel=MessageChannel.SMS, recipient=phone, masked=mask_phone(phone), body=signature() + text,
                  purpose=purpose, case=case, sensitive=sensitive, dedupe_key=dedupe_key)


def queue_email(address: str, subject: str, text: str, *, purpose: str, case=None, dedupe_key: str | None = None):
    return _queue(channel=MessageChannel.EMAIL, recipient=address, masked=mask_email(address), body=text, subject=subject,
                  purpose=purpose, case=case, dedupe_key=dedupe_key)


def queue_notice(case, template_key: str, text: str, *, event_id: int | str | None = None, once_per_case: bool = False,
                 subject: str | None = None) -> int:
    """Queue one petitioner notice about `case` to every current contact of it; returns how many rows
    were written. Call it inside the transaction of the action it tells about.

    `template_key` names the notice (Delivery.purpose: register, transfer, close, rating_invite, …);
    `text` is its wording. Idempotent per (case, event, key, recipient) — or per (case, key,
    recipient) with `once_per_case` — so calling it again for the same event writes nothing.
    Contacts are read now (minxin.notify.events.recipients), so the newest phone number is used.
    """
    from django.utils.translation import gettext as _

    from minxin.notify.events import recipients

    queued = 0
    for contact in recipients(case):
        who = crypto.blind_index("notify", contact.phone or contact.email)[:24]
        key = f"case{case.pk}:{template_key}:{who}" if once_per_case else f"case{case.pk}:ev{event_id}:{template_key}:{who}"
        if contact.phone:
            done = queue_sms(contact.phone, text, purpose=template_key, case=case, dedupe_key=key)
        else:
            done = queue_email(contact.email, subject or _("信访事项办理进度通知"), text, purpose=template_key, case=case,
                               dedupe_key=key)
        queued += done is not None
    return queued


# --- delivery -------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "MINXIN_SMS_LEASE_SECONDS", 120)))


def _claim(delivery_id: int) -> Delivery | None:
    """Take the row for one attempt: queued, or 'sending' by a claimant that died or whose lease ran out."""
    now = clock.now()
    with transaction.atomic():
        # PostgreSQL: a row another worker is claiming right now is skipped, not waited for.
        # SQLite ignores FOR UPDATE; its write transactions (IMMEDIATE) serialise the claim instead.
        row = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])
            .first()
        )
        if row is None:
            return None
        if row.status == DeliveryStatus.SENDING and row.lease_until and row.lease_until > now and not workers.is_dead(row.claimed_by):
            return None
        if row.status == DeliveryStatus.SENDING:
            logger.warning("delivery id=%s reclaimed from %s", row.pk, row.claimed_by)
        row.status, row.attempts = DeliveryStatus.SENDING, row.attempts + 1
        row.claimed_by, row.lease_until = workers.current_worker_id(), now + _lease()
        row.save(update_fields=["status", "attempts", "claimed_by", "lease_until"])
    return row


def _settle(delivery: Delivery, **updates) -> bool:
    """Record the outcome of our attempt, unless another claimant has taken the row meanwhile."""
    done = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_by=delivery.claimed_by, attempts=delivery.attempts
    ).update(lease_until=None, **updates)
    for field, value in updates.items():
        setattr(delivery, field, value)
    return bool(done)


def deliver(delivery_id: int) -> Delivery | None:
    """Send one queued message, retrying transient failures with exponential backoff.

    Runs in the worker. None when the row is not ours to send (already sent or failed, or held
    by a live claimant). Attempts count across claimants, so retries stop at
    MINXIN_SMS_RETRIES however many workers died on the way.
    """
    retries = int(getattr(settings, "MINXIN_SMS_RETRIES", 3))
    backoff = float(getattr(settings, "MINXIN_SMS_BACKOFF_SECONDS", 1.0))
    while True:
        delivery = _claim(delivery_id)
        if delivery is None:
            return None
        try:
            gateway_id = _send(delivery)
        except SmsError as exc:
            final = not exc.retryable or delivery.attempts > retries
            error = str(exc)[:500]
            if final:
                _settle(delivery, status=DeliveryStatus.FAILED, last_error=error, body_enc="")
            else:
                _settle(delivery, status=DeliveryStatus.QUEUED, last_error=error)
            logger.warning("delivery id=%s attempt=%s failed: %s", delivery.pk, delivery.attempts, error)
            if final:
                return delivery
            time.sleep(backoff * (2 ** (delivery.attempts - 1)))
            continue
        # The verification code's cipher text goes as soon as the code is out.
        recorded = _settle(delivery, status=DeliveryStatus.SENT, sent_at=clock.now(), gateway_id=gateway_id, last_error="", body_enc="")
        logger.info("delivery id=%s sent via %s%s", delivery.pk, delivery.channel, "" if recorded else " (already settled by another claimant)")
        return delivery


def _accepts_key(send) -> bool:
    try:
        params = inspect.signature(send).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "idempotency_key" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def send_sms(backend, phone: str, text: str, idempotency_key: str) -> str:
    """Call `backend.send`, passing the key to backends that take one (older ones are called as before)."""
    if _accepts_key(backend.send):
        return backend.send(phone, text, idempotency_key=idempotency_key)
    return backend.send(phone, text)


def _send(delivery: Delivery) -> str:
    recipient = crypto.decrypt(delivery.recipient_enc)
    text = crypto.decrypt(delivery.body_enc) if delivery.sensitive else delivery.body
    if delivery.sensitive and not text:
        raise SmsError("verification text already purged", retryable=False)
    if delivery.channel == MessageChannel.SMS:
        return send_sms(get_backend(), recipient, text, delivery.idempotency_key)
    # SMTP has no idempotency: the key goes in Message-ID so a repeat after a crash can be recognised.
    message = EmailMessage(delivery.subject, text, None, [recipient], headers={"Message-ID": f"<{delivery.idempotency_key}@minxin>"})
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP and socket errors: all worth another try
        raise SmsError(f"mail failed: {type(exc).__name__}", retryable=True) from None
    return ""


def deliver_pending(*, limit: int = 500) -> int:
    """Send every queued message and every one left 'sending' by a dead claimant (oldest first).

    The recovery sweep for jobs lost or orphaned, and what tests call instead of a worker; the
    claim in `deliver` makes it safe to run alongside workers.
    """
    sent = 0
    candidates = Delivery.objects.filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).order_by("created_at", "pk")
    for pk in list(candidates.values_list("pk", flat=True)[:limit]):
        result = deliver(pk)
        sent += bool(result and result.status == DeliveryStatus.SENT)
    return sent
