"""The delivery log: one row per message to one recipient, whatever the channel.

The recipient is stored encrypted (core.crypto) with a masked copy for screens;
the log never holds a phone number or e-mail address in clear.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    channel = models.CharField(_("渠道"), max_length=8, choices=MessageChannel.choices)
    purpose = models.CharField(_("用途"), max_length=32, help_text=_("如 verify、register、transfer、close、rating_invite"))
    recipient_enc = models.TextField(_("收件人（密文）"))
    recipient_masked = models.CharField(_("收件人"), max_length=64)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    # Verification codes must not sit readable in the log: their text is blanked after sending.
    sensitive = models.BooleanField(_("含验证码"), default=False)
    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Makes "notify once per event and recipient" idempotent when a signal or task runs twice.
    dedupe_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    status = models.CharField(_("状态"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    gateway_id = models.CharField(_("网关消息号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="notify_delivery_status_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient_masked} ({self.get_status_display()})"
