import pytest

from minxin.testing import make_case


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(city):
    import datetime as dt

    from minxin.rules.deadlines import start_deadline

    c = make_case(city, area="east1", registering_unit="east_bureau", current_unit="east_housing")
    # A 转送单 or 交办单 states the objection window of the clock started with it.
    start_deadline(c, "objection_5wd", trigger_date=dt.date(2026, 11, 25))
    return c

