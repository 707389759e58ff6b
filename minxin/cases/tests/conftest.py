import datetime as dt
import itertools

import pytest
import time_machine

from minxin.core.identity import id_check_digit

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday
_serial = itertools.count(1)


def valid_id(birth: str = "19800101", region: str = "320902") -> str:
    first17 = f"{region}{birth}{next(_serial) % 1000:03d}"
    return first17 + id_check_digit(first17)


def person(name="张三", **kw) -> dict:
    return {"name": name, "address": "示范市东城区东一街道1号", "id_number": valid_id(), "phone": "13912345678", **kw}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


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
