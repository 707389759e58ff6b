"""Portal actions: verification codes, submission, registration/refusal by staff, follow,
rating and 复查/复核 requests. Web pages and the public API both call these."""

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from minxin.cases.models import Case, CaseParty, CaseState, Category
from minxin.core import clock, crypto, identity
from minxin.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from minxin.portal import policies as portal_policies
from minxin.org.models import Area, AreaLevel, Staff, Unit
from minxin.portal import filecheck, throttle
from minxin.portal.models import (
    AppealKind,
    AppealRequest,
    AppealState,
    Attachment,
    PhoneCode,
    RealNameRule,
    Submission,
    SubmissionState,
)

logger = logging.getLogger("minxin.portal")

CODE_TTL = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
MAX_LENGTHS = {"subject": 200, "content": 5000, "request": 2000, "reasons": 3000, "accused_unit_name": 100, "accused_person": 64,
               "name": 32, "address": 200, "email": 120}
_DEFAULT_RULES = {
    Category.SUGGESTION: dict(require_name=True, require_id_number=True, require_verified_phone=True, allow_anonymous=False),
    Category.COMPLAINT: dict(require_name=True, require_id_number=True, require_verified_phone=True, allow_anonymous=False),
    Category.ACCUSATION: dict(require_name=False, require_id_number=False, require_verified_phone=False, allow_anonymous=True),
}
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def rule_for(category: str) -> RealNameRule:
    """The configured rule, or the default one (unsaved) when an administrator removed the row."""
    rule = RealNameRule.objects.filter(category=category).first()
    return rule or RealNameRule(category=category, **_DEFAULT_RULES.get(category, _DEFAULT_RULES[Category.COMPLAINT]))


# --- areas ----------------------------------------------------------------------------------


def root_areas():
    code = getattr(settings, "MINXIN_PORTAL_ROOT_AREA", "")
    if code:
        return Area.objects.filter(code=code)
    return Area.objects.filter(parent__isnull=True)


def public_areas():
    """Every area the portal offers: the configured root(s) and below, down to 村社区 (no grids)."""
    roots = list(root_areas())
    if not roots:
        return Area.objects.none()
    from django.db.models import Q

    q = Q()
    for r in roots:
        q |= Q(path__startswith=r.path)
    return Area.objects.filter(q, level__lte=AreaLevel.VILLAGE)


def area_choice_problem(area: Area | None) -> str | None:
    if area is None or not public_areas().filter(pk=area.pk).exists():
        return _("请选择问题发生地")
    if area.level < AreaLevel.VILLAGE and area.children.filter(level__lte=AreaLevel.VILLAGE).exists():
        return _("请继续选择到村（社区）一级")
    return None


# --- SMS verification codes ----------------------------------------------------------------


def _code_hash(phone_hash: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone_hash}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(phone: str, *, purpose: str, ip: str) -> None:
    """Send a 6-digit code to `phone` through the SMS backend (throttled per phone and per IP)."""
    from minxin.notify.services import queue_sms

    phone = (phone or "").strip()
    if not identity.is_valid_phone(phone):
        raise ValidationFailed(_("请填写正确的11位手机号码"), fields={"phone": _("格式不正确")})
    throttle.hit("sms_ip", ip, _("获取验证码过于频繁，请于%(wait)s后再试"))
    throttle.hit("sms_phone", phone, _("该手机号获取验证码过于频繁，请于%(wait)s后再试"))
    code = f"{secrets.randbelow(10**6):06d}"
    phone_hash = crypto.blind_index("phone", phone)
    now = clock.now()
    with transaction.atomic():
        PhoneCode.objects.create(
            phone_hash=phone_hash, code_hash=_code_hash(phone_hash, code), purpose=purpose, created_at=now, expires_at=now + CODE_TTL
        )
        queue_sms(phone, _("您的验证码为%(code)s，10分钟内有效。如非本人操作请忽略。") % {"code": code},
                  purpose="verify", sensitive=True)


def check_code(phone: str, code: str, *, purpose: str) -> None:
    """Consume a valid code or raise. Wrong guesses count against the code and the phone."""
    phone = (phone or "").strip()
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(_("请填写短信验证码"), fields={"sms_code": _("必填")})
    throttle.hit("verify_phone", phone, _("验证码错误次数过多，请于%(wait)s后重新获取"))
    phone_hash = crypto.blind_index("phone", phone)
    now = clock.now()
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone_hash=phone_hash, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            raise ValidationFailed(_("验证码已过期或不存在，请重新获取"), fields={"sms_code": _("已过期")})
        if row.attempts >= CODE_MAX_ATTEMPTS:
            raise ValidationFailed(_("验证码错误次数过多，请重新获取"), fields={"sms_code": _("已失效")})
        if not hmac.compare_digest(row.code_hash, _code_hash(phone_hash, code)):
            PhoneCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            raise ValidationFailed(_("短信验证码不正确"), fields={"sms_code": _("不正确")})
        PhoneCode.objects.filter(pk=row.pk).update(used_at=now)


# --- submission ----------------------------------------------------------------------------


@dataclass
class SubmissionInput:
    category: str
    subject: str
    content: str
    request: str
    area: Area | None
    reasons: str = ""
    anonymous: bool = False
    name: str = ""
    id_number: str = ""
    phone: str = ""
    sms_code: str = ""
    address: str = ""
    email: str = ""
    accused_unit_name: str = ""
    accused_person: str = ""


def _clean(value: str) -> str:
    # Keep what people typed (HTML is escaped on output), minus control characters.
    return _CONTROL.sub("", (value or "")).strip()


def validate_submission(data: SubmissionInput, files=()) -> dict[str, str]:
    """Field errors for `data` (empty when valid). Does not consume the SMS code."""
    errors: dict[str, str] = {}
    for key in ("subject", "content", "request", "reasons", "name", "address", "email", "accused_unit_name", "accused_person"):
        setattr(data, key, _clean(getattr(data, key)))
    data.id_number = _clean(data.id_number).upper()
    data.phone = _clean(data.phone)
    # Without a category the real-name rule is unknown: check everything else now (one round)
    # under the most lenient rule, so the category is the only thing left to add.
    if data.category not in Category.values:
        errors["category"] = _("请选择信访类别")
        rule = rule_for(Category.ACCUSATION)
    else:
        rule = rule_for(data.category)
    for key, label in (("subject", _("标题")), ("content", _("事实和经过")), ("request", _("请求事项"))):
        if not getattr(data, key):
            errors[key] = _("请填写%(label)s") % {"label": label}
    for key, limit in MAX_LENGTHS.items():
        n = len(getattr(data, key))
        if n > limit:
            errors[key] = _("最多%(limit)d个字，现有%(n)d个字，请删减") % {"limit": limit, "n": n}
    problem = area_choice_problem(data.area)
    if problem:
        errors["area"] = problem
    if data.anonymous and not rule.allow_anonymous:
        errors["anonymous"] = _("%(category)s类事项须实名提出") % {"category": Category(data.category).label}
    named = not data.anonymous
    if named and rule.require_name:
        if not data.name:
            errors["name"] = _("请填写姓名")
        if not data.address:
            errors["address"] = _("请填写住址（《信访工作条例》第十九条）")
    if named and data.name and not data.address and "address" not in errors:
        errors["address"] = _("请填写住址（《信访工作条例》第十九条）")
    if named and rule.require_id_number and not data.id_number:
        errors["id_number"] = _("请填写身份证号码")
    if data.id_number:
        why = identity.id_number_problem(data.id_number)
        if why:
            errors["id_number"] = why
    if rule.require_verified_phone and not data.phone and not data.anonymous:
        errors["phone"] = _("请填写手机号码并获取验证码")
    if data.phone:
        if not identity.is_valid_phone(data.phone):
            errors["phone"] = _("请填写正确的11位手机号码")
        elif not data.sms_code:
            errors["sms_code"] = _("请填写短信验证码（用于查询进度）")
    if data.email and not _EMAIL_RE.match(data.email):
        errors["email"] = _("电子邮箱格式不正确")
    errors.update(_file_errors(files))
    return errors


def _file_errors(files) -> dict[str, str]:
    files = list(files or ())
    limit = settings.MINXIN_PORTAL_MAX_FILES
    if len(files) > limit:
        return {"attachments": _("附件最多%(n)d个") % {"n": limit}}
    total = 0
    for f in files:
        total += f.size
        label = _safe_name(f.name) or _("附件")
        if f.size > settings.MINXIN_PORTAL_MAX_FILE_BYTES:
            return {"attachments": _("“%(name)s”超过单个附件%(mb)sMB的限制") % {
                "name": label, "mb": settings.MINXIN_PORTAL_MAX_FILE_BYTES // (1024 * 1024)}}
        if filecheck.sniff_upload(f) is None:
            return {"attachments": _("“%(name)s”不是%(allowed)s（按文件内容检查，与文件名无关）") % {
                "name": label, "allowed": filecheck.ALLOWED_LABEL}}
    if total > settings.MINXIN_PORTAL_MAX_TOTAL_BYTES:
        return {"attachments": _("附件合计不能超过%(mb)sMB") % {"mb": settings.MINXIN_PORTAL_MAX_TOTAL_BYTES // (1024 * 1024)}}
    return {}


def _safe_name(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    return _CONTROL.sub("", base)[:120]


def submit(data: SubmissionInput, files=(), *, ip: str) -> Submission:
    """Create a pending Submission with its attachments; returns it (its `code` is the 查询码)."""
    errors = validate_submission(data, files)
    if errors:
        raise ValidationFailed(_("提交未成功，请按提示修改：") + "；".join(errors.values()), fields=errors)
    throttle.hit("submit_ip", ip, _("提交过于频繁，请于%(wait)s后再试；紧急情况请拨打信访接待电话或前往接待场所"))
    throttle.hit("submit_phone", data.phone, _("该手机号提交过于频繁，请于%(wait)s后再试"))
    if data.phone:
        check_code(data.phone, data.sms_code, purpose="submit")
    return create_submission(data, files, phone_verified=bool(data.phone))


def create_submission(data: SubmissionInput, files=(), *, phone_verified: bool) -> Submission:
    """Write a validated submission and its attachments (the caller has validated `data` and checked
    its throttles and codes: `submit` for the portal, minxin.exchange.open311 for other systems)."""
    saved: list[str] = []
    try:
        with transaction.atomic():
            anonymous = data.anonymous or not data.name
            keep_identity = not data.anonymous
            sub = Submission.objects.create(
                category=data.category, subject=data.subject, content=data.content, request=data.request, reasons=data.reasons,
                area=data.area, is_anonymous=anonymous,
                accused_unit_name=data.accused_unit_name, accused_person=data.accused_person,
                name_enc=crypto.encrypt(data.name if keep_identity else ""),
                id_number_enc=crypto.encrypt(data.id_number if keep_identity else ""),
                address_enc=crypto.encrypt(data.address if keep_identity else ""),
                phone_enc=crypto.encrypt(data.phone), email_enc=crypto.encrypt(data.email),
                phone_hash=crypto.blind_index("phone", data.phone), phone_verified=phone_verified,
                name_masked=identity.mask_name(data.name) if keep_identity else "",
                phone_masked=identity.mask_phone(data.phone) if data.phone else "",
                id_masked=identity.mask_id_number(data.id_number) if keep_identity and data.id_number else "",
                created_at=clock.now(),
            )
            for f in files:
                content_type = filecheck.sniff_upload(f)
                digest = hashlib.sha256()
                for chunk in f.chunks():
                    digest.update(chunk)
                f.seek(0)
                att = Attachment(submission=sub, content_type=content_type, size=f.size, sha256=digest.hexdigest(),
                                 original_name=_safe_name(f.name))
                att.file.save("upload", f, save=False)
                saved.append(att.file.name)
                att.save()
    except BaseException:
        from minxin.portal.models import portal_storage

        for name in saved:
            portal_storage.delete(name)
        raise
    logger.info("portal submission id=%s category=%s", sub.pk, sub.category)
    return sub


# --- staff: registration queue -------------------------------------------------------------


may_register = portal_policies.may_work_queue  # minxin.portal.policies


def queue_for(staff: Staff):
    """Submissions whose place lies in the staff member's bureau's area (属地管理)."""
    return portal_policies.submissions_visible(staff).select_related("area")


def get_for_staff(staff: Staff, pk: int) -> Submission:
    sub = queue_for(staff).filter(pk=pk).first()
    if sub is None:
        raise NotFound(_("未找到该网上信访件，或不在您的辖区内"))
    return sub


def _lock_pending(staff: Staff, pk: int) -> Submission:
    sub = queue_for(staff).select_for_update().filter(pk=pk).first()
    if sub is None:
        raise NotFound(_("未找到该网上信访件，或不在您的辖区内"))
    if sub.state != SubmissionState.PENDING:
        raise InvalidTransition(_("该网上信访件已%(state)s，不能重复处理") % {"state": sub.get_state_display()})
    return sub


def register_submission(submission: Submission | int, *, actor: Staff, category: str | None = None, subject: str | None = None,
                        request: str | None = None, facts: str | None = None, reasons: str | None = None, domain=None,
                        area: Area | None = None, accused_unit=None, accused_person: str | None = None,
                        validate_only: bool = False) -> Case | None:
    """登记 an online submission as a case (channel 网上信访), linking it so the same 查询码 follows the case.

    The registrar names the accused unit (from what the petitioner wrote); `validate_only`
    reports every problem and writes nothing.
    """
    from minxin.cases.services import PetitionerInput, register_case

    pk = submission.pk if isinstance(submission, Submission) else submission
    portal_policies.check_work_queue(actor, _("只有信访部门的登记员或领导可以登记网上信访件"))
    with transaction.atomic():
        sub = _lock_pending(actor, pk)
        people = []
        if not sub.is_anonymous:
            people = [PetitionerInput(name=sub.name, address=sub.address, id_number=sub.id_number, phone=sub.phone)]
        case = register_case(
            actor=actor, channel="online", category=category or sub.category, subject=subject or sub.subject,
            content=sub.content, request=request if request is not None else sub.request,
            facts=facts if facts is not None else sub.content,
            reasons=reasons if reasons is not None else (sub.reasons or sub.content),
            area=area or sub.area, petitioners=people, received_at=sub.created_at, domain=domain,
            anonymous=sub.is_anonymous and (category or sub.category) == Category.ACCUSATION,
            query_code=sub.code,  # the citizen already holds this 查询码: the case keeps it
            accused_unit=accused_unit, accused_person=accused_person if accused_person is not None else sub.accused_person,
            validate_only=validate_only,
        )
        if case is None:
            return None
        Submission.objects.filter(pk=sub.pk).update(
            state=SubmissionState.REGISTERED, case=case, decided_by=actor, decided_at=clock.now()
        )
        # The registration's notice was queued before the case was linked to this submission:
        # queue it again (idempotent per recipient) so the submitter's own contacts get it too.
        from minxin.notify.events import on_case_changed

        event = case.events.filter(action="register").only("pk", "to_state").first()
        if event is not None:
            on_case_changed(Case, case_id=case.pk, action="register", to_state=event.to_state, event_id=event.pk)
    return case


def accused_unit_named(sub: Submission) -> Unit | None:
    """The active unit whose name is exactly what the petitioner wrote, as the registrar's starting choice."""
    name = (sub.accused_unit_name or "").strip()
    if not name:
        return None
    found = list(Unit.objects.filter(is_active=True, name=name)[:2])
    return found[0] if len(found) == 1 else None


def refuse_submission(submission: Submission | int, *, actor: Staff, reason: str) -> Submission:
    """不予登记 with a reason the submitter reads on the portal (e.g. 诉讼 matters: go to court)."""
    pk = submission.pk if isinstance(submission, Submission) else submission
    reason = _clean(reason)
    if not reason:
        raise ValidationFailed(_("请填写不予登记的理由，信访人将在查询页看到"), fields={"reason": _("必填")})
    portal_policies.check_work_queue(actor)
    with transaction.atomic():
        sub = _lock_pending(actor, pk)
        sub.state, sub.refusal_reason, sub.decided_by, sub.decided_at = SubmissionState.REFUSED, reason, actor, clock.now()
        sub.save(update_fields=["state", "refusal_reason", "decided_by", "decided_at"])
        if sub.phone:  # in the transaction: the notice commits with the refusal
            from minxin.notify.services import queue_sms

            queue_sms(sub.phone, _("您在网上信访提交的事项未予登记，理由请凭查询码%(code)s在网上信访查看。") % {"code": sub.code},
                      purpose="refuse", dedupe_key=f"submission{sub.pk}:refuse")
    return sub


# --- follow --------------------------------------------------------------------------------

_NO_MATCH = _("查询码或手机号不正确")


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


@dataclass
class Tracked:
    """What one follower may see: a case registered through any channel (desk, letter, call,
    portal, API) and/or the portal submission behind it, plus the phone they proved."""

    submission: Submission | None = None
    case: Case | None = None
    phone_hash: str = ""

    @property
    def case_id(self):
        return self.case.pk if self.case is not None else None

    @property
    def _source(self):
        return self.case if self.case is not None else self.submission

    @property
    def subject(self):
        return self._source.subject

    @property
    def area(self):
        return self._source.area

    @property
    def is_anonymous(self):
        return self._source.is_anonymous

    @property
    def refusal_reason(self):
        return self.submission.refusal_reason if self.submission is not None else ""

    def get_category_display(self):
        return self._source.get_category_display()

    @property
    def appeals(self):
        return AppealRequest.objects.filter(case=self.case) if self.case is not None else AppealRequest.objects.none()

    def key(self) -> dict:
        """What a session or signed token keeps to find this again."""
        return {"s": self.submission.pk if self.submission else None, "c": self.case_id, "p": self.phone_hash}

    @classmethod
    def from_key(cls, data: dict) -> "Tracked | None":
        sub = Submission.objects.select_related("case", "area", "case__current_unit").filter(pk=data.get("s")).first() \
            if data.get("s") else None
        case = Case.objects.select_related("area", "current_unit").filter(pk=data.get("c")).first() if data.get("c") else None
        if sub is not None and sub.case_id:
            case = sub.case
        if sub is None and case is None:
            return None
        return cls(submission=sub, case=case, phone_hash=data.get("p") or "")


def tracked(value: "Tracked | Submission") -> Tracked:
    """A Submission (e.g. from the staff side or a test) as what its follower sees."""
    if isinstance(value, Tracked):
        return value
    return Tracked(submission=value, case=value.case if value.case_id else None)


def _find(code: str) -> Tracked | None:
    """The case or submission holding this 查询码: a portal submission's code is its case's code
    once registered; cases registered at the desk, by letter, call or API have their own."""
    code = normalise_code(code)
    if not code:
        return None
    sub = Submission.objects.select_related("case", "area", "case__current_unit").filter(code=code).first()
    if sub is not None:
        return Tracked(submission=sub, case=sub.case)
    case = Case.objects.select_related("area", "current_unit").filter(query_code=code).first()
    if case is None:
        return None
    return Tracked(submission=Submission.objects.filter(case=case).first(), case=case)


def _phone_hashes(t: Tracked) -> set[str]:
    """The phones on record for this matter: the submitter's verified phone and every 信访人's."""
    hashes = {t.submission.phone_hash} if t.submission is not None and t.submission.phone_hash else set()
    if t.case is not None:
        hashes |= set(CaseParty.objects.filter(case=t.case).exclude(petitioner__phone_hash="")
                      .values_list("petitioner__phone_hash", flat=True))
    return hashes


def _phone_matches(t: Tracked, phone: str) -> bool:
    if not phone:
        return False
    given = crypto.blind_index("phone", phone)
    return any(hmac.compare_digest(h, given) for h in _phone_hashes(t))


def start_follow(code: str, phone: str, *, ip: str) -> None:
    """Step 1: send an SMS code if (查询码, 手机号) match. Answers the same either way, so it
    does not tell a guesser whether a code exists."""
    throttle.hit("follow_ip", ip, _("查询过于频繁，请于%(wait)s后再试"))
    code = normalise_code(code)
    throttle.hit("follow_code", code, _("该查询码尝试次数过多，请于%(wait)s后再试"))
    tracked = _find(code)
    phone = (phone or "").strip()
    if tracked is not None and _phone_matches(tracked, phone):
        send_code(phone, purpose="follow", ip=ip)


def finish_follow(code: str, phone: str, sms_code: str, *, ip: str) -> Tracked:
    """Step 2: the SMS code proves the phone; returns what may be shown or raises NotFound."""
    throttle.hit("follow_ip", ip, _("查询过于频繁，请于%(wait)s后再试"))
    code = normalise_code(code)
    throttle.hit("follow_code", code, _("该查询码尝试次数过多，请于%(wait)s后再试"))
    tracked = _find(code)
    phone = (phone or "").strip()
    if tracked is None:
        raise NotFound(_NO_MATCH)
    if not _phone_hashes(tracked):
        if tracked.is_anonymous and not phone:
            return tracked  # anonymous without a phone: the code alone, and nothing personal is shown
        raise NotFound(_NO_MATCH)
    if not _phone_matches(tracked, phone):
        raise NotFound(_NO_MATCH)
    check_code(phone, sms_code, purpose="follow")
    tracked.phone_hash = crypto.blind_index("phone", phone)
    return tracked


@dataclass
class Step:
    on: dt.date
    text: str


def progress(t: "Tracked | Submission") -> list[Step]:
    """Plain-words progress, petitioner-safe: each event's public wording from the event
    registry (minxin.cases.events); events without one are not shown."""
    t = tracked(t)
    from django.utils import timezone

    from minxin.cases.events import public_text

    steps = []
    sub = t.submission
    if sub is not None:
        steps.append(Step(timezone.localdate(sub.created_at), _("您已在网上提交，等待信访部门登记")))
        if sub.state == SubmissionState.REFUSED:
            steps.append(Step(timezone.localdate(sub.decided_at), _("未予登记。理由：%(reason)s") % {"reason": sub.refusal_reason}))
            return steps
    if t.case is None:
        return steps
    for ev in t.case.events.order_by("seq").only("at", "action", "payload", "to_state", "case"):
        ev.case = t.case
        text = public_text(ev)
        if text:
            steps.append(Step(timezone.localdate(ev.at), text))
    return steps


def status_text(t: "Tracked | Submission") -> str:
    t = tracked(t)
    if t.case is not None:
        return t.case.get_state_display()
    if t.submission.state == SubmissionState.REFUSED:
        return _("未予登记")
    return _("待登记")


def petitioner_of(t: "Tracked | Submission"):
    """The case's 信访人 that the follower's verified phone (or the submission's ID) belongs to."""
    t = tracked(t)
    if t.case_id is None or t.is_anonymous:
        return None
    sub = t.submission
    parties = CaseParty.objects.filter(case_id=t.case_id).select_related("petitioner")
    id_hash = crypto.blind_index("id", sub.id_number) if sub is not None and sub.id_number_enc else ""
    phones = {h for h in (t.phone_hash, sub.phone_hash if sub is not None else "") if h}
    for party in parties:
        pet = party.petitioner
        if (id_hash and pet.id_hash == id_hash) or (pet.phone_hash and pet.phone_hash in phones):
            return pet
    return None


def documents(t: "Tracked | Submission"):
    t = tracked(t)
    from minxin.documents.selectors import petitioner_documents

    if t.case_id is None or t.is_anonymous:
        return []
    return list(petitioner_documents(t.case))  # documents.policies.for_petitioner


# --- rating and appeals --------------------------------------------------------------------


def rate(sub: "Tracked | Submission", *, target: str, score: str, comment: str = ""):
    sub = tracked(sub)
    from minxin.oversight.ratings import record_rating

    if sub.case_id is None:
        raise InvalidTransition(_("该事项尚未登记，暂不能评价"))
    pet = petitioner_of(sub)
    if pet is None:
        raise PermissionDenied(_("匿名提交的事项不能评价"))
    return record_rating(sub.case, target=target, score=score, comment=_clean(comment)[:1000], channel="portal",
                         rater_petitioner=pet, actor=None)


def rating_state(sub: "Tracked | Submission") -> dict:
    """What the rating form should offer: window dates and which targets were rated."""
    sub = tracked(sub)
    from minxin.oversight.models import Rating, RatingWindow
    from minxin.oversight.ratings import rating_opening

    if sub.case_id is None or sub.is_anonymous:
        return {"open": False}
    window = RatingWindow.objects.filter(case_id=sub.case_id).select_related("bureau", "unit").first()
    opening = window or rating_opening(sub.case)
    if opening is None:
        return {"open": False}
    rated = set(Rating.objects.filter(case_id=sub.case_id).values_list("target", flat=True))
    return {"open": True, "window": window, "rated": rated}


_APPEALS = {
    AppealKind.REVIEW: (CaseState.OPINION_ISSUED, "review_request_30d", _("复查"), _("第三十五条")),
    AppealKind.RECHECK: (CaseState.REVIEW_DECIDED, "recheck_request_30d", _("复核"), _("第三十六条")),
}


def appeal_options(sub: "Tracked | Submission") -> list[dict]:
    """Which of 复查/复核 may be requested now, with the last day (for a case from any channel)."""
    sub = tracked(sub)
    from minxin.rules.selectors import running_deadlines

    if sub.case_id is None or sub.is_anonymous:
        return []
    out = []
    for kind, (state, window, label, article) in _APPEALS.items():
        if sub.case.state != state:
            continue
        dl = running_deadlines(sub.case).filter(code=window).first()
        if dl is None:
            continue
        pending = sub.appeals.filter(kind=kind, state=AppealState.PENDING).exists()
        out.append({"kind": kind, "label": label, "due_on": dl.due_on, "article": article, "pending": pending,
                    "expired": clock.today() > dl.due_on, "provisional": dl.provisional})
    return out


def request_appeal(sub: "Tracked | Submission", *, kind: str, request: str) -> AppealRequest:
    """Record the petitioner's 复查/复核 request with today's date; a registrar enters it into the case."""
    sub = tracked(sub)
    if kind not in AppealKind.values:
        raise ValidationFailed(_("请选择复查或复核"), fields={"kind": _("无效")})
    request = _clean(request)
    if not request:
        raise ValidationFailed(_("请填写请求事项和理由"), fields={"request": _("必填")})
    if len(request) > 3000:
        raise ValidationFailed(_("请求事项和理由最多3000字"), fields={"request": _("过长")})
    state, window, label, article = _APPEALS[kind]
    option = next((o for o in appeal_options(sub) if o["kind"] == kind), None)
    if option is None:
        raise InvalidTransition(_("该事项当前不能申请%(label)s") % {"label": label})
    if option["expired"]:
        raise InvalidTransition(
            _("申请%(label)s的期限（收到书面答复之日起30日，截至%(due)s）已过（《信访工作条例》%(article)s）")
            % {"label": label, "due": option["due_on"].isoformat(), "article": article}
        )
    if option["pending"]:
        raise InvalidTransition(_("您已提交%(label)s申请，正在等待登记") % {"label": label})
    with transaction.atomic():
        appeal = AppealRequest.objects.create(case=sub.case, submission=sub.submission, kind=kind, request=request, requested_on=clock.today(),
                                              created_at=clock.now())
    return appeal


def appeals_for(staff: Staff):
    """Pending portal appeals for cases this bureau registered (it records them, statemachine 'requester')."""
    if not may_register(staff):
        return AppealRequest.objects.none()
    return AppealRequest.objects.filter(
        state=AppealState.PENDING, case__registering_unit_id=staff.unit_id
    ).select_related("case")


def record_appeal(appeal: AppealRequest | int, *, actor: Staff) -> Case:
    from minxin.cases.services import request_recheck, request_review

    pk = appeal.pk if isinstance(appeal, AppealRequest) else appeal
    with transaction.atomic():
        ap = appeals_for(actor).select_for_update().filter(pk=pk).first()
        if ap is None:
            raise NotFound(_("未找到该申请，或已处理"))
        service = request_review if ap.kind == AppealKind.REVIEW else request_recheck
        # The petitioner's portal date is the request date: the Art. 35/36 window is judged by it.
        case = service(ap.case, actor=actor, request=ap.request, requested_on=ap.requested_on)
        AppealRequest.objects.filter(pk=ap.pk).update(state=AppealState.RECORDED, decided_by=actor, decided_at=clock.now())
    return case


def purge_phone_codes(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete verification codes that expired more than `older_than` ago. Idempotent."""
    deleted, _detail = PhoneCode.objects.filter(expires_at__lt=clock.now() - older_than).delete()
    return deleted
