"""The 稳评 transitions: each permission-checked, validated, audited and all-or-nothing."""

import datetime as dt

import pytest
import time_machine

from minxin.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from minxin.stability import selectors, services
from minxin.stability.models import Assessment, Decision, DecisionState, FollowUp, StabilityEvent
from minxin.stability.tests.helpers import GROUPS, NOW, TODAY, concluded, register


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def actions(d):
    return list(StabilityEvent.objects.filter(decision=d).values_list("action", flat=True))


def test_a_decision_goes_from_register_to_follow_up_and_every_step_is_audited(city):
    d = register(city, planned_on=TODAY - dt.timedelta(days=21))
    assert d.state == DecisionState.REGISTERED
    services.start_assessment(d, actor=city.staff["east_housing_handler"])
    services.record_findings(d, actor=city.staff["east_housing_handler"], affected_groups="被征收户：320\n周边商户 45户",
                             findings="召开座谈会3次，入户走访210户")
    a = Assessment.objects.get(decision=d)
    assert a.affected_groups == GROUPS and a.affected_total == 365
    services.conclude_assessment(d, actor=city.staff["east_housing_handler"], conclusion="with_measures", level="orange",
                                 level_reasons="补偿分歧", measures="逐户沟通")
    services.approve_assessment(d, actor=city.staff["east_housing_leader"], note="同意，落实措施后实施")
    f = services.record_follow_up(d, actor=city.staff["east_housing_handler"], note="持续关注")
    d.refresh_from_db()
    assert d.state == DecisionState.APPROVED and d.decided_on == d.planned_on
    assert f.weeks == 2 and f.before_count == 0 and f.after_count == 0
    assert actions(d) == ["registered", "assessment_started", "findings_recorded", "concluded", "approved", "follow_up_recorded"]
    actors = list(StabilityEvent.objects.filter(decision=d).values_list("actor__user__username", flat=True))
    assert actors[-2:] == ["east_housing_leader", "east_housing_handler"]


def test_a_red_risk_cannot_be_concluded_as_proceed_and_nothing_changes(city):
    d = register(city)
    services.start_assessment(d, actor=city.staff["east_leader"])
    with pytest.raises(ValidationFailed) as e:
        services.conclude_assessment(d, actor=city.staff["east_leader"], conclusion="proceed", level="red", affected_groups=GROUPS,
                                     level_reasons="多次集体访", measures="暂停推进")
    assert "红风险不能作出“可实施”" in e.value.message
    d.refresh_from_db()
    assert d.state == DecisionState.ASSESSING and Assessment.objects.get(decision=d).level == ""
    assert actions(d)[-1] == "assessment_started"


def test_concluding_needs_groups_reasons_and_measures_each_named(city):
    d = register(city)
    services.start_assessment(d, actor=city.staff["east_leader"])
    with pytest.raises(ValidationFailed) as e:
        services.conclude_assessment(d, actor=city.staff["east_leader"], conclusion="postpone", level="yellow")
    assert set(e.value.fields) == {"affected_groups", "level_reasons", "measures"}
    assert "利益相关群体" in e.value.message


def test_a_badly_written_group_line_is_refused_naming_the_line(city):
    d = register(city)
    services.start_assessment(d, actor=city.staff["east_leader"])
    with pytest.raises(ValidationFailed) as e:
        services.record_findings(d, actor=city.staff["east_leader"], affected_groups="被征收户：320\n很多商户")
    assert "第2行" in e.value.message


def test_phone_numbers_are_refused_in_texts(city):
    d = register(city)
    services.start_assessment(d, actor=city.staff["east_leader"])
    with pytest.raises(ValidationFailed) as e:
        services.record_findings(d, actor=city.staff["east_leader"], findings="联系人13912345678")
    assert "手机号码" in e.value.message


def test_register_outside_the_area_is_refused(city):
    with pytest.raises(PermissionDenied):
        register(city, actor="west_registrar")
    assert Decision.objects.count() == 0


def test_a_functional_unit_registers_only_decisions_it_assesses_itself(city):
    with pytest.raises(PermissionDenied):
        register(city, actor="east_housing_handler", unit="east_hr")
    d = register(city, actor="east_housing_handler", unit="east_housing")
    assert d.responsible_unit == city.units["east_housing"]


def test_the_responsible_unit_must_cover_the_area(city):
    with pytest.raises(ValidationFailed) as e:
        register(city, actor="city_leader", area="west1", unit="east_housing")
    assert "辖区不包括" in e.value.message


def test_scoping_bureau_by_area_other_units_by_responsibility(city):
    d = register(city)
    seen = {p for p in ("city_leader", "east_registrar", "west_registrar", "east_housing_handler", "east_hr_handler", "east1_handler",
                        "city_housing_handler") if selectors.decisions_visible_to(city.staff[p]).filter(pk=d.pk).exists()}
    assert seen == {"city_leader", "east_registrar", "east_housing_handler"}
    with pytest.raises(NotFound):
        selectors.get_decision(city.staff["west_registrar"], d.pk)
    with pytest.raises(PermissionDenied):
        services.start_assessment(d, actor=city.staff["east_hr_handler"])


def test_approval_needs_a_leader_other_than_the_one_who_concluded(city):
    d = concluded(city, actor="east_leader")
    with pytest.raises(PermissionDenied):
        services.approve_assessment(d, actor=city.staff["east_registrar"])
    with pytest.raises(InvalidTransition) as e:
        services.approve_assessment(d, actor=city.staff["east_leader"])
    assert "不能审定自己的结论" in e.value.message
    services.approve_assessment(d, actor=city.staff["city_leader"])
    d.refresh_from_db()
    assert d.state == DecisionState.APPROVED


def test_a_returned_conclusion_goes_back_to_assessment_with_the_reason(city):
    d = concluded(city, actor="east_housing_handler", unit="east_housing")
    with pytest.raises(ValidationFailed):
        services.return_assessment(d, actor=city.staff["east_housing_leader"], note=" ")
    services.return_assessment(d, actor=city.staff["east_housing_leader"], note="受影响群体统计不全")
    d.refresh_from_db()
    assert d.state == DecisionState.ASSESSING and d.assessment.approval_note == "受影响群体统计不全"
    assert actions(d)[-1] == "returned"


def test_transitions_out_of_order_are_refused(city):
    d = register(city)
    with pytest.raises(InvalidTransition):
        services.record_findings(d, actor=city.staff["east_leader"], findings="x")
    services.start_assessment(d, actor=city.staff["east_leader"])
    with pytest.raises(InvalidTransition):
        services.start_assessment(d, actor=city.staff["east_leader"])
    with pytest.raises(InvalidTransition):
        services.record_follow_up(d, actor=city.staff["east_leader"])


def test_a_decision_not_taken_has_no_follow_up(city):
    d = concluded(city, level="red", conclusion="reject")
    services.approve_assessment(d, actor=city.staff["city_leader"])
    with pytest.raises(InvalidTransition) as e:
        services.record_follow_up(d, actor=city.staff["east_leader"], decided_on=TODAY)
    assert "不予实施" in e.value.message
    assert FollowUp.objects.count() == 0


def test_follow_up_before_the_planned_date_needs_the_actual_date_and_not_a_future_one(city):
    d = concluded(city)
    services.approve_assessment(d, actor=city.staff["city_leader"])
    with pytest.raises(ValidationFailed) as e:
        services.record_follow_up(d, actor=city.staff["east_leader"])
    assert "请填写实际决策日期" in e.value.message
    with pytest.raises(ValidationFailed):
        services.record_follow_up(d, actor=city.staff["east_leader"], decided_on=TODAY + dt.timedelta(days=1))
    services.record_follow_up(d, actor=city.staff["east_leader"], decided_on=TODAY - dt.timedelta(days=14))
    d.refresh_from_db()
    assert d.decided_on == TODAY - dt.timedelta(days=14)
    with pytest.raises(ValidationFailed) as e:
        services.record_follow_up(d, actor=city.staff["east_leader"], decided_on=TODAY - dt.timedelta(days=7))
    assert "不能更改" in e.value.message
