"""Outbound webhooks: who subscribes to which case events, and the delivery log (an outbox).

A WebhookDelivery is written in the transaction that records the case event (through
cases.services.common.case_event_recorded), so it commits or rolls back with the event; the
worker claims it with a lease, posts it signed (minxin.exchange.webhooks.signing) with its
idempotency key, retries with exponential backoff, and switches a subscription off after
MINXIN_WEBHOOK_DISABLE_AFTER failed attempts in a row.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_event_id() -> str:
    return "evt_" + uuid.uuid4().hex


class WebhookSubscription(models.Model):
    # The unit that receives, and the unit account whose jurisdiction (Case.objects.visible_to)
    # decides which cases' events it may receive — the same rule as a token acting for the unit.
    unit = models.ForeignKey("org.Unit", verbose_name=_("订阅单位"), on_delete=models.CASCADE, related_name="webhooks")
    owner = models.ForeignKey("org.Staff", verbose_name=_("代表账号"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅事件"), default=list)
    # The signing secret, encrypted at rest (core.crypto); shown once, when created.
    secret_enc = models.TextField(_("签名密钥（密文）"))
    secret_prefix = models.CharField(_("密钥前缀"), max_length=16)
    is_active = models.BooleanField(_("启用"), default=True)
    failure_streak = models.PositiveIntegerField(_("连续失败次数"), default=0)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    created_by = models.ForeignKey("org.Staff", verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("回调订阅")
        verbose_name_plural = _("回调订阅")
        ordering = ["unit__code", "pk"]

    def __str__(self):
        return f"{self.name}（{self.url}）"

    def wants(self, event_type: str) -> bool:
        return event_type in (self.events or ())


class WebhookStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(WebhookSubscription, verbose_name=_("订阅"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    # The event's id as the receiver sees it ("id" in the body); a replay keeps it, so receivers dedupe on it.
    event_id = models.CharField(_("事件编号"), max_length=40, default=new_event_id, db_index=True)
    event_type = models.CharField(_("事件"), max_length=48)
    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    case_event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField(_("内容"))
    # One delivery per (subscription, case event): a signal sent twice writes nothing more. Replays have none.
    dedupe_key = models.CharField(max_length=96, null=True, blank=True, unique=True)
    # Sent as Idempotency-Key with every attempt of this row.
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True, default=uuid.uuid4, editable=False)
    replay_of = models.ForeignKey("self", verbose_name=_("重放自"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="replays")
    status = models.CharField(_("状态"), max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    claimed_by = models.CharField(_("发送进程"), max_length=64, blank=True)
    lease_until = models.DateTimeField(_("占用至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回调发送记录")
        verbose_name_plural = _("回调发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="exch_webhook_due_idx")]

    def __str__(self):
        return f"{self.event_type} → {self.subscription_id} ({self.get_status_display()})"
