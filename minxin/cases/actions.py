"""One table from a lifecycle action code to the service that performs it.

Pages (minxin.web.cases) and the API (minxin.api.cases) both parse their input
into the keyword arguments below and call `perform`; neither contains any
business rule. References typed by people (a unit code, an earlier case's
number) are resolved here through the actor's jurisdiction.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minxin.cases import services as svc
from minxin.cases.models import Case
from minxin.cases.events import label as event_label
from minxin.cases.statemachine import A
from minxin.core.errors import ValidationFailed
from minxin.org.models import Staff, Unit


@dataclass(frozen=True)
class ActionSpec:
    code: str
    slug: str  # URL segment: /api/v1/cases/{id}/<slug>
    service: Callable
    fields: tuple[str, ...]  # keyword arguments the service takes besides case/actor/expected_version

    @property
    def label(self) -> str:
        return event_label(self.code)


ACTIONS: dict[str, ActionSpec] = {
    s.code: s
    for s in (
        ActionSpec(A.TRANSFER, "transfer", svc.transfer_case, ("unit", "override_reason", "requirements")),
        ActionSpec(A.ASSIGN, "assign", svc.assign_case, ("unit", "days", "requirements", "override_reason")),
        ActionSpec(A.ACCEPT, "accept", svc.accept_case, ("route", "note")),
        ActionSpec(A.OBJECT, "object", svc.object_to_transfer, ("reason", "override_reason")),
        ActionSpec(A.DECIDE_OBJECTION, "decide-objection", svc.decide_objection, ("agree", "note")),
        ActionSpec(A.REFUSE, "refuse", svc.refuse_case, ("ground", "reason", "related_case", "legal_basis")),
        ActionSpec(A.REFUSE_REPEAT, "refuse-repeat", svc.refuse_repeat, ("earlier_case", "reason")),
        ActionSpec(A.OPEN_DISPUTE, "open-dispute", svc.open_jurisdiction_dispute, ("units", "reason")),
        ActionSpec(A.SETTLE_DISPUTE, "settle-dispute", svc.settle_dispute, ("unit", "note")),
        ActionSpec(A.START_HEARING, "hearing-start", svc.start_hearing, ()),
        ActionSpec(A.END_HEARING, "hearing-end", svc.end_hearing, ("summary",)),
        ActionSpec(A.EXTEND, "extend", svc.extend_handling, ("days", "reason")),
        ActionSpec(A.ISSUE_OPINION, "issue-opinion", svc.issue_opinion,
                   ("request", "facts", "opinion", "legal_basis", "outcome", "delivered_on")),
        ActionSpec(A.RECORD_DELIVERY, "record-delivery", svc.record_delivery, ("delivered_on",)),
        ActionSpec(A.SUBMIT_REPORT, "submit-report", svc.submit_report, ("process", "result", "feedback")),
        ActionSpec(A.REVIEW_REPORT, "review-report", svc.review_report, ("accept", "note")),
        ActionSpec(A.CLOSE, "close", svc.close_case, ("result",)),
        ActionSpec(A.REQUEST_REVIEW, "request-review", svc.request_review, ("request", "requested_on", "override_reason")),
        ActionSpec(A.DECIDE_REVIEW, "decide-review", svc.decide_review,
                   ("result", "facts", "opinion", "legal_basis", "delivered_on")),
        ActionSpec(A.REQUEST_RECHECK, "request-recheck", svc.request_recheck, ("request", "requested_on", "override_reason")),
        ActionSpec(A.DECIDE_RECHECK, "decide-recheck", svc.decide_recheck, ("result", "facts", "opinion", "legal_basis")),
    )
}

BY_SLUG = {s.slug: s for s in ACTIONS.values()}


def resolve_unit(value, field: str = "unit") -> Unit:
    """A Unit given as an instance or by its code (the API sends codes)."""
    if isinstance(value, Unit):
        return value
    unit = Unit.objects.select_related("area").filter(code=(value or "").strip()).first() if value else None
    if unit is None:
        raise ValidationFailed(_("找不到单位编码为“%(code)s”的单位") % {"code": value or ""}, fields={field: _("单位不存在")})
    return unit


def resolve_case_number(actor: Staff, value, field: str) -> Case | None:
    """An earlier case named by its number, only if the actor may see it (属地管理)."""
    if isinstance(value, Case) or not value:
        return value or None
    found = Case.objects.visible_to(actor).filter(number=str(value).strip()).first()
    if found is None:
        raise ValidationFailed(
            _("找不到编号为“%(number)s”的信访件，或不在您的管辖范围内") % {"number": value}, fields={field: _("信访件不存在")}
        )
    return found


def perform(action: str, case: Case, *, actor: Staff, expected_version: int, data: dict) -> Case:
    """Run one lifecycle action. `data` holds the spec's fields; blanks are left to the service's defaults."""
    spec = ACTIONS[action]
    # `days` stays even when blank so the service explains what is missing.
    kwargs = {k: data.get(k) for k in spec.fields if data.get(k) is not None or k == "days"}
    if "unit" in kwargs:
        kwargs["unit"] = resolve_unit(kwargs["unit"])
    if "units" in kwargs:
        kwargs["units"] = [resolve_unit(u, "units") for u in kwargs["units"]]
    for ref in ("related_case", "earlier_case"):
        if ref in spec.fields:
            found = resolve_case_number(actor, data.get(ref), ref)
            if found is not None:
                kwargs[ref] = found
            else:
                kwargs.pop(ref, None)
    if "earlier_case" in spec.fields and "earlier_case" not in kwargs:
        raise ValidationFailed(_("请填写原信访件编号（已复核终结的同一事项）"), fields={"earlier_case": _("必填")})
    return spec.service(case, actor=actor, expected_version=expected_version, **kwargs)
