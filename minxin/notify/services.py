"""Queue and deliver SMS and e-mail. Queuing writes a Delivery row and schedules the
send after commit on the task queue, so a request never waits on a gateway."""

import logging
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from minxin.core import clock, crypto
from minxin.core.identity import mask_phone
from minxin.notify.backends import SmsError, get_backend
from minxin.notify.models import Delivery, DeliveryStatus, MessageChannel

logger = logging.getLogger("minxin.notify")


def _mask_email(address: str) -> str:
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def signature() -> str:
    return getattr(settings, "MINXIN_SMS_SIGNATURE", "【民心信访】")


def _queue(*, channel: str, recipient: str, masked: str, body: str, purpose: str, subject: str = "", case=None,
           sensitive: bool = False, dedupe_key: str | None = None) -> Delivery | None:
    """Write the Delivery and enqueue its send on commit. None when `dedupe_key` was already used."""
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                channel=channel, purpose=purpose, recipient_enc=crypto.encrypt(recipient), recipient_masked=masked,
                subject=subject, body=body, sensitive=sensitive, case=case, dedupe_key=dedupe_key, created_at=clock.now(),
            )
    except IntegrityError:
        if dedupe_key and Delivery.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    from minxin.notify.tasks import deliver_task

    pk = delivery.pk
    transaction.on_commit(lambda: deliver_task.enqueue(pk))
    return delivery


def queue_sms(phone: str, text: str, *, purpose: str, case=None, sensitive: bool = False, dedupe_key: str | None = None):
    return _queue(channel=MessageChannel.SMS, recipient=phone, masked=mask_phone(phone), body=signature() + text,
                  purpose=purpose, case=case, sensitive=sensitive, dedupe_key=dedupe_key)


def queue_email(address: str, subject: str, text: str, *, purpose: str, case=None, dedupe_key: str | None = None):
    return _queue(channel=MessageChannel.EMAIL, recipient=address, masked=_mask_email(address), body=text, subject=subject,
                  purpose=purpose, case=case, dedupe_key=dedupe_key)


def deliver(delivery_id: int) -> Delivery | None:
    """Send one queued message, retrying transient failures with exponential backoff.

    Runs in the worker. The row is claimed by moving attempts forward from the value read,
    so two workers given the same job do not both send it.
    """
    delivery = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).first()
    if delivery is None:
        return None
    retries = int(getattr(settings, "MINXIN_SMS_RETRIES", 3))
    backoff = float(getattr(settings, "MINXIN_SMS_BACKOFF_SECONDS", 1.0))
    recipient = crypto.decrypt(delivery.recipient_enc)
    for attempt in range(retries + 1):
        claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED, attempts=delivery.attempts).update(
            attempts=delivery.attempts + 1
        )
        if not claimed:
            return None
        delivery.attempts += 1
        try:
            gateway_id = _send(delivery, recipient)
        except SmsError as exc:
            delivery.last_error = str(exc)[:500]
            final = not exc.retryable or attempt == retries
            Delivery.objects.filter(pk=delivery.pk).update(
                last_error=delivery.last_error, status=DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED
            )
            logger.warning("delivery id=%s attempt=%s failed: %s", delivery.pk, delivery.attempts, delivery.last_error)
            if final:
                delivery.status = DeliveryStatus.FAILED
                return delivery
            time.sleep(backoff * (2**attempt))
            continue
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = clock.now()
        delivery.gateway_id = gateway_id
        updates = {"status": DeliveryStatus.SENT, "sent_at": delivery.sent_at, "gateway_id": gateway_id, "last_error": ""}
        if delivery.sensitive:
            # A verification code has done its job once sent; the log keeps only that it was sent.
            updates["body"] = delivery.body = "（验证码短信，内容不留存）"
        Delivery.objects.filter(pk=delivery.pk).update(**updates)
        logger.info("delivery id=%s sent via %s", delivery.pk, delivery.channel)
        return delivery
    return delivery


def _send(delivery: Delivery, recipient: str) -> str:
    if delivery.channel == MessageChannel.SMS:
        return get_backend().send(recipient, delivery.body)
    try:
        send_mail(delivery.subject, delivery.body, None, [recipient], fail_silently=False)
    except Exception as exc:  # SMTP and socket errors: all worth another try
        raise SmsError(f"mail failed: {type(exc).__name__}", retryable=True) from None
    return ""


def deliver_pending(*, limit: int = 500) -> int:
    """Send every queued message (oldest first). A recovery sweep for jobs lost before they ran,
    and what tests call instead of a worker; the claim in `deliver` makes it safe to overlap."""
    sent = 0
    for pk in Delivery.objects.filter(status=DeliveryStatus.QUEUED).order_by("created_at", "pk").values_list("pk", flat=True)[:limit]:
        result = deliver(pk)
        sent += bool(result and result.status == DeliveryStatus.SENT)
    return sent
