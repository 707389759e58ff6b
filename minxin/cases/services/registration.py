"""登记 (Art. 17–22) and the two refusals: 不予受理 (Art. 19 §3) and 不再受理 (Art. 36 §3)."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from minxin.cases.accused import resolve_accused_person
from minxin.cases.audit import append_event
from minxin.cases.events import Ctx
from minxin.cases.events import apply_clocks as run_clock_effects
from minxin.cases.models import (
    OPEN_STATES,
    Case,
    CaseNumberSequence,
    CaseParty,
    CaseState,
    Category,
    Channel,
    Petitioner,
    PetitionerContactHistory,
)
from minxin.cases.services import common
from minxin.cases.statemachine import A
from minxin.core import clock, crypto, identity
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.cases import policies
from minxin.org.models import Area, Staff, Unit

SUBJECT_MAX = 200  # Case.subject
MAX_REPRESENTATIVES = 5  # Art. 20 §3: 代表人数不得超过5人 ("不得超过" includes 5).
_QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O/1/I: read out over the phone


@dataclass
class PetitionerInput:
    name: str
    address: str = ""
    id_number: str = ""
    phone: str = ""
    is_representative: bool = False
    nationality: str = "中国"

    @classmethod
    def coerce(cls, value) -> "PetitionerInput":
        return value if isinstance(value, cls) else cls(**value)


def _new_query_code() -> str:
    for _attempt in range(10):
        code = "".join(secrets.choice(_QUERY_ALPHABET) for _ in range(12))
        if not Case.objects.filter(query_code=code).exists():
            return code
    raise RuntimeError("query code space exhausted")  # 32**12 codes: unreachable in practice


def case_number(unit_code: str, year: int, seq: int) -> str:
    """The one case-number format, for live registration, history import and demo data alike.

    `{registering unit code}-{year}-{6-digit sequence}`, e.g. B-EAST-2026-000123 or
    QH-B-C1-2026-000001: the sequence runs per registering unit and year, without gaps.
    """
    return f"{unit_code}-{year}-{seq:06d}"


def claim_case_numbers(unit: Unit, year: int, count: int = 1) -> list[str]:
    """The next `count` numbers of `unit` in `year`, inside the caller's transaction.

    The UPDATE takes the sequence row's lock, so concurrent registrations at one
    unit queue on it until the registering transaction commits; a rollback returns
    the numbers, so the sequence stays gapless.
    """
    seq, _created = _sequence_row(unit, year)
    CaseNumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + count)
    last = CaseNumberSequence.objects.values_list("last", flat=True).get(pk=seq.pk)
    return [case_number(unit.code, year, n) for n in range(last - count + 1, last + 1)]


def next_case_number(unit: Unit, year: int) -> str:
    """`B-EAST-2026-000123`: per registering unit and year, gapless and safe under concurrency."""
    return claim_case_numbers(unit, year)[0]


def _sequence_row(unit: Unit, year: int):
    try:
        with transaction.atomic():
            return CaseNumberSequence.objects.get_or_create(unit=unit, year=year)
    except IntegrityError:  # another registration created the row first
        return CaseNumberSequence.objects.get(unit=unit, year=year), False


def _petitioner_errors(people: list[PetitionerInput], *, anonymous: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not people and not anonymous:
        return {"petitioners": _("请填写信访人姓名和住址（《信访工作条例》第十九条）")}
    for i, p in enumerate(people, start=1):
        if not (p.name or "").strip():
            errors[f"petitioners.{i}.name"] = _("第%(i)d位信访人的姓名（名称）必填") % {"i": i}
        if not (p.address or "").strip():
            errors[f"petitioners.{i}.address"] = _("第%(i)d位信访人的住址必填") % {"i": i}
        if p.id_number:
            problem = identity.id_number_problem(p.id_number)
            if problem:
                errors[f"petitioners.{i}.id_number"] = _("第%(i)d位信访人：%(problem)s") % {"i": i, "problem": problem}
        if p.phone and not identity.is_valid_phone(p.phone):
            errors[f"petitioners.{i}.phone"] = _("第%(i)d位信访人的手机号码格式不正确") % {"i": i}
    return errors


def _petitioner_for(p: PetitionerInput, *, case: Case | None = None, actor: Staff | None = None) -> Petitioner:
    """Reuse an existing 信访人 found by blind index, so their earlier cases link up.

    The person's newest details win: a known ID number with a new name, phone or address updates
    the record (the old details go to PetitionerContactHistory), so notices reach today's phone.
    A detail left blank keeps the one on file.
    """
    id_number = p.id_number.strip().upper()
    phone = p.phone.strip()
    if id_number:
        found = Petitioner.objects.select_for_update().filter(id_hash=crypto.blind_index("id", id_number)).first()
        if found is not None:
            return _update_contacts(found, p, case=case, actor=actor)
    elif phone:
        for candidate in Petitioner.objects.select_for_update().filter(phone_hash=crypto.blind_index("phone", phone), id_hash="")[:20]:
            if candidate.name == p.name.strip():
                return _update_contacts(candidate, p, case=case, actor=actor)
    return Petitioner.objects.create(
        name_enc=crypto.encrypt(p.name.strip()),
        id_number_enc=crypto.encrypt(id_number),
        phone_enc=crypto.encrypt(phone),
        address_enc=crypto.encrypt(p.address.strip()),
        id_hash=crypto.blind_index("id", id_number),
        phone_hash=crypto.blind_index("phone", phone),
        name_hash=crypto.blind_index("name", p.name.strip()),
        name_masked=identity.mask_name(p.name.strip()),
        id_masked=identity.mask_id_number(id_number) if id_number else "",
        phone_masked=identity.mask_phone(phone) if phone else "",
        nationality=p.nationality or "中国",
    )


def _update_contacts(found: Petitioner, p: PetitionerInput, *, case: Case | None, actor: Staff | None) -> Petitioner:
    name, phone, address = p.name.strip(), p.phone.strip(), p.address.strip()
    changes = {}
    if name and name != found.name:
        changes.update(name_enc=crypto.encrypt(name), name_hash=crypto.blind_index("name", name), name_masked=identity.mask_name(name))
    if phone and phone != found.phone:
        changes.update(phone_enc=crypto.encrypt(phone), phone_hash=crypto.blind_index("phone", phone), phone_masked=identity.mask_phone(phone))
    if address and address != found.address:
        changes.update(address_enc=crypto.encrypt(address))
    if not changes:
        return found
    PetitionerContactHistory.objects.create(
        petitioner=found, name_enc=found.name_enc, phone_enc=found.phone_enc, address_enc=found.address_enc,
        name_masked=found.name_masked, phone_masked=found.phone_masked, replaced_at=clock.now(), replaced_by=actor, case=case,
    )
    for field, value in changes.items():
        setattr(found, field, value)
    found.save(update_fields=list(changes))
    return found


def register_case(
    *,
    actor: Staff,
    channel: str,
    category: str,
    subject: str,
    content: str,
    area: Area,
    petitioners: list,
    request: str = "",
    facts: str = "",
    reasons: str = "",
    received_at: dt.datetime | None = None,
    domain=None,
    is_litigation: bool = False,
    is_urgent: bool = False,
    people_count: int | None = None,
    accused_unit: Unit | None = None,
    accused_staff: Staff | None = None,
    accused_person: str = "",
    anonymous: bool = False,
    query_code: str = "",
    validate_only: bool = False,
) -> Case | None:
    """登记 a petition at a 信访部门 (Art. 19, 20, 22). Starts the 15日 转送/交办 clock.

    `query_code` keeps a 查询码 the petitioner already holds (an online submission's);
    otherwise a new one is drawn. Either way it is told to the petitioner by the
    registration notice and works on the portal with their phone.

    With `validate_only` it raises what it would refuse and writes nothing: a form that
    failed its own parsing still gets every rule's message in the same round.
    """
    common.check_actor(actor)
    unit = actor.unit
    if not policies.may_register(actor):
        raise PermissionDenied(_("只有信访部门的登记员或领导可以登记信访事项，您（%(unit)s）不能登记") % {"unit": unit.name})
    if not area.path.startswith(unit.area.path):
        raise PermissionDenied(
            _("“%(area)s”不在%(unit)s的辖区内，请由属地信访部门登记（属地管理）") % {"area": area.name, "unit": unit.name}
        )
    # Every problem is reported in one round, each next to its field (no fix-one-see-the-next).
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = _("请选择信访形式（来信、来访、来电、网上、传真）")
    if category not in Category.values:
        errors["category"] = _("请选择信访类别")
    if anonymous and category != Category.ACCUSATION:
        errors["anonymous"] = _("只有检举控告类事项可以匿名")
    people = [PetitionerInput.coerce(p) for p in petitioners]
    errors.update(_petitioner_errors(people, anonymous=anonymous))
    missing = [
        (k, label)
        for k, label, v in (
            ("subject", _("标题"), subject), ("content", _("信访内容"), content),
            ("request", _("请求"), request), ("facts", _("事实"), facts), ("reasons", _("理由"), reasons),
        )
        if not (v or "").strip()
    ]
    for k, _label in missing:
        errors[k] = _("必填")
    for k, label, v in (("subject", _("标题"), subject),):
        n = len((v or "").strip())
        if n > SUBJECT_MAX:
            errors[k] = _("%(label)s最多%(limit)d个字，现有%(n)d个字") % {"label": label, "limit": SUBJECT_MAX, "n": n}
    representatives = [p for p in people if p.is_representative]
    collective = len(people) > 1 or (people_count or 1) > 1
    if collective and len(people) > MAX_REPRESENTATIVES and not representatives:
        errors["petitioners"] = _("多人反映共同事项，应推选代表（《信访工作条例》第二十条第三款）")
    if len(representatives) > MAX_REPRESENTATIVES:
        errors["petitioners"] = _("代表人数为%(n)d人，不得超过5人（《信访工作条例》第二十条第三款）") % {"n": len(representatives)}
    count = people_count if people_count is not None else max(len(people), 1)
    if count < len(people):
        errors["people_count"] = _("涉及人数不能少于登记的信访人数")
    if accused_unit is not None and accused_unit.pk == unit.pk:
        errors["accused_unit"] = _("检举控告本单位的事项应由上级信访部门登记（第三十条第三款）")
    accused_staff, accused_name, accused_errors = resolve_accused_person(accused_unit, accused_person, accused_staff)
    errors.update(accused_errors)
    query_code = (query_code or "").strip().upper()
    if query_code and Case.objects.filter(query_code=query_code).exists():
        errors["query_code"] = _("查询码%(code)s已被另一信访事项使用") % {"code": query_code}
    now = clock.now()
    received_at = received_at or now
    if received_at > now:
        errors["received_at"] = _("收到时间不能晚于现在")
    if errors:
        summary = [m for k, m in errors.items() if k not in dict(missing)]
        if missing:
            summary.insert(0, _("请填写：%(names)s（《信访工作条例》第十九条）") % {"names": "、".join(label for _k, label in missing)})
        raise ValidationFailed("；".join(dict.fromkeys(summary)), fields=errors)
    if validate_only:
        return None

    with transaction.atomic():
        case = Case.objects.create(
            number=next_case_number(unit, clock.today().year),
            query_code=query_code or _new_query_code(),
            channel=channel,
            category=category,
            domain=domain,
            subject=subject.strip(),
            content=content.strip(),
            request=request.strip(),
            facts=facts.strip(),
            reasons=reasons.strip(),
            is_anonymous=anonymous,
            area=area,
            received_at=received_at,
            registered_at=now,
            registering_unit=unit,
            registered_by=actor,
            current_unit=unit,
            state=CaseState.REGISTERED,
            is_litigation=is_litigation,
            is_urgent=is_urgent,
            is_collective=collective,
            people_count=count,
            accused_unit=accused_unit,
            accused_staff=accused_staff,
            accused_name=accused_name,
        )
        CaseParty.objects.bulk_create(
            [CaseParty(case=case, petitioner=pet, is_representative=p.is_representative)
             for p, pet in _dedupe([(p, _petitioner_for(p, case=case, actor=actor)) for p in people])]
        )
        run_clock_effects(A.REGISTER, common.LiveClocks(case),
                          Ctx(case=case, payload={}, to_state=CaseState.REGISTERED, on=clock.today(), at=now, actor=actor))
        event = append_event(
            case, at=now, actor=actor, action=A.REGISTER, from_state="", to_state=CaseState.REGISTERED,
            payload=common.redact({
                "unit": unit.name, "channel": channel, "category": category, "area": area.name,
                "petitioners": common.petitioner_label(case), "people_count": count,
                "representatives": len(representatives), "anonymous": anonymous, "urgent": is_urgent,
                "received_on": _local_date(received_at).isoformat(),
            }),
        )
        from minxin.rules.deadlines import refresh_next_due

        refresh_next_due(case)
        info = {"case_id": case.pk, "action": A.REGISTER, "from_state": "", "to_state": CaseState.REGISTERED, "event_id": event.pk}
        common.case_event_recorded.send(sender=Case, **info)
        transaction.on_commit(lambda: common.case_changed.send(sender=Case, **info))
    case.refresh_from_db()
    return case


def _local_date(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def _dedupe(pairs):
    seen = set()
    for p, pet in pairs:
        if pet.pk not in seen:
            seen.add(pet.pk)
            yield p, pet


class RefusalGround:
    """Statutory grounds for 不予受理."""

    DUPLICATE_AT_LOWER = "art19_3"  # Art. 19 §3
    OTHER = "other"

    LEGAL_BASIS = {DUPLICATE_AT_LOWER: "《信访工作条例》第十九条第三款"}


def refuse_case(case, *, actor: Staff, ground: str, reason: str, related_case: Case | None = None,
                legal_basis: str = "", expected_version: int | None = None) -> Case:
    """不予受理 with a statutory ground; issues the 不予受理告知书."""
    from minxin.documents.kinds import DocumentKind

    reason = common.require_text(reason, "reason", _("不予受理的理由"))
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.REFUSE, expected_version=expected_version)
        c = step.case
        if ground == RefusalGround.DUPLICATE_AT_LOWER:
            if related_case is None:
                raise ValidationFailed(_("请选择已受理或正在办理的同一信访事项"), fields={"related_case": _("必填")})
            related = Case.objects.select_related("current_unit__area").filter(pk=related_case.pk).first()
            # "已经受理或者正在办理…在规定期限内": open, or a 复查/复核 window still running.
            in_limit = related is not None and (related.state in OPEN_STATES or bool(common.running_codes(related)))
            if related is None or related.pk == c.pk or not in_limit or related.current_unit is None:
                raise ValidationFailed(_("所选关联事项并未在办理中，不适用第十九条第三款"), fields={"related_case": _("不在办理中")})
            if related.current_unit_id == actor.unit_id or not related.current_unit.area.path.startswith(actor.unit.area.path):
                raise ValidationFailed(
                    _("第十九条第三款只适用于下级机关已受理或正在办理的事项"), fields={"related_case": _("不是下级机关办理的事项")}
                )
            basis = RefusalGround.LEGAL_BASIS[ground]
        elif ground == RefusalGround.OTHER:
            basis = common.require_text(legal_basis, "legal_basis", _("不予受理的法律法规依据"))
            related = None
        else:
            raise ValidationFailed(_("请选择不予受理的依据"), fields={"ground": _("无效")})
        _refusal_document(step, DocumentKind.NON_ACCEPTANCE, reason, basis)
        common.apply_clocks(step, to_state=CaseState.NOT_ACCEPTED)
        common.finish(
            step, to_state=CaseState.NOT_ACCEPTED,
            fields={"related_case": related, "closed_at": step.at},
            payload={"ground": ground, "legal_basis": basis, "related_case": related.number if related else ""},
        )
    return step.case


def refuse_repeat(case, *, actor: Staff, earlier_case: Case, reason: str, expected_version: int | None = None) -> Case:
    """不再受理 (Art. 36 §3): same facts and reasons as a case already closed by 复核.

    The comparison of facts and reasons is a human judgement; the system only
    checks that the earlier case really ended in a 复核 decision.
    """
    from minxin.documents.kinds import DocumentKind

    reason = common.require_text(reason, "reason", _("不再受理的理由"))
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.REFUSE_REPEAT, expected_version=expected_version)
        earlier = Case.objects.visible_to(actor).filter(pk=earlier_case.pk).first()
        if earlier is None:
            raise PermissionDenied(_("关联的原信访事项不在您的管辖范围内"))
        if earlier.state != CaseState.FINAL:
            raise InvalidTransition(
                _("原信访事项%(number)s尚未经复核终结，不适用不再受理（第三十六条第三款）") % {"number": earlier.number}
            )
        _refusal_document(step, DocumentKind.NOT_REACCEPTED, reason, "《信访工作条例》第三十六条第三款", earlier=earlier)
        common.apply_clocks(step, to_state=CaseState.NOT_REACCEPTED)
        common.finish(
            step, to_state=CaseState.NOT_REACCEPTED,
            fields={"related_case": earlier, "closed_at": step.at},
            payload={"earlier_case": earlier.number, "legal_basis": "《信访工作条例》第三十六条第三款"},
        )
    return step.case


def _refusal_document(step, kind, reason: str, basis: str, earlier: Case | None = None):
    c = step.case
    context = {
        "addressee": common.petitioner_label(c),
        "received_on": _local_date(c.received_at),
        "matter": c.subject,
        "grounds": reason,
        "legal_basis": basis,
    }
    if earlier is not None:
        from minxin.documents.models import Document

        prior = Document.objects.filter(case=earlier, kind="recheck_opinion").order_by("-pk").values_list("number", flat=True).first()
        if prior:
            context["prior_document"] = prior
    if c.is_anonymous:
        return None
    return common.issue(step, kind=kind, unit=step.actor.unit, context=context)
