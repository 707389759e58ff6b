"""Art. 24 disputes settled (or recommended) at a joint meeting; the member unit's report on the
case timeline; 会议闭环; the read-only admin."""

import pytest
from django.contrib.auth import get_user_model

from minxin.cases.events import A, describe_event
from minxin.cases.models import CaseEvent, CaseState, JurisdictionDispute
from minxin.cases.services import open_jurisdiction_dispute
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.meetings import services
from minxin.meetings.models import Decision, Meeting, MeetingEvent
from minxin.testing import make_case


def disputed(city, units):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    return open_jurisdiction_dispute(case, actor=city.staff["east_registrar"], units=[city.units[u] for u in units],
                                     reason="两单位均认为不属本单位职责")


def test_a_meeting_convened_by_the_arbiter_settles_the_dispute_through_the_cases_service(city, meeting):
    # 东一街道办事处 and 东城区住建局 have no common 上一级: the registering 东城区信访局 decides — and convenes.
    case = disputed(city, ["east1_office", "east_housing"])
    leader = city.staff["east_leader"]
    item = services.add_agenda_item(meeting, actor=leader, case=case)
    decision = services.record_decision(meeting, actor=leader, item=item, text="明确由区住建局受理并牵头办理",
                                        competent_unit=city.units["east_housing"])
    case.refresh_from_db()
    assert decision.settles and decision.competent_unit == city.units["east_housing"]
    assert case.state == CaseState.TRANSFERRED and case.current_unit == city.units["east_housing"]
    dispute = JurisdictionDispute.objects.get(case=case)
    assert dispute.settled_unit == city.units["east_housing"] and dispute.settled_at is not None
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.action for e in events][-2:] == [A.MEETING_DECISION, A.SETTLE_DISPUTE]
    assert "确定由 东城区住房和城乡建设局 受理" in describe_event(events[-2])
    assert "联席会议" in events[-1].payload["note"]


def test_a_meeting_that_is_not_the_arbiter_records_a_recommendation_and_leaves_the_dispute_open(city, meeting):
    # Two street offices' common 上一级 is 示范市信访局, not the convening 东城区信访局.
    case = disputed(city, ["east1_office", "west1_office"])
    leader = city.staff["east_leader"]
    item = services.add_agenda_item(meeting, actor=leader, case=case)
    decision = services.record_decision(meeting, actor=leader, item=item, text="建议由东一街道受理",
                                        competent_unit=city.units["east1_office"])
    case.refresh_from_db()
    assert not decision.settles and case.state == CaseState.DISPUTED
    assert JurisdictionDispute.objects.get(case=case).settled_at is None
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert last.action == A.MEETING_DECISION
    assert "建议由 东一街道办事处 受理，提请 示范市信访局 确定" in describe_event(last)


def test_a_competent_unit_outside_the_dispute_or_on_an_undisputed_case_is_refused_and_nothing_is_written(city, meeting, east_case):
    leader = city.staff["east_leader"]
    case = disputed(city, ["east1_office", "east_housing"])
    item = services.add_agenda_item(meeting, actor=leader, case=case)
    plain = services.add_agenda_item(meeting, actor=leader, case=east_case)
    with pytest.raises(ValidationFailed) as err:
        services.record_decision(meeting, actor=leader, item=item, text="由人社局受理", competent_unit=city.units["east_hr"])
    assert "东一街道办事处" in err.value.message and "东城区住房和城乡建设局" in err.value.message
    with pytest.raises(InvalidTransition) as err:
        services.record_decision(meeting, actor=leader, item=plain, text="由住建局受理", competent_unit=city.units["east_housing"])
    assert "没有待确定的受理争议" in err.value.message
    with pytest.raises(ValidationFailed):
        services.record_decision(meeting, actor=leader, text="由住建局受理", competent_unit=city.units["east_housing"])
    assert not Decision.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.DISPUTED


def test_a_recorder_who_may_not_act_for_the_arbiter_cannot_settle_a_dispute_by_a_meeting_decision(city, meeting):
    case = disputed(city, ["east1_office", "east_housing"])
    item = services.add_agenda_item(meeting, actor=city.staff["east_leader"], case=case)
    supervisor = city.staff["city_supervisor"]  # oversees the meeting, but is not of the arbiter 东城区信访局
    with pytest.raises(PermissionDenied) as err:
        services.record_decision(meeting, actor=supervisor, item=item, text="由住建局受理",
                                 competent_unit=city.units["east_housing"])
    assert "东城区信访局" in err.value.message
    assert not Decision.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.DISPUTED


def test_a_member_units_report_appears_on_the_case_timeline_naming_unit_and_reporter(city, meeting, east_case):
    leader = city.staff["east_leader"]
    item = services.add_agenda_item(meeting, actor=leader, case=east_case)
    decision = services.record_decision(meeting, actor=leader, item=item, text="由区住建局牵头")
    task = services.assign_task(decision, actor=leader, unit=city.units["east_housing"], description="督促开发商提交交房计划",
                                days=5)
    handler = city.staff["east_housing_handler"]
    services.report_task_done(task, actor=handler, result="开发商已提交分期交房计划")
    event = CaseEvent.objects.filter(case=east_case).order_by("-seq").first()
    assert event.action == A.MEETING_TASK_REPORTED and event.from_state == event.to_state
    line = describe_event(event)
    assert "东城区住房和城乡建设局" in line and "开发商已提交分期交房计划" in line and handler.display_name in line


def test_a_meeting_closes_only_when_every_task_is_accepted_and_then_refuses_changes(city, meeting, east_case):
    leader = city.staff["east_leader"]
    item = services.add_agenda_item(meeting, actor=leader, case=east_case)
    decision = services.record_decision(meeting, actor=leader, item=item, text="由区住建局牵头")
    task = services.assign_task(decision, actor=leader, unit=city.units["east_housing"], description="督促开发商提交交房计划",
                                days=5)
    with pytest.raises(InvalidTransition) as err:
        services.close_meeting(meeting, actor=leader)
    assert "东城区住房和城乡建设局" in err.value.message and "督促开发商提交交房计划" in err.value.message
    services.report_task_done(task, actor=city.staff["east_housing_handler"], result="已提交")
    with pytest.raises(PermissionDenied):
        services.close_meeting(meeting, actor=city.staff["east_registrar"])
    with pytest.raises(InvalidTransition) as err:
        services.close_meeting(meeting, actor=leader)
    assert "已报办结" in err.value.message
    services.accept_task(task, actor=leader)
    closed = services.close_meeting(meeting, actor=leader)
    assert closed.is_closed and closed.closed_by == leader
    assert MeetingEvent.objects.filter(meeting=meeting, action="close_meeting", actor=leader).exists()
    with pytest.raises(InvalidTransition) as err:
        services.record_decision(meeting, actor=leader, text="补充决定")
    assert "已于" in err.value.message and "闭环" in err.value.message
    with pytest.raises(InvalidTransition):
        services.close_meeting(meeting, actor=leader)


def test_a_meeting_with_nothing_decided_cannot_be_closed(city, meeting):
    with pytest.raises(InvalidTransition):
        services.close_meeting(meeting, actor=city.staff["east_leader"])
    assert not Meeting.objects.get(pk=meeting.pk).is_closed


@pytest.mark.parametrize("model", ["meeting", "decision", "task", "meetingevent"])
def test_the_admin_lists_meeting_records_but_cannot_add_change_or_delete(client, city, meeting, east_case, model):
    leader = city.staff["east_leader"]
    item = services.add_agenda_item(meeting, actor=leader, case=east_case)
    decision = services.record_decision(meeting, actor=leader, item=item, text="由区住建局牵头")
    task = services.assign_task(decision, actor=leader, unit=city.units["east_housing"], description="督促开发商", days=5)
    obj = {"meeting": meeting, "decision": decision, "task": task,
           "meetingevent": MeetingEvent.objects.filter(meeting=meeting).first()}[model]
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    assert client.get(f"/admin/meetings/{model}/").status_code == 200
    assert client.get(f"/admin/meetings/{model}/{obj.pk}/change/").status_code == 200
    assert client.get(f"/admin/meetings/{model}/add/").status_code == 403
    assert client.post(f"/admin/meetings/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
