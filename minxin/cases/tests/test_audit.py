"""The hash-chained audit trail catches every kind of tampering and names where."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from minxin.cases import services as svc
from minxin.cases.audit import verify_case
from minxin.cases.models import CaseEvent


@pytest.fixture
def audited(city, register, clock):
    case = register()
    clock.shift(dt.timedelta(days=1))
    case = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    case = svc.accept_case(case, actor=city.staff["east_housing_handler"], route="opinion")
    case = svc.start_hearing(case, actor=city.staff["east_housing_handler"])
    case.refresh_from_db()
    assert case.events.count() == 4
    return case


def problems(case):
    case.refresh_from_db()
    return [(p.seq, p.problem) for p in verify_case(case)]


def test_untouched_chain_verifies(audited):
    assert problems(audited) == []


def test_edited_payload_is_caught_at_that_event(audited):
    ev = audited.events.get(seq=2)
    CaseEvent.objects.filter(pk=ev.pk).update(payload={**ev.payload, "to_unit": {"name": "西城区住建局"}})
    found = problems(audited)
    assert found == [(2, "内容与哈希签名不符，记录被篡改或链被无密钥重建")]


def test_edited_actor_is_caught(audited, city):
    CaseEvent.objects.filter(case=audited, seq=3).update(actor=city.staff["east_leader"])
    assert [seq for seq, _ in problems(audited)] == [3]


def test_deleted_middle_event_is_caught_at_the_gap(audited):
    CaseEvent.objects.filter(case=audited, seq=2).delete()
    found = problems(audited)
    assert (3, "序号不连续（应为2），记录可能被删除或重排") in found
    assert (3, "前序哈希不符，记录可能被删除、插入或重排") in found


def test_deleted_last_event_is_caught_at_the_tail(audited):
    CaseEvent.objects.filter(case=audited, seq=4).delete()
    assert problems(audited) == [(None, "链尾与信访件记录的最新哈希不符，末尾记录可能被删除或追加")]


def test_reordered_events_are_caught(audited):
    CaseEvent.objects.filter(case=audited, seq=2).update(seq=99)
    CaseEvent.objects.filter(case=audited, seq=3).update(seq=2)
    CaseEvent.objects.filter(case=audited, seq=99).update(seq=3)
    found = problems(audited)
    assert {seq for seq, _ in found} >= {2, 3}
    assert all("哈希" in problem for _, problem in found)


def test_audit_verify_command_names_the_tampered_case(audited):
    call_command("audit", "verify")
    CaseEvent.objects.filter(case=audited, seq=2).delete()
    with pytest.raises(CommandError, match="发现 2 处问题"):
        call_command("audit", "verify", "--case", audited.number)


def test_refused_action_leaves_the_chain_and_version_untouched(audited, city):
    version, head = audited.version, audited.audit_head
    with pytest.raises(Exception):
        svc.extend_handling(audited, actor=city.staff["east_housing_leader"], days=31, reason="太多")
    audited.refresh_from_db()
    assert (audited.version, audited.audit_head, audited.events.count()) == (version, head, 4)


def test_event_payloads_never_hold_id_or_phone_numbers(city, register):
    from minxin.cases.tests.conftest import person

    case = register(petitioners=[person(name="李四", id_number="11010519491231002X", phone="13800138000")])
    case = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    case = svc.object_to_transfer(case, actor=city.staff["east_housing_handler"], reason="信访人13800138000称不属本单位")
    text = str(list(case.events.values_list("payload", flat=True)))
    assert "13800138000" not in text and "11010519491231002X" not in text and "李四" not in text
    assert "[已脱敏]" in text
