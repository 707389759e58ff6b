import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest

from minxin.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_moved_clock_gives_that_instant_and_the_bureaus_date_then_returns_to_real_time():
    # 00:30 in Shanghai is still the previous day in UTC: today() must follow the bureau's zone.
    at = dt.datetime(2025, 6, 2, 0, 30, tzinfo=SHANGHAI)
    with clock.moved_to(at):
        assert clock.now() == at
        assert clock.today() == dt.date(2025, 6, 2)
        with clock.moved_to(at + dt.timedelta(days=3)):
            assert clock.today() == dt.date(2025, 6, 5)
        assert clock.now() == at
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_moved_clock_is_not_seen_by_other_threads():
    seen = []
    with clock.moved_to(dt.datetime(2020, 1, 1, tzinfo=SHANGHAI)):
        t = threading.Thread(target=lambda: seen.append(clock.today()))
        t.start()
        t.join()
    assert seen and seen[0].year > 2020


def test_moved_clock_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        with clock.moved_to(dt.datetime(2025, 1, 1)):
            pass
