"""Registry of trained text classifiers; the artifacts themselves are files under MEDIA_ROOT/models/."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClassifierModel(models.Model):
    name = models.CharField(_("模型名称"), max_length=64, help_text=_("所预测的标签，例如 category、domain"))
    version = models.PositiveIntegerField(_("版本"))
    labels = models.JSONField(_("标签集合"), default=list)
    metrics = models.JSONField(_("评估指标"), default=dict)
    params = models.JSONField(_("训练参数"), default=dict)
    created_at = models.DateTimeField(_("训练时间"))
    created_by = models.ForeignKey(
        "org.Staff", verbose_name=_("训练人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=False)
    file_path = models.CharField(_("模型文件"), max_length=500, help_text=_("相对于 MEDIA_ROOT 的路径"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"))

    class Meta:
        verbose_name = _("文本分类模型")
        verbose_name_plural = _("文本分类模型")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="intake_classifier_name_version_unique"),
            # Suggestions must come from exactly one model per name; the database enforces it.
            models.UniqueConstraint(fields=["name"], condition=Q(is_active=True), name="intake_classifier_one_active_per_name"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


# Duplicate and repeat detection, 诉访分离 hints, escalation signals, registrar feedback
# (owned by minxin.intake.duplicates / hints / escalation / suggest).


class CaseTextSignature(models.Model):
    """One row per indexed case: its shingle set for exact verification and its anchors (places, parties, numbers)."""

    case = models.OneToOneField("cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+")
    scheme = models.CharField(max_length=32, help_text=_("签名参数版本；参数变化后由 intake reindex 重建"))
    text_hash = models.CharField(max_length=32, help_text=_("规范化文本的摘要；文本未变则不重建"))
    # Sorted unique uint32 shingle hashes, little-endian: ~4 bytes per distinct character bigram.
    shingles = models.BinaryField()
    anchors = models.TextField(blank=True, help_text=_("地点、单位名称|…#数字|…"))
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("文本签名")
        verbose_name_plural = _("文本签名")


class CaseLshBand(models.Model):
    """LSH band hashes: finding candidates for a new text is one indexed lookup per band.

    The composite primary key (band, hash, case) is the only index: lookups by
    (band, hash) read case ids straight from it, newest first.
    """

    pk = models.CompositePrimaryKey("band", "hash", "case")
    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("LSH 分段哈希")
        verbose_name_plural = _("LSH 分段哈希")


class AnchorFrequency(models.Model):
    """How many indexed cases carry an anchor; the empty anchor counts the indexed cases themselves."""

    MAX_LENGTH = 64
    anchor = models.CharField(max_length=MAX_LENGTH, primary_key=True)
    cases = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("锚点出现次数")
        verbose_name_plural = _("锚点出现次数")


class HintRoute(models.TextChoices):
    # Values match minxin.cases.services.handling.Route (第三十一条 routes (一)–(五)).
    LITIGATION = "litigation", _("（一）诉讼、复议、检察、公安程序")
    ARBITRATION = "arbitration", _("（二）仲裁")
    PARTY_APPEAL = "party_appeal", _("（三）党员申诉、申请复审")
    ADMINISTRATIVE = "administrative", _("（四）行政复议、裁决、确认、许可、处罚等行政程序")
    PERFORM_DUTY = "perform_duty", _("（五）依法履行职责或者答复")


class HintPhrase(models.Model):
    """诉访分离 lexicon: a phrase that points to a statutory route other than 信访."""

    phrase = models.CharField(_("词语"), max_length=32, unique=True)
    route = models.CharField(_("法定途径"), max_length=20, choices=HintRoute.choices)
    channel = models.CharField(_("途径名称"), max_length=16, help_text=_("显示给登记员的途径，例如 诉讼、仲裁、行政复议、公安"))
    weight = models.FloatField(_("权重"), default=1.0)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("诉访分离词语")
        verbose_name_plural = _("诉访分离词库")
        ordering = ["route", "phrase"]

    def __str__(self):
        return self.phrase


class EscalationCategory(models.TextChoices):
    SELF_HARM = "self_harm", _("自伤自残、轻生")
    EXTREME = "extreme", _("极端行为、报复")
    GATHERING = "gathering", _("聚集、串联")
    BLOCKING = "blocking", _("堵路、堵门、围堵")
    WAGE_ARREARS = "wage_arrears", _("群体欠薪")
    ESCALATE_VISIT = "escalate_visit", _("越级进京赴省")
    PUBLICITY = "publicity", _("网络炒作、媒体曝光")


class EscalationPhrase(models.Model):
    """Danger-signal lexicon; weights add up to a level (see minxin.intake.escalation)."""

    phrase = models.CharField(_("词语"), max_length=32, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=EscalationCategory.choices)
    weight = models.FloatField(_("权重"), default=1.0, help_text=_("单个词语的分值；合计≥3 为高，≥1.5 为中，>0 为低"))
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("风险信号词语")
        verbose_name_plural = _("风险信号词库")
        ordering = ["category", "phrase"]

    def __str__(self):
        return self.phrase


class SuggestionFeedback(models.Model):
    """What was suggested at registration and what the registrar chose: accuracy in use, and training labels."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("建议类型"), max_length=20, help_text=_("category、domain、unit、route、duplicate 等"))
    suggested = models.CharField(_("建议值"), max_length=64, blank=True)
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    alternatives = models.JSONField(_("其他候选"), default=list, blank=True)
    chosen = models.CharField(_("登记员选择"), max_length=64, blank=True)
    accepted = models.BooleanField(_("采纳建议"))
    model_name = models.CharField(max_length=64, blank=True)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    staff = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("建议采纳记录")
        verbose_name_plural = _("建议采纳记录")
        indexes = [models.Index(fields=["kind", "at"], name="intake_feedback_kind_at")]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="intake_feedback_case_kind_unique")]
