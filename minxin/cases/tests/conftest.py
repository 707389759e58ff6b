import pytest

from minxin.testing import START, person, valid_id  # noqa: F401 - shared helpers, imported by tests from here


@pytest.fixture
def register(city, clock):
    """Register a case at 东城区信访局 (申诉求决, 东一社区) with sensible defaults."""
    from minxin.cases.services import register_case

    def _register(**overrides):
        kwargs = {
            "actor": city.staff["east_registrar"],
            "channel": "visit",
            "category": "complaint",
            "subject": "小区电梯长期停运",
            "content": "小区3号楼电梯停运两个月，物业不予维修。",
            "request": "尽快修复电梯",
            "facts": "电梯自1月起停运",
            "reasons": "影响老人出行",
            "area": city.areas["east1v"],
            "petitioners": [person()],
        }
        kwargs.update(overrides)
        return register_case(**kwargs)

    return _register
