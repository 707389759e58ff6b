"""The unit 小时 is only for the moment-counted urgent-report limits, never for a case clock."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from minxin.core.errors import ValidationFailed
from minxin.rules.calendar import PeriodUnit
from minxin.rules.deadlines import start_deadline
from minxin.rules.models import MOMENT_LIMIT_CODES, CaseDeadline, DeadlineRule

pytestmark = pytest.mark.django_db


def _rule(code, unit):
    return DeadlineRule(code=code, name="测试规则", legal_basis="测试", trigger="受理", action="办结", amount=3,
                        unit=unit, effective_from=dt.date(2030, 1, 1))


def test_a_case_clock_rule_in_hours_is_refused_naming_the_unit_field():
    with pytest.raises(ValidationError) as exc:
        _rule("handle_60d", PeriodUnit.HOUR).full_clean()
    assert set(exc.value.message_dict) == {"unit"}
    assert "单位" in exc.value.message_dict["unit"][0] and "小时" in exc.value.message_dict["unit"][0]


@pytest.mark.parametrize("code", sorted(MOMENT_LIMIT_CODES))
def test_urgent_report_limits_may_count_in_hours(code):
    _rule(code, PeriodUnit.HOUR).full_clean()


def test_case_clock_rules_in_days_are_still_accepted():
    _rule("handle_60d", PeriodUnit.WORKING_DAY).full_clean()


def test_the_admin_refuses_hours_for_a_case_clock_rule_and_changes_nothing(admin_client):
    rule = DeadlineRule.objects.filter(code="handle_60d").first()
    response = admin_client.post(reverse("admin:rules_deadlinerule_add"), {
        "code": "handle_60d", "name": "办理期限", "legal_basis": "条例", "trigger": "受理", "action": "办结",
        "amount": "3", "unit": "hour", "is_statutory": "", "province_code": "32", "effective_from": "2030-01-01",
        "is_active": "on", "note": "",
    })
    assert response.status_code == 200
    assert "小时仅用于重大紧急信息报告的时限" in response.content.decode()
    assert list(DeadlineRule.objects.filter(code="handle_60d")) == [rule]


def test_a_case_clock_whose_rule_was_saved_in_hours_refuses_to_start(east_case):
    # A row written around the form (a data import, the shell) must not start an uncountable clock.
    DeadlineRule.objects.filter(code="handle_60d").update(unit=PeriodUnit.HOUR)
    with pytest.raises(ValidationFailed) as exc:
        start_deadline(east_case, "handle_60d", trigger_date=dt.date(2025, 3, 3))
    assert "小时" in exc.value.message
    assert not CaseDeadline.objects.filter(case=east_case).exists()
