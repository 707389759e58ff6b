"""Exchange format of urgent reports (重大紧急信息报告) for the provincial/national 信访信息系统.

One field table per record type gives, for every field, its JSON key, its Excel column and
how it is read from our models, so the JSON (API: GET /api/v1/upward/exchange) and the Excel
workbook (kind "upward" in minxin.exchange.kinds, `manage.py export upward OUT.xlsx`) carry
the same fields under the same names; the README lists the mapping. Reports link the cases
they cite; those cases go along with their petitioners, masked unless the export is full and
the actor may see that case's identities (exchange.policies.shows_identity, as for cases).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import Case, CaseParty, CaseState, Category, Channel
from minxin.core import clock
from minxin.exchange import policies
from minxin.exchange.sheets import Column, Sheet, Writer, local
from minxin.rules.timelimits import is_overdue
from minxin.upward.models import Delivery, Instruction, Report
from minxin.upward.services import matters_visible_to

FORMAT = "minxin.upward/1"


@dataclass(frozen=True)
class Field:
    key: str  # JSON key
    header: str  # Excel column
    get: Callable
    kind: str = "text"


def _iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def report_code(r: Report) -> str:
    """Stable across exports: reporting unit code, matter, sequence (e.g. B-EAST-12-2)."""
    return f"{r.unit.code}-{r.matter_id}-{r.sequence}"


REPORT_FIELDS = (
    Field("report_code", "报告编号", report_code),
    Field("matter_title", "事项名称", lambda r: r.matter.title),
    Field("gravity", "性质", lambda r: r.matter.get_gravity_display()),
    Field("kind", "报告类型", lambda r: r.get_kind_display()),
    Field("sequence", "第几报", lambda r: r.sequence, "int"),
    Field("title", "标题", lambda r: r.title),
    Field("occurred_at", "发生时间", lambda r: r.occurred_at, "datetime"),
    Field("location", "地点", lambda r: r.location),
    Field("area_code", "区划代码", lambda r: r.matter.area.code),
    Field("people_count", "涉及人数", lambda r: r.people_count, "int"),
    Field("demands", "主要诉求", lambda r: r.demands),
    Field("development", "事态发展", lambda r: r.development),
    Field("measures", "已采取的措施", lambda r: r.measures),
    Field("suggestions", "下一步工作建议", lambda r: r.suggestions),
    Field("unit_code", "报告单位编码", lambda r: r.unit.code),
    Field("unit_name", "报告单位", lambda r: r.unit.name),
    Field("contact_name", "联系人", lambda r: r.contact_name),
    Field("contact_phone", "联系电话", lambda r: r.contact_phone),
    Field("approved_by", "签发人", lambda r: r.approved_by.display_name if r.approved_by_id else ""),
    Field("approved_at", "签发时间", lambda r: r.approved_at, "datetime"),
    Field("sent_at", "报送时间", lambda r: r.sent_at, "datetime"),
    Field("due_at", "报送时限", lambda r: r.due_at, "datetime"),
    Field("state", "状态", lambda r: r.get_state_display()),
    Field("case_numbers", "关联信访件编号", lambda r: [c.number for c in r.cases.all()]),
)

DELIVERY_FIELDS = (
    Field("report_code", "报告编号", lambda d: report_code(d.report)),
    Field("unit_code", "接收单位编码", lambda d: d.unit.code),
    Field("unit_name", "接收单位", lambda d: d.unit.name),
    Field("role", "报送关系", lambda d: d.get_role_display()),
    Field("sent_at", "报送时间", lambda d: d.sent_at, "datetime"),
    Field("acknowledged_at", "签收时间", lambda d: d.acknowledged_at, "datetime"),
    Field("acknowledged_by", "签收人", lambda d: d.acknowledged_by_name),
)

INSTRUCTION_FIELDS = (
    Field("report_code", "报告编号", lambda i: report_code(i.report)),
    Field("from_unit_code", "批示机关编码", lambda i: i.delivery.unit.code),
    Field("leader", "批示人", lambda i: i.leader),
    Field("text", "批示内容", lambda i: i.text),
    Field("received_at", "收到时间", lambda i: i.received_at, "datetime"),
    Field("feedback_due_at", "反馈时限", lambda i: i.feedback_due_at, "datetime"),
    Field("feedback", "落实情况", lambda i: i.feedback),
    Field("fed_back_at", "反馈时间", lambda i: i.fed_back_at, "datetime"),
    Field("overdue", "逾期", lambda i: is_overdue(i.feedback_due_at, i.fed_back_at), "bool"),
)

CASE_FIELDS = (
    Field("number", "信访件编号", lambda c: c.number),
    Field("channel", "信访形式", lambda c: Channel(c.channel).label if c.channel in Channel.values else c.channel),
    Field("category", "信访类别", lambda c: Category(c.category).label if c.category in Category.values else c.category),
    Field("domain", "领域", lambda c: c.domain.name if c.domain_id else ""),
    Field("subject", "标题", lambda c: c.subject),
    Field("request", "诉求", lambda c: c.request),
    Field("area_code", "区划代码", lambda c: c.area.code),
    Field("received_at", "收到时间", lambda c: c.received_at, "datetime"),
    Field("registering_unit_code", "登记单位编码", lambda c: c.registering_unit.code),
    Field("current_unit_code", "办理单位编码", lambda c: c.current_unit.code if c.current_unit_id else ""),
    Field("state", "状态", lambda c: CaseState(c.state).label if c.state in CaseState.values else c.state),
    Field("people_count", "人数", lambda c: c.people_count, "int"),
    Field("is_collective", "集体访", lambda c: c.is_collective, "bool"),
)

PERSON_FIELDS = (
    Field("case_number", "信访件编号", lambda p: p["case_number"]),
    Field("name", "姓名", lambda p: p["name"]),
    Field("id_number", "身份证号", lambda p: p["id_number"]),
    Field("phone", "电话", lambda p: p["phone"]),
    Field("masked", "已脱敏", lambda p: p["masked"], "bool"),
)

TABLES = (("reports", "信息报告", REPORT_FIELDS), ("deliveries", "报送签收", DELIVERY_FIELDS),
          ("instructions", "批示", INSTRUCTION_FIELDS), ("cases", "关联信访事项", CASE_FIELDS),
          ("petitioners", "信访人", PERSON_FIELDS))

SHEETS = tuple(
    Sheet(title, tuple(Column(f.header, kind={"bool": "text"}.get(f.kind, f.kind), width=20 if f.kind == "datetime" else 16) for f in fields))
    for _key, title, fields in TABLES)


def _collect(actor, *, full: bool) -> dict[str, list]:
    policies.check_export(actor, "upward")
    if full:
        policies.check_export_full(actor)
    reports = list(
        Report.objects.filter(matter__in=matters_visible_to(actor))
        .select_related("matter__area", "unit", "approved_by__user")
        .prefetch_related(Prefetch("cases", queryset=Case.objects.only("pk", "number")))
        .order_by("matter__marked_at", "matter_id", "sequence"))
    ids = [r.pk for r in reports]
    deliveries = list(Delivery.objects.filter(report_id__in=ids).select_related("unit", "report__unit").order_by("report_id", "pk"))
    instructions = list(Instruction.objects.filter(report_id__in=ids).select_related("delivery__unit", "report__unit").order_by("report_id", "received_at"))
    # Only the cited cases the actor may see go along (a report may cite one seen by the upper bureau only).
    case_ids = {c.pk for r in reports for c in r.cases.all()}
    cases = list(Case.objects.visible_to(actor).filter(pk__in=case_ids).select_related(
        "area", "domain", "registering_unit", "current_unit").order_by("received_at", "pk"))
    people = []
    for party in CaseParty.objects.filter(case__in=cases).select_related("petitioner", "case").order_by("case_id", "pk"):
        p, clear = party.petitioner, policies.shows_identity(actor, party.case, full=full)
        people.append({"case_number": party.case.number, "masked": not clear,
                       "name": p.name if clear else p.name_masked, "id_number": p.id_number if clear else p.id_masked,
                       "phone": p.phone if clear else p.phone_masked})
    return {"reports": reports, "deliveries": deliveries, "instructions": instructions, "cases": cases, "petitioners": people}


def export_json(actor, *, full: bool = False) -> dict:
    rows = _collect(actor, full=full)
    out = {"format": FORMAT, "generated_at": _iso(clock.now()), "masked": not full}
    for key, _title, fields in TABLES:
        out[key] = [{f.key: (_iso(v) if isinstance(v, (dt.date, dt.datetime)) else v) for f in fields for v in [f.get(obj)]}
                    for obj in rows[key]]
    return out


def _cell(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return local(value) if isinstance(value, dt.datetime) else value


def export_excel(*, actor, full: bool = False, out=None):
    rows = _collect(actor, full=full)
    writer = Writer(SHEETS)
    for key, title, fields in TABLES:
        for obj in rows[key]:
            writer.append(title, [_cell(f.get(obj)) for f in fields])
    writer.notes = _("重大紧急信息报告交换格式（%(f)s），共%(n)d份报告。") % {"f": FORMAT, "n": len(rows["reports"])} + (
        "" if full else _("信访人个人信息已脱敏。"))
    writer.add_notes()
    return writer.save(out), len(rows["reports"])


def template() -> bytes:
    from minxin.exchange.sheets import template as build

    return build(SHEETS, notes=_("重大紧急信息报告交换格式：只用于导出，不能导入。"))
