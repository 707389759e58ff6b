"""The demo city's grids: workers, reports solved at the grid, escalated to cases, and one that came back."""

import datetime as dt
import random

import pytest

from minxin.cases.models import Case
from minxin.demo.city import DEMO_PASSWORD, SMALL_CITY, build_city
from minxin.grid import scoring
from minxin.grid.demo import REPORTS, build_grid_demo
from minxin.grid.models import CaseRequest, GridReport
from minxin.org.models import Area, AreaLevel, Role, Staff

pytestmark = pytest.mark.django_db

END = dt.date(2026, 6, 30)


def test_demo_grids_have_workers_and_reports_in_every_outcome(client):
    city = build_city(random.Random("city:7"), SMALL_CITY)
    if not Area.objects.within(city).filter(level=AreaLevel.GRID).exists():
        pytest.skip("this seed's small city has no grids")
    counts = build_grid_demo(seed=7, end_date=END)
    assert counts["grid_reports"] == len(REPORTS) and counts["grid_workers"] >= 1
    workers = Staff.objects.filter(roles__role=Role.GRID_WORKER)
    assert workers.count() == counts["grid_workers"] and all(w.user.username.count("_") == 1 for w in workers)
    assert client.login(username=workers.first().user.username, password=DEMO_PASSWORD)
    reps = list(GridReport.objects.select_related("entry", "entry__area"))
    assert sum(1 for r in reps if r.case_request == CaseRequest.REGISTERED) == counts["grid_cases"] == 2
    assert Case.objects.filter(pk__in=[r.case_id for r in reps if r.case_id]).count() == 2
    assert sum(1 for r in reps if r.case_request == CaseRequest.PENDING) == 1  # for the registrar to try
    solved = scoring.solved_at_grid(reps)
    # Four marked solved; the one whose people came back as petitioners does not count.
    assert sum(1 for r in reps if r.resolved_at) == 4 and len(solved) == 3
    assert any(r.photo for r in reps)
