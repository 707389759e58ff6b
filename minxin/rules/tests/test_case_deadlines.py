"""Starting, completing, extending, pausing and reporting case clocks."""

import datetime as dt

import pytest
import time_machine

from minxin.cases.models import Case
from minxin.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from minxin.rules.deadlines import (
    cancel_deadline,
    complete_deadline,
    deadline_status,
    extend_deadline,
    pause_deadline,
    resume_deadline,
    start_deadline,
)
from minxin.rules.models import DeadlineState
from minxin.rules.selectors import running_deadlines

D = dt.date
TZ = dt.timezone(dt.timedelta(hours=8))
TRIGGER = D(2025, 3, 3)


def _reloaded(dl):
    dl.refresh_from_db()
    return dl


class TestCompletion:
    def test_completing_on_the_due_day_is_met(self, east_case):
        start_deadline(east_case, "register_route_15d", trigger_date=TRIGGER)
        dl = complete_deadline(east_case, "register_route_15d", at=dt.datetime(2025, 3, 18, 23, 30, tzinfo=TZ))
        assert dl.state == DeadlineState.MET

    def test_completing_the_day_after_is_missed(self, east_case):
        start_deadline(east_case, "register_route_15d", trigger_date=TRIGGER)
        dl = complete_deadline(east_case, "register_route_15d", at=dt.datetime(2025, 3, 19, 8, 0, tzinfo=TZ))
        assert dl.state == DeadlineState.MISSED

    def test_completion_uses_the_bureau_time_zone_not_utc(self, east_case):
        start_deadline(east_case, "register_route_15d", trigger_date=TRIGGER)
        # 17:00 UTC on the 18th is 01:00 on the 19th in Shanghai.
        dl = complete_deadline(east_case, "register_route_15d", at=dt.datetime(2025, 3, 18, 17, 0, tzinfo=dt.UTC))
        assert dl.state == DeadlineState.MISSED

    @time_machine.travel(dt.datetime(2025, 3, 10, 10, 0, tzinfo=TZ), tick=False)
    def test_completing_without_a_time_uses_the_clock(self, east_case):
        start_deadline(east_case, "register_route_15d", trigger_date=TRIGGER)
        dl = complete_deadline(east_case, "register_route_15d")
        assert dl.state == DeadlineState.MET
        assert dl.completed_at == dt.datetime(2025, 3, 10, 10, 0, tzinfo=TZ)

    def test_completing_a_clock_that_does_not_run_returns_none(self, east_case):
        assert complete_deadline(east_case, "handle_60d") is None

    def test_cancelled_clock_no_longer_runs(self, east_case):
        start_deadline(east_case, "accept_notice_15d", trigger_date=TRIGGER)
        assert cancel_deadline(east_case, "accept_notice_15d").state == DeadlineState.CANCELLED
        assert not running_deadlines(east_case).exists()
        assert cancel_deadline(east_case, "accept_notice_15d") is None


class TestStarting:
    def test_a_second_clock_of_the_same_rule_is_a_conflict(self, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        with pytest.raises(Conflict):
            start_deadline(east_case, "handle_60d", trigger_date=D(2025, 3, 5))
        assert east_case.deadlines.count() == 1

    def test_replace_cancels_the_old_clock(self, east_case):
        old = start_deadline(east_case, "accept_notice_15d", trigger_date=TRIGGER)
        new = start_deadline(east_case, "accept_notice_15d", trigger_date=D(2025, 3, 10), replace=True)
        assert _reloaded(old).state == DeadlineState.CANCELLED
        assert new.due_on == D(2025, 3, 25)

    def test_trigger_may_be_an_aware_datetime_read_in_local_time(self, east_case):
        # 20:00 UTC on 2 March is 04:00 on 3 March in Shanghai.
        dl = start_deadline(east_case, "register_route_15d", trigger_date=dt.datetime(2025, 3, 2, 20, 0, tzinfo=dt.UTC))
        assert (dl.started_on, dl.due_on) == (TRIGGER, D(2025, 3, 18))


class TestNextDue:
    def test_case_next_due_is_the_earliest_running_clock(self, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        start_deadline(east_case, "accept_notice_15d", trigger_date=TRIGGER)
        assert Case.objects.get(pk=east_case.pk).next_due_on == D(2025, 3, 18)
        assert east_case.next_due_on == D(2025, 3, 18)
        complete_deadline(east_case, "accept_notice_15d", at=dt.datetime(2025, 3, 5, 9, tzinfo=TZ))
        assert Case.objects.get(pk=east_case.pk).next_due_on == D(2025, 5, 6)
        complete_deadline(east_case, "handle_60d", at=dt.datetime(2025, 4, 1, 9, tzinfo=TZ))
        assert Case.objects.get(pk=east_case.pk).next_due_on is None

    def test_running_deadlines_lists_only_running_clocks_by_due_day(self, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        start_deadline(east_case, "objection_5wd", trigger_date=TRIGGER)
        start_deadline(east_case, "accept_notice_15d", trigger_date=TRIGGER)
        cancel_deadline(east_case, "accept_notice_15d")
        assert [d.code for d in running_deadlines(east_case)] == ["objection_5wd", "handle_60d"]


class TestExtension:
    def test_thirty_days_is_allowed_and_moves_the_due_day(self, city, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        dl = extend_deadline(east_case, "handle_60d", days=30, reason="情况复杂，需补充调查", approved_by=city.staff["east_housing_leader"])
        # 3 Mar + 90 = Sun 1 Jun, inside the Dragon Boat holiday (31 May – 2 Jun) → Tue 3 Jun.
        assert (dl.extended_days, dl.due_on) == (30, D(2025, 6, 3))
        assert dl.extension_approved_by == city.staff["east_housing_leader"]
        assert Case.objects.get(pk=east_case.pk).next_due_on == D(2025, 6, 3)

    def test_thirty_one_days_is_refused_and_nothing_changes(self, city, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        with pytest.raises(ValidationFailed) as info:
            extend_deadline(east_case, "handle_60d", days=31, reason="情况复杂", approved_by=city.staff["east_housing_leader"])
        assert "30" in info.value.message
        dl = running_deadlines(east_case).get()
        assert (dl.extended_days, dl.due_on, dl.extension_reason) == (0, D(2025, 5, 6), "")

    def test_a_second_extension_is_refused(self, city, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        leader = city.staff["east_housing_leader"]
        extend_deadline(east_case, "handle_60d", days=10, reason="情况复杂", approved_by=leader)
        with pytest.raises(InvalidTransition):
            extend_deadline(east_case, "handle_60d", days=10, reason="仍需调查", approved_by=leader)
        assert running_deadlines(east_case).get().extended_days == 10

    def test_only_a_leader_may_approve(self, city, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        with pytest.raises(PermissionDenied):
            extend_deadline(east_case, "handle_60d", days=10, reason="情况复杂", approved_by=city.staff["east_housing_handler"])

    def test_a_reason_is_required(self, city, east_case):
        start_deadline(east_case, "handle_60d", trigger_date=TRIGGER)
        with pytest.raises(ValidationFailed):
            extend_deadline(east_case, "handle_60d", days=10, reason="  ", approved_by=city.staff["east_housing_leader"])

    def test_rules_without_an_extension_cannot_be_extended(self, city, east_case):
        start_deadline(east_case, "accept_notice_15d", trigger_date=TRIGGER)
        with pytest.raises(InvalidTransition):
            extend_deadline(east_case, "accept_notice_15d", days=5, reason="情况复杂", approved_by=city.staff["east_housing_leader"])


class TestPause:
    def test_hearing_time_is_not_counted_in_recheck(self, east_case):
        start_deadline(east_case, "recheck_decide_30d", trigger_date=TRIGGER)
        pause_deadline(east_case, "recheck_decide_30d", on=D(2025, 3, 10))
        assert east_case.next_due_on is None  # a paused clock cannot fall due
        dl = resume_deadline(east_case, "recheck_decide_30d", on=D(2025, 3, 15))
        # 30 + 5 paused days: 3 Mar + 35 = Mon 7 Apr (after Qingming 4–6 Apr).
        assert (dl.paused_days, dl.due_on, dl.paused_at) == (5, D(2025, 4, 7), None)
        assert Case.objects.get(pk=east_case.pk).next_due_on == D(2025, 4, 7)

    def test_working_day_clock_adds_the_paused_working_days(self, east_case):
        start_deadline(east_case, "objection_5wd", trigger_date=TRIGGER)
        pause_deadline(east_case, "objection_5wd", on=D(2025, 3, 5))
        dl = resume_deadline(east_case, "objection_5wd", on=D(2025, 3, 7))
        # Wed 5 and Thu 6 were not counted: 7 working days after 3 Mar = Wed 12 Mar.
        assert (dl.paused_days, dl.due_on) == (2, D(2025, 3, 12))

    def test_pausing_twice_and_resuming_unpaused_are_refused(self, east_case):
        start_deadline(east_case, "recheck_decide_30d", trigger_date=TRIGGER)
        with pytest.raises(InvalidTransition):
            resume_deadline(east_case, "recheck_decide_30d", on=D(2025, 3, 10))
        pause_deadline(east_case, "recheck_decide_30d", on=D(2025, 3, 10))
        with pytest.raises(InvalidTransition):
            pause_deadline(east_case, "recheck_decide_30d", on=D(2025, 3, 11))
        with pytest.raises(ValidationFailed):
            resume_deadline(east_case, "recheck_decide_30d", on=D(2025, 3, 9))

    def test_completing_while_paused_counts_the_pause(self, east_case):
        start_deadline(east_case, "recheck_decide_30d", trigger_date=TRIGGER)
        pause_deadline(east_case, "recheck_decide_30d", on=D(2025, 3, 20))
        dl = complete_deadline(east_case, "recheck_decide_30d", at=dt.datetime(2025, 4, 5, 10, tzinfo=TZ))
        # Paused 20 Mar – 5 Apr adds 16 days; the opinion on 5 Apr is in time.
        assert dl.state == DeadlineState.MET
        assert dl.paused_days == 16


class TestStatus:
    @pytest.fixture
    def deadline(self, east_case):
        return start_deadline(east_case, "register_route_15d", trigger_date=TRIGGER)  # due 18 Mar

    def test_normal_more_than_three_days_before(self, deadline):
        s = deadline_status(deadline, today=D(2025, 3, 14))
        assert (s.key, s.label, s.days_left) == ("normal", "正常", 4)

    def test_due_soon_three_days_before_and_on_the_day(self, deadline):
        assert deadline_status(deadline, today=D(2025, 3, 15)).label == "即将到期"
        assert deadline_status(deadline, today=D(2025, 3, 18)).days_left == 0
        assert deadline_status(deadline, today=D(2025, 3, 18)).label == "即将到期"

    def test_overdue_the_day_after(self, deadline):
        s = deadline_status(deadline, today=D(2025, 3, 19))
        assert (s.label, s.days_left, s.late) == ("已超期", -1, True)

    def test_threshold_is_configurable(self, deadline, settings):
        settings.MINXIN_DUE_SOON_DAYS = 7
        assert deadline_status(deadline, today=D(2025, 3, 11)).label == "即将到期"
        assert deadline_status(deadline, today=D(2025, 3, 11), soon_days=2).label == "正常"

    @time_machine.travel(dt.datetime(2025, 3, 20, 9, 0, tzinfo=TZ), tick=False)
    def test_today_defaults_to_the_clock(self, deadline):
        assert deadline_status(deadline).label == "已超期"

    def test_paused_clock_shows_paused_with_frozen_days_left(self, east_case, deadline):
        pause_deadline(east_case, "register_route_15d", on=D(2025, 3, 10))
        s = deadline_status(_reloaded(deadline), today=D(2025, 4, 30))
        assert (s.label, s.days_left) == ("已暂停", 8)

    def test_completed_clock_shows_completed_and_whether_late(self, east_case, deadline):
        complete_deadline(east_case, "register_route_15d", at=dt.datetime(2025, 3, 20, 9, tzinfo=TZ))
        s = deadline_status(_reloaded(deadline), today=D(2025, 3, 21))
        assert (s.label, s.late, s.days_left) == ("已完成", True, None)


def test_sweep_selector_finds_clocks_due_by_a_day_but_not_paused_ones(east_case, west_case):
    from minxin.rules.selectors import deadlines_due_by

    start_deadline(east_case, "register_route_15d", trigger_date=TRIGGER)  # due 18 Mar
    start_deadline(west_case, "register_route_15d", trigger_date=TRIGGER)
    start_deadline(west_case, "handle_60d", trigger_date=TRIGGER)  # due 6 May
    pause_deadline(west_case, "register_route_15d", on=D(2025, 3, 10))
    assert [(d.case_id, d.code) for d in deadlines_due_by(D(2025, 3, 18))] == [(east_case.pk, "register_route_15d")]
