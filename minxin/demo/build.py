"""Build the demo city and stream its case history into the database in batches."""

import contextlib
import datetime as dt
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from minxin.cases.history import load_historical_cases
from minxin.core import clock
from minxin.demo.city import CITY_CODE, FULL_CITY, CitySize, build_city
from minxin.demo.generate import CaseStream, CityIndex
from minxin.stability.demo import build_demo_assessments
from minxin.upward.demo import build_demo_urgent_report

if TYPE_CHECKING:
    from minxin.demo.year import YearResult

DEFAULT_BATCH = 2000


@contextlib.contextmanager
def without_query_log():
    """Django's DEBUG query log keeps the text of every (multi-megabyte) bulk INSERT and, on
    SQLite, re-quotes each parameter for it: that made a 20,000-case load 3x slower and let
    memory grow without bound. The log is of no use here, so it is off while loading."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


@dataclass
class DemoResult:
    cases: int
    seconds_city: float
    seconds_cases: float
    year: "YearResult | None" = None

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds_cases if self.seconds_cases else 0.0


def build_demo(
    *,
    seed: int,
    cases: int,
    end_date: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH,
    size: CitySize = FULL_CITY,
    progress: Callable[[int, int], None] | None = None,
    work_year: bool = False,
    say: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Create 青禾市 and `cases` cases of history ending the day before `end_date` (default today).

    The city is one transaction; each batch of cases is its own transaction, so a
    million-case load commits as it goes and memory stays flat. `work_year` then replays
    the year through the live sweeps and services (minxin.demo.year).
    """
    end_date = end_date or clock.today()
    started = time.perf_counter()
    # Separate streams for the city and the cases: changing --cases never changes the city.
    build_city(random.Random(f"city:{seed}"), size)
    city_done = time.perf_counter()
    stream = CaseStream(CityIndex(), seed=seed, count=cases, end_date=end_date)
    loaded = 0
    with without_query_log():
        for batch in itertools.batched(stream, batch_size):
            load_historical_cases(batch)
            loaded += len(batch)
            if progress is not None:
                progress(loaded, cases)
    result = DemoResult(loaded, city_done - started, time.perf_counter() - city_done)
    if work_year:
        from minxin.demo.meetings import build_joint_meeting
        from minxin.demo.year import work_the_year
        from minxin.grid.demo import build_grid_demo

        result.year = work_the_year(seed=seed, end_date=end_date, say=say)
        result.year.counts.update(build_joint_meeting(end_date=end_date))
        result.year.counts["stability_assessments"] = build_demo_assessments(end_date=end_date, city_code=CITY_CODE)
        result.year.counts["urgent_matters"] = build_demo_urgent_report(end_date=end_date, say=say)
        result.year.counts.update(build_grid_demo(seed=seed, end_date=end_date))
        from minxin.demo.portal_queue import build_portal_queue

        result.year.counts.update(build_portal_queue(seed=seed, end_date=end_date))
        # The worked examples above register cases of their own (grid reports, a meeting's agenda): the
        # end-of-year overdue sweep runs once more so that their late clocks have their 督办建议 too.
        from minxin.oversight.sweeps import detect_overdue

        result.year.counts["overdue_proposals"] += detect_overdue(end_date)
    return result
