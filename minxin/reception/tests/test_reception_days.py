import datetime as dt

import pytest

from minxin.cases.models import Case, CaseState
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.reception import services
from minxin.reception.models import BookingState, DayState, ReceptionBooking, ReceptionEvent
from minxin.reception.tests.conftest import START, valid_id

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 4)  # a Wednesday after START


def schedule(city, actor="east_registrar", leader="east_leader", **kw):
    args = {"date": DAY, "starts_at": "09:00", "ends_at": "11:30", "place": "东城区信访局接待大厅",
            "kind": "jiefang", "topics": "物业、电梯", "capacity": 2}
    args.update(kw)
    return services.schedule_reception_day(actor=city.staff[actor], leader=city.staff[leader], **args)


def book(city, day, actor="east_registrar", id_number=None, **kw):
    args = {"name": "王五", "id_number": id_number or valid_id(), "phone": "13700001234", "address": "东一社区8号",
            "topic": "电梯停运", "area": city.areas["east1v"]}
    args.update(kw)
    return services.book_petitioner(day, actor=city.staff[actor], **args)


def on_the_day(clock):
    clock.move_to(dt.datetime(2026, 3, 4, 11, 0, tzinfo=START.tzinfo))


def turn(city, booking, actor="east_leader", **kw):
    args = {"category": "complaint", "subject": "电梯停运", "content": "3号楼电梯停运两个月", "request": "修复电梯",
            "facts": "1月起停运", "reasons": "老人出行困难"}
    args.update(kw)
    return services.turn_into_case(booking, actor=city.staff[actor], **args)


def test_registrar_schedules_a_leader_reception_day(city, clock):
    day = schedule(city)
    assert day.state == DayState.PLANNED and day.unit == city.units["east_bureau"] and day.leader == city.staff["east_leader"]
    assert ReceptionEvent.objects.filter(day=day, action="schedule").count() == 1


def test_scheduling_is_refused_for_handlers_non_leaders_and_past_dates(city, clock):
    with pytest.raises(PermissionDenied):
        schedule(city, actor="east_housing_handler")
    with pytest.raises(ValidationFailed) as err:
        schedule(city, leader="east_registrar")
    assert "leader" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        schedule(city, date=dt.date(2026, 3, 1), ends_at="08:00")
    assert {"date", "ends_at"} <= set(err.value.fields)
    with pytest.raises(ValidationFailed):  # a leader outside the bureau's area
        schedule(city, actor="west_registrar")


def test_booking_is_encrypted_and_respects_capacity_and_double_booking(city, clock):
    day = schedule(city)
    id_number = valid_id()
    b = book(city, day, id_number=id_number)
    raw = ReceptionBooking.objects.values("name_enc", "id_number_enc", "id_masked").get(pk=b.pk)
    assert "王五" not in raw["name_enc"] and id_number not in raw["id_number_enc"]
    assert b.id_number == id_number and raw["id_masked"].endswith(id_number[-4:])

    with pytest.raises(ValidationFailed) as err:
        book(city, day, id_number=id_number.lower())
    assert "id_number" in err.value.fields
    book(city, day)
    with pytest.raises(InvalidTransition):
        book(city, day)
    assert day.bookings.count() == 2


def test_booking_checks_id_checksum_area_and_visibility_of_the_linked_case(city, clock):
    day = schedule(city)
    bad = valid_id()[:-1] + "Y"
    with pytest.raises(ValidationFailed) as err:
        book(city, day, id_number=bad)
    assert "id_number" in err.value.fields
    with pytest.raises(ValidationFailed):
        book(city, day, area=city.areas["west1v"])
    with pytest.raises(PermissionDenied):
        book(city, day, actor="west_registrar")
    assert not ReceptionBooking.objects.exists()


def test_cancelled_day_takes_no_bookings(city, clock):
    day = schedule(city)
    with pytest.raises(ValidationFailed):
        services.cancel_reception_day(day, actor=city.staff["east_registrar"], reason="")
    with pytest.raises(PermissionDenied):
        services.cancel_reception_day(day, actor=city.staff["west_registrar"], reason="领导另有公务")
    services.cancel_reception_day(day, actor=city.staff["east_registrar"], reason="领导另有公务")
    with pytest.raises(InvalidTransition):
        book(city, day)
    with pytest.raises(InvalidTransition):
        services.cancel_reception_day(day, actor=city.staff["east_registrar"], reason="再次取消")


def test_leader_records_the_outcome_on_the_day(city, clock):
    day = schedule(city)
    b = book(city, day)
    with pytest.raises(InvalidTransition):  # not yet
        services.record_outcome(b, actor=city.staff["east_leader"], attended=True, outcome="当场答复", resolved_on_spot=True)
    on_the_day(clock)
    with pytest.raises(PermissionDenied):
        services.record_outcome(b, actor=city.staff["east_housing_handler"], attended=True, outcome="x", resolved_on_spot=True)
    with pytest.raises(ValidationFailed):
        services.record_outcome(b, actor=city.staff["east_leader"], attended=True, outcome="", resolved_on_spot=True)
    b = services.record_outcome(b, actor=city.staff["east_leader"], attended=True, outcome="当场协调物业维修", resolved_on_spot=True)
    assert b.state == BookingState.ATTENDED and b.resolved_on_spot is True
    day.refresh_from_db()
    assert day.state == DayState.HELD


def test_registrar_of_the_unit_may_record_a_no_show(city, clock):
    day = schedule(city)
    b = book(city, day)
    on_the_day(clock)
    b = services.record_outcome(b, actor=city.staff["east_registrar"], attended=False)
    assert b.state == BookingState.NO_SHOW
    with pytest.raises(InvalidTransition):
        turn(city, b)


def test_turn_into_case_registers_and_assigns_in_one_step(city, clock):
    day = schedule(city)
    b = book(city, day)
    on_the_day(clock)
    case = turn(city, b, assign_to=city.units["east_housing"], days=30, requirements="请于30日内办结")

    assert case.state == CaseState.ASSIGNED and case.current_unit == city.units["east_housing"]
    assert case.channel == "visit" and case.received_at == dt.datetime(2026, 3, 4, 9, 0, tzinfo=START.tzinfo)
    assert case.parties.get().petitioner.id_number == b.id_number
    b.refresh_from_db()
    assert b.case == case and b.state == BookingState.ATTENDED
    with pytest.raises(InvalidTransition):
        turn(city, b)


def test_turn_into_case_without_assignment_leaves_it_registered(city, clock):
    day = schedule(city)
    b = book(city, day)
    on_the_day(clock)
    case = turn(city, b, actor="east_registrar")
    assert case.state == CaseState.REGISTERED and case.registering_unit == city.units["east_bureau"]


def test_failed_assignment_leaves_neither_case_nor_link(city, clock):
    day = schedule(city)
    b = book(city, day)
    on_the_day(clock)
    with pytest.raises(ValidationFailed):
        turn(city, b, assign_to=city.units["east_housing"], days=0)
    with pytest.raises(ValidationFailed):
        turn(city, b, assign_to=city.units["east_housing"], days=None)
    assert Case.objects.count() == 0
    b.refresh_from_db()
    assert b.case is None and b.state == BookingState.BOOKED
    assert not ReceptionEvent.objects.filter(action="turn_into_case").exists()


def test_turn_into_case_with_missing_fields_writes_nothing(city, clock):
    day = schedule(city)
    b = book(city, day)
    on_the_day(clock)
    with pytest.raises(ValidationFailed) as err:
        turn(city, b, facts="", assign_to=city.units["east_housing"], days=30)
    assert "facts" in err.value.fields
    assert Case.objects.count() == 0


def test_only_the_leader_or_a_registrar_of_the_unit_turns_bookings_into_cases(city, clock):
    day = schedule(city)
    b = book(city, day)
    on_the_day(clock)
    with pytest.raises(PermissionDenied):
        turn(city, b, actor="city_registrar")
    assert Case.objects.count() == 0


def test_days_are_listed_within_the_staff_area(city, clock):
    day = schedule(city)
    assert list(services.days_visible_to(city.staff["city_registrar"])) == [day]
    assert list(services.days_visible_to(city.staff["east_leader"])) == [day]
    assert list(services.days_visible_to(city.staff["west_registrar"])) == []


def test_handlers_do_not_see_reception_days(city, clock):
    schedule(city)
    assert list(services.days_visible_to(city.staff["east_housing_handler"])) == []
