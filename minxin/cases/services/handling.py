"""受理 and 办理 by the receiving body (Art. 23, 29–34) and 交办 reports (Art. 22(三))."""

import datetime as dt

from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.cases.models import Case, CaseState, Category
from minxin.cases.events import window_for_state
from minxin.cases.services import common
from minxin.cases.statemachine import A
from minxin.core import clock
from minxin.core.errors import InvalidTransition, ValidationFailed
from minxin.org.models import Staff
from minxin.org.policies import SYSTEM


class Route(TextChoices):
    """依法分类处理 (Art. 31): exactly one route per 申诉求决 item."""

    LITIGATION = "litigation", gettext_lazy("（一）诉讼、复议、检察、公安程序")
    ARBITRATION = "arbitration", gettext_lazy("（二）仲裁")
    PARTY_APPEAL = "party_appeal", gettext_lazy("（三）党员申诉、申请复审")
    ADMINISTRATIVE = "administrative", gettext_lazy("（四）行政复议、裁决、确认、许可、处罚等行政程序")
    PERFORM_DUTY = "perform_duty", gettext_lazy("（五）依法履行职责或者答复")
    OPINION = "opinion", gettext_lazy("（六）调查核实并出具信访处理意见书")


class Outcome(TextChoices):
    """Art. 32."""

    SUPPORT = "support", gettext_lazy("予以支持")
    EXPLAIN = "explain", gettext_lazy("解释说明")
    REJECT = "reject", gettext_lazy("不予支持")


def _local(d) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(d) if isinstance(d, dt.datetime) else d


def accept_case(case, *, actor: Staff, route: str = "", note: str = "", expected_version: int | None = None) -> Case:
    """受理 by the body the case was sent to; issues the 受理告知书 (Art. 23 §3).

    申诉求决 items must take one Art. 31 route: （一）–（五） are 导入 their legal
    procedure (state referred); （六） starts the 60日 handling clock (Art. 34).
    建议意见 (Art. 29) and 检举控告 (Art. 30) take no route.
    """
    from minxin.documents.kinds import DocumentKind

    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.ACCEPT, expected_version=expected_version)
        c = step.case
        if c.category == Category.COMPLAINT:
            if route not in Route.values:
                raise ValidationFailed(
                    _("申诉求决类事项须选择依法分类处理途径（《信访工作条例》第三十一条）"), fields={"route": _("必填")}
                )
        elif route:
            raise ValidationFailed(_("%(cat)s事项不适用第三十一条分类处理途径") % {"cat": c.get_category_display()}, fields={"route": _("不适用")})
        referred = route and route != Route.OPINION
        to_state = CaseState.REFERRED if referred else CaseState.ACCEPTED
        # The clock first: the 受理告知书 prints its due day (issue_document reads it).
        common.apply_clocks(step, to_state=to_state, route=route)
        if not c.is_anonymous and not referred:
            context = {"addressee": common.petitioner_label(c), "received_on": _local(c.received_at), "matter": c.subject,
                       "accepted_on": step.today}
            common.issue(step, kind=DocumentKind.ACCEPTANCE, unit=actor.unit, context=context)
        common.finish(
            step, to_state=to_state,
            fields={"route": route, "accepted_at": step.at},
            payload={"route": route, "route_label": str(Route(route).label) if route else "", "note": note},
        )
    return step.case


def start_hearing(case, *, actor: Staff, expected_version: int | None = None) -> Case:
    """听证 for a 重大、复杂、疑难 item (Art. 31(六)); during 复核 its time is not counted (Art. 36 §2)."""
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.START_HEARING, expected_version=expected_version)
        paused = common.apply_clocks(step).paused
        common.finish(step, fields={"hearing_since": step.today}, payload={"paused": paused[0] if paused else ""})
    return step.case


def end_hearing(case, *, actor: Staff, summary: str = "", expected_version: int | None = None) -> Case:
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.END_HEARING, expected_version=expected_version)
        c = step.case
        resumed = common.apply_clocks(step).resumed
        common.finish(step, fields={"hearing_since": None},
                      payload={"resumed": resumed[0] if resumed else "", "started_on": c.hearing_since.isoformat(), "summary": summary})
    return step.case


def extend_handling(case, *, actor: Staff, days: int, reason: str, expected_version: int | None = None) -> Case:
    """延期 once, ≤30日, approved by the body's 负责人, reason told to the petitioner (Art. 34)."""
    from minxin.documents.kinds import DocumentKind

    reason = common.require_text(reason, "reason", _("延期理由"))
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.EXTEND, expected_version=expected_version)
        c = step.case
        before = common.running(c, "handle_60d")
        if before is None:
            raise InvalidTransition(_("信访件%(number)s没有计时中的办理期限，无需延期") % {"number": c.number})
        dl = common.apply_clocks(step, days=days, reason=reason).extended["handle_60d"]
        if not c.is_anonymous:
            common.issue(step, kind=DocumentKind.EXTENSION, unit=actor.unit, context={
                "addressee": common.petitioner_label(c), "matter": c.subject, "reason": reason,
                "new_due_on": dl.due_on, "received_on": _local(c.received_at),
                "accepted_on": _local(c.accepted_at) if c.accepted_at else None,
            })
        common.finish(step, fields={"extension_days": days}, payload={
            "days": days, "reason": reason, "old_due_on": before.due_on.isoformat(), "new_due_on": dl.due_on.isoformat(),
        })
    return step.case


def _record_delivery(step, delivered_on: dt.date, *, document_kind: str):
    """Record the document's delivery; the 复查/复核 window it starts is the event's clock effect."""
    from minxin.documents.models import Document
    from minxin.documents.services import record_delivery as record_document_delivery

    c = step.case
    if delivered_on > step.today:
        raise ValidationFailed(_("送达日期不能晚于今天"), fields={"delivered_on": _("晚于今天")})
    doc = Document.objects.filter(case=c, kind=document_kind).order_by("-pk").first()
    if doc is not None:
        record_document_delivery(doc, delivered_on=delivered_on)
    step.payload.update({"delivered_on": delivered_on.isoformat(), "document": doc.number if doc else ""})
    return {"decision_delivered_on": delivered_on}


def issue_opinion(case, *, actor: Staff, request: str, facts: str, opinion: str, legal_basis: str, outcome: str,
                  delivered_on: dt.date | None = None, expected_version: int | None = None) -> Case:
    """信访处理意见书 (Art. 31(六), 32); completes the 60日 clock. Delivery starts the 30日 复查 window (Art. 35)."""
    from minxin.documents.kinds import DocumentKind

    values = {k: common.require_text(v, k, label) for k, v, label in (
        ("request", request, _("投诉请求")), ("facts", facts, _("事实和理由")), ("opinion", opinion, _("处理意见")),
        ("legal_basis", legal_basis, _("法律法规依据")),
    )}
    if outcome not in Outcome.values:
        raise ValidationFailed(_("处理结论应为予以支持、解释说明或不予支持（第三十二条）"), fields={"outcome": _("必填")})
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.ISSUE_OPINION, expected_version=expected_version)
        c = step.case
        body = actor.unit.parent
        if body is None:
            raise ValidationFailed(
                _("%(unit)s未设置上一级机关，无法告知复查机关（第三十五条）；请系统管理员补充单位上级") % {"unit": actor.unit.name}
            )
        common.issue(step, kind=DocumentKind.OPINION, unit=actor.unit, context={
            "addressee": common.petitioner_label(c), **values, "outcome": outcome, "review_body": body.name,
            "received_on": _local(c.received_at), "matter": c.subject,
        })
        # A hearing still marked open ends with the decision it informed.
        fields = {"outcome": outcome, "decision_unit": actor.unit, "decision_delivered_on": None, "hearing_since": None}
        if delivered_on is not None:
            fields.update(_record_delivery(step, delivered_on, document_kind=DocumentKind.OPINION))
        clock_ = common.apply_clocks(step, to_state=CaseState.OPINION_ISSUED, delivered_on=delivered_on).completed.get("handle_60d")
        common.finish(step, to_state=CaseState.OPINION_ISSUED, fields=fields, payload={
            "outcome": outcome, "legal_basis": values["legal_basis"], "review_body": common.unit_payload(body),
            "handling_late": bool(clock_ and clock_.state == "missed"),
        })
    return step.case


def record_delivery(case, *, actor: Staff, delivered_on: dt.date, expected_version: int | None = None) -> Case:
    """送达 of the 处理意见书 or 复查意见书: starts the 30日 复查/复核 request window (Art. 35, 36)."""
    from minxin.documents.kinds import DocumentKind

    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.RECORD_DELIVERY, expected_version=expected_version)
        kind = DocumentKind.OPINION if step.case.state == CaseState.OPINION_ISSUED else DocumentKind.REVIEW_OPINION
        fields = _record_delivery(step, delivered_on, document_kind=kind)
        common.apply_clocks(step, delivered_on=delivered_on)
        common.finish(step, fields=fields)
    return step.case


def submit_report(case, *, actor: Staff, process: str, result: str, feedback: str = "",
                  expected_version: int | None = None) -> Case:
    """办结报告 to the assigning bureau (Art. 22(三))."""
    from minxin.documents.kinds import DocumentKind
    from minxin.documents.models import Document

    process = common.require_text(process, "process", _("办理过程"))
    result = common.require_text(result, "result", _("办理结果"))
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.SUBMIT_REPORT, expected_version=expected_version)
        c = step.case
        assignment = Document.objects.filter(case=c, kind=DocumentKind.ASSIGNMENT).order_by("-pk").values_list("number", flat=True).first()
        context = {"addressee": c.dispatching_unit.name, "summary": c.subject, "process": process, "result": result,
                   "matter": c.subject, "petitioner": common.petitioner_label(c)}
        if assignment:
            context["assignment_document"] = assignment
        if feedback:
            context["feedback"] = feedback
        common.issue(step, kind=DocumentKind.COMPLETION_REPORT, unit=actor.unit, context=context, addressed_to_petitioner=False)
        clock_ = common.apply_clocks(step, to_state=CaseState.REPORTED).completed.get("assigned_report")
        common.finish(step, to_state=CaseState.REPORTED, fields={"pre_report_state": c.state},
                      payload={"report_late": bool(clock_ and clock_.state == "missed")})
    return step.case


def review_report(case, *, actor: Staff, accept: bool, note: str = "", expected_version: int | None = None) -> Case:
    """The assigning bureau accepts the 办结报告 (closed, or the opinion stands) or sends it back."""
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.REVIEW_REPORT, expected_version=expected_version)
        c = step.case
        fields = {"pre_report_state": ""}
        if accept:
            if c.pre_report_state == CaseState.OPINION_ISSUED:
                to_state = CaseState.OPINION_ISSUED
            else:
                to_state = CaseState.CLOSED
                fields["closed_at"] = step.at
        else:
            note = common.require_text(note, "note", _("退回理由"))
            to_state = CaseState.ACCEPTED
            fields["decision_delivered_on"] = None
        common.apply_clocks(step, to_state=to_state, accept=accept)
        common.finish(step, to_state=to_state, fields=fields, payload={"accept": accept, "note": note})
    return step.case


def close_case(case, *, actor: Staff, result: str, expected_version: int | None = None) -> Case:
    """办结: a 建议意见 reply (Art. 29), a 检举控告 handled under its rules (Art. 30), or a referred item."""
    result = common.require_text(result, "result", _("办理结果"))
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.CLOSE, expected_version=expected_version)
        common.apply_clocks(step, to_state=CaseState.CLOSED)
        common.finish(step, to_state=CaseState.CLOSED, fields={"closed_at": step.at}, payload={"result": result})
    return step.case


_WINDOWS = {state: window_for_state(state) for state in (CaseState.OPINION_ISSUED, CaseState.REVIEW_DECIDED)}


def close_expired_review_window(case, *, today: dt.date | None = None) -> bool:
    """Sweep: close a case whose 复查/复核 request window passed unused. Idempotent; False if nothing to do."""
    from minxin.core.errors import Conflict

    today = today or clock.today()
    pk = case.pk if isinstance(case, Case) else case
    try:
        with transaction.atomic():
            c = Case.objects.filter(pk=pk).first()
            code = _WINDOWS.get(c.state) if c else None
            window = common.running(c, code) if code else None
            if window is None or window.paused_at is not None or today <= window.due_on:
                return False
            step = common.begin(c, actor=SYSTEM, action=A.CLOSE_EXPIRED, expected_version=c.version)
            common.apply_clocks(step, to_state=CaseState.CLOSED, window=code)
            common.finish(step, to_state=CaseState.CLOSED, fields={"closed_at": step.at},
                          payload={"window": code, "due_on": window.due_on.isoformat()})
    except Conflict:
        return False
    return True


def close_expired_review_windows(*, today: dt.date | None = None) -> int:
    """The periodic sweep: close every case whose 复查/复核 window ran out. Safe to run twice."""
    from minxin.rules.models import CaseDeadline, DeadlineState

    today = today or clock.today()
    due = (
        CaseDeadline.objects.filter(code__in=_WINDOWS.values(), state=DeadlineState.RUNNING, paused_at__isnull=True, due_on__lt=today)
        .values_list("case_id", flat=True)
        .distinct()
    )
    return sum(1 for case_id in list(due) if close_expired_review_window(case_id, today=today))
