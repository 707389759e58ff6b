import datetime as dt

import pytest

from minxin.cases.models import CaseEvent
from minxin.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from minxin.documents.models import Document
from minxin.oversight.models import Supervision, SupervisionRecord, SupervisionState
from minxin.oversight.supervision import (
    escalate_ignored,
    issue_supervision,
    record_circular,
    record_interview,
    reply_to_supervision,
    review_supervision_reply,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(flow):
    return flow.accept(flow.transfer(flow.register()))


def _issue(city, case, **kw):
    args = dict(actor=city.staff["city_supervisor"], ground="delay", reason="超过办理期限仍未答复")
    args.update(kw)
    return issue_supervision(case, **args)


def test_supervisor_issues_letter_with_reply_deadline_in_working_days(city, handled):
    sup = _issue(city, handled)
    assert sup.target_unit == city.units["east_housing"] and sup.level == 1
    # 10 working days from Monday 2026-03-02: Monday 2026-03-16.
    assert sup.reply_due_on == dt.date(2026, 3, 16)
    doc = Document.objects.get(pk=sup.document_id)
    assert doc.kind == "supervision" and doc.unit == city.units["city_bureau"]
    assert CaseEvent.objects.filter(case=handled, action="supervise").count() == 1
    with pytest.raises(Conflict):
        _issue(city, handled)


def test_only_a_covering_bureau_supervisor_may_issue(city, handled):
    for who in ("east_registrar", "east_housing_handler", "city_leader"):
        with pytest.raises(PermissionDenied):
            _issue(city, handled, actor=city.staff[who])
    assert not Supervision.objects.exists()


def test_reply_closes_only_after_review_and_rejection_reopens(city, flow, handled):
    sup = _issue(city, handled)
    with pytest.raises(PermissionDenied):
        reply_to_supervision(sup, actor=city.staff["east_hr_handler"], text="已处理")
    sup = reply_to_supervision(sup, actor=city.staff["east_housing_handler"], text="已约见物业，限期修复")
    assert sup.state == SupervisionState.REPLIED
    with pytest.raises(ValidationFailed):
        review_supervision_reply(sup, actor=city.staff["city_supervisor"], accept=False)
    flow.advance(days=3)
    sup = review_supervision_reply(sup, actor=city.staff["city_supervisor"], accept=False, note="未说明修复时限")
    assert sup.state == SupervisionState.OPEN and sup.reply_due_on == dt.date(2026, 3, 19)
    sup = reply_to_supervision(sup, actor=city.staff["east_housing_handler"], text="3月10日前修复")
    sup = review_supervision_reply(sup, actor=city.staff["city_supervisor"], accept=True)
    assert sup.state == SupervisionState.CLOSED and sup.closed_at is not None
    with pytest.raises(InvalidTransition):
        reply_to_supervision(sup, actor=city.staff["east_housing_handler"], text="再次反馈")
    kinds = list(SupervisionRecord.objects.filter(supervision=sup).values_list("kind", flat=True))
    assert kinds == ["issue", "reply", "reject", "reply", "accept"]


def test_ignored_supervision_escalates_once_per_missed_period_up_to_listed(city, flow, handled):
    sup = _issue(city, handled)
    flow.advance(days=14)  # 2026-03-16: due today, not yet ignored
    assert escalate_ignored() == 0
    flow.advance(days=1)
    assert escalate_ignored() == 1
    assert escalate_ignored() == 0
    sup.refresh_from_db()
    assert sup.level == 2 and sup.reply_due_on == dt.date(2026, 3, 31)
    assert Document.objects.filter(case=handled, kind="supervision").count() == 2
    flow.advance(days=20)
    assert escalate_ignored() == 1
    flow.advance(days=30)
    assert escalate_ignored() == 0  # 挂牌 is the top level
    sup.refresh_from_db()
    assert sup.level == 3


def test_interview_and_circular_are_recorded_on_the_case(city, handled):
    sup = _issue(city, handled, level=3, ground="buck_passing")
    record_interview(sup, actor=city.staff["city_leader"], held_on=dt.date(2026, 3, 2), interviewee="东城区住建局分管副局长", summary="要求三日内整改")
    record_circular(sup, actor=city.staff["city_supervisor"], scope="全市信访工作联席会议成员单位", text="通报批评")
    with pytest.raises(PermissionDenied):
        record_circular(sup, actor=city.staff["east_housing_leader"], scope="全市", text="通报")
    actions = set(CaseEvent.objects.filter(case=handled).values_list("action", flat=True))
    assert {"supervise", "supervision_interview", "supervision_circular"} <= actions


def test_accused_unit_never_receives_a_supervision_letter(city, flow):
    case = flow.register(category="accusation", accused_unit=city.units["east_housing"])
    with pytest.raises(PermissionDenied, match="第三十条"):
        _issue(city, case, target_unit=city.units["east_housing"])


def test_overdue_proposal_becomes_a_supervision_or_is_dismissed_with_reasons(city, flow):
    from minxin.oversight import sweeps
    from minxin.oversight.models import SupervisionProposal
    from minxin.oversight.supervision import dismiss_proposal

    first, second = flow.register(), flow.register()
    flow.advance(days=16)
    sweeps.detect_overdue()
    p1, p2 = (SupervisionProposal.objects.get(case=c) for c in (first, second))
    sup = _issue(city, first, proposal=p1)
    p1.refresh_from_db()
    assert p1.state == "issued" and sup.proposal == p1 and sup.target_unit == city.units["east_bureau"]
    with pytest.raises(InvalidTransition):
        _issue(city, second, proposal=p1)
    with pytest.raises(ValidationFailed):
        dismiss_proposal(p2, actor=city.staff["city_supervisor"], reason="")
    p2 = dismiss_proposal(p2, actor=city.staff["city_supervisor"], reason="信访人住院，经同意暂缓")
    assert p2.state == "dismissed"
    with pytest.raises(InvalidTransition):
        dismiss_proposal(p2, actor=city.staff["city_supervisor"], reason="再次")
