"""The outbox and delivery log: one row per message to one recipient, whatever the channel.

A row is written in the same transaction as the case event it tells about, so the notice
commits or rolls back with it. The worker claims a row (status 'sending', with a lease and
the claimant's id), sends it with the row's idempotency key, and records the answer; a row
whose claimant died is sent again with the same key, which the gateway deduplicates.

The recipient is stored encrypted (core.crypto) with a masked copy for screens;
the log never holds a phone number or e-mail address in clear, nor a verification code.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Delivery(models.Model):
    channel = models.CharField(_("渠道"), max_length=8, choices=MessageChannel.choices)
    purpose = models.CharField(_("用途"), max_length=32, help_text=_("如 verify、register、transfer、close、rating_invite"))
    recipient_enc = models.TextField(_("收件人（密文）"))
    recipient_masked = models.CharField(_("收件人"), max_length=64)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    # For a verification code this is the text with the code starred out; the real text waits
    # encrypted in body_enc and is wiped as soon as the message is sent or given up.
    body = models.TextField(_("内容"))
    body_enc = models.TextField(_("内容（密文，发送后清除）"), blank=True)
    sensitive = models.BooleanField(_("含验证码"), default=False)
    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Makes "notify once per event and recipient" idempotent when a signal or task runs twice.
    dedupe_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    status = models.CharField(_("状态"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    gateway_id = models.CharField(_("网关消息号"), max_length=64, blank=True)
    # Sent with every attempt; the gateway delivers a key once, so a resend after a crash is harmless.
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True, default=new_idempotency_key, editable=False)
    claimed_by = models.CharField(_("发送进程"), max_length=64, blank=True)
    lease_until = models.DateTimeField(_("占用至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="notify_delivery_status_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient_masked} ({self.get_status_display()})"
