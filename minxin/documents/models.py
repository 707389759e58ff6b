"""Official documents issued on a case, and the per-unit 文号 counters."""

import json
import secrets

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from minxin.core import crypto
from minxin.documents.kinds import DocumentKind


class DocumentSequence(models.Model):
    """The last 文号 sequence number a unit used for one family in one year.

    Claimed with SELECT … FOR UPDATE in the same transaction that inserts the
    Document, so concurrent issuers queue on the row and a rolled-back issue
    takes its increment with it: numbers are unique and gapless.
    """

    unit = models.ForeignKey("org.Unit", verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    family = models.CharField(_("机关代字"), max_length=16)
    last_seq = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "family"], name="documents_sequence_unique")]

    def __str__(self):
        return f"{self.unit} {self.family}〔{self.year}〕{self.last_seq}"


def document_upload_to(instance: "Document", filename: str) -> str:
    # No personal data in the path; the random suffix keeps a re-issued number
    # from colliding with a file left behind by a rolled-back transaction.
    unit_code = slugify(instance.unit.code) or str(instance.unit_id)
    return f"documents/{instance.year}/{unit_code}/{instance.kind}-{instance.seq:05d}-{secrets.token_hex(6)}.docx"


class Document(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书种类"), max_length=24, choices=DocumentKind.choices)
    family = models.CharField(_("机关代字"), max_length=16)
    number = models.CharField(_("文号"), max_length=80)
    year = models.PositiveSmallIntegerField(_("年份"))
    seq = models.PositiveIntegerField(_("序号"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="issued_documents")
    issued_by = models.ForeignKey(
        "org.Staff", verbose_name=_("签发人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("系统自动出具时为空"),
    )
    issued_at = models.DateTimeField(_("出具时间"))
    addressed_to_petitioner = models.BooleanField(_("致信访人"), default=True, help_text=_("信访人可通过查询端下载"))
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("文件"), upload_to=document_upload_to, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The fields rendered, with the petitioner's name masked; the exact name is in
    # personal_enc (encrypted like Petitioner fields), see full_context().
    context = models.JSONField(_("文书内容"), default=dict)
    personal_enc = models.TextField(_("个人信息（密文）"), blank=True)
    # Art. 35/36: the 30-day 复查/复核 window runs from receipt of the written reply.
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["case_id", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "family", "seq"], name="documents_number_unique"),
        ]
        indexes = [models.Index(fields=["case", "kind"], name="documents_case_kind_idx")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def full_context(self) -> dict:
        """The context exactly as rendered, personal fields decrypted."""
        personal = json.loads(crypto.decrypt(self.personal_enc)) if self.personal_enc else {}
        return {**self.context, **personal}
