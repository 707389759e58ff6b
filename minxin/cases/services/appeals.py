"""复查 (Art. 35) and 复核 (Art. 36) by the 上一级 of the body that decided."""

import datetime as dt

from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.cases.accused import refuse_if_accused
from minxin.cases.models import Case, CaseEvent, CaseRouting, CaseState
from minxin.cases.services import common
from minxin.cases.statemachine import A, review_body
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.org.models import Staff


class ReviewResult(TextChoices):
    UPHELD = "upheld", gettext_lazy("维持")
    CHANGED = "changed", gettext_lazy("变更")
    OVERTURNED = "overturned", gettext_lazy("撤销")


def _request(case, *, actor, action, window, decide_clock, kind, request, requested_on, override_reason, expected_version):
    request = common.require_text(request, "request", _("请求事项和理由"))
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=action, expected_version=expected_version)
        c = step.case
        requested_on = requested_on or step.today
        if requested_on > step.today:
            raise ValidationFailed(_("申请日期不能晚于今天"), fields={"requested_on": _("晚于今天")})
        if c.decision_delivered_on and requested_on < c.decision_delivered_on:
            raise ValidationFailed(_("申请日期不能早于书面答复送达日期"), fields={"requested_on": _("早于送达日期")})
        body = review_body(c)
        if body is None:
            raise ValidationFailed(
                _("%(unit)s未设置上一级机关，无法受理该申请；请系统管理员补充单位上级") % {"unit": c.decision_unit.name}
            )
        refuse_if_accused(c, body, action=_("将复查、复核申请送交上一级机关"))
        clock_ = common.running(c, window)
        if clock_ is None:
            raise InvalidTransition(_("申请期限尚未起算或已结束，请先登记书面答复的送达日期"))
        flags = {}
        if requested_on > clock_.due_on:
            if not (override_reason or "").strip():
                raise InvalidTransition(
                    _("申请期限（收到书面答复之日起30日，截至%(due)s）已过；确需受理的，请填写受理逾期申请的理由")
                    % {"due": clock_.due_on.isoformat()}
                )
            flags = {"late": True, "override_reason": override_reason.strip()}
        CaseRouting.objects.create(case=c, unit=body, kind=kind, at=step.at, from_unit=c.decision_unit, by=actor)
        to_state = CaseState.REVIEW_REQUESTED if action == A.REQUEST_REVIEW else CaseState.RECHECK_REQUESTED
        common.apply_clocks(step, to_state=to_state, requested_on=requested_on)
        common.finish(step, to_state=to_state, fields={"current_unit": body, "hearing_since": None}, payload={
            "request": request, "requested_on": requested_on.isoformat(), "to_unit": common.unit_payload(body),
            "decided_by": common.unit_payload(c.decision_unit), **flags,
        })
    return step.case


def request_review(case, *, actor: Staff, request: str, requested_on: dt.date | None = None, override_reason: str = "",
                   expected_version: int | None = None) -> Case:
    """复查 request, recorded by staff for the petitioner, within 30日 of delivery (Art. 35)."""
    return _request(case, actor=actor, action=A.REQUEST_REVIEW, window="review_request_30d", decide_clock="review_decide_30d",
                    kind="review", request=request, requested_on=requested_on, override_reason=override_reason,
                    expected_version=expected_version)


def request_recheck(case, *, actor: Staff, request: str, requested_on: dt.date | None = None, override_reason: str = "",
                    expected_version: int | None = None) -> Case:
    """复核 request to the 上一级 of the 复查 body, within 30日 of delivery (Art. 36 §1)."""
    return _request(case, actor=actor, action=A.REQUEST_RECHECK, window="recheck_request_30d", decide_clock="recheck_decide_30d",
                    kind="recheck", request=request, requested_on=requested_on, override_reason=override_reason,
                    expected_version=expected_version)


def _last_request_text(case: Case, action: str) -> str:
    ev = CaseEvent.objects.filter(case=case, action=action).order_by("-seq").values_list("payload", flat=True).first()
    return (ev or {}).get("request", "")


def _decide(case, *, actor, action, result, facts, opinion, legal_basis, delivered_on, expected_version):
    from minxin.documents.kinds import DocumentKind
    from minxin.documents.models import Document

    if result not in ReviewResult.values:
        raise ValidationFailed(_("请选择维持、变更或撤销原意见"), fields={"result": _("必填")})
    values = {k: common.require_text(v, k, label) for k, v, label in (
        ("facts", facts, _("事实和理由")), ("opinion", opinion, _("意见")), ("legal_basis", legal_basis, _("法律法规依据")),
    )}
    review = action == A.DECIDE_REVIEW
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=action, expected_version=expected_version)
        c = step.case
        prior_kind = DocumentKind.OPINION if review else DocumentKind.REVIEW_OPINION
        prior = Document.objects.filter(case=c, kind=prior_kind).order_by("-pk").values_list("number", flat=True).first()
        context = {
            "addressee": common.petitioner_label(c), "original_document": prior or _("（无书面意见书）"),
            "request": _last_request_text(c, A.REQUEST_REVIEW if review else A.REQUEST_RECHECK) or c.request,
            **values, "original_issuer": c.decision_unit.name if c.decision_unit_id else "",
        }
        fields = {"decision_unit": actor.unit, "decision_delivered_on": None, "hearing_since": None}
        if review:
            next_body = actor.unit.parent
            if next_body is None:
                raise ValidationFailed(
                    _("%(unit)s未设置上一级机关，无法告知复核机关（第三十六条）；请系统管理员补充单位上级") % {"unit": actor.unit.name}
                )
            context["recheck_body"] = next_body.name
        common.issue(step, kind=DocumentKind.REVIEW_OPINION if review else DocumentKind.RECHECK_OPINION, unit=actor.unit, context=context)
        decide_clock = "review_decide_30d" if review else "recheck_decide_30d"
        if review:
            to_state = CaseState.REVIEW_DECIDED
            if delivered_on is not None:
                from minxin.cases.services.handling import _record_delivery

                fields.update(_record_delivery(step, delivered_on, document_kind=DocumentKind.REVIEW_OPINION))
        else:
            to_state = CaseState.FINAL
            fields["closed_at"] = step.at
        clock_ = common.apply_clocks(step, to_state=to_state, delivered_on=delivered_on).completed.get(decide_clock)
        common.finish(step, to_state=to_state, fields=fields, payload={
            "result": result, "legal_basis": values["legal_basis"], "late": bool(clock_ and clock_.state == "missed"),
        })
    return step.case


def decide_review(case, *, actor: Staff, result: str, facts: str, opinion: str, legal_basis: str,
                  delivered_on: dt.date | None = None, expected_version: int | None = None) -> Case:
    """复查意见书 within 30日 of the request (Art. 35); delivery starts the 复核 window."""
    return _decide(case, actor=actor, action=A.DECIDE_REVIEW, result=result, facts=facts, opinion=opinion,
                   legal_basis=legal_basis, delivered_on=delivered_on, expected_version=expected_version)


def decide_recheck(case, *, actor: Staff, result: str, facts: str, opinion: str, legal_basis: str,
                   expected_version: int | None = None) -> Case:
    """复核意见书 within 30日, hearing time excluded (Art. 36); the case is final (复核终结)."""
    return _decide(case, actor=actor, action=A.DECIDE_RECHECK, result=result, facts=facts, opinion=opinion,
                   legal_basis=legal_basis, delivered_on=None, expected_version=expected_version)
