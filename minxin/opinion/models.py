"""Public-opinion items (舆情) from the city's own monitoring feed, their matches and their audit.

Items arrive by API or Excel only (no crawling): the services in minxin.opinion.services are
the only writers. A re-sent item is recognised by its dedup key and not stored twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Case, Domain
from minxin.org.models import Area, Staff, Unit
from minxin.risk.models import DisputeEntry


class OpinionItem(models.Model):
    source = models.CharField(_("来源"), max_length=64, help_text=_("监测服务名称或平台，如“某舆情监测平台/微博”"))
    published_at = models.DateTimeField(_("发布时间"))
    text = models.TextField(_("内容"))
    # Shown as a link for staff to open themselves; the platform never fetches it.
    link = models.URLField(_("原文链接"), max_length=500, blank=True)
    heat = models.PositiveIntegerField(_("热度"), default=0)
    area = models.ForeignKey(Area, verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # True when the area was found from place names in the text rather than sent by the feed.
    area_inferred = models.BooleanField(_("区域由地名推断"), default=False)
    domain = models.ForeignKey(Domain, verbose_name=_("领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    domain_inferred = models.BooleanField(_("领域由模型推断"), default=False)
    # The bureau whose feed (token or import) brought the item: an item with no area is that bureau's.
    unit = models.ForeignKey(Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("接收时间"))
    received_by = models.ForeignKey(Staff, verbose_name=_("接收账号"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(_("接收方式"), max_length=8, default="api")  # api | excel
    dedup_key = models.CharField(_("去重键"), max_length=64, unique=True, editable=False)
    matched_at = models.DateTimeField(_("比对时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("舆情信息")
        verbose_name_plural = _("舆情信息")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["area", "published_at"], name="opinion_item_area_idx")]

    def __str__(self):
        return f"{self.source} {self.text[:30]}"


class MatchKind(models.TextChoices):
    CASE = "case", _("信访事项")
    ENTRY = "entry", _("矛盾纠纷")
    HOTSPOT = "hotspot", _("热点")


class OpinionMatch(models.Model):
    """One case, ledger entry or current hotspot an item may be about, with score and reasons."""

    item = models.ForeignKey(OpinionItem, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(_("类型"), max_length=8, choices=MatchKind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(DisputeEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Hotspots are computed, not stored: the topic's title and keywords at matching time.
    label = models.CharField(_("名称"), max_length=200, blank=True)
    score = models.FloatField(_("得分"))
    reasons = models.JSONField(_("理由"), default=list, blank=True)

    class Meta:
        verbose_name = _("舆情比对结果")
        verbose_name_plural = _("舆情比对结果")
        ordering = ["item_id", "kind", "-score", "pk"]


class OpinionEvent(models.Model):
    """Audit: every intake, rejection of a batch, rematch and alert raised, who and when."""

    at = models.DateTimeField()
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    item = models.ForeignKey(OpinionItem, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("舆情操作记录")
        verbose_name_plural = _("舆情操作记录")
        ordering = ["at", "pk"]
