"""Province and city overrides, and rule versions by effective date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minxin.core.errors import ConfigurationMissing
from minxin.org import services as org
from minxin.org.models import AreaLevel
from minxin.rules.deadlines import start_deadline
from minxin.rules.models import DeadlineRule
from minxin.rules.selectors import resolve_rule
from minxin.testing import make_case

D = dt.date
TRIGGER = D(2025, 3, 3)


def _override(code="handle_60d", amount=30, **scope):
    base = DeadlineRule.objects.get(code=code, area=None, province_code="")
    return DeadlineRule.objects.create(
        code=code, name=base.name, legal_basis="某省信访条例第二十三条", trigger=base.trigger, action=base.action,
        amount=amount, unit=base.unit, extendable=base.extendable, effective_from=scope.pop("effective_from", D(2022, 5, 1)), **scope,
    )


@pytest.fixture
def other_province_area(db):
    return org.create_area(code="330100000000", name="杭州市", level=AreaLevel.CITY)


def test_province_override_applies_inside_the_province_only(city, east_case, other_province_area):
    _override(amount=30, province_code="32")  # 江苏省: 示范市 is 3209…
    assert start_deadline(east_case, "handle_60d", trigger_date=TRIGGER).due_on == D(2025, 4, 2)
    assert resolve_rule("handle_60d", area=other_province_area, on=TRIGGER).amount == 60


def test_area_override_applies_to_its_subtree_only(city, east_case, west_case):
    _override(amount=30, area=city.areas["east"])
    assert start_deadline(east_case, "handle_60d", trigger_date=TRIGGER).due_on == D(2025, 4, 2)
    assert start_deadline(west_case, "handle_60d", trigger_date=TRIGGER).due_on == D(2025, 5, 6)


def test_most_specific_scope_wins(city):
    _override(amount=30, province_code="32")
    _override(amount=45, area=city.areas["city"])
    _override(amount=20, area=city.areas["east"])
    assert resolve_rule("handle_60d", area=city.areas["grid1"], on=TRIGGER).amount == 20
    assert resolve_rule("handle_60d", area=city.areas["west1v"], on=TRIGGER).amount == 45


def test_version_in_force_on_the_trigger_date_is_used(city):
    _override(amount=50, effective_from=D(2026, 1, 1))
    area = city.areas["east"]
    assert resolve_rule("handle_60d", area=area, on=D(2025, 12, 31)).amount == 60
    assert resolve_rule("handle_60d", area=area, on=D(2026, 1, 2)).amount == 50


def test_deadline_keeps_the_rule_version_it_was_computed_with(city, east_case):
    first = start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
    _override(amount=50, effective_from=D(2025, 3, 1))
    first.refresh_from_db()
    assert (first.rule.amount, first.amount, first.due_on) == (60, 60, D(2025, 5, 6))


def test_inactive_override_is_ignored(city):
    rule = _override(amount=30, area=city.areas["east"])
    rule.is_active = False
    rule.save()
    assert resolve_rule("handle_60d", area=city.areas["east1"], on=TRIGGER).amount == 60


def test_rule_before_the_regulation_is_in_force_is_missing(city):
    with pytest.raises(ConfigurationMissing):
        resolve_rule("handle_60d", area=city.areas["east"], on=D(2022, 4, 30))


def test_province_and_area_together_are_refused(city):
    rule = DeadlineRule(code="handle_60d", name="办理期限", legal_basis="x", trigger="x", action="x", amount=30,
                        province_code="32", area=city.areas["east"], effective_from=D(2024, 1, 1))
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_extension_cap_follows_the_local_override(city):
    from minxin.core.errors import ValidationFailed
    from minxin.rules.deadlines import extend_deadline

    _override(code="extension_max_30d", amount=15, area=city.areas["east"])
    case = make_case(city, area="east1", registering_unit="east_bureau", current_unit="east_housing")
    start_deadline(case, "handle_60d", trigger_date=TRIGGER)
    with pytest.raises(ValidationFailed):
        extend_deadline(case, "handle_60d", days=16, reason="情况复杂", approved_by=city.staff["east_housing_leader"])
    assert extend_deadline(case, "handle_60d", days=15, reason="情况复杂", approved_by=city.staff["east_housing_leader"]).extended_days == 15
