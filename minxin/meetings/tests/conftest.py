import datetime as dt

import pytest

from minxin.cases.models import Domain
from minxin.meetings import services
from minxin.risk import ledger
from minxin.risk.models import RiskLevel
from minxin.testing import make_case


@pytest.fixture
def east_case(city):
    return make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")


@pytest.fixture
def east_entry(city):
    return ledger.create_entry(
        actor=city.staff["east_leader"], source="grid", domain=Domain.objects.get(name="房地产"), area=city.areas["east1v"],
        summary="东一社区业主与开发商就延期交房产生纠纷", level=RiskLevel.ORANGE, level_reasons="涉及六十余户",
        responsible_unit=city.units["east_housing"],
    )


@pytest.fixture
def meeting(city, clock):
    """东城区 meeting today (the frozen START) with the housing bureau and the street office."""
    return services.convene_meeting(
        actor=city.staff["east_leader"], held_on=dt.date(2026, 3, 2), topic="东一社区延期交房问题协调",
        members=[city.units["east_housing"], city.units["east1_office"]], place="区信访局三楼会议室",
    )
