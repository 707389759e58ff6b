"""The national rules seeded by migration, each started on a case received Mon 3 March 2025."""

import datetime as dt

import pytest

from minxin.core.errors import ValidationFailed
from minxin.rules.deadlines import start_deadline
from minxin.rules.models import CalendarYear, DeadlineRule

D = dt.date
TRIGGER = D(2025, 3, 3)
pytestmark = pytest.mark.django_db

# code → (amount, unit, due day), worked out by hand against the 2025 calendar.
EXPECTED = {
    "register_route_15d": (15, "day", D(2025, 3, 18)),
    "accept_notice_15d": (15, "day", D(2025, 3, 18)),
    "objection_5wd": (5, "workday", D(2025, 3, 10)),
    "objection_verify": (5, "workday", D(2025, 3, 10)),
    # 3 Mar + 60 = Fri 2 May, inside the Labour Day holiday (1–5 May) → Tue 6 May.
    "handle_60d": (60, "day", D(2025, 5, 6)),
    "review_request_30d": (30, "day", D(2025, 4, 2)),
    "review_decide_30d": (30, "day", D(2025, 4, 2)),
    "recheck_request_30d": (30, "day", D(2025, 4, 2)),
    "recheck_decide_30d": (30, "day", D(2025, 4, 2)),
    "entry_deadline": (1, "workday", D(2025, 3, 4)),
    "rating_window": (30, "day", D(2025, 4, 2)),
    "suggestion_reply": (60, "day", D(2025, 5, 6)),
    "supervision_reply": (10, "workday", D(2025, 3, 17)),
    "proposal_feedback": (30, "day", D(2025, 4, 2)),
    "dispute_escalation": (5, "workday", D(2025, 3, 10)),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_seeded_rule_gives_its_statutory_due_day(east_case, code):
    amount, unit, due = EXPECTED[code]
    dl = start_deadline(east_case, code, trigger_date=TRIGGER)
    assert (dl.amount, dl.unit, dl.due_on) == (amount, unit, due)
    assert dl.rule.effective_from == D(2022, 5, 1)
    assert dl.rule.legal_basis.startswith("《信访工作条例》第")


def test_every_national_rule_is_covered_by_a_test():
    seeded = set(DeadlineRule.objects.filter(area=None, province_code="").values_list("code", flat=True))
    assert seeded == set(EXPECTED) | {"assigned_report", "extension_max_30d"} | set(MOMENT_RULES)


# Limits of urgent reports (minxin.upward), counted from a moment: Mon 3 March 2025 09:00 (UTC+8).
MOMENT_RULES = {
    "upward_first_report": (2, "hour", dt.datetime(2025, 3, 3, 11, 0)),
    "upward_follow_up": (24, "hour", dt.datetime(2025, 3, 4, 9, 0)),
    # 5 working days → Mon 10 March, ending at 24:00.
    "upward_instruction_feedback": (5, "workday", dt.datetime(2025, 3, 11, 0, 0)),
}


@pytest.mark.parametrize("code", sorted(MOMENT_RULES))
def test_each_seeded_urgent_report_limit_gives_its_due_moment(east_case, code):
    from django.utils import timezone

    from minxin.rules.timelimits import due_at

    amount, unit, due = MOMENT_RULES[code]
    start = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))
    rule, moment = due_at(code, area=east_case.area, start=start)
    assert (rule.amount, rule.unit, timezone.localtime(moment).replace(tzinfo=None)) == (amount, unit, due)


def test_extension_cap_is_30_calendar_days():
    cap = DeadlineRule.objects.get(code="extension_max_30d")
    assert (cap.amount, cap.unit) == (30, "day")


def test_assigned_report_needs_the_amount_set_at_assignment(east_case):
    with pytest.raises(ValidationFailed):
        start_deadline(east_case, "assigned_report", trigger_date=TRIGGER)
    assert not east_case.deadlines.exists()
    # 3 Mar + 20 = Sun 23 Mar → Mon 24 Mar.
    dl = start_deadline(east_case, "assigned_report", trigger_date=TRIGGER, amount=20)
    assert (dl.amount, dl.due_on) == (20, D(2025, 3, 24))


def test_amount_override_replaces_the_rule_amount(east_case):
    dl = start_deadline(east_case, "handle_60d", trigger_date=TRIGGER, amount=15)
    assert dl.due_on == D(2025, 3, 18)


def test_migration_seeds_complete_calendars_for_2022_to_2026():
    years = set(CalendarYear.objects.filter(complete=True, source="chinese_calendar").values_list("year", flat=True))
    assert years == {2022, 2023, 2024, 2025, 2026}
    spring = CalendarYear.objects.get(year=2025).days.get(date=D(2025, 1, 26))
    assert spring.is_workday and spring.name == "春节调休上班"
