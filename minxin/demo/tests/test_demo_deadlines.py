import collections
import datetime as dt

from django.core.management import call_command

from minxin.cases.models import Case, CaseState
from minxin.demo.generate import TERMINAL_STATES
from minxin.demo.tests.conftest import END
from minxin.rules.calendar_db import load_working_calendar
from minxin.rules.models import CaseDeadline, DeadlineState
from minxin.rules.selectors import resolve_rule


def test_open_demo_cases_run_clocks_due_on_the_day_the_rules_compute(small_demo):
    cal = load_working_calendar()
    running = CaseDeadline.objects.filter(state=DeadlineState.RUNNING).select_related("case__area", "rule")
    assert running.exists()
    for dl in running:
        assert dl.case.state not in TERMINAL_STATES
        rule = resolve_rule(dl.code, area=dl.case.area, on=dl.started_on)
        assert dl.rule_id == rule.pk
        assert dl.amount == (rule.amount if rule.amount is not None else dl.case.assigned_days)
        assert dl.due_on == cal.add(dl.started_on, dl.amount + dl.extended_days + dl.paused_days, dl.unit)
        assert dl.started_on < END


def test_each_open_stage_runs_the_clock_its_service_starts(small_demo):
    expected = {
        CaseState.REGISTERED: "register_route_15d",
        CaseState.TRANSFERRED: "accept_notice_15d",
        CaseState.REVIEW_REQUESTED: "review_decide_30d",
        CaseState.RECHECK_REQUESTED: "recheck_decide_30d",
    }
    seen = set()
    for case in Case.objects.filter(state__in=expected):
        codes = set(case.deadlines.filter(state=DeadlineState.RUNNING).values_list("code", flat=True))
        assert expected[case.state] in codes, (case.number, case.state, codes)
        seen.add(case.state)
    accepted = Case.objects.filter(state=CaseState.ACCEPTED, route="opinion")
    assert accepted.exists()
    for case in accepted:
        assert case.deadlines.filter(state=DeadlineState.RUNNING, code="handle_60d").exists()
    assert CaseState.REGISTERED in seen


def test_closed_demo_cases_have_no_running_clock_and_next_due_is_the_earliest_running(small_demo):
    for case in Case.objects.all():
        running = case.deadlines.filter(state=DeadlineState.RUNNING, paused_at__isnull=True)
        if case.state in TERMINAL_STATES:
            assert not running.exists()
            assert case.next_due_on is None
        assert case.next_due_on == min(running.values_list("due_on", flat=True), default=None), case.number
        assert case.deadlines.filter(state=DeadlineState.RUNNING).values("code").distinct().count() == case.deadlines.filter(
            state=DeadlineState.RUNNING
        ).count()


def test_completed_demo_clocks_are_met_or_missed_by_their_completion_day(small_demo):
    states = collections.Counter()
    for dl in CaseDeadline.objects.exclude(state=DeadlineState.RUNNING):
        assert dl.completed_at is not None
        if dl.state != DeadlineState.CANCELLED:
            done_on = dl.completed_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
            assert (dl.state == DeadlineState.MET) == (done_on <= dl.due_on)
        states[dl.state] += 1
    assert states[DeadlineState.MET] > 0 and states[DeadlineState.MISSED] > 0 and states[DeadlineState.CANCELLED] > 0


def test_demo_command_fills_next_years_calendar_before_loading_clocks_into_it(db, capsys):
    call_command("demo", "--small", "--cases", "60", "--seed", "2", "--end-date", "2026-12-20")
    out = capsys.readouterr().out
    assert out.index("2027年节假日安排尚未录入") < out.index("正在创建演示城市")
    assert CaseDeadline.objects.filter(state=DeadlineState.RUNNING, due_on__year=2027).exists()
    call_command("audit", "verify")


def test_demo_command_indexes_every_case_for_duplicate_detection(db, capsys):
    from minxin.cases.models import Case
    from minxin.intake.duplicates.weights import TOTAL
    from minxin.intake.models import AnchorFrequency, CaseTextSignature

    call_command("demo", "--small", "--cases", "40", "--seed", "3", "--end-date", "2026-11-20")
    # 40 history cases plus those the year's worked examples register (grid reports turned into cases …).
    n = Case.objects.count()
    assert n >= 40
    assert f"重复件检测索引：{n} 件" in capsys.readouterr().out
    assert CaseTextSignature.objects.count() == n
    assert AnchorFrequency.objects.get(anchor=TOTAL).cases == n
