"""Online submissions (网上信访) waiting for registration, their attachments, the
real-name rules, SMS verification codes and appeal requests made through the portal.

Personal data is encrypted like Petitioner (core.crypto) with masked copies for lists.
"""

import os
import secrets

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Category
from minxin.core import crypto
from minxin.core.personal import EncryptedPersonFields

# No 0/O, 1/I/L: codes are read out over the phone and typed on small keyboards.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 14  # 31**14 ≈ 7.6e20 codes: unguessable even before throttling


def new_query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class PortalStorage(FileSystemStorage):
    """MEDIA_ROOT/portal/, outside every web root; files are served only by a checked view.

    Follows MEDIA_ROOT when it changes (FileSystemStorage clears base_location on setting_changed).
    """

    @cached_property
    def base_location(self):
        from django.conf import settings

        return os.path.join(settings.MEDIA_ROOT, "portal")


portal_storage = PortalStorage()


def _attachment_path(instance, filename):
    # The uploader's file name is never used on disk (it may be hostile or identifying).
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[instance.content_type]
    return f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{ext}"


class RealNameRule(models.Model):
    """Per category: what an online submitter must give. Edited by administrators."""

    category = models.CharField(_("信访类别"), max_length=12, choices=Category.choices, unique=True)
    require_name = models.BooleanField(_("须填写姓名和住址"), default=True)
    require_id_number = models.BooleanField(_("须填写身份证号"), default=True)
    require_verified_phone = models.BooleanField(_("须验证手机号"), default=True)
    allow_anonymous = models.BooleanField(_("允许匿名"), default=False)

    class Meta:
        verbose_name = _("实名规则")
        verbose_name_plural = _("实名规则")
        ordering = ["category"]

    def __str__(self):
        return self.get_category_display()


class SubmissionState(models.TextChoices):
    PENDING = "pending", _("待登记")
    REGISTERED = "registered", _("已登记")
    REFUSED = "refused", _("不予登记")


class Submission(EncryptedPersonFields, models.Model):
    code = models.CharField(_("查询码"), max_length=20, unique=True, default=new_query_code)
    category = models.CharField(_("信访类别"), max_length=12, choices=Category.choices)
    subject = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("事实和经过"))
    request = models.TextField(_("请求事项"))
    reasons = models.TextField(_("理由"), blank=True)
    area = models.ForeignKey("org.Area", verbose_name=_("问题发生地"), on_delete=models.PROTECT, related_name="+")
    # As the petitioner wrote them; the registrar picks the unit (第三十条第三款 then applies to the case).
    accused_unit_name = models.CharField(_("被检举控告的单位"), max_length=100, blank=True)
    accused_person = models.CharField(_("被检举控告的人员"), max_length=64, blank=True)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    name_enc = models.TextField(blank=True)
    id_number_enc = models.TextField(blank=True)
    phone_enc = models.TextField(blank=True)
    address_enc = models.TextField(blank=True)
    email_enc = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    name_masked = models.CharField(_("姓名"), max_length=32, blank=True)
    phone_masked = models.CharField(_("电话"), max_length=16, blank=True)
    id_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=SubmissionState.choices, default=SubmissionState.PENDING)
    refusal_reason = models.TextField(_("不予登记理由"), blank=True)
    case = models.OneToOneField("cases.Case", verbose_name=_("信访事项"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="portal_submission")
    decided_by = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("网上信访提交")
        verbose_name_plural = _("网上信访提交")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="portal_sub_state_idx")]

    def __str__(self):
        return f"{self.code[:4]}… {self.subject}"


    @property
    def email(self) -> str:
        return crypto.decrypt(self.email_enc)


class Attachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=portal_storage, upload_to=_attachment_path, max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Shown to staff only, cleaned of path separators and control characters.
    original_name = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class PhoneCode(models.Model):
    """One SMS verification code: stored as a keyed hash, single use, short-lived."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_hash", "purpose", "created_at"], name="portal_code_idx")]


class AppealKind(models.TextChoices):
    REVIEW = "review", _("复查")
    RECHECK = "recheck", _("复核")


class AppealState(models.TextChoices):
    PENDING = "pending", _("待登记")
    RECORDED = "recorded", _("已登记")
    REJECTED = "rejected", _("未予登记")


class AppealRequest(models.Model):
    """A 复查/复核 request made on the portal, dated when the petitioner made it.

    The lifecycle services accept appeal requests only from staff, so a registrar of the
    registering bureau records it with `requested_on` = the portal date (Art. 35/36 windows).
    """

    # The case is what is appealed; the submission is set when the case came from the portal
    # (cases registered at the desk, by letter or call are followed online too).
    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), on_delete=models.PROTECT, related_name="portal_appeals")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("申请类型"), max_length=8, choices=AppealKind.choices)
    request = models.TextField(_("请求事项和理由"))
    requested_on = models.DateField(_("申请日期"))
    created_at = models.DateTimeField()
    state = models.CharField(_("状态"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING)
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("复查/复核申请（网上）")
        verbose_name_plural = _("复查/复核申请（网上）")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], condition=models.Q(state="pending"), name="portal_one_pending_appeal")
        ]


class ThrottleCounter(models.Model):
    """One fixed-window counter of minxin.portal.throttle (the database store, the default).

    Shared by every web process and kept across restarts, unlike a per-process cache; the key
    holds a keyed hash of the subject (address, phone, 查询码), never the subject itself.
    """

    key = models.CharField(max_length=96, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")
