"""/api/v1/reception: the desk's ID lookup and leader reception days. Thin: one service call each.

Domain errors become the standard JSON error body (403, 404, 409, 422).
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from minxin.cases.models import Case, Domain
from minxin.core.errors import NotFound, ValidationFailed
from minxin.org.models import Area, Staff, Unit
from minxin.cases.policies import visible_cases
from minxin.reception import lookup, policies, services
from minxin.reception.models import ReceptionBooking

router = Router(tags=["来访接待"])


class LookupIn(Schema):
    id_number: str = Field(description="18位身份证号（校验位不正确时返回422，不查询）")


class FlagOut(Schema):
    code: str = Field(description="repeat=重复信访，skip_level=越级，final=复核终结")
    label: str
    advice: str
    cases: list[str]


class HistoryRowOut(Schema):
    id: int
    number: str
    subject: str
    state: str
    state_label: str
    registering_unit: str
    current_unit: str
    received_on: dt.date
    closed_on: dt.date | None
    is_open: bool
    flags: list[str]


class LookupOut(Schema):
    cases: list[HistoryRowOut]
    flags: list[FlagOut]


@router.post("/lookup", response=LookupOut, summary="按身份证号查询来访人在本辖区的信访记录", url_name="reception_lookup")
def lookup_person(request, payload: LookupIn):
    history = lookup.person_history(request.auth, payload.id_number)
    return {
        "cases": [{**r.__dict__, "id": r.pk} for r in history.rows],
        "flags": [f.__dict__ for f in history.flags],
    }


class DayIn(Schema):
    leader_id: int
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    place: str
    kind: str = Field("jiefang", description="jiefang=领导接访，xiafang=领导下访")
    topics: str = ""
    capacity: int = 10


class DayOut(Schema):
    id: int
    leader: str
    unit: str
    kind: str
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    place: str
    topics: str
    capacity: int
    booked: int
    state: str


def _day_out(day) -> dict:
    return {"id": day.pk, "leader": day.leader.display_name, "unit": day.unit.name, "kind": day.kind, "date": day.date,
            "starts_at": day.starts_at, "ends_at": day.ends_at, "place": day.place, "topics": day.topics,
            "capacity": day.capacity, "booked": day.bookings.count(), "state": day.state}


@router.get("/days", response=list[DayOut], summary="本辖区的领导接访日", url_name="reception_days")
def list_days(request):
    return [_day_out(d) for d in policies.days_visible(request.auth).order_by("-date", "starts_at")[:200]]


@router.post("/days", response={201: DayOut}, summary="安排领导接访/下访", url_name="reception_day_create")
def create_day(request, payload: DayIn):
    leader = Staff.objects.filter(pk=payload.leader_id).first()
    if leader is None:
        raise ValidationFailed(_("找不到该接访领导"), fields={"leader_id": _("不存在")})
    day = services.schedule_reception_day(
        actor=request.auth, leader=leader, date=payload.date, starts_at=payload.starts_at, ends_at=payload.ends_at,
        place=payload.place, kind=payload.kind, topics=payload.topics, capacity=payload.capacity,
    )
    return Status(201, _day_out(day))


class BookingIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    address: str = ""
    topic: str
    area: str = Field(description="问题属地的区划代码")
    case_number: str = Field("", description="已有信访件的编号（可选）")


class BookingOut(Schema):
    id: int
    day_id: int
    name: str = Field(description="脱敏")
    id_number: str = Field(description="脱敏")
    topic: str
    area_code: str
    case_number: str | None
    state: str
    outcome: str
    resolved_on_spot: bool | None


def _booking_out(b: ReceptionBooking) -> dict:
    return {"id": b.pk, "day_id": b.day_id, "name": b.name_masked, "id_number": b.id_masked, "topic": b.topic,
            "area_code": b.area.code, "case_number": b.case.number if b.case_id else None, "state": b.state,
            "outcome": b.outcome, "resolved_on_spot": b.resolved_on_spot}


def _day(request, pk: int):
    day = policies.days_visible(request.auth).filter(pk=pk).first()
    if day is None:
        raise NotFound(_("未找到该接访日，或不在您的辖区"))
    return day


def _booking(request, pk: int) -> ReceptionBooking:
    b = policies.bookings_visible(request.auth).filter(pk=pk).first()
    if b is None:
        raise NotFound(_("未找到该预约"))
    return b


@router.post("/days/{day_id}/bookings", response={201: BookingOut}, summary="预约信访人", url_name="reception_book")
def create_booking(request, day_id: int, payload: BookingIn):
    day = _day(request, day_id)
    area = Area.objects.filter(code=payload.area).first()
    if area is None:
        raise ValidationFailed(_("找不到区划代码为“%(code)s”的区域") % {"code": payload.area}, fields={"area": _("区域不存在")})
    case = None
    if payload.case_number:
        case = visible_cases(request.auth).filter(number=payload.case_number).first()
        if case is None:
            raise ValidationFailed(_("未找到该信访件，或不在您的管辖范围内"), fields={"case_number": _("不存在")})
    b = services.book_petitioner(day, actor=request.auth, name=payload.name, id_number=payload.id_number, phone=payload.phone,
                                 address=payload.address, topic=payload.topic, area=area, case=case)
    return Status(201, _booking_out(b))


class OutcomeIn(Schema):
    attended: bool
    outcome: str = ""
    resolved_on_spot: bool | None = None


@router.post("/bookings/{booking_id}/outcome", response=BookingOut, summary="记录接待结果", url_name="reception_outcome")
def record_outcome(request, booking_id: int, payload: OutcomeIn):
    b = services.record_outcome(_booking(request, booking_id), actor=request.auth, attended=payload.attended,
                                outcome=payload.outcome, resolved_on_spot=payload.resolved_on_spot)
    return _booking_out(b)


class TurnIn(Schema):
    category: str
    subject: str = ""
    content: str = ""
    request: str = ""
    facts: str = ""
    reasons: str = ""
    address: str = ""
    domain: str = Field("", description="领域代码")
    assign_to: str = Field("", description="当场交办的单位编码（可选）")
    days: int | None = Field(None, description="交办时的办理期限（日）")
    requirements: str = ""
    accused_unit: str = Field("", description="被反映（被检举、揭发）单位的编码")
    accused_person: str = Field("", description="被反映人员姓名")


class TurnOut(Schema):
    booking: BookingOut
    case_id: int
    case_number: str
    case_state: str


@router.post("/bookings/{booking_id}/case", response={201: TurnOut}, summary="登记为信访件并可当场交办（一步完成）",
             url_name="reception_turn")
def turn_into_case(request, booking_id: int, payload: TurnIn):
    booking = _booking(request, booking_id)
    unit = None
    if payload.assign_to:
        unit = Unit.objects.filter(code=payload.assign_to, is_active=True).first()
        if unit is None:
            raise ValidationFailed(_("找不到单位编码“%(code)s”") % {"code": payload.assign_to}, fields={"assign_to": _("单位不存在")})
    domain = Domain.objects.filter(code=payload.domain).first() if payload.domain else None
    accused = None
    if payload.accused_unit:
        accused = Unit.objects.filter(code=payload.accused_unit).first()
        if accused is None:
            raise ValidationFailed(_("找不到单位编码“%(code)s”") % {"code": payload.accused_unit}, fields={"accused_unit": _("单位不存在")})
    case = services.turn_into_case(
        booking, actor=request.auth, category=payload.category, subject=payload.subject, content=payload.content,
        request=payload.request, facts=payload.facts, reasons=payload.reasons, address=payload.address, domain=domain,
        assign_to=unit, days=payload.days, requirements=payload.requirements,
        accused_unit=accused, accused_person=payload.accused_person,
    )
    booking.refresh_from_db()
    return Status(201, {"booking": _booking_out(booking), "case_id": case.pk, "case_number": case.number, "case_state": case.state})
