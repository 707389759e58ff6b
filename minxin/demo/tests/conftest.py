import datetime as dt

import pytest

from minxin.demo.build import build_demo
from minxin.demo.city import SMALL_CITY

END = dt.date(2026, 3, 1)


@pytest.fixture
def small_demo(db):
    """The small city with 200 cases: enough for every state and channel, fast enough for every test run."""
    return build_demo(seed=7, cases=200, end_date=END, batch_size=64, size=SMALL_CITY)
