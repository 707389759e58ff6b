"""A year without a complete calendar is counted provisionally (暂定) and alerts an administrator, once."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction

from minxin.rules import alerts, calendar_db
from minxin.rules.deadlines import deadline_status, start_deadline
from minxin.rules.models import AdminAlert, AlertKind, CalendarDay, CalendarSource, CalendarYear

D = dt.date
TZ = dt.timezone(dt.timedelta(hours=8))


def test_deadline_ending_in_2027_is_counted_provisionally_and_creates_exactly_one_alert(east_case):
    # 15 自然日 after 20 Dec 2026 is Mon 4 Jan 2027; 元旦 (Fri 1 Jan) does not touch it.
    dl = start_deadline(east_case, "register_route_15d", trigger_date=D(2026, 12, 20))
    assert (dl.due_on, dl.provisional) == (D(2027, 1, 4), True)
    assert deadline_status(dl, D(2026, 12, 21)).provisional
    start_deadline(east_case, "register_route_15d", trigger_date=D(2026, 12, 20), replace=True)
    alert = AdminAlert.objects.get()
    assert (alert.kind, alert.key, alert.resolved_at) == (AlertKind.CALENDAR_MISSING, "2027", None)
    assert "2027年" in alert.message and "暂定" in alert.message


def test_deadline_inside_a_complete_year_is_not_provisional(east_case):
    dl = start_deadline(east_case, "register_route_15d", trigger_date=D(2026, 11, 2))
    assert not dl.provisional and not deadline_status(dl, D(2026, 11, 3)).provisional
    assert not AdminAlert.objects.exists()


def test_alert_survives_the_rollback_of_the_calling_lifecycle_service(east_case, client):
    with pytest.raises(RuntimeError):
        with transaction.atomic():  # stands for e.g. cases.services.transfer_case failing later on
            start_deadline(east_case, "register_route_15d", trigger_date=D(2026, 12, 20))
            raise RuntimeError("a later step of the action failed")
    assert not AdminAlert.objects.exists()  # rolled back with the refused action
    client.get("/admin/login/")  # any web/API request ends with request_finished
    assert AdminAlert.objects.filter(key="2027", resolved_at__isnull=True).count() == 1


def test_working_day_rule_reaching_into_2027_skips_the_statutory_new_year_holiday(east_case):
    # 5 working days after Tue 29 Dec 2026: 30, 31 Dec, (1 Jan 元旦), 4, 5, 6 Jan.
    dl = start_deadline(east_case, "objection_5wd", trigger_date=D(2026, 12, 29))
    assert (dl.due_on, dl.provisional) == (D(2027, 1, 6), True)
    assert AdminAlert.objects.filter(key="2027", resolved_at__isnull=True).count() == 1


def test_incomplete_year_counts_as_provisional(east_case):
    CalendarYear.objects.filter(year=2025).update(complete=False)
    dl = start_deadline(east_case, "register_route_15d", trigger_date=D(2025, 3, 3))
    assert dl.provisional
    assert AdminAlert.objects.filter(key="2025").count() == 1


def test_completing_the_year_by_hand_resolves_the_alert_and_counting_is_official(east_case):
    assert start_deadline(east_case, "register_route_15d", trigger_date=D(2026, 12, 20)).provisional
    year = CalendarYear.objects.create(year=2027, complete=False, source=CalendarSource.MANUAL)
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 1), is_workday=False, name="元旦")
    year.complete = True
    year.save()
    calendar_db.year_completed(2027)
    east_case.deadlines.get(state="running").refresh_from_db()
    dl = east_case.deadlines.get(state="running")
    assert (dl.due_on, dl.provisional) == (D(2027, 1, 4), False)
    assert not alerts.open_alerts().exists()


def test_a_resolved_alert_is_raised_again_if_the_year_goes_missing_again(east_case):
    alerts.calendar_missing(2027)
    alerts.resolve_alerts(kind=AlertKind.CALENDAR_MISSING, key="2027")
    alerts.calendar_missing(2027)
    assert AdminAlert.objects.filter(key="2027").count() == 2
    assert alerts.open_alerts().count() == 1


@pytest.mark.django_db
def test_record_for_turns_a_calendar_error_into_its_alert():
    from minxin.rules.calendar import CalendarMissing

    alert = alerts.record_for(CalendarMissing(2030))
    assert alert.key == "2030"
    assert alerts.record_for(ValueError("x")) is None


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=TZ), tick=False)
def test_coverage_check_alerts_for_next_year_from_november():
    assert alerts.check_calendar_coverage() == [2027]
    assert alerts.check_calendar_coverage() == [2027]
    assert AdminAlert.objects.filter(kind=AlertKind.CALENDAR_MISSING).count() == 1


@pytest.mark.django_db
def test_coverage_check_is_quiet_before_november():
    assert alerts.check_calendar_coverage(today=D(2026, 6, 1)) == []
    assert not AdminAlert.objects.exists()


@pytest.mark.django_db
def test_seed_command_reloads_a_year_and_resolves_its_alert():
    alerts.calendar_missing(2025)
    CalendarDay.objects.filter(date__year=2025).delete()
    call_command("calendar", "seed", "--year", "2025")
    assert CalendarDay.objects.filter(date=D(2025, 2, 8), is_workday=True).exists()
    assert not alerts.open_alerts().exists()


@pytest.mark.django_db
def test_seed_command_keeps_a_year_edited_by_hand_unless_forced():
    CalendarYear.objects.filter(year=2025).update(source=CalendarSource.MANUAL)
    CalendarDay.objects.create(calendar_year=CalendarYear.objects.get(year=2025), date=D(2025, 3, 7), is_workday=False, name="地方假日")
    call_command("calendar", "seed", "--year", "2025")
    assert CalendarDay.objects.filter(date=D(2025, 3, 7)).exists()
    call_command("calendar", "seed", "--year", "2025", "--force")
    assert not CalendarDay.objects.filter(date=D(2025, 3, 7)).exists()


@pytest.mark.django_db
def test_seed_command_refuses_a_year_the_package_does_not_cover():
    missing = max(calendar_db.package_years()) + 1
    with pytest.raises(CommandError) as info:
        call_command("calendar", "seed", "--year", str(missing))
    assert f"{missing}年" in str(info.value)
