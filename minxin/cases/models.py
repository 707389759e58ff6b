"""Petitioners, cases (信访事项), their routing history and the audit trail."""

import os
import secrets

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from minxin.core import crypto
from minxin.core.personal import EncryptedPersonFields
from minxin.cases.searchdoc import SearchDocumentField
from minxin.org.models import Area, Staff, Unit


class Channel(models.TextChoices):
    ONLINE = "online", _("网上信访")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    FAX = "fax", _("传真")


class Category(models.TextChoices):
    SUGGESTION = "suggestion", _("建议意见")
    ACCUSATION = "accusation", _("检举控告")
    COMPLAINT = "complaint", _("申诉求决")


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    TRANSFERRED = "transferred", _("已转送")
    ASSIGNED = "assigned", _("已交办")
    OBJECTED = "objected", _("异议待核")
    DISPUTED = "disputed", _("管辖待定")
    ACCEPTED = "accepted", _("办理中")
    REPORTED = "reported", _("办结报告待审")
    OPINION_ISSUED = "opinion_issued", _("已出具处理意见")
    REFERRED = "referred", _("已导入法定途径")
    REVIEW_REQUESTED = "review_requested", _("复查中")
    REVIEW_DECIDED = "review_decided", _("已出具复查意见")
    RECHECK_REQUESTED = "recheck_requested", _("复核中")
    CLOSED = "closed", _("已办结")
    FINAL = "final", _("复核终结")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    NOT_REACCEPTED = "not_reaccepted", _("不再受理")


OPEN_STATES = frozenset(
    {
        CaseState.REGISTERED,
        CaseState.TRANSFERRED,
        CaseState.ASSIGNED,
        CaseState.OBJECTED,
        CaseState.DISPUTED,
        CaseState.ACCEPTED,
        CaseState.REPORTED,
        CaseState.REVIEW_REQUESTED,
        CaseState.RECHECK_REQUESTED,
    }
)


class Domain(models.Model):
    """Subject domain (房地产, 金融, …): data an administrator edits, not code."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    is_key = models.BooleanField(_("重点领域"), default=False, help_text=_("矛盾纠纷排查的重点领域"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("领域")
        verbose_name_plural = _("领域")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Petitioner(EncryptedPersonFields, models.Model):
    """A 信访人. Name, ID number, phone and address are encrypted; lookups use blind indexes."""

    name_enc = models.TextField(_("姓名（密文）"))
    id_number_enc = models.TextField(_("身份证号（密文）"), blank=True)
    phone_enc = models.TextField(_("电话（密文）"), blank=True)
    address_enc = models.TextField(_("住址（密文）"), blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Blind index of the full name (whitespace removed), for the staff search box: exact match only.
    name_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Masked copies for lists and exports, so screens never need to decrypt.
    name_masked = models.CharField(_("姓名"), max_length=32)
    id_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone_masked = models.CharField(_("电话"), max_length=16, blank=True)
    nationality = models.CharField(_("国籍"), max_length=32, default="中国", blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")

    def __str__(self):
        return self.name_masked


class PetitionerContactHistory(models.Model):
    """Contact details a 信访人 had before a later registration brought newer ones (same ID number).

    Encrypted like the petitioner's own fields; the petitioner row always holds the newest, which
    is where notices go.
    """

    petitioner = models.ForeignKey(Petitioner, verbose_name=_("信访人"), on_delete=models.CASCADE, related_name="contact_history")
    name_enc = models.TextField(_("原姓名（密文）"))
    phone_enc = models.TextField(_("原电话（密文）"), blank=True)
    address_enc = models.TextField(_("原住址（密文）"), blank=True)
    name_masked = models.CharField(_("原姓名"), max_length=32)
    phone_masked = models.CharField(_("原电话"), max_length=16, blank=True)
    replaced_at = models.DateTimeField(_("更新时间"))
    replaced_by = models.ForeignKey(Staff, verbose_name=_("更新人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("Case", verbose_name=_("带来新信息的信访事项"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        verbose_name = _("信访人联系方式变更记录")
        verbose_name_plural = _("信访人联系方式变更记录")
        ordering = ["-replaced_at", "-pk"]

    @property
    def name(self) -> str:
        return crypto.decrypt(self.name_enc)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    @property
    def address(self) -> str:
        return crypto.decrypt(self.address_enc)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, staff):
        from minxin.org.scoping import case_visibility

        q = case_visibility(staff, case_model=self.model)
        # Pages, lists and the API never show the search document (a few KB a case): not read.
        return self.none() if q is None else self.filter(q).defer("search_document")

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Case(models.Model):
    number = models.CharField(_("信访件编号"), max_length=48, unique=True)
    # Unguessable code the petitioner uses to follow the case (Art. 21).
    query_code = models.CharField(_("查询码"), max_length=16, unique=True)
    channel = models.CharField(_("信访形式"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("信访类别"), max_length=12, choices=Category.choices)
    domain = models.ForeignKey(Domain, verbose_name=_("领域"), null=True, blank=True, on_delete=models.PROTECT)
    subject = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("信访内容"))
    request = models.TextField(_("诉求"), blank=True)
    facts = models.TextField(_("事实和理由"), blank=True)
    # Art. 19 lists 请求、事实、理由 separately; `facts` keeps its old name for loaders.
    reasons = models.TextField(_("理由"), blank=True)
    is_anonymous = models.BooleanField(_("匿名检举控告"), default=False)
    area = models.ForeignKey(Area, verbose_name=_("问题属地"), on_delete=models.PROTECT, related_name="cases")
    received_at = models.DateTimeField(_("收到时间"))
    registered_at = models.DateTimeField(_("登记时间"))
    registering_unit = models.ForeignKey(
        Unit, verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="registered_cases"
    )
    registered_by = models.ForeignKey(Staff, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.REGISTERED)
    current_unit = models.ForeignKey(
        Unit, verbose_name=_("当前办理单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="current_cases"
    )
    route = models.CharField(_("分类处理途径"), max_length=24, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=24, blank=True)
    is_litigation = models.BooleanField(_("涉法涉诉"), default=False)
    is_urgent = models.BooleanField(_("重大紧急"), default=False)
    is_collective = models.BooleanField(_("集体访"), default=False)
    people_count = models.PositiveIntegerField(_("涉及人数"), default=1)
    # Art. 30(3): the accused never sees the accusation.
    accused_unit = models.ForeignKey(
        Unit, verbose_name=_("被反映单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accused_staff = models.ForeignKey(
        Staff, verbose_name=_("被反映人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A named person who is not one of our staff (or not found among the accused unit's staff).
    accused_name = models.CharField(_("被反映人员姓名"), max_length=64, blank=True)
    next_due_on = models.DateField(_("最近期限"), null=True, blank=True)
    # Lifecycle projection kept by minxin.cases.services (the events hold the history).
    dispatch_kind = models.CharField(_("流转方式"), max_length=12, blank=True, help_text=_("transfer=转送，assign=交办"))
    dispatching_unit = models.ForeignKey(
        Unit, verbose_name=_("转送/交办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_days = models.PositiveSmallIntegerField(_("指定办理期限（日）"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    # The body whose latest written decision may be challenged next: the opinion unit
    # (复查 goes to its 上一级, Art. 35), then the 复查 body (复核 to its 上一级, Art. 36).
    decision_unit = models.ForeignKey(
        Unit, verbose_name=_("作出意见的单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_delivered_on = models.DateField(_("意见送达日"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("已延期天数"), default=0)
    hearing_since = models.DateField(_("听证开始日"), null=True, blank=True)
    pre_report_state = models.CharField(max_length=20, blank=True)
    # Earlier case this one repeats (Art. 19 §3 duplicate, Art. 36 §3 不再受理).
    related_case = models.ForeignKey(
        "self", verbose_name=_("关联信访件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    petitioners = models.ManyToManyField(Petitioner, through="CaseParty", related_name="cases")
    # Optimistic lock: every transition compares and bumps it.
    version = models.PositiveIntegerField(default=1)
    # Hash of the newest CaseEvent, so deleting the tail of the chain is detectable.
    audit_head = models.CharField(max_length=64, blank=True)
    # Character bigrams of number, subject, place, units and content (cases/searchdoc.py);
    # tsvector + GIN on PostgreSQL. Kept on every write, never holds petitioners' personal data.
    search_document = SearchDocumentField()

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["current_unit", "state", "next_due_on"], name="cases_inbox_idx"),
            models.Index(fields=["area", "received_at"], name="cases_area_time_idx"),
            models.Index(fields=["state", "next_due_on"], name="cases_due_idx"),
            models.Index(fields=["received_at"], name="cases_received_idx"),
            # The order of every case list (queries.by_due_date) and its keyset cursor: a list of all
            # visible cases walks this index from the cursor instead of sorting the table.
            models.Index(fields=["next_due_on", "received_at", "id"], name="cases_due_order_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="parties")
    is_representative = models.BooleanField(_("代表"), default=False)

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")
        constraints = [models.UniqueConstraint(fields=["case", "petitioner"], name="cases_party_unique")]


class CaseRouting(models.Model):
    """Every unit a case has been routed to; grants that unit sight of the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="routings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="routings")
    kind = models.CharField(_("方式"), max_length=20)
    at = models.DateTimeField(_("时间"))
    from_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        indexes = [models.Index(fields=["unit", "case"], name="cases_routing_unit_idx")]


class CaseEvent(models.Model):
    """Append-only, hash-chained audit of everything that happened to a case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # Which MINXIN_AUDIT_KEY sealed `hash` (see minxin.core.sealing); "" = an unkeyed legacy hash.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="cases_event_seq_unique")]


class CaseNumberSequence(models.Model):
    """Per registering unit and year; the row lock makes numbering safe under concurrency."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="cases_numberseq_unique")]


class JurisdictionDispute(models.Model):
    """Art. 24: several bodies concerned and no agreement; the common 上一级 decides."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disputes")
    units = models.ManyToManyField(Unit, related_name="+")
    arbiter = models.ForeignKey(Unit, verbose_name=_("决定单位"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("争议理由"))
    opened_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    prior_state = models.CharField(max_length=20)
    settled_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("管辖争议")
        verbose_name_plural = _("管辖争议")


class CaseFileStorage(FileSystemStorage):
    """MEDIA_ROOT/cases/, outside every web root; files are served only by a permission-checked view.

    Follows MEDIA_ROOT when it changes (tests point it at a temporary folder).
    """

    @cached_property
    def base_location(self):
        from django.conf import settings

        return os.path.join(settings.MEDIA_ROOT, "cases")


case_file_storage = CaseFileStorage()

ATTACHMENT_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def _case_attachment_path(instance, filename):
    # The uploader's file name is never used on disk (it may be hostile or identifying).
    from minxin.core import clock

    return f"{clock.today().year}/{secrets.token_urlsafe(24)}.{ATTACHMENT_EXTENSIONS[instance.content_type]}"


class AttachmentKind(models.TextChoices):
    LETTER_SCAN = "letter_scan", _("来信扫描件")
    EVIDENCE = "evidence", _("证明材料")
    OTHER = "other", _("其他材料")


class CaseAttachment(models.Model):
    """A file received with a case at the desk (e.g. the scanned pages of a letter)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_attachments")
    kind = models.CharField(_("类别"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.LETTER_SCAN)
    file = models.FileField(storage=case_file_storage, upload_to=_case_attachment_path, max_length=120)
    original_name = models.CharField(_("原文件名"), max_length=120, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(Staff, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("信访件附件")
        verbose_name_plural = _("信访件附件")
        ordering = ["case_id", "pk"]
