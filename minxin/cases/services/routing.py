"""转送 / 交办 (Art. 22), objections to a wrong transfer (Art. 23 §3) and disputes (Art. 24)."""

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.cases.accused import refuse_if_accused
from minxin.cases.models import Case, CaseRouting, CaseState, Category, JurisdictionDispute
from minxin.cases.services import common
from minxin.cases.statemachine import A
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.org.models import Staff, Unit, UnitKind

TRANSFER, ASSIGN = "transfer", "assign"


def _check_destination(case: Case, unit: Unit, actor: Staff, override_reason: str) -> dict:
    """Where a case may go. Returns payload flags for any recorded override."""
    if not unit.is_active:
        raise ValidationFailed(_("%(unit)s已停用，不能接收信访事项") % {"unit": unit.name}, fields={"unit": _("已停用")})
    if unit.pk == actor.unit_id:
        raise ValidationFailed(_("不能转送或交办给本单位"), fields={"unit": _("本单位")})
    # Art. 30 §3: absolute — no override.
    refuse_if_accused(case, unit, action=_("转送或交办至"))
    # 属地管理、分级负责: 本级 or lower bodies only.
    if not unit.area.path.startswith(actor.unit.area.path):
        raise PermissionDenied(
            _("%(unit)s不在%(own)s辖区内，只能转送或交办本级或下级机关、单位（第二十二条）") % {"unit": unit.name, "own": actor.unit.name}
        )
    flags = {}
    expected = None
    if case.is_litigation and unit.kind != UnitKind.POLITICAL_LEGAL:
        expected = (_("涉法涉诉事项应转送政法部门"), "litigation")
    elif case.category == Category.ACCUSATION and unit.kind != UnitKind.DISCIPLINE:
        expected = (_("检举控告事项应转送纪检监察机关"), "accusation")
    if expected is not None:
        if not (override_reason or "").strip():
            raise ValidationFailed(
                _("%(rule)s（《信访工作条例》第二十二条第二款）；如确需转至%(unit)s，请填写理由") % {"rule": expected[0], "unit": unit.name},
                fields={"override_reason": _("必填")},
            )
        flags = {"override": expected[1], "override_reason": override_reason.strip()}
    return flags


def _dispatch(case, *, actor, unit, kind, days, requirements, override_reason, expected_version):
    from minxin.documents.kinds import DocumentKind

    action = ASSIGN if kind == ASSIGN else TRANSFER
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.ASSIGN if kind == ASSIGN else A.TRANSFER, expected_version=expected_version)
        c = step.case
        flags = _check_destination(c, unit, actor, override_reason)
        CaseRouting.objects.create(case=c, unit=unit, kind=action, at=step.at, from_unit=actor.unit, by=actor, due_days=days)
        to_state = CaseState.ASSIGNED if kind == ASSIGN else CaseState.TRANSFERRED
        clocks = common.apply_clocks(step, to_state=to_state, days=days)
        route_clock = clocks.completed.get("register_route_15d")
        due_on = clocks.started["assigned_report"].due_on if kind == ASSIGN else None
        # The dates it states (告知, 异议, 指定办理期限) come from the clocks just started.
        context = {
            "addressee": unit.name,
            "summary": c.subject,
            "matter": c.subject,
            "petitioner": common.petitioner_label(c),
        }
        if requirements:
            context["requirements"] = requirements
        common.issue(step, kind=DocumentKind.ASSIGNMENT if kind == ASSIGN else DocumentKind.TRANSFER, unit=actor.unit,
                     context=context, addressed_to_petitioner=False)
        common.finish(
            step,
            to_state=to_state,
            fields={
                "current_unit": unit, "dispatching_unit": actor.unit, "dispatch_kind": kind,
                "assigned_days": days if kind == ASSIGN else None,
            },
            payload={
                "to_unit": common.unit_payload(unit), "days": days, "due_on": due_on.isoformat() if due_on else "",
                "route_clock_late": bool(route_clock and route_clock.state == "missed"), **flags,
            },
        )
    return step.case


def transfer_case(case, *, actor: Staff, unit: Unit, override_reason: str = "", requirements: str = "",
                  expected_version: int | None = None) -> Case:
    """转送 to the competent unit (Art. 22(一)(二)); issues the 转送单."""
    return _dispatch(case, actor=actor, unit=unit, kind=TRANSFER, days=None, requirements=requirements,
                     override_reason=override_reason, expected_version=expected_version)


def assign_case(case, *, actor: Staff, unit: Unit, days: int, requirements: str = "", override_reason: str = "",
                expected_version: int | None = None) -> Case:
    """交办 with a 指定办理期限 and a required 办结报告 (Art. 22(三)); issues the 交办单."""
    if not isinstance(days, int) or days < 1:
        raise ValidationFailed(_("请指定办理期限（天数，至少1天）"), fields={"days": _("必填")})
    return _dispatch(case, actor=actor, unit=unit, kind=ASSIGN, days=days, requirements=requirements,
                     override_reason=override_reason, expected_version=expected_version)


def object_to_transfer(case, *, actor: Staff, reason: str, override_reason: str = "",
                       expected_version: int | None = None) -> Case:
    """异议: not within our scope (Art. 23 §3), within 5 working days of receipt.

    After the window a late objection is accepted only with a recorded reason,
    and the event is flagged so 督办 can see it.
    """
    reason = common.require_text(reason, "reason", _("异议理由"))
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.OBJECT, expected_version=expected_version)
        c = step.case
        window = common.running(c, "objection_5wd")
        late = window is None or step.today > window.due_on
        flags = {}
        if late:
            if not (override_reason or "").strip():
                due = window.due_on.isoformat() if window else ""
                raise InvalidTransition(
                    _("异议期（收到之日起5个工作日，截至%(due)s）已过，不能再提出异议；确需提出的，请填写逾期理由")
                    % {"due": due}
                )
            flags = {"late": True, "override_reason": override_reason.strip()}
        common.apply_clocks(step, to_state=CaseState.OBJECTED)
        common.finish(step, to_state=CaseState.OBJECTED, payload={"reason": reason, **flags})
    return step.case


def decide_objection(case, *, actor: Staff, agree: bool, note: str = "", expected_version: int | None = None) -> Case:
    """The transferring bureau verifies the objection (Art. 23 §3).

    Agree: the materials come back and the case is routed again (a new 15日 clock).
    Disagree: the case stays with the unit, in the state it was sent in.
    """
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.DECIDE_OBJECTION, expected_version=expected_version)
        c = step.case
        objecting = c.current_unit
        if agree:
            to_state = CaseState.REGISTERED
            fields = {"current_unit": c.registering_unit, "dispatch_kind": "", "dispatching_unit": None, "assigned_days": None}
        else:
            note = common.require_text(note, "note", _("不同意异议的理由"))
            to_state = CaseState.ASSIGNED if c.dispatch_kind == ASSIGN else CaseState.TRANSFERRED
            fields = {}
        common.apply_clocks(step, to_state=to_state, agree=agree)
        common.finish(step, to_state=to_state, fields=fields,
                      payload={"agree": agree, "note": note, "objecting_unit": common.unit_payload(objecting)})
    return step.case


def _ancestors(unit: Unit) -> list[Unit]:
    chain, seen = [], set()
    node = unit.parent
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return chain


def common_superior(units: list[Unit]) -> Unit | None:
    """Nearest 共同的上一级 in the Unit.parent tree (Art. 24), if any."""
    chains = [_ancestors(u) for u in units]
    shared = set.intersection(*({a.pk for a in ch} for ch in chains))
    for candidate in chains[0]:
        if candidate.pk in shared:
            return candidate
    return None


def open_jurisdiction_dispute(case, *, actor: Staff, units: list[Unit], reason: str,
                              expected_version: int | None = None) -> Case:
    """受理有争议 among several bodies: the common 上一级 decides (Art. 24 §1).

    With no common 上一级 in the unit tree the 信访部门 that registered the case
    takes it to the 联席会议 and records the decision, so it is the arbiter.
    """
    reason = common.require_text(reason, "reason", _("争议理由"))
    units = list(dict.fromkeys(units))
    if len(units) < 2:
        raise ValidationFailed(_("管辖争议至少涉及两个单位"), fields={"units": _("至少两个")})
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.OPEN_DISPUTE, expected_version=expected_version)
        c = step.case
        for u in units:
            refuse_if_accused(c, u, action=_("将受理争议提交给"))
        arbiter = common_superior(units) or c.registering_unit
        dispute = JurisdictionDispute.objects.create(
            case=c, arbiter=arbiter, reason=reason, opened_by=actor, opened_at=step.at, prior_state=c.state
        )
        dispute.units.set(units)
        CaseRouting.objects.create(case=c, unit=arbiter, kind="dispute", at=step.at, from_unit=actor.unit, by=actor)
        common.apply_clocks(step, to_state=CaseState.DISPUTED)
        common.finish(
            step, to_state=CaseState.DISPUTED,
            payload={"units": [common.unit_payload(u) for u in units], "arbiter": common.unit_payload(arbiter), "reason": reason},
        )
    return step.case


def settle_dispute(case, *, actor: Staff, unit: Unit, note: str = "", expected_version: int | None = None) -> Case:
    """The common 上一级 names the receiving body; the case is transferred to it."""
    with transaction.atomic():
        step = common.begin(case, actor=actor, action=A.SETTLE_DISPUTE, expected_version=expected_version)
        c = step.case
        dispute = c.disputes.filter(settled_at__isnull=True).first()
        if not dispute.units.filter(pk=unit.pk).exists():
            raise ValidationFailed(_("只能在争议所涉单位中确定受理机关"), fields={"unit": _("不在争议单位中")})
        refuse_if_accused(c, unit, action=_("确定受理机关为"))
        dispute.settled_unit = unit
        dispute.settled_at = step.at
        dispute.save(update_fields=["settled_unit", "settled_at"])
        CaseRouting.objects.create(case=c, unit=unit, kind=TRANSFER, at=step.at, from_unit=actor.unit, by=actor)
        common.apply_clocks(step, to_state=CaseState.TRANSFERRED)
        common.finish(
            step, to_state=CaseState.TRANSFERRED,
            fields={"current_unit": unit, "dispatching_unit": actor.unit, "dispatch_kind": TRANSFER, "assigned_days": None},
            payload={"to_unit": common.unit_payload(unit), "note": note},
        )
    return step.case
