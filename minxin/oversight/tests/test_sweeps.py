import datetime as dt

import pytest

from minxin.oversight import sweeps
from minxin.oversight.models import DailyRollup, Notice, RatingWindow, SupervisionProposal, SweepRun

pytestmark = pytest.mark.django_db


class Crash(Exception):
    pass


def crash_after(n):
    seen = {"n": 0}

    def hook():
        seen["n"] += 1
        if seen["n"] >= n:
            raise Crash()

    return hook


def snapshot():
    return (
        sorted(Notice.objects.values_list("kind", "case_id", "unit_id", "period")),
        sorted(SupervisionProposal.objects.values_list("deadline_id", "unit_id")),
        sorted(RatingWindow.objects.values_list("case_id", "state", "due_on")),
        sorted(DailyRollup.objects.values_list("date", "area_id", "unit_id_key", "channel", "category", "received", "accepted", "closed", "overdue", "rated")),
    )


def run_all():
    for name in sweeps.SWEEPS:
        sweeps.run_sweep(name)


@pytest.fixture
def busy(flow):
    """Four cases: two left at registration, one transferred, one with an opinion delivered."""
    flow.register()
    flow.register()
    flow.transfer(flow.register())
    flow.opinion_case()
    return flow


def test_due_soon_reminder_goes_to_the_answering_unit_once(busy, city):
    busy.advance(days=13)  # 15日 clocks started 2026-03-02 fall due on 2026-03-17
    assert sweeps.remind_due_soon() == 3
    assert sweeps.remind_due_soon() == 0
    units = sorted(Notice.objects.filter(kind="due_soon").values_list("unit__code", flat=True))
    # Two 登记转送 clocks at the bureau and the transferred case's 告知 clock at 住建局;
    # the opinion case's clocks were all met.
    assert units == ["B-EAST", "B-EAST", "G-EAST-HOUSING"]


def test_overdue_clock_proposes_supervision_exactly_once(busy, city):
    busy.advance(days=16)
    assert sweeps.detect_overdue() == 3
    assert sweeps.detect_overdue() == 0
    assert SupervisionProposal.objects.count() == 3
    assert set(SupervisionProposal.objects.values_list("deadline__code", flat=True)) == {"register_route_15d", "accept_notice_15d"}
    # The bureau that sent the case hears about the proposal for the unit's missed clock;
    # the city bureau hears about the county bureau's own two missed 登记转送 clocks (Art. 43).
    assert Notice.objects.filter(kind="supervision_proposed", unit=city.units["east_bureau"]).count() == 1
    assert Notice.objects.filter(kind="supervision_proposed", unit=city.units["city_bureau"]).count() == 2


def test_every_sweep_run_twice_leaves_the_same_rows(busy):
    busy.advance(days=31)
    run_all()
    first = snapshot()
    assert first[0] and first[1] and first[2] and first[3]
    run_all()
    assert snapshot() == first


def test_sweep_killed_half_way_then_rerun_is_complete_without_duplicates(busy):
    busy.advance(days=31)
    for name, spec in sweeps.SWEEPS.items():
        try:
            sweeps.run_sweep(name, after_each=crash_after(2))
        except Crash:
            pass
    assert SweepRun.objects.filter(finished_at__isnull=True).exists()
    run_all()
    interrupted = snapshot()
    # Same data, swept cleanly from scratch:
    Notice.objects.all().delete()
    SupervisionProposal.objects.all().delete()
    DailyRollup.objects.all().delete()
    RatingWindow.objects.update(state="pending", expired_at=None)
    run_all()
    assert snapshot() == interrupted


def test_notice_delivery_claims_each_notice_once(busy):
    busy.advance(days=16)
    sweeps.detect_overdue()
    sent = []
    sweeps.notice_sent.connect(lambda sender, notice, **kw: sent.append(notice.pk), weak=False, dispatch_uid="t")
    try:
        n = Notice.objects.count()
        with pytest.raises(Crash):
            sweeps.deliver_notices(after_each=crash_after(2))
        assert sweeps.deliver_notices() == n - 2
        assert sweeps.deliver_notices() == 0
    finally:
        sweeps.notice_sent.disconnect(dispatch_uid="t")
    assert sorted(sent) == sorted(Notice.objects.values_list("pk", flat=True))


def test_rollup_counts_received_accepted_closed_and_overdue(flow, city):
    c1 = flow.register()
    flow.register(category="suggestion")
    flow.advance(days=1)
    case = flow.accept(flow.transfer(flow.register(category="suggestion")))
    flow.close(case)
    sweeps.recompute_rollup(dt.date(2026, 3, 2))
    sweeps.recompute_rollup(dt.date(2026, 3, 3))
    day1 = DailyRollup.objects.filter(date=dt.date(2026, 3, 2))
    assert sum(r.received for r in day1) == 2 and sum(r.closed for r in day1) == 0
    day2 = DailyRollup.objects.filter(date=dt.date(2026, 3, 3))
    assert sum(r.received for r in day2) == 1 and sum(r.accepted for r in day2) == 1 and sum(r.closed for r in day2) == 1
    flow.advance(days=16)  # 2026-03-19: c1's 15日 clock (due 03-17) is overdue at the end of 03-18
    sweeps.recompute_rollup(dt.date(2026, 3, 18))
    overdue = DailyRollup.objects.filter(date=dt.date(2026, 3, 18), overdue__gt=0)
    assert sum(r.overdue for r in overdue) == 2
    assert c1.area_id in {r.area_id for r in overdue}


def test_scheduler_claims_each_period_once(busy):
    won = sweeps.schedule_due(enqueue=False)
    assert {name for name, _ in won} == set(sweeps.SWEEPS)
    assert sweeps.schedule_due(enqueue=False) == []


def test_two_schedulers_enqueue_each_period_once(busy):
    from django_tasks_db.models import DBTaskResult

    first = sweeps.schedule_due()
    second = sweeps.schedule_due()
    assert len(first) == len(sweeps.SWEEPS) and second == []
    # Only the sweep jobs: the fixture's cases also queued their notices' delivery jobs (outbox).
    sweep_jobs = DBTaskResult.objects.filter(task_path="minxin.oversight.tasks.run_sweep_task")
    queued = sorted(tuple(r.args_kwargs["args"]) for r in sweep_jobs)
    assert queued == sorted((name, period) for name, period in first)


def test_due_soon_reminder_marks_a_provisional_due_day(busy, city):
    from minxin.rules.models import CaseDeadline

    busy.advance(days=13)
    CaseDeadline.objects.filter(code="register_route_15d", state="running").update(provisional=True)
    sweeps.remind_due_soon()
    texts = {n.unit.code: n.text for n in Notice.objects.filter(kind="due_soon").select_related("unit")}
    assert "（暂定）" in texts["B-EAST"] and "（暂定）" not in texts["G-EAST-HOUSING"]
