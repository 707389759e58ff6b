"""Staff intake channels (来信, 来电) and leader reception days (领导接访/下访).

Cases are only ever created through minxin.cases.services.register_case (and
dispatched through assign_case); this module adds what each channel needs
around it, in the same transaction: the scanned pages of a letter, a booking
turned into a case and 交办 in one step.
"""

import datetime as dt
import hashlib
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import AttachmentKind, Case, CaseAttachment, Channel, case_file_storage
from minxin.cases.services import assign_case, register_case
from minxin.cases.services.common import check_actor
from minxin.core import clock, crypto, identity
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.reception import policies as rpolicies
from minxin.org.models import Area, Role, Staff, Unit
from minxin.portal import filecheck
from minxin.reception.models import BookingState, DayState, ReceptionBooking, ReceptionDay, ReceptionEvent, ReceptionKind

logger = logging.getLogger("minxin.reception")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_files() -> int:
    return _limit("MINXIN_RECEPTION_MAX_FILES", 20)  # a letter's pages, scanned one image each


def max_file_bytes() -> int:
    return _limit("MINXIN_RECEPTION_MAX_FILE_BYTES", 10 * 1024 * 1024)


def max_total_bytes() -> int:
    return _limit("MINXIN_RECEPTION_MAX_TOTAL_BYTES", 50 * 1024 * 1024)


def _log(*, actor: Staff, action: str, day=None, booking=None, payload=None) -> ReceptionEvent:
    return ReceptionEvent.objects.create(at=clock.now(), actor=actor, action=action, day=day, booking=booking, payload=payload or {})


# --- 来信: a letter with its scanned pages ------------------------------------------------------


def _safe_name(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    return _CONTROL.sub("", base)[:120]


def check_files(files, *, required: bool) -> list[tuple[object, str]]:
    """(file, content type) for each upload, or ValidationFailed naming the first bad one.

    The type comes from the file's first bytes (minxin.portal.filecheck), never from
    its name or the browser's claim.
    """
    files = list(files or ())
    if required and not files:
        raise ValidationFailed(_("请上传来信的扫描件（%(allowed)s）") % {"allowed": filecheck.ALLOWED_LABEL},
                               fields={"files": _("必填")})
    if len(files) > max_files():
        msg = _("扫描件最多%(n)d个文件") % {"n": max_files()}
        raise ValidationFailed(msg, fields={"files": msg})
    checked, total = [], 0
    for f in files:
        label = _safe_name(f.name) or _("附件")
        total += f.size
        if f.size > max_file_bytes():
            msg = _("“%(name)s”超过单个文件%(mb)dMB的限制") % {"name": label, "mb": max_file_bytes() // (1024 * 1024)}
            raise ValidationFailed(msg, fields={"files": msg})
        content_type = filecheck.sniff_upload(f)
        if content_type is None:
            msg = _("“%(name)s”不是%(allowed)s（按文件内容检查，与文件名无关）") % {"name": label, "allowed": filecheck.ALLOWED_LABEL}
            raise ValidationFailed(msg, fields={"files": msg})
        checked.append((f, content_type))
    if total > max_total_bytes():
        msg = _("扫描件合计不能超过%(mb)dMB") % {"mb": max_total_bytes() // (1024 * 1024)}
        raise ValidationFailed(msg, fields={"files": msg})
    return checked


def _store(case: Case, checked, *, actor: Staff, kind: str, saved: list[str]) -> list[CaseAttachment]:
    out = []
    for f, content_type in checked:
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        att = CaseAttachment(case=case, kind=kind, content_type=content_type, size=f.size, sha256=digest.hexdigest(),
                             original_name=_safe_name(f.name), uploaded_by=actor, uploaded_at=clock.now())
        att.file.save("upload", f, save=False)
        saved.append(att.file.name)
        att.save()
        out.append(att)
    return out


def register_letter(*, actor: Staff, files, kind: str = AttachmentKind.LETTER_SCAN, **case_fields) -> Case | None:
    """登记 a letter (channel 来信) with its scanned pages, all or nothing.

    The files are checked before anything is written; if anything fails after a file
    was written (the registration, a later file), the written files are removed again.
    Call it outside an enclosing transaction: a rollback of an outer block would leave
    the stored files behind.
    """
    validate_only = case_fields.pop("validate_only", False)
    try:
        checked = check_files(files, required=True)
    except ValidationFailed as file_problem:
        # Report the scans' problem together with the registration's, in one round.
        try:
            register_case(actor=actor, channel=Channel.LETTER, validate_only=True, **case_fields)
        except ValidationFailed as exc:
            raise ValidationFailed(f"{exc.message}；{file_problem.message}", fields={**exc.fields, **file_problem.fields}) from None
        raise
    if validate_only:
        return register_case(actor=actor, channel=Channel.LETTER, validate_only=True, **case_fields)
    saved: list[str] = []
    try:
        with transaction.atomic():
            case = register_case(actor=actor, channel=Channel.LETTER, **case_fields)
            _store(case, checked, actor=actor, kind=kind, saved=saved)
    except BaseException:
        for name in saved:
            case_file_storage.delete(name)
        raise
    logger.info("letter registered case_id=%s pages=%s", case.pk, len(saved))
    return case


def register_call(*, actor: Staff, caller_name: str = "", phone: str = "", address: str = "", anonymous: bool = False,
                  **case_fields) -> Case:
    """登记 a phone call (channel 来电), recorded faithfully as an oral petition (Art. 19 §1).

    Only 检举控告 may stay anonymous (register_case enforces it); otherwise the caller's
    name, address and a phone number to call back are required.
    """
    caller_name, address, phone = (caller_name or "").strip(), (address or "").strip(), (phone or "").strip()
    people = [] if anonymous else [{"name": caller_name, "address": address, "phone": phone}]
    try:
        return register_case(actor=actor, channel=Channel.PHONE, petitioners=people, anonymous=anonymous, **case_fields)
    except ValidationFailed as exc:
        # The caller is petitioner 1: put register_case's problems, all found in one round, on the call form's fields.
        renamed = {
            "petitioners.1.name": ("caller_name", _("请填写来电人姓名（名称）")),
            "petitioners.1.address": ("address", _("请填写来电人住址")),
            "petitioners.1.phone": ("phone", _("请填写11位手机号码，便于回访")),
        }
        fields, replaced, caller = {}, set(), []
        for key, messages in exc.fields.items():
            if key in renamed:
                replaced.update(messages)
                key, message = renamed[key]
                messages = [message]
                caller.append(message)
            fields[key] = messages
        rest = [part for part in exc.message.split("；") if part not in replaced]
        raise ValidationFailed("；".join(dict.fromkeys(caller + rest)), fields=fields) from None


# --- Leader reception days ------------------------------------------------------------------


# Who may do what: minxin.reception.policies (pages, API and these services ask the same functions).
may_schedule = rpolicies.may_schedule
may_record = rpolicies.may_record
days_visible_to = rpolicies.days_visible


def _check_scheduler(actor: Staff, unit: Unit | None = None) -> None:
    check_actor(actor)
    rpolicies.check_schedule(actor, unit)


def _parse_time(value, field: str, label: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("请填写%(label)s") % {"label": label}, fields={field: _("格式为时:分")}) from None


def schedule_reception_day(*, actor: Staff, leader: Staff, date: dt.date, starts_at, ends_at, place: str,
                           kind: str = ReceptionKind.AT_OFFICE, topics: str = "", capacity: int = 10) -> ReceptionDay:
    _check_scheduler(actor)
    errors = {}
    if leader is None or not leader.is_active or not leader.has_role(*rpolicies.LEADER_ROLES):
        errors["leader"] = _("接访领导须为在岗的领导（审核/领导角色）")
    elif not rpolicies.may_receive(leader, actor):
        errors["leader"] = _("接访领导须为本辖区单位的领导")
    if kind not in ReceptionKind.values:
        errors["kind"] = _("请选择接访或下访")
    if date is None:
        errors["date"] = _("请填写日期")
    elif date < clock.today():
        errors["date"] = _("不能安排过去的日期")
    start = _parse_time(starts_at, "starts_at", _("开始时间"))
    end = _parse_time(ends_at, "ends_at", _("结束时间"))
    if end <= start:
        errors["ends_at"] = _("结束时间应晚于开始时间")
    if not (place or "").strip():
        errors["place"] = _("请填写接访地点")
    if not isinstance(capacity, int) or capacity < 1 or capacity > 200:
        errors["capacity"] = _("可预约人数应为1至200")
    if errors:
        raise ValidationFailed("；".join(errors.values()), fields=errors)
    with transaction.atomic():
        day = ReceptionDay.objects.create(
            leader=leader, unit=actor.unit, kind=kind, date=date, starts_at=start, ends_at=end, place=place.strip(),
            topics=(topics or "").strip(), capacity=capacity, created_by=actor, created_at=clock.now(),
        )
        _log(actor=actor, action="schedule", day=day, payload={"leader": leader.pk, "date": date.isoformat(), "kind": kind})
    return day


def _locked_day(day: ReceptionDay | int) -> ReceptionDay:
    pk = day.pk if isinstance(day, ReceptionDay) else day
    return ReceptionDay.objects.select_for_update(of=("self",)).select_related("unit__area", "leader").get(pk=pk)


def cancel_reception_day(day: ReceptionDay, *, actor: Staff, reason: str) -> ReceptionDay:
    reason = (reason or "").strip()
    with transaction.atomic():
        d = _locked_day(day)
        _check_scheduler(actor, d.unit)
        if d.state != DayState.PLANNED:
            raise InvalidTransition(_("该接访日已%(state)s，不能取消") % {"state": d.get_state_display()})
        if not reason:
            raise ValidationFailed(_("请填写取消原因（将告知已预约的信访人）"), fields={"reason": _("必填")})
        d.state, d.cancel_reason = DayState.CANCELLED, reason[:200]
        d.save(update_fields=["state", "cancel_reason"])
        _log(actor=actor, action="cancel", day=d, payload={"reason": reason[:200], "bookings": d.bookings.count()})
    return d


def book_petitioner(day: ReceptionDay, *, actor: Staff, name: str, id_number: str, topic: str, area: Area,
                    phone: str = "", address: str = "", case: Case | None = None) -> ReceptionBooking:
    """Book a petitioner into a planned reception day (capacity; one booking per ID number a day)."""
    errors = {}
    name, id_number, phone = (name or "").strip(), (id_number or "").strip().upper(), (phone or "").strip()
    if not name:
        errors["name"] = _("请填写信访人姓名")
    problem = identity.id_number_problem(id_number) if id_number else _("请填写身份证号")
    if problem:
        errors["id_number"] = problem
    if phone and not identity.is_valid_phone(phone):
        errors["phone"] = _("手机号码格式不正确")
    if not (topic or "").strip():
        errors["topic"] = _("请填写反映问题摘要")
    if errors:
        raise ValidationFailed("；".join(errors.values()), fields=errors)
    with transaction.atomic():
        d = _locked_day(day)
        check_actor(actor)
        rpolicies.check_book(actor, d)
        if d.state != DayState.PLANNED or d.date < clock.today():
            raise InvalidTransition(_("该接访日已取消或已过，不能再预约"))
        if area is None or not area.path.startswith(d.unit.area.path):
            raise ValidationFailed(_("问题属地不在%(unit)s的辖区内") % {"unit": d.unit.name}, fields={"area": _("不在辖区内")})
        rpolicies.check_link_case(actor, case)
        id_hash = crypto.blind_index("id", id_number)
        if d.bookings.filter(id_hash=id_hash).exists():
            raise ValidationFailed(_("此人已预约本次接访，不能重复预约"), fields={"id_number": _("已预约")})
        if d.bookings.count() >= d.capacity:
            raise InvalidTransition(_("本次接访已约满（%(n)d人）") % {"n": d.capacity})
        try:
            with transaction.atomic():
                booking = ReceptionBooking.objects.create(
                    day=d, name_enc=crypto.encrypt(name), id_number_enc=crypto.encrypt(id_number),
                    phone_enc=crypto.encrypt(phone), address_enc=crypto.encrypt((address or "").strip()), id_hash=id_hash,
                    name_masked=identity.mask_name(name), id_masked=identity.mask_id_number(id_number),
                    phone_masked=identity.mask_phone(phone) if phone else "", topic=topic.strip(), area=area, case=case,
                    booked_by=actor, booked_at=clock.now(),
                )
        except IntegrityError:  # the same person booked at the same moment elsewhere
            raise ValidationFailed(_("此人已预约本次接访，不能重复预约"), fields={"id_number": _("已预约")}) from None
        _log(actor=actor, action="book", day=d, booking=booking, payload={"case": case.number if case else ""})
    return booking


def _locked_booking(booking: ReceptionBooking | int) -> ReceptionBooking:
    pk = booking.pk if isinstance(booking, ReceptionBooking) else booking
    b = ReceptionBooking.objects.select_for_update(of=("self",)).select_related("day__unit__area", "day__leader", "area").get(pk=pk)
    return b


def _check_recorder(actor: Staff, booking: ReceptionBooking) -> None:
    check_actor(actor)
    rpolicies.check_record(actor, booking.day)
    if booking.day.state == DayState.CANCELLED:
        raise InvalidTransition(_("该接访日已取消"))
    if booking.day.date > clock.today():
        raise InvalidTransition(_("接访日（%(date)s）尚未到，不能记录结果") % {"date": booking.day.date.isoformat()})


def record_outcome(booking: ReceptionBooking, *, actor: Staff, attended: bool, outcome: str = "",
                   resolved_on_spot: bool | None = None) -> ReceptionBooking:
    with transaction.atomic():
        b = _locked_booking(booking)
        _check_recorder(actor, b)
        if attended:
            if not (outcome or "").strip():
                raise ValidationFailed(_("请填写接待结果"), fields={"outcome": _("必填")})
            if resolved_on_spot is None:
                raise ValidationFailed(_("请选择是否当场化解"), fields={"resolved_on_spot": _("必填")})
            b.state, b.outcome, b.resolved_on_spot = BookingState.ATTENDED, outcome.strip(), bool(resolved_on_spot)
        else:
            b.state, b.outcome, b.resolved_on_spot = BookingState.NO_SHOW, (outcome or "").strip(), None
        b.outcome_by, b.outcome_at = actor, clock.now()
        b.save(update_fields=["state", "outcome", "resolved_on_spot", "outcome_by", "outcome_at"])
        ReceptionDay.objects.filter(pk=b.day_id, state=DayState.PLANNED).update(state=DayState.HELD)
        _log(actor=actor, action="outcome", day=b.day, booking=b,
             payload={"state": b.state, "resolved_on_spot": b.resolved_on_spot})
    return b


def turn_into_case(booking: ReceptionBooking, *, actor: Staff, category: str, subject: str, content: str, request: str,
                   facts: str, reasons: str, address: str = "", domain=None, is_urgent: bool = False,
                   assign_to: Unit | None = None, days: int | None = None, requirements: str = "",
                   accused_unit: Unit | None = None, accused_person: str = "") -> Case:
    """Register the booking's matter as a case (来访, received on the reception day) and,
    if a unit is given, 交办 it there at once — both or neither."""
    if assign_to is not None and not isinstance(days, int):
        raise ValidationFailed(_("交办时请指定办理期限（天数）"), fields={"days": _("必填")})
    with transaction.atomic():
        b = _locked_booking(booking)
        _check_recorder(actor, b)
        if b.case_id is not None:
            raise InvalidTransition(_("该预约已关联信访件%(number)s，不能重复登记") % {"number": b.case.number})
        if b.state == BookingState.NO_SHOW:
            raise InvalidTransition(_("信访人未到场，不能据此登记信访事项"))
        day = b.day
        received_at = timezone.make_aware(dt.datetime.combine(day.date, day.starts_at))
        received_at = min(received_at, clock.now())
        petitioner = {"name": b.name, "id_number": b.id_number, "phone": b.phone, "address": (address or "").strip() or b.address}
        case = register_case(
            actor=actor, channel=Channel.VISIT, category=category, subject=subject, content=content, request=request,
            facts=facts, reasons=reasons, area=b.area, petitioners=[petitioner], received_at=received_at,
            domain=domain, is_urgent=is_urgent, accused_unit=accused_unit, accused_person=accused_person,
        )
        if assign_to is not None:
            case = assign_case(case, actor=actor, unit=assign_to, days=days, requirements=requirements)
        if b.state == BookingState.BOOKED:
            b.state = BookingState.ATTENDED
        b.case = case
        b.save(update_fields=["case", "state"])
        ReceptionDay.objects.filter(pk=day.pk, state=DayState.PLANNED).update(state=DayState.HELD)
        _log(actor=actor, action="turn_into_case", day=day, booking=b,
             payload={"case": case.number, "assigned_to": assign_to.pk if assign_to else None, "days": days})
    return case


__all__ = [
    "book_petitioner", "cancel_reception_day", "check_files", "days_visible_to", "may_record", "may_schedule",
    "record_outcome", "register_call", "register_letter", "schedule_reception_day", "turn_into_case",
]
