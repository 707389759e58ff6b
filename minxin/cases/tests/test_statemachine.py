"""The transition table itself, wrong-state refusals, timeline wording and after-commit signals."""

import datetime as dt

import pytest

from minxin.cases import services as svc
from minxin.cases.models import CaseEvent, CaseState
from minxin.cases.selectors import describe_event
from minxin.cases.statemachine import ACTIONS, LABELS, SYSTEM_EVENTS, TABLE, A, is_legal
from minxin.core.errors import InvalidTransition

TERMINAL = {CaseState.FINAL, CaseState.NOT_ACCEPTED, CaseState.NOT_REACCEPTED, CaseState.CLOSED}


def test_table_uses_only_known_states_and_every_action_has_a_label():
    for t in TABLE:
        assert t.sources <= set(CaseState.values) and t.targets <= set(CaseState.values), t
    assert set(LABELS) == ACTIONS | SYSTEM_EVENTS


def test_terminal_states_have_no_way_out():
    assert not [t for t in TABLE if t.sources & TERMINAL]


def test_every_state_is_reachable_from_registration():
    reached, frontier = {CaseState.REGISTERED}, [CaseState.REGISTERED]
    while frontier:
        state = frontier.pop()
        for t in TABLE:
            if state in t.sources:
                for target in t.targets - reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(CaseState.values)


def test_is_legal_checks_source_and_target():
    assert is_legal(A.ACCEPT, CaseState.TRANSFERRED, CaseState.REFERRED)
    assert not is_legal(A.ACCEPT, CaseState.REGISTERED, CaseState.ACCEPTED)
    assert not is_legal(A.ACCEPT, CaseState.TRANSFERRED, CaseState.CLOSED)
    assert is_legal(A.EXTEND, CaseState.ACCEPTED, CaseState.ACCEPTED)
    assert not is_legal(A.EXTEND, CaseState.ACCEPTED, CaseState.CLOSED)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_reads_as_a_chinese_sentence(action):
    event = CaseEvent(action=action, at=dt.datetime(2026, 3, 5, 2, tzinfo=dt.UTC), actor_label="张三", payload={"unit": "东城区信访局"})
    text = describe_event(event)
    assert text.startswith("2026年3月5日 东城区信访局 张三 ")
    assert action not in text


def test_actions_in_the_wrong_state_are_refused_with_the_state_named(city, register):
    s = city.staff
    case = register()
    with pytest.raises(InvalidTransition, match="已登记"):
        svc.issue_opinion(case, actor=s["east_registrar"], request="a", facts="b", opinion="c", legal_basis="d", outcome="support")
    with pytest.raises(InvalidTransition, match="不能受理"):
        svc.accept_case(case, actor=s["east_registrar"], route="opinion")
    case = svc.refuse_case(case, actor=s["east_registrar"], ground="other", reason="不属于信访事项", legal_basis="第十七条")
    with pytest.raises(InvalidTransition, match="不予受理"):
        svc.transfer_case(case, actor=s["east_registrar"], unit=city.units["east_housing"])


def test_changes_are_announced_only_after_commit(city, register, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, **info):
        received.append((info["action"], info["from_state"], info["to_state"]))

    svc.case_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case = register()
            svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
        assert len(callbacks) >= 2
    finally:
        svc.case_changed.disconnect(listener)
    assert (A.REGISTER, "", "registered") in received and (A.TRANSFER, "registered", "transferred") in received


def test_sweep_closes_only_expired_windows_and_is_idempotent(city, register, clock):
    s = city.staff
    case = svc.transfer_case(register(), actor=s["east_registrar"], unit=city.units["east1_office"])
    case = svc.accept_case(case, actor=s["east1_handler"], route="opinion")
    case = svc.issue_opinion(case, actor=s["east1_handler"], request="a", facts="b", opinion="c", legal_basis="d",
                             outcome="reject", delivered_on=dt.date(2026, 3, 2))
    other = svc.transfer_case(register(), actor=s["east_registrar"], unit=city.units["east1_office"])
    assert svc.close_expired_review_windows() == 0
    clock.shift(dt.timedelta(days=31))
    assert svc.close_expired_review_windows() == 1
    assert svc.close_expired_review_windows() == 0
    case.refresh_from_db()
    other.refresh_from_db()
    assert case.state == CaseState.CLOSED and other.state == CaseState.TRANSFERRED
