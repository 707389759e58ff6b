"""The demo's year is worked through the live sweeps and services (minxin.demo.year)."""

import datetime as dt
from pathlib import Path

import pytest

import minxin
from minxin.demo.build import build_demo
from minxin.demo.city import SMALL_CITY
from minxin.demo.generate import HISTORY_DAYS, surge_week
from minxin.demo.provisional_calendar import ensure_demo_calendar
from minxin.demo.year import KEY_DOMAINS

END = dt.date(2026, 11, 20)


@pytest.fixture
def worked_demo(db):
    ensure_demo_calendar(END)
    return build_demo(seed=1, cases=400, end_date=END, batch_size=200, size=SMALL_CITY, work_year=True)


def test_demo_year_leaves_rollups_alerts_supervision_ledger_plan_and_classifiers(worked_demo):
    from minxin.intake.classify import service
    from minxin.oversight.models import DailyRollup, Rating, RollupDay, SupervisionProposal
    from minxin.oversight.sweeps import UNIT_CLOCKS
    from minxin.org.models import Area, AreaLevel
    from minxin.risk.models import Alert, AlertKind, ContingencyPlan, DisputeEntry, Drill, ScreeningRound
    from minxin.rules.models import CaseDeadline, DeadlineState

    # Daily rollups for every day of the history, as the 15-minute sweep would have left them.
    start = END - dt.timedelta(days=HISTORY_DAYS)
    days = set(RollupDay.objects.filter(computed_at__isnull=False).values_list("date", flat=True))
    assert {start + dt.timedelta(days=i) for i in range(HISTORY_DAYS + 1)} <= days
    assert DailyRollup.objects.filter(date__lt=start + dt.timedelta(days=60)).exists()

    # The planted wage-arrears surge is flagged by the warning job for its week and county.
    county = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("code"))[1]
    surge = Alert.objects.filter(kind=AlertKind.STATISTICAL, domain__name="劳动关系", area=county, period_start=surge_week(END))
    assert surge.exists()
    assert surge.get().observed >= 12

    # Every clock that was overdue on the end date has its 督办建议 (the 督办 board is not empty).
    overdue = CaseDeadline.objects.filter(state=DeadlineState.RUNNING, paused_at__isnull=True, due_on__lt=END - dt.timedelta(days=1),
                                          code__in=list(UNIT_CLOCKS), case__current_unit__isnull=False)
    assert overdue.exists()
    proposed = set(SupervisionProposal.objects.values_list("deadline_id", flat=True))
    assert set(overdue.values_list("pk", flat=True)) <= proposed
    assert Rating.objects.exists()

    # Ledger in the key domains, monthly 滚动排查 rounds (past ones closed), a plan with a drill.
    entries = DisputeEntry.objects.all()
    assert entries.count() >= 5
    assert set(entries.values_list("domain__name", flat=True)) <= set(KEY_DOMAINS)
    rounds = ScreeningRound.objects.filter(area__level=AreaLevel.CITY, cadence="monthly").order_by("period_start")
    assert rounds.count() == 3 and rounds.filter(closed_at__isnull=False).count() == 2
    assert rounds.first().entries.exists()
    weekly = ScreeningRound.objects.filter(cadence="weekly", closed_at__isnull=True)
    assert set(weekly.values_list("area__level", flat=True)) == {AreaLevel.COUNTY}
    plan = ContingencyPlan.objects.get()
    assert Drill.objects.filter(plan=plan, held_on__lt=END).exists()

    # Intake classifiers trained on the demo's own texts and switched on.
    for name in ("category", "domain"):
        assert service.get_version(name).is_active
    assert service.predict("domain", ["工地包工头拖欠我们十几个农民工的工资，多次讨要无果"], explain=False)[0].label == "劳动关系"

    # An urgent upward report with 批示 (minxin.upward.demo): first report and 续报 sent, one 批示
    # answered, the city bureau's past its date and flagged.
    from minxin.upward.models import Instruction, UrgentMatter
    from minxin.upward.services import matter_flags

    matter = UrgentMatter.objects.get(source="staff")
    assert matter.reports.filter(state="sent").count() == 2 and matter.case_id is not None
    assert Instruction.objects.filter(report__matter=matter, fed_back_at__isnull=False).exists()
    assert matter_flags(matter)["feedback_overdue"] and not matter_flags(matter)["first_report_overdue"]


def test_no_template_or_empty_state_names_a_command():
    root = Path(minxin.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("templates/**/*.html") if "manage.py" in p.read_text(encoding="utf-8")]
    assert offenders == []
    from minxin.oversight.dashboards import NO_ROLLUPS

    assert "manage.py" not in str(NO_ROLLUPS) and "运行" not in str(NO_ROLLUPS)
