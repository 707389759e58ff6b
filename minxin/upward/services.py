"""The only writers of urgent matters, reports, deliveries and 批示 (one function per step).

    mark (case / risk alert) ──▶ draft ──submit──▶ pending ──approve──▶ approved ──send──▶ sent
                                   ▲                  │                               │
                                   └─────return───────┘           签收 · 批示 · 落实反馈 per recipient

Each function checks the actor through minxin.upward.policies, validates before it writes,
audits (UpwardEvent) and runs in one transaction; steps that concern a case also go on that
case's timeline through the one event registry (minxin.cases.events). Time limits are
DeadlineRule rows (minxin.rules.timelimits): 首报 from the marking, 续报 from the last report
sent, feedback from the 批示's arrival.
"""

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.audit import append_event
from minxin.cases.events import A
from minxin.cases.models import Case
from minxin.cases.services import mark_urgent
from minxin.cases.services.common import case_event_recorded
from minxin.core import clock
from minxin.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from minxin.org.models import Staff, Unit, UnitKind
from minxin.risk.alerts import alerts_visible_to
from minxin.risk.ledger import entries_visible_to
from minxin.risk.models import Alert
from minxin.rules.timelimits import due_at, is_overdue
from minxin.upward import policies
from minxin.upward.models import (
    REQUIRED_CONTENTS,
    Delivery,
    Gravity,
    Instruction,
    MatterSource,
    MatterState,
    ReceivingOffice,
    RecipientRole,
    Report,
    ReportKind,
    ReportState,
    UpwardEvent,
    UrgentMatter,
)

FIRST_RULE = "upward_first_report"
FOLLOW_UP_RULE = "upward_follow_up"
FEEDBACK_RULE = "upward_instruction_feedback"

CONTENT_FIELDS = ("title", "occurred_at", "location", "people_count", "demands", "development", "measures",
                  "suggestions", "contact_name", "contact_phone")
EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)
# Reports go up with work contacts only: an 18-digit ID number in the text is refused.
_ID_NUMBER = re.compile(r"\d{17}[\dXx]")


# ---------------------------------------------------------------- reads


def matters_visible_to(staff):
    return policies.visible_matters(UrgentMatter.objects.all(), staff)


def get_matter(staff, pk: int) -> UrgentMatter:
    matter = matters_visible_to(staff).select_related("area", "unit", "case", "alert").filter(pk=pk).first()
    if matter is None:
        raise NotFound(_("未找到编号为%(pk)s的重大紧急事项，或您无权查看") % {"pk": pk})
    return matter


def get_report(staff, pk: int) -> Report:
    report = Report.objects.select_related("matter__area", "matter__unit", "unit").filter(pk=pk).first()
    if report is None or not policies.may_see(staff, report.matter):
        raise NotFound(_("未找到编号为%(pk)s的信息报告，或您无权查看") % {"pk": pk})
    return report


def get_delivery(staff, pk: int) -> Delivery:
    delivery = Delivery.objects.select_related("unit", "report__matter__unit", "report__matter__area").filter(pk=pk).first()
    if delivery is None or not policies.may_see(staff, delivery.report.matter):
        raise NotFound(_("未找到编号为%(pk)s的报送记录，或您无权查看") % {"pk": pk})
    return delivery


def get_instruction(staff, pk: int) -> Instruction:
    ins = Instruction.objects.select_related("report__matter__unit", "report__matter__area", "delivery__unit").filter(pk=pk).first()
    if ins is None or not policies.may_see(staff, ins.report.matter):
        raise NotFound(_("未找到编号为%(pk)s的批示，或您无权查看") % {"pk": pk})
    return ins


def first_report_sent_at(matter: UrgentMatter):
    return matter.reports.filter(state=ReportState.SENT).order_by("sent_at").values_list("sent_at", flat=True).first()


def matter_flags(matter: UrgentMatter, now=None) -> dict:
    """Overdue flags of one matter: 首报, the open report's limit, 批示 feedback."""
    now = now or clock.now()
    first = first_report_sent_at(matter)
    open_reports = [r for r in matter.reports.all() if r.state != ReportState.SENT]
    return {
        "first_report_overdue": is_overdue(matter.first_report_due_at, first, now=now),
        "report_overdue": any(is_overdue(r.due_at, None, now=now) for r in open_reports),
        "feedback_overdue": Instruction.objects.filter(report__matter=matter, fed_back_at__isnull=True,
                                                       feedback_due_at__lt=now).exists(),
        "unacknowledged": Delivery.objects.filter(report__matter=matter, acknowledged_at__isnull=True).count(),
    }


def overdue_instructions(staff, now=None):
    now = now or clock.now()
    return Instruction.objects.filter(report__matter__in=matters_visible_to(staff), fed_back_at__isnull=True,
                                      feedback_due_at__lt=now).select_related("report__matter", "delivery__unit")


# ---------------------------------------------------------------- recipients


def parent_bureau(unit: Unit) -> Unit | None:
    """The 上一级信访部门 of `unit`: its parent bureau, else the nearest bureau of an area above."""
    if unit.parent_id and unit.parent.kind == UnitKind.PETITION_BUREAU:
        return unit.parent
    area = unit.area.parent
    while area is not None:
        bureau = Unit.objects.filter(area=area, kind=UnitKind.PETITION_BUREAU, is_active=True).order_by("is_external", "pk").first()
        if bureau:
            return bureau
        area = area.parent
    return None


def national_bureau(unit: Unit) -> Unit | None:
    """国家信访局: the top of the chain of 上一级信访部门 above `unit` (None when the chain stops below it)."""
    seen, top = set(), None
    current = parent_bureau(unit)
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        top = current
        current = current.parent if current.parent_id and current.parent.kind == UnitKind.PETITION_BUREAU else None
    return top if top is not None and top.parent_id is None and top.is_external else None


def default_recipients(unit: Unit) -> list[tuple[Unit, str]]:
    """第二十五条: every body reports to the 本级党委和政府; a 信访部门 also to the 上一级信访部门 and
    国家信访局; any other body also tells the 本级信访部门 (通报)."""
    out: list[tuple[Unit, str]] = []
    office = ReceivingOffice.objects.filter(area=unit.area).select_related("unit").first()
    if office is not None:
        out.append((office.unit, RecipientRole.PARTY_GOVERNMENT))
    if unit.kind == UnitKind.PETITION_BUREAU:
        upper = parent_bureau(unit)
        if upper is not None:
            out.append((upper, RecipientRole.UPPER_BUREAU))
        nation = national_bureau(unit)
        if nation is not None and (upper is None or nation.pk != upper.pk):
            out.append((nation, RecipientRole.NATIONAL_BUREAU))
    else:
        local = Unit.objects.filter(area=unit.area, kind=UnitKind.PETITION_BUREAU, is_active=True, is_external=False).first()
        if local is not None:
            out.append((local, RecipientRole.NOTIFIED))
    return out


# ---------------------------------------------------------------- helpers


def _audit(action: str, *, actor, matter, report=None, at=None, **payload) -> UpwardEvent:
    return UpwardEvent.objects.create(at=at or clock.now(), actor=actor, action=action, matter=matter, report=report, payload=payload)


def _case_event(case_id: int, *, actor, action: str, payload: dict, at) -> None:
    # Locks the case like the lifecycle services, so the audit chain stays in order.
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    event = append_event(case, at=at, actor=actor, action=action, from_state=case.state, to_state=case.state,
                         payload={"unit": actor.unit.name, **payload})
    case_event_recorded.send(sender=Case, case_id=case.pk, action=event.action, from_state=event.from_state,
                             to_state=event.to_state, event_id=event.pk)


def _linked_case_ids(matter: UrgentMatter, report: Report | None = None) -> list[int]:
    ids = [matter.case_id] if matter.case_id else []
    if report is not None:
        ids += [pk for pk in report.cases.values_list("pk", flat=True) if pk not in ids]
    return sorted(ids)


def _lock_matter(matter) -> UrgentMatter:
    pk = matter.pk if isinstance(matter, UrgentMatter) else matter
    return UrgentMatter.objects.select_for_update().select_related("area", "unit").get(pk=pk)


def _lock_report(report) -> Report:
    pk = report.pk if isinstance(report, Report) else report
    return Report.objects.select_for_update().select_related("matter__area", "matter__unit", "unit").get(pk=pk)


def _fmt(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(m)d月%(d)d日%(H)02d:%(M)02d") % {"m": local.month, "d": local.day, "H": local.hour, "M": local.minute}


def _check_gravity(gravity: str, errors: dict) -> None:
    if gravity not in Gravity.values:
        errors["gravity"] = _("请选择性质：重大、紧急或重大紧急")


# ---------------------------------------------------------------- marking


def _create_matter(*, actor, title, gravity, reason, source, area, case=None, alert=None) -> UrgentMatter:
    now = clock.now()
    rule, first_due = due_at(FIRST_RULE, area=area, start=now)
    try:
        with transaction.atomic():
            matter = UrgentMatter.objects.create(
                title=title, gravity=gravity, reason=reason, source=source, area=area, unit=actor.unit, case=case,
                alert=alert, marked_by=actor, marked_at=now, first_report_due_at=first_due, first_report_rule=rule.code)
    except IntegrityError:
        raise Conflict(_("该事项已被认定为重大紧急事项，请在原事项上续报")) from None
    _audit("marked", actor=actor, matter=matter, at=now, gravity=gravity, reason=reason, source=source,
           first_report_due_at=first_due.isoformat())
    if case is not None:
        # Through the cases service: the case becomes 重大紧急 for its lists and page, with the marking on its timeline.
        mark_urgent(case.pk, actor=actor, payload={
            "matter": matter.pk, "gravity": gravity, "gravity_label": str(Gravity(gravity).label), "reason": reason,
            "first_report_due_at": first_due.isoformat()})
    return matter


def _clean_reason(reason: str, gravity: str) -> str:
    errors: dict = {}
    _check_gravity(gravity, errors)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("请填写认定为重大、紧急的理由")
    if errors:
        raise ValidationFailed(_("认定信息有误：%(e)s") % {"e": "；".join(str(v) for v in errors.values())}, fields=errors)
    return reason


@transaction.atomic
def mark_case(case: Case, *, actor: Staff, gravity: str, reason: str, title: str = "") -> UrgentMatter:
    """Staff mark a case 重大/紧急 (with a reason): starts the 首报 clock and drafts the first report."""
    policies.check_mark(actor)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound(_("未找到该信访事项，或您无权查看"))
    reason = _clean_reason(reason, gravity)
    if UrgentMatter.objects.filter(case=case, state=MatterState.OPEN).exists():
        raise Conflict(_("信访件%(n)s已被认定为重大紧急事项，请在原事项上续报") % {"n": case.number})
    matter = _create_matter(actor=actor, title=(title or "").strip() or case.subject, gravity=gravity, reason=reason,
                            source=MatterSource.STAFF, area=case.area, case=case)
    _new_report(matter, actor=actor, kind=ReportKind.FIRST, prefill={
        "location": case.area.full_name, "people_count": case.people_count or None, "demands": case.request,
        "occurred_at": case.received_at, "development": case.content}, cases=[case])
    return matter


@transaction.atomic
def mark_alert(alert: Alert, *, actor: Staff, gravity: str, reason: str) -> UrgentMatter:
    """A risk alert turned into an urgent matter with a first-report draft built from the alert."""
    policies.check_mark(actor)
    if not alerts_visible_to(actor).filter(pk=alert.pk).exists():
        raise NotFound(_("未找到该预警，或您无权查看"))
    if not alert.area.path.startswith(actor.unit.area.path):
        raise ValidationFailed(_("该预警（%(area)s）不在%(unit)s的管辖范围内，应由当地报告") % {"area": alert.area.name, "unit": actor.unit.name})
    reason = _clean_reason(reason, gravity)
    if UrgentMatter.objects.filter(alert=alert).exists():
        raise Conflict(_("该预警已转为重大紧急信息报告"))
    case = alert.case if alert.case_id and Case.objects.visible_to(actor).filter(pk=alert.case_id).exists() else None
    if case is not None and UrgentMatter.objects.filter(case=case, state=MatterState.OPEN).exists():
        case = None  # the case already has its own open matter; the alert's report still links it
    matter = _create_matter(actor=actor, title=alert.title, gravity=gravity, reason=reason, source=MatterSource.RISK,
                            area=alert.area, alert=alert, case=case)
    entry = alert.entry if alert.entry_id and entries_visible_to(actor).filter(pk=alert.entry_id).exists() else None
    _new_report(matter, actor=actor, kind=ReportKind.FIRST, prefill={
        "location": alert.area.full_name, "development": alert.explanation,
        "people_count": entry.people_count if entry else None, "demands": entry.summary if entry else "",
        "measures": entry.measures if entry else "", "occurred_at": alert.created_at},
        cases=[alert.case] if alert.case_id and Case.objects.visible_to(actor).filter(pk=alert.case_id).exists() else [],
        alerts=[alert], entries=[entry] if entry else [])
    return matter


# ---------------------------------------------------------------- drafting


def _due_for(matter: UrgentMatter, kind: str) -> tuple[dt.datetime, str]:
    if kind == ReportKind.FIRST:
        return matter.first_report_due_at, matter.first_report_rule
    last = matter.reports.filter(state=ReportState.SENT).order_by("-sent_at").first()
    start = last.sent_at if last else matter.marked_at
    rule, due = due_at(FOLLOW_UP_RULE, area=matter.area, start=start)
    return due, rule.code


def _new_report(matter, *, actor, kind, prefill=None, cases=(), alerts=(), entries=()) -> Report:
    sequence = (matter.reports.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    due, rule = _due_for(matter, kind)
    fields = {"contact_name": actor.display_name}
    fields.update({k: v for k, v in (prefill or {}).items() if v not in (None, "")})
    report = Report.objects.create(
        matter=matter, kind=kind, sequence=sequence, unit=matter.unit,
        title=_("关于%(t)s的%(k)s") % {"t": matter.title, "k": ReportKind(kind).label},
        drafted_by=actor, drafted_at=clock.now(), due_at=due, due_rule=rule, **fields)
    if cases:
        report.cases.set([c for c in cases if c is not None])
    if alerts:
        report.alerts.set(alerts)
    if entries:
        report.entries.set(entries)
    _audit("report_drafted", actor=actor, matter=matter, report=report, kind=kind, sequence=sequence, due_at=due.isoformat())
    return report


@transaction.atomic
def draft_report(matter: UrgentMatter, *, actor: Staff, kind: str = ReportKind.FOLLOW_UP) -> Report:
    """A 续报 or 终报, prefilled from the last report so only what changed needs writing."""
    matter = _lock_matter(matter)
    policies.check_work(actor, matter, _("起草信息报告"))
    if matter.state != MatterState.OPEN:
        raise InvalidTransition(_("该事项已终报，不能再起草报告"))
    if kind not in (ReportKind.FOLLOW_UP, ReportKind.FINAL):
        raise ValidationFailed(_("报告类型须为续报或终报"), fields={"kind": _("无效")})
    if matter.reports.exclude(state=ReportState.SENT).exists():
        raise InvalidTransition(_("尚有未报出的报告，请先完成该报告"))
    if not matter.reports.filter(state=ReportState.SENT).exists():
        raise InvalidTransition(_("首报尚未报出，不能起草续报或终报"))
    last = matter.reports.order_by("-sequence").first()
    prefill = {f: getattr(last, f) for f in CONTENT_FIELDS if f != "title"}
    return _new_report(matter, actor=actor, kind=kind, prefill=prefill, cases=list(last.cases.all()),
                       alerts=list(last.alerts.all()), entries=list(last.entries.all()))


def _clean_contents(data: dict, errors: dict) -> dict:
    out = {}
    for key, value in data.items():
        if key not in CONTENT_FIELDS:
            errors[key] = _("不能修改该字段")
            continue
        if key == "people_count":
            if value in (None, ""):
                out[key] = None
                continue
            try:
                n = int(value)
                if n < 1:
                    raise ValueError
                out[key] = n
            except (TypeError, ValueError):
                errors[key] = _("涉及人数须为正整数")
            continue
        if key == "occurred_at":
            if value in (None, ""):
                out[key] = None
            elif isinstance(value, dt.datetime):
                out[key] = value if timezone.is_aware(value) else timezone.make_aware(value)
            else:
                try:
                    parsed = dt.datetime.fromisoformat(str(value))
                    out[key] = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
                except ValueError:
                    errors[key] = _("发生时间格式应为 YYYY-MM-DD HH:MM")
            continue
        text = str(value or "").strip()
        if _ID_NUMBER.search(text):
            errors[key] = _("报告中不得填写身份证号")
        if key == "title" and not text:
            errors[key] = _("请填写标题")
        out[key] = text
    if out.get("occurred_at") and out["occurred_at"] > clock.now():
        errors["occurred_at"] = _("发生时间不能晚于现在")
    return out


@transaction.atomic
def update_report(report: Report, *, actor: Staff, case_numbers=None, alert_ids=None, entry_ids=None, **contents) -> Report:
    """Edit a draft or returned report: its contents and the cases, alerts and ledger lines it cites."""
    report = _lock_report(report)
    policies.check_work(actor, report.matter, _("修改信息报告"))
    if report.state not in EDITABLE_STATES:
        raise InvalidTransition(_("%(state)s的报告不能修改") % {"state": report.get_state_display()})
    errors: dict = {}
    data = _clean_contents(contents, errors)
    cases = alerts = entries = None
    if case_numbers is not None:
        numbers = [n.strip() for n in case_numbers if n and n.strip()]
        cases = list(Case.objects.visible_to(actor).filter(number__in=numbers))
        missing = sorted(set(numbers) - {c.number for c in cases})
        if missing:
            errors["cases"] = _("信访件%(n)s不存在或您无权查看") % {"n": "、".join(missing)}
    if alert_ids is not None:
        alerts = list(alerts_visible_to(actor).filter(pk__in=alert_ids))
        if len(alerts) != len(set(alert_ids)):
            errors["alerts"] = _("关联的预警不存在或您无权查看")
    if entry_ids is not None:
        entries = list(entries_visible_to(actor).filter(pk__in=entry_ids))
        if len(entries) != len(set(entry_ids)):
            errors["entries"] = _("关联的台账条目不存在或您无权查看")
    if errors:
        raise ValidationFailed(_("报告内容有误：%(e)s") % {"e": "；".join(str(v) for v in errors.values())}, fields=errors)
    for k, v in data.items():
        setattr(report, k, v)
    report.save()
    if cases is not None:
        report.cases.set(cases)
    if alerts is not None:
        report.alerts.set(alerts)
    if entries is not None:
        report.entries.set(entries)
    _audit("report_updated", actor=actor, matter=report.matter, report=report, fields=sorted(data),
           cases=[c.number for c in cases] if cases is not None else None)
    return report


def missing_contents(report: Report) -> list[str]:
    missing = [str(label) for field, label in REQUIRED_CONTENTS if getattr(report, field) in (None, "")]
    return missing


@transaction.atomic
def submit_report(report: Report, *, actor: Staff) -> Report:
    report = _lock_report(report)
    policies.check_work(actor, report.matter, _("提交审批"))
    if report.state not in EDITABLE_STATES:
        raise InvalidTransition(_("%(state)s的报告不能提交审批") % {"state": report.get_state_display()})
    missing = missing_contents(report)
    if missing:
        raise ValidationFailed(_("报告缺少必备内容：%(m)s") % {"m": "、".join(missing)},
                               fields={f: _("必填") for f, _l in REQUIRED_CONTENTS if getattr(report, f) in (None, "")})
    report.state = ReportState.PENDING
    report.submitted_at = clock.now()
    report.save(update_fields=["state", "submitted_at"])
    _audit("report_submitted", actor=actor, matter=report.matter, report=report)
    return report


@transaction.atomic
def approve_report(report: Report, *, actor: Staff) -> Report:
    report = _lock_report(report)
    policies.check_approve(actor, report.matter)
    if report.state != ReportState.PENDING:
        raise InvalidTransition(_("只有待审批的报告可以审批"))
    report.state = ReportState.APPROVED
    report.approved_by, report.approved_at = actor, clock.now()
    report.save(update_fields=["state", "approved_by", "approved_at"])
    _audit("report_approved", actor=actor, matter=report.matter, report=report)
    return report


@transaction.atomic
def return_report(report: Report, *, actor: Staff, note: str) -> Report:
    report = _lock_report(report)
    policies.check_approve(actor, report.matter)
    if report.state != ReportState.PENDING:
        raise InvalidTransition(_("只有待审批的报告可以退回"))
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("退回须写明修改意见"), fields={"note": _("必填")})
    report.state, report.return_note = ReportState.RETURNED, note
    report.save(update_fields=["state", "return_note"])
    _audit("report_returned", actor=actor, matter=report.matter, report=report, note=note)
    return report


@transaction.atomic
def send_report(report: Report, *, actor: Staff, extra_units=()) -> Report:
    """报出 an approved report to the recipients of 第二十五条 (and any unit told for information)."""
    report = _lock_report(report)
    matter = report.matter
    policies.check_work(actor, matter, _("报送信息报告"))
    if report.state != ReportState.APPROVED:
        raise InvalidTransition(_("报告须经本单位审核/领导审批后才能报出"))
    recipients = default_recipients(report.unit)
    roles = {u.pk for u, _r in recipients}
    for unit in extra_units:
        if unit.pk == report.unit_id:
            raise ValidationFailed(_("不能向本单位报送"), fields={"extra_units": _("本单位")})
        if unit.pk not in roles:
            recipients.append((unit, RecipientRole.NOTIFIED))
            roles.add(unit.pk)
    if not any(role == RecipientRole.PARTY_GOVERNMENT for _u, role in recipients):
        raise ValidationFailed(
            _("未设置%(area)s本级党委和政府的接收单位，请系统管理员在“本级党委和政府接收单位”中配置后再报送") % {"area": report.unit.area.name})
    now = clock.now()
    for unit, role in recipients:
        Delivery.objects.create(report=report, unit=unit, role=role, sent_at=now)
    report.state, report.sent_by, report.sent_at = ReportState.SENT, actor, now
    report.save(update_fields=["state", "sent_by", "sent_at"])
    late = is_overdue(report.due_at, now)
    if report.kind == ReportKind.FINAL:
        matter = _lock_matter(matter)
        matter.state, matter.closed_at = MatterState.CLOSED, now
        matter.save(update_fields=["state", "closed_at"])
    names = [u.name for u, _r in recipients]
    _audit("report_sent", actor=actor, matter=matter, report=report, at=now, recipients=names, late=late)
    for case_id in _linked_case_ids(matter, report):
        _case_event(case_id, actor=actor, action=A.UPWARD_REPORT, at=now, payload={
            "matter": matter.pk, "report": report.pk, "kind": report.kind, "kind_label": str(ReportKind(report.kind).label),
            "sequence": report.sequence, "recipients": names, "late": late})
    return report


# ---------------------------------------------------------------- tracking


@transaction.atomic
def acknowledge(delivery: Delivery, *, actor: Staff, by_name: str = "") -> Delivery:
    delivery = Delivery.objects.select_for_update().select_related("unit", "report__matter__unit").get(pk=delivery.pk)
    policies.check_acknowledge(actor, delivery)
    if delivery.acknowledged_at is not None:
        raise InvalidTransition(_("%(unit)s已签收该报告") % {"unit": delivery.unit.name})
    by_name = (by_name or "").strip()
    if delivery.unit_id != actor.unit_id and not by_name:
        raise ValidationFailed(_("代为登记签收须填写接收单位的签收人"), fields={"by_name": _("必填")})
    delivery.acknowledged_at = clock.now()
    delivery.acknowledged_by_name = by_name or actor.display_name
    delivery.recorded_by = actor
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by_name", "recorded_by"])
    _audit("acknowledged", actor=actor, matter=delivery.report.matter, report=delivery.report, unit=delivery.unit.name,
           by_name=delivery.acknowledged_by_name)
    return delivery


def _parse_due_on(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("反馈时限格式应为 YYYY-MM-DD"), fields={"due_on": _("格式错误")}) from None


@transaction.atomic
def record_instruction(delivery: Delivery, *, actor: Staff, leader: str, text: str, due_on=None,
                       received_at: dt.datetime | None = None) -> Instruction:
    """A 批示 received from a recipient. Its feedback is due by the date the 批示 sets, else by the rule."""
    delivery = Delivery.objects.select_related("unit", "report__matter__unit", "report__matter__area").get(pk=delivery.pk)
    policies.check_record_instruction(actor, delivery)
    errors = {}
    leader, text = (leader or "").strip(), (text or "").strip()
    if not leader:
        errors["leader"] = _("请填写批示人")
    if not text:
        errors["text"] = _("请填写批示内容")
    now = clock.now()
    received_at = received_at or now
    if received_at > now:
        errors["received_at"] = _("收到时间不能晚于现在")
    if received_at < delivery.sent_at:
        errors["received_at"] = _("收到批示的时间不能早于报告报出的时间")
    day = _parse_due_on(due_on)
    if day is not None and day < timezone.localdate(received_at):
        errors["due_on"] = _("反馈时限不能早于收到批示的日期")
    if errors:
        raise ValidationFailed(_("批示信息有误：%(e)s") % {"e": "；".join(str(v) for v in errors.values())}, fields=errors)
    report, matter = delivery.report, delivery.report.matter
    if day is not None:
        # A date set in the 批示 itself: feedback is due by 24:00 of that day.
        due = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
        rule_code = ""
    else:
        rule, due = due_at(FEEDBACK_RULE, area=matter.area, start=received_at)
        rule_code = rule.code
    ins = Instruction.objects.create(report=report, delivery=delivery, leader=leader, text=text, received_at=received_at,
                                     feedback_due_at=due, due_rule=rule_code, recorded_by=actor)
    _audit("instruction_recorded", actor=actor, matter=matter, report=report, at=now, instruction=ins.pk, leader=leader,
           feedback_due_at=due.isoformat())
    for case_id in _linked_case_ids(matter, report):
        _case_event(case_id, actor=actor, action=A.UPWARD_INSTRUCTION, at=now, payload={
            "matter": matter.pk, "instruction": ins.pk, "leader": leader, "text": text, "due_label": _fmt(due)})
    return ins


@transaction.atomic
def record_feedback(instruction: Instruction, *, actor: Staff, text: str) -> Instruction:
    """落实批示 反馈: the reporting unit says what it did; late when past the feedback limit."""
    ins = Instruction.objects.select_for_update().get(pk=instruction.pk)
    ins = Instruction.objects.select_related("report__matter__unit", "report__matter__area").get(pk=ins.pk)
    matter = ins.report.matter
    policies.check_work(actor, matter, _("反馈批示落实情况"))
    if ins.fed_back_at is not None:
        raise InvalidTransition(_("该批示已反馈落实情况"))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("请填写落实情况"), fields={"text": _("必填")})
    now = clock.now()
    late = is_overdue(ins.feedback_due_at, now)
    ins.feedback, ins.fed_back_at, ins.fed_back_by = text, now, actor
    ins.save(update_fields=["feedback", "fed_back_at", "fed_back_by"])
    _audit("feedback_recorded", actor=actor, matter=matter, report=ins.report, at=now, instruction=ins.pk, late=late)
    for case_id in _linked_case_ids(matter, ins.report):
        _case_event(case_id, actor=actor, action=A.UPWARD_FEEDBACK, at=now,
                    payload={"matter": matter.pk, "instruction": ins.pk, "leader": ins.leader, "late": late})
    return ins


# ---------------------------------------------------------------- overdue sweep

OVERDUE_PURPOSE = "upward_overdue"
# The matter's audit action (UpwardEvent), not a case event.
OVERDUE_ACTION = "overdue_notified"


def _overdue_items(now):
    """(matter, report or None, key, what, due) for every limit past due and not met, read from current state.

    The key names the limit (not the run), so each one is told once however often the sweep runs:
    首报 once per matter, 续报 once per report it follows, 批示反馈 once per 批示.
    """
    open_matters = UrgentMatter.objects.filter(state=MatterState.OPEN).select_related("unit", "area")
    for matter in open_matters.filter(first_report_due_at__lt=now).exclude(reports__state=ReportState.SENT):
        yield matter, None, f"first:{matter.pk}", _("首报"), matter.first_report_due_at
    for matter in open_matters.filter(reports__state=ReportState.SENT).distinct().order_by("pk"):
        last = matter.reports.filter(state=ReportState.SENT).order_by("-sent_at", "-pk").first()
        pending = matter.reports.exclude(state=ReportState.SENT).order_by("sequence").first()
        due = pending.due_at if pending is not None and pending.due_at else _due_for(matter, ReportKind.FOLLOW_UP)[0]
        if due < now:
            yield matter, pending, f"follow_up:{last.pk}", _("续报"), due
    late = (Instruction.objects.filter(fed_back_at__isnull=True, feedback_due_at__lt=now)
            .select_related("report__matter__unit", "report__matter__area").order_by("pk"))
    for ins in late:
        yield ins.report.matter, ins.report, f"feedback:{ins.pk}", _("批示反馈"), ins.feedback_due_at


def _tell_staff(matter, *, key: str, subject: str, text: str) -> int:
    """E-mail each active working member of the reporting unit; the outbox's dedupe key keeps it to once."""
    from minxin.notify.services import queue_email

    told = 0
    staff = (Staff.objects.filter(unit_id=matter.unit_id, is_active=True, user__is_active=True,
                                  roles__role__in=policies.WORK_ROLES).exclude(user__email="")
             .select_related("user").distinct().order_by("pk"))
    for person in staff:
        if queue_email(person.user.email, subject, text, purpose=OVERDUE_PURPOSE,
                       dedupe_key=f"upward-overdue:{key}:{person.pk}") is not None:
            told += 1
    return told


def notify_overdue(*, actor, now=None, after_each=None) -> int:
    """超时提醒 (periodic sweep): an overdue 首报, 续报 or 批示反馈 is told once to the reporting unit's staff
    and recorded on the matter. Returns how many limits were told about in this run."""
    policies.check_sweep(actor)
    now = now or clock.now()
    made = 0
    for matter, report, key, what, due in list(_overdue_items(now)):
        with transaction.atomic():
            # The matter row lock serialises concurrent sweeps: the second finds the audit row and stops.
            _lock_matter(matter)
            if UpwardEvent.objects.filter(matter=matter, action=OVERDUE_ACTION, payload__key=key).exists():
                continue
            facts = {"what": what, "title": matter.title, "due": _fmt(due)}
            subject = _("重大紧急信息%(what)s超时：%(title)s") % facts
            text = _("重大紧急事项“%(title)s”的%(what)s已于%(due)s超过时限，请立即处理（《信访工作条例》第二十五条）") % facts
            told = _tell_staff(matter, key=key, subject=subject, text=text)
            _audit(OVERDUE_ACTION, actor=None, matter=matter, report=report, at=now,
                   key=key, what=str(what), due=due.isoformat(), told=told)
            made += 1
        if after_each:
            after_each()
    return made
