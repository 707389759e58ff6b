import pytest

from minxin.rules import alerts
from minxin.testing import make_case


@pytest.fixture(autouse=True)
def _no_pending_alerts_between_tests():
    alerts._pending_years().clear()
    yield
    alerts._pending_years().clear()


@pytest.fixture
def east_case(city):
    return make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")


@pytest.fixture
def west_case(city):
    return make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office")
