"""The official document kinds, their 文号 patterns and the context each one needs.

One 文号 pattern for every unit and kind: {机关代字}{文书代字}〔{年}〕{序号}号, e.g.
东信受告〔2026〕3号. The 机关代字 is data on the issuing unit (Unit.doc_code, edited
in the admin); the 文书代字 is the kind's `family` (e.g. 信受告), which is also the
key of its sequence: a 文号 sequence runs per (issuing unit, year, 文书代字) — the way
a 机关 numbers 发文字号. Two kinds could share one sequence by giving them the same
family; today each kind has its own.

Dates a document states about a time limit are never typed by a caller: `clocks`
names, for each such field, the case clock (minxin.rules CaseDeadline code) whose
due day issue_document prints there.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理告知书")
    NON_ACCEPTANCE = "non_acceptance", _("不予受理告知书")
    TRANSFER = "transfer", _("转送单")
    ASSIGNMENT = "assignment", _("交办单")
    EXTENSION = "extension", _("延期告知书")
    OPINION = "opinion", _("信访处理意见书")
    REVIEW_OPINION = "review_opinion", _("复查意见书")
    RECHECK_OPINION = "recheck_opinion", _("复核意见书")
    NOT_REACCEPTED = "not_reaccepted", _("不再受理告知书")
    COMPLETION_REPORT = "completion_report", _("办结报告")
    SUPERVISION = "supervision", _("督办函")


class OpinionOutcome(models.TextChoices):
    """Art. 32: the three possible conclusions of a 信访处理意见书."""

    SUPPORT = "support", _("予以支持")
    EXPLAIN = "explain", _("解释说明")
    REJECT = "reject", _("不予支持")


# Chinese spellings a caller may pass instead of the value.
OUTCOME_ALIASES = {
    "支持": OpinionOutcome.SUPPORT,
    "予以支持": OpinionOutcome.SUPPORT,
    "解释说明": OpinionOutcome.EXPLAIN,
    "作出解释说明": OpinionOutcome.EXPLAIN,
    "不予支持": OpinionOutcome.REJECT,
}

# Labels used in "missing field" messages; a kind may override one (see KindSpec.labels).
FIELD_LABELS = {
    "addressee": _("主送对象"),
    "received_on": _("反映日期"),
    "accepted_on": _("受理日期"),
    "requested_on": _("请求日期"),
    "matter": _("反映的问题"),
    "grounds": _("理由"),
    "legal_basis": _("法律法规依据"),
    "guidance": _("处理途径"),
    "summary": _("事项概况"),
    "due_on": _("办理期限"),
    "reason": _("延期理由"),
    "new_due_on": _("延期后的办结期限"),
    "request": _("投诉请求"),
    "facts": _("事实和理由"),
    "opinion": _("处理意见"),
    "outcome": _("处理结论（支持/解释说明/不予支持）"),
    "review_body": _("复查机关"),
    "recheck_body": _("复核机关"),
    "original_document": _("原意见书文号"),
    "original_issuer": _("原出具机关"),
    "prior_document": _("复核意见书文号"),
    "assignment_document": _("交办单文号"),
    "process": _("办理过程"),
    "result": _("办理结果"),
    "feedback": _("信访人意见"),
    "requirements": _("办理要求"),
    "petitioner": _("信访人"),
    "query_code": _("查询码"),
    "cc": _("抄送"),
    "notice_due_on": _("告知信访人期限"),
    "objection_due_on": _("提出异议期限"),
}

DATE_FIELDS = frozenset({"received_on", "accepted_on", "requested_on", "due_on", "new_due_on", "notice_due_on", "objection_due_on"})

# Optional on every letter to the petitioner: issue_document fills it from the case.
PETITIONER_FIELDS = ("query_code",)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    title: str
    family: str  # sequence key, also the 机关代字 shown in the 文号
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Letters to the petitioner (告知书, 意见书) may later be downloaded through the portal;
    # internal papers between bodies (转送单, 办结报告, 督办函) may not.
    petitioner_facing: bool = True
    labels: dict = field(default_factory=dict)
    # field -> code of the case clock whose due day is printed in that field.
    clocks: dict = field(default_factory=dict)

    def number(self, *, unit_code: str, year: int, seq: int) -> str:
        """{机关代字}{文书代字}〔{year}〕{n}号"""
        return f"{unit_code}{self.family}〔{year}〕{seq}号"

    def label(self, key: str) -> str:
        return str(self.labels.get(key) or FIELD_LABELS.get(key, key))


SPECS: dict[str, KindSpec] = {
    s.kind: s
    for s in [
        KindSpec(
            DocumentKind.ACCEPTANCE, "信访事项受理告知书", "信受告",
            required=("addressee", "received_on", "matter"),
            optional=("accepted_on", "due_on"),
            labels={"due_on": _("办结期限")},
            clocks={"due_on": "handle_60d"},
        ),
        KindSpec(
            DocumentKind.NON_ACCEPTANCE, "信访事项不予受理告知书", "信不受告",
            required=("addressee", "received_on", "matter", "grounds", "legal_basis"),
            optional=("guidance",),
            labels={"grounds": _("不予受理的理由"), "legal_basis": _("不予受理的法律法规依据")},
        ),
        KindSpec(
            DocumentKind.TRANSFER, "信访事项转送单", "信转",
            required=("addressee", "summary", "objection_due_on"),
            optional=("petitioner", "matter", "requirements", "notice_due_on"),
            petitioner_facing=False,
            labels={"addressee": _("接收单位")},
            clocks={"notice_due_on": "accept_notice_15d", "objection_due_on": "objection_5wd"},
        ),
        KindSpec(
            DocumentKind.ASSIGNMENT, "信访事项交办单", "信交",
            required=("addressee", "summary", "due_on", "objection_due_on"),
            optional=("petitioner", "matter", "requirements", "notice_due_on"),
            petitioner_facing=False,
            labels={"addressee": _("承办单位"), "due_on": _("指定办理期限")},
            clocks={"due_on": "assigned_report", "notice_due_on": "accept_notice_15d", "objection_due_on": "objection_5wd"},
        ),
        KindSpec(
            DocumentKind.EXTENSION, "信访事项延期办理告知书", "信延告",
            required=("addressee", "matter", "reason", "new_due_on"),
            optional=("received_on", "accepted_on"),
            clocks={"new_due_on": "handle_60d"},
        ),
        KindSpec(
            DocumentKind.OPINION, "信访事项处理意见书", "信处意",
            required=("addressee", "request", "facts", "opinion", "legal_basis", "outcome", "review_body"),
            optional=("received_on", "matter"),
            labels={"opinion": _("处理意见"), "legal_basis": _("处理意见的法律法规依据")},
        ),
        KindSpec(
            DocumentKind.REVIEW_OPINION, "信访事项复查意见书", "信复查",
            required=("addressee", "original_document", "request", "facts", "opinion", "legal_basis", "recheck_body"),
            optional=("original_issuer", "requested_on"),
            labels={
                "request": _("复查请求"), "opinion": _("复查意见"), "original_document": _("原处理意见书文号"),
                "legal_basis": _("复查意见的法律法规依据"),
            },
        ),
        KindSpec(
            DocumentKind.RECHECK_OPINION, "信访事项复核意见书", "信复核",
            required=("addressee", "original_document", "request", "facts", "opinion", "legal_basis"),
            optional=("original_issuer", "requested_on"),
            labels={
                "request": _("复核请求"), "opinion": _("复核意见"), "original_document": _("复查意见书文号"),
                "legal_basis": _("复核意见的法律法规依据"),
            },
        ),
        KindSpec(
            DocumentKind.NOT_REACCEPTED, "信访事项不再受理告知书", "信不再受告",
            required=("addressee", "matter", "grounds", "legal_basis"),
            optional=("received_on", "prior_document"),
            labels={"grounds": _("不再受理的理由"), "legal_basis": _("不再受理的法律法规依据")},
        ),
        KindSpec(
            DocumentKind.COMPLETION_REPORT, "信访事项办结报告", "信办结",
            required=("addressee", "summary", "process", "result"),
            optional=("assignment_document", "petitioner", "matter", "feedback"),
            petitioner_facing=False,
            labels={"addressee": _("交办机关")},
        ),
        KindSpec(
            DocumentKind.SUPERVISION, "信访事项督办函", "信督",
            required=("addressee", "summary", "reason", "due_on"),
            optional=("requirements",),
            petitioner_facing=False,
            labels={"addressee": _("被督办单位"), "reason": _("督办事由"), "due_on": _("反馈期限"), "requirements": _("督办要求")},
        ),
    ]
}


def spec_for(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        from minxin.core.errors import ValidationFailed

        raise ValidationFailed(_("未知的文书种类：%(kind)s") % {"kind": kind}, fields={"kind": _("未知种类")}) from None
