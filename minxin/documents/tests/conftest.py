import pytest

from minxin.testing import make_case


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(city):
    return make_case(city, area="east1", registering_unit="east_bureau", current_unit="east_housing")

