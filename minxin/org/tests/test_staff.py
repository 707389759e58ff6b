import pytest
from django.contrib.auth import get_user_model

from minxin.core.errors import ValidationFailed
from minxin.org import services
from minxin.org.models import Role


def test_staff_without_a_unit_is_refused_and_no_account_created(db):
    with pytest.raises(ValidationFailed, match="必须属于一个单位") as exc:
        services.create_staff(username="nobody", password="x-Pass-123456", unit=None, roles=[Role.HANDLER])
    assert "unit" in exc.value.fields
    assert not get_user_model().objects.filter(username="nobody").exists()


def test_staff_with_unknown_role_is_refused(city):
    with pytest.raises(ValidationFailed, match="未知的角色"):
        services.create_staff(username="x", password=None, unit=city.units["east_bureau"], roles=["wizard"])
    assert not get_user_model().objects.filter(username="x").exists()


def test_staff_roles_are_queryable(city):
    leader = city.staff["city_leader"]
    assert leader.has_role(Role.REVIEWER) and not leader.has_role(Role.REGISTRAR)
