"""The event registry: every action that can be written has wording, and its clock rules
give the same clocks live and when a case's history is replayed."""

import datetime as dt
import pathlib
import re

import pytest

import minxin
from minxin.cases import services as svc
from minxin.cases.events import EVENTS, NOTICES, A, Extend, Start, describe_event, notices_for, public_text
from minxin.cases.history import EventRecord, _CaseClocks, _ClockBook
from minxin.cases.models import Case, CaseEvent, CaseState
from minxin.cases.statemachine import ACTIONS
from minxin.rules.models import CaseDeadline, DeadlineRule

ROOT = pathlib.Path(minxin.__file__).parent


def _written_actions() -> set[str]:
    """Every action code a service passes to the audit chain, read from the source."""
    consts = {k: v for k, v in vars(A).items() if k.isupper()}
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "append_event" not in text and "common.begin" not in text:
            continue
        for name in re.findall(r"action=A\.([A-Z_]+)", text):
            found.add(consts[name])
        found.update(re.findall(r"action=\"([a-z_]+)\"", text))
        assert not re.search(r"append_event\([^)]*action=(?!A\.|action\b|step\.transition\.action\b)", text), f"{path}: write action codes as A.<NAME>"
    return found


def test_every_action_any_service_can_write_is_in_the_registry():
    written = _written_actions() | set(ACTIONS)
    assert {A.RATE, A.SUPERVISE, A.SUPERVISION_DISMISS, A.TRANSFER} <= written  # the scan does find them
    assert written - set(EVENTS) == set()


@pytest.mark.parametrize("action", sorted(EVENTS))
def test_every_event_has_staff_wording_without_its_code(action):
    kind = EVENTS[action]
    assert str(kind.label).strip() and action not in str(kind.label)
    text = describe_event(CaseEvent(action=action, at=dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC), actor_label="市督办员", payload={}))
    assert text.startswith("2026年12月3日 市督办员 ")
    assert action not in text and "（，）" not in text and "（）" not in text


def test_notices_and_clocks_name_only_known_templates_and_rules(db):
    codes = set(DeadlineRule.objects.values_list("code", flat=True))
    for kind in EVENTS.values():
        assert all(n.template in NOTICES for n in kind.notices), kind.action
        for eff in kind.clocks:
            if isinstance(eff, (Start, Extend)) and isinstance(eff.code, str):
                assert eff.code in codes, (kind.action, eff.code)


def test_a_rating_reads_as_the_petitioners_not_as_the_rated_units_action():
    event = CaseEvent(action=A.RATE, at=dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC), actor_label="",
                      payload={"target": "bureau", "unit": "禾城区信访局", "score": "satisfied", "channel": "portal", "on_behalf": False})
    assert describe_event(event) == "2026年12月3日 信访人 信访人评价禾城区信访局：满意"
    assert public_text(event) == "已收到您对信访部门的评价"


def test_oversight_of_units_is_not_shown_to_the_petitioner():
    for action in (A.SUPERVISE, A.SUPERVISION_REPLY, A.SUPERVISION_ESCALATE, A.SUPERVISION_DISMISS):
        assert public_text(CaseEvent(action=action, payload={"target_unit": "禾城区住建局"})) is None


def test_registration_notice_carries_the_cases_query_code(city, register):
    case = register()
    [notice] = notices_for(case, A.REGISTER, to_state=CaseState.REGISTERED)
    assert case.query_code in notice.text and case.number in notice.text


# -- live clocks == replayed clocks ---------------------------------------------------------


def _row(dl: CaseDeadline) -> tuple:
    return (dl.code, dl.started_on, dl.amount, dl.due_on, dl.state, dl.extended_days, dl.paused_days, dl.paused_at)


def _replayed(case: Case) -> list[tuple]:
    clocks = _CaseClocks(_ClockBook(), Case.objects.select_related("area").get(pk=case.pk))
    for ev in case.events.select_related("actor").order_by("seq"):
        clocks.apply(EventRecord(at=ev.at, action=ev.action, actor=ev.actor, from_state=ev.from_state, to_state=ev.to_state,
                                 payload=ev.payload))
    return [_row(dl) for dl in clocks.rows]


def _live(case: Case) -> list[tuple]:
    return [_row(dl) for dl in CaseDeadline.objects.filter(case=case).order_by("pk")]


def test_replay_gives_the_live_clocks_through_review_hearing_and_recheck(city, register, clock):
    s = city.staff
    case = register()
    clock.shift(dt.timedelta(days=2))
    case = svc.transfer_case(case, actor=s["east_registrar"], unit=city.units["east1_office"])
    case = svc.accept_case(case, actor=s["east1_handler"], route=svc.Route.OPINION)
    clock.shift(dt.timedelta(days=40))
    case = svc.issue_opinion(case, actor=s["east1_handler"], request="修复电梯", facts="属实", opinion="限期修复",
                             legal_basis="《物业管理条例》第三十五条", outcome=svc.Outcome.SUPPORT, delivered_on=clock_today())
    clock.shift(dt.timedelta(days=10))
    case = svc.request_review(case, actor=s["east_registrar"], request="不服")
    case = svc.decide_review(case, actor=s["east_leader"], result=svc.ReviewResult.UPHELD, facts="清楚", opinion="维持",
                             legal_basis="第三十五条", delivered_on=clock_today())
    case = svc.request_recheck(case, actor=s["east_registrar"], request="不服")
    case = svc.start_hearing(case, actor=s["city_leader"])
    clock.shift(dt.timedelta(days=6))
    case = svc.end_hearing(case, actor=s["city_leader"])
    case = svc.decide_recheck(case, actor=s["city_leader"], result=svc.ReviewResult.UPHELD, facts="清楚", opinion="维持",
                              legal_basis="第三十六条")
    live = _live(case)
    assert any(r[0] == "recheck_decide_30d" and r[6] == 6 for r in live)  # the hearing's days were added
    assert _replayed(case) == live


def test_replay_gives_the_live_clocks_for_an_extension_and_an_unused_review_window(city, register, clock):
    s = city.staff
    case = register()
    case = svc.transfer_case(case, actor=s["east_registrar"], unit=city.units["east_housing"])
    case = svc.accept_case(case, actor=s["east_housing_handler"], route=svc.Route.OPINION)
    clock.shift(dt.timedelta(days=50))
    case = svc.extend_handling(case, actor=s["east_housing_leader"], days=30, reason="需要委托鉴定")
    clock.shift(dt.timedelta(days=20))
    case = svc.issue_opinion(case, actor=s["east_housing_handler"], request="修复", facts="属实", opinion="修复",
                             legal_basis="条例", outcome=svc.Outcome.EXPLAIN)
    case = svc.record_delivery(case, actor=s["east_housing_handler"], delivered_on=clock_today())
    clock.shift(dt.timedelta(days=45))
    assert svc.close_expired_review_windows() == 1
    case.refresh_from_db()
    live = _live(case)
    assert any(r[0] == "handle_60d" and r[5] == 30 for r in live)
    assert _replayed(case) == live


def test_replay_gives_the_live_clocks_for_an_assignment_report_sent_back_and_an_objection(city, register, clock):
    s = city.staff
    case = register()
    case = svc.assign_case(case, actor=s["east_leader"], unit=city.units["east_housing"], days=30)
    case = svc.accept_case(case, actor=s["east_housing_handler"], route=svc.Route.PERFORM_DUTY)
    clock.shift(dt.timedelta(days=3))
    case = svc.submit_report(case, actor=s["east_housing_handler"], process="约谈物业", result="已修复")
    case = svc.review_report(case, actor=s["east_leader"], accept=False, note="未附凭证")
    clock.shift(dt.timedelta(days=40))
    case = svc.submit_report(case, actor=s["east_housing_handler"], process="补充凭证", result="已修复")
    case = svc.review_report(case, actor=s["east_leader"], accept=True)
    assert case.state == CaseState.CLOSED
    assert _replayed(case) == _live(case)

    other = register()
    other = svc.transfer_case(other, actor=s["east_registrar"], unit=city.units["east_hr"])
    other = svc.object_to_transfer(other, actor=s["east_hr_handler"], reason="属于住建部门职责")
    other = svc.decide_objection(other, actor=s["east_leader"], agree=True)
    clock.shift(dt.timedelta(days=2))
    other = svc.transfer_case(other, actor=s["east_registrar"], unit=city.units["east_housing"])
    other = svc.refuse_case(other, actor=s["east_housing_handler"], ground="other", reason="已经诉讼", legal_basis="第十九条")
    assert _replayed(other) == _live(other)


def clock_today():
    from minxin.core import clock

    return clock.today()


def test_a_late_step_says_why_when_a_reason_was_recorded_and_just_late_otherwise():
    at = dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC)
    with_reason = CaseEvent(action=A.OBJECT, at=at, actor_label="张三", payload={"reason": "不属本单位", "late": True, "override_reason": "材料迟到"})
    assert describe_event(with_reason).endswith("对转送提出异议：不属本单位（逾期或例外处理，理由：材料迟到）")
    late = CaseEvent(action=A.DECIDE_REVIEW, at=at, actor_label="李四", payload={"result": "upheld", "late": True})
    assert describe_event(late).endswith("出具复查意见书（维持原意见）（逾期）")
