"""督办 (信访工作条例 第四十条; 第三十九条 约谈、通报、挂牌督办).

A 督办员 of a 信访部门 whose area covers the case issues a 督办单 to a unit,
with a 督办函 and a reply deadline (rule "supervision_reply"). The unit replies;
the reply closes the 督办 only when the bureau accepts it on review. A 督办 left
unanswered past its deadline is escalated one level (一般 → 重点 → 挂牌) by the
sweep. Every action is also appended to the case's audit chain.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minxin.cases.accused import refuse_if_accused
from minxin.cases.audit import append_event
from minxin.cases.events import A
from minxin.cases.models import Case
from minxin.cases.services.common import case_event_recorded
from minxin.core import clock
from minxin.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from minxin.org.models import Role, Staff, Unit
from minxin.org.policies import SYSTEM, is_system
from minxin.oversight import policies
from minxin.oversight.models import (
    ProposalState,
    Supervision,
    SupervisionGround,
    SupervisionLevel,
    SupervisionProposal,
    SupervisionRecord,
    SupervisionRecordKind as K,
    SupervisionState,
)

REPLY_RULE = "supervision_reply"
# Who may act: minxin.oversight.policies (the same rules for pages, API and the sweeps).
REPLY_ROLES, SUPERVISE_ROLES, SANCTION_ROLES = policies.REPLY_ROLES, policies.SUPERVISE_ROLES, policies.SANCTION_ROLES


def _check_supervisor(actor: Staff, case: Case) -> None:
    policies.check_supervise(actor, case)


def _reply_due(case: Case, on: dt.date):
    from minxin.rules.calendar_db import load_working_calendar
    from minxin.rules.selectors import resolve_rule

    rule = resolve_rule(REPLY_RULE, area=case.area, on=on)
    return rule, load_working_calendar().add(on, rule.amount, rule.unit)


def _lock_case(case_id: int) -> Case:
    # Serialises the audit-chain append with lifecycle actions on the same case.
    return Case.objects.select_for_update(of=("self",)).select_related("area").get(pk=case_id)


def _lock(supervision) -> Supervision:
    pk = supervision.pk if isinstance(supervision, Supervision) else supervision
    sup = Supervision.objects.select_for_update().filter(pk=pk).first()
    if sup is None:
        raise ValidationFailed(_("督办单不存在"))
    return Supervision.objects.select_related("case__area", "target_unit", "issuing_unit__area").get(pk=sup.pk)


def _event(case: Case, *, actor, action: str, sup: Supervision, payload: dict, at):
    event = append_event(case, at=at, actor=actor, action=action, from_state=case.state, to_state=case.state,
                         payload={"supervision": sup.pk, "level": sup.level, "target_unit": sup.target_unit.name, **payload})
    _recorded(case, event)


def _recorded(case: Case, event) -> None:
    # In this transaction, like the lifecycle services: subscribers' outbox rows (webhooks) commit with it.
    case_event_recorded.send(sender=Case, case_id=case.pk, action=event.action, from_state=event.from_state,
                             to_state=event.to_state, event_id=event.pk)


def _issue_letter(sup: Supervision, case: Case, actor: Staff | None):
    from minxin.documents.services import issue_document

    context = {
        "addressee": sup.target_unit.name,
        "summary": f"{case.subject}（{sup.get_level_display()}）",
        "reason": f"{sup.get_ground_display()}：{sup.reason}",
        "due_on": sup.reply_due_on,
    }
    if sup.requirements:
        context["requirements"] = sup.requirements
    return issue_document(case, kind="supervision", unit=sup.issuing_unit, actor=actor if actor is not None else SYSTEM,
                          context=context, addressed_to_petitioner=False)


def issue_supervision(case, *, actor: Staff, ground: str, reason: str, target_unit: Unit | None = None,
                      level: int = SupervisionLevel.GENERAL, requirements: str = "",
                      proposal: SupervisionProposal | None = None) -> Supervision:
    """Issue a 督办单 and its 督办函 to `target_unit` (default: the unit now handling the case)."""
    if ground not in SupervisionGround.values:
        raise ValidationFailed(_("请选择督办事由（第四十条第一款）"), fields={"ground": _("必填")})
    if level not in SupervisionLevel.values:
        raise ValidationFailed(_("督办级别应为一般、重点或挂牌督办"), fields={"level": _("无效")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写督办说明"), fields={"reason": _("必填")})
    pk = case.pk if isinstance(case, Case) else case
    with transaction.atomic():
        c = _lock_case(pk)
        _check_supervisor(actor, c)
        unit = target_unit or c.current_unit
        if unit is None:
            raise ValidationFailed(_("信访件%(number)s没有办理单位，请选择被督办单位") % {"number": c.number}, fields={"target_unit": _("必填")})
        if unit.pk == actor.unit_id:
            raise ValidationFailed(_("不能督办本单位"), fields={"target_unit": _("本单位")})
        # Art. 30 §3: a 督办函 would put the accusation in the accused's hands.
        refuse_if_accused(c, unit, action=_("督办"))
        if proposal is not None and (proposal.case_id != c.pk or SupervisionProposal.objects.filter(
                pk=proposal.pk, state=ProposalState.PENDING).count() != 1):
            raise InvalidTransition(_("该督办建议不属于本事项或已处理"))
        if Supervision.objects.filter(case=c, target_unit=unit).exclude(state=SupervisionState.CLOSED).exists():
            raise Conflict(_("信访件%(number)s对%(unit)s已有未办结的督办单，请在原督办单上升级或约谈") % {"number": c.number, "unit": unit.name})
        now, today = clock.now(), clock.today()
        rule, due = _reply_due(c, today)
        try:
            with transaction.atomic():
                sup = Supervision.objects.create(
                    case=c, issuing_unit=actor.unit, target_unit=unit, level=level, ground=ground, reason=reason,
                    requirements=requirements.strip(), issued_by=actor, issued_at=now, reply_due_on=due, reply_rule=rule,
                    proposal=proposal,
                )
        except IntegrityError:
            raise Conflict(_("信访件%(number)s对%(unit)s已有未办结的督办单") % {"number": c.number, "unit": unit.name}) from None
        doc = _issue_letter(sup, c, actor)
        Supervision.objects.filter(pk=sup.pk).update(document=doc)
        sup.document = doc
        SupervisionRecord.objects.create(supervision=sup, kind=K.ISSUE, at=now, by=actor, text=reason,
                                         payload={"level": level, "ground": ground, "document": doc.number})
        if proposal is not None:
            SupervisionProposal.objects.filter(pk=proposal.pk).update(state=ProposalState.ISSUED, decided_at=now, decided_by=actor)
        _event(c, actor=actor, action=A.SUPERVISE, sup=sup, at=now, payload={
            "ground": ground, "reply_due_on": due.isoformat(), "document": doc.number,
        })
    return sup


def reply_to_supervision(supervision, *, actor: Staff, text: str) -> Supervision:
    """The supervised unit's 反馈 (整改和办理情况); it waits for the bureau's review."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("请填写反馈内容"), fields={"text": _("必填")})
    with transaction.atomic():
        sup = _lock(supervision)
        policies.check_reply(actor, sup)
        if sup.state != SupervisionState.OPEN:
            raise InvalidTransition(_("该督办单当前为“%(state)s”，不能反馈") % {"state": sup.get_state_display()})
        now = clock.now()
        c = _lock_case(sup.case_id)
        Supervision.objects.filter(pk=sup.pk).update(state=SupervisionState.REPLIED, replied_at=now,
                                                     first_replied_at=sup.first_replied_at or now)
        sup.refresh_from_db()
        late = clock.today() > sup.reply_due_on
        SupervisionRecord.objects.create(supervision=sup, kind=K.REPLY, at=now, by=actor, text=text, payload={"late": late})
        _event(c, actor=actor, action=A.SUPERVISION_REPLY, sup=sup, at=now, payload={"late": late})
    return sup


def review_supervision_reply(supervision, *, actor: Staff, accept: bool, note: str = "") -> Supervision:
    """The bureau reviews the reply: accept → 办结; reject (with reasons) → back to 待反馈 with a new period."""
    note = (note or "").strip()
    with transaction.atomic():
        sup = _lock(supervision)
        policies.check_review_reply(actor, sup)
        if sup.state != SupervisionState.REPLIED:
            raise InvalidTransition(_("该督办单当前为“%(state)s”，没有待审核的反馈") % {"state": sup.get_state_display()})
        if not accept and not note:
            raise ValidationFailed(_("退回反馈须说明理由"), fields={"note": _("必填")})
        now = clock.now()
        c = _lock_case(sup.case_id)
        if accept:
            Supervision.objects.filter(pk=sup.pk).update(state=SupervisionState.CLOSED, closed_at=now)
            payload = {"accept": True}
        else:
            _rule, due = _reply_due(c, clock.today())
            Supervision.objects.filter(pk=sup.pk).update(state=SupervisionState.OPEN, reply_due_on=due)
            payload = {"accept": False, "reply_due_on": due.isoformat()}
        sup.refresh_from_db()
        SupervisionRecord.objects.create(supervision=sup, kind=K.ACCEPT if accept else K.REJECT, at=now, by=actor, text=note, payload=payload)
        _event(c, actor=actor, action=A.SUPERVISION_REVIEW, sup=sup, at=now, payload={**payload, "note": note})
    return sup


def escalate_supervision(supervision, *, actor, reason: str) -> Supervision:
    """Raise the level by one (一般 → 重点 → 挂牌) with a new 督办函 and reply period.

    `actor=SYSTEM` (minxin.org.policies) is the sweep acting for the issuing bureau when a reply
    is overdue; None is refused.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写升级督办的理由"), fields={"reason": _("必填")})
    with transaction.atomic():
        sup = _lock(supervision)
        policies.check_escalate(actor, sup)
        actor = None if is_system(actor) else actor  # the records name a person, or nobody for the sweep
        if sup.state == SupervisionState.CLOSED:
            raise InvalidTransition(_("该督办单已办结，不能升级"))
        if sup.level >= SupervisionLevel.LISTED:
            raise InvalidTransition(_("该督办单已是挂牌督办，不能再升级；可约谈或通报"))
        now = clock.now()
        c = _lock_case(sup.case_id)
        _rule, due = _reply_due(c, clock.today())
        old = sup.level
        Supervision.objects.filter(pk=sup.pk).update(level=old + 1, reply_due_on=due, escalated_at=now)
        sup.refresh_from_db()
        doc = _issue_letter(sup, c, actor)
        Supervision.objects.filter(pk=sup.pk).update(document=doc)
        SupervisionRecord.objects.create(supervision=sup, kind=K.ESCALATE, at=now, by=actor, text=reason,
                                         payload={"from": old, "to": sup.level, "document": doc.number, "reply_due_on": due.isoformat()})
        _event(c, actor=actor, action=A.SUPERVISION_ESCALATE, sup=sup, at=now,
               payload={"from": old, "to": sup.level, "reason": reason, "document": doc.number})
    return sup


def _sanction(supervision, *, actor, kind, text, payload, action):
    with transaction.atomic():
        sup = _lock(supervision)
        policies.check_sanction(actor, sup)
        now = clock.now()
        c = _lock_case(sup.case_id)
        SupervisionRecord.objects.create(supervision=sup, kind=kind, at=now, by=actor, text=text, payload=payload)
        _event(c, actor=actor, action=action, sup=sup, at=now, payload=payload)
    return sup


def record_interview(supervision, *, actor: Staff, held_on: dt.date, interviewee: str, summary: str) -> Supervision:
    """约谈 of the supervised unit's responsible person (第三十九条)."""
    interviewee, summary = (interviewee or "").strip(), (summary or "").strip()
    if not interviewee or not summary:
        raise ValidationFailed(_("请填写约谈对象和约谈情况"), fields={k: _("必填") for k, v in (("interviewee", interviewee), ("summary", summary)) if not v})
    if held_on > clock.today():
        raise ValidationFailed(_("约谈日期不能晚于今天"), fields={"held_on": _("晚于今天")})
    return _sanction(supervision, actor=actor, kind=K.INTERVIEW, text=summary, action=A.SUPERVISION_INTERVIEW,
                     payload={"held_on": held_on.isoformat(), "interviewee": interviewee})


def record_circular(supervision, *, actor: Staff, scope: str, text: str) -> Supervision:
    """通报 (批评) of the supervised unit (第三十九条)."""
    scope, text = (scope or "").strip(), (text or "").strip()
    if not scope or not text:
        raise ValidationFailed(_("请填写通报范围和通报内容"), fields={k: _("必填") for k, v in (("scope", scope), ("text", text)) if not v})
    return _sanction(supervision, actor=actor, kind=K.CIRCULAR, text=text, action=A.SUPERVISION_CIRCULAR, payload={"scope": scope})


def escalate_ignored(today: dt.date | None = None, *, after_each=None) -> int:
    """Sweep: escalate every 督办 whose reply period has passed without a reply. Idempotent:
    escalation moves the reply deadline forward, so a rerun finds nothing more to do."""
    today = today or clock.today()
    done = 0
    due = Supervision.objects.filter(state=SupervisionState.OPEN, reply_due_on__lt=today, level__lt=SupervisionLevel.LISTED)
    for pk in due.values_list("pk", flat=True).order_by("pk").iterator():
        try:
            with transaction.atomic():
                sup = Supervision.objects.select_for_update().get(pk=pk)
                # Re-checked under the lock: another worker may have escalated it meanwhile.
                if sup.state != SupervisionState.OPEN or sup.reply_due_on >= today or sup.level >= SupervisionLevel.LISTED:
                    continue
                escalate_supervision(sup, actor=SYSTEM, reason=_("逾期未反馈（反馈期限%(due)s），自动升级督办") % {"due": sup.reply_due_on.isoformat()})
        except (InvalidTransition, Conflict):
            continue
        done += 1
        if after_each:
            after_each()
    return done


def dismiss_proposal(proposal, *, actor: Staff, reason: str) -> SupervisionProposal:
    """A 督办员 decides a 督办建议 needs no 督办 (e.g. the delay was justified), with reasons."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请说明不予督办的理由"), fields={"reason": _("必填")})
    pk = proposal.pk if isinstance(proposal, SupervisionProposal) else proposal
    with transaction.atomic():
        p = SupervisionProposal.objects.select_for_update().filter(pk=pk).first()
        if p is None:
            raise ValidationFailed(_("督办建议不存在"))
        c = _lock_case(p.case_id)
        _check_supervisor(actor, c)
        if p.state != ProposalState.PENDING:
            raise InvalidTransition(_("该督办建议已处理（%(state)s）") % {"state": p.get_state_display()})
        now = clock.now()
        SupervisionProposal.objects.filter(pk=p.pk).update(state=ProposalState.DISMISSED, decided_at=now, decided_by=actor)
        p.refresh_from_db()
        event = append_event(c, at=now, actor=actor, action=A.SUPERVISION_DISMISS, from_state=c.state, to_state=c.state,
                             payload={"proposal": p.pk, "deadline": p.deadline_id, "reason": reason})
        _recorded(c, event)
    return p
