"""The statutory lifecycle of a 信访事项 as one declarative table.

Each row says which action may be taken from which states, to which state(s),
by whom (roles) and on behalf of which unit. Services in `minxin.cases.services`
call `authorize` before writing; pages and the API call `available_actions` to
show only what a person may do right now. Tests compare every recorded event
with this table.

Unit selectors (who may act):
- ``registering``: the 信访部门 that registered the case (Art. 22 登记、转送、交办).
- ``current``: the unit now handling it (Art. 23, 31–34; the 复查/复核 body once a
  request has been made, Art. 35–36).
- ``dispatching``: the unit that transferred or assigned it (Art. 23 §3 异议核实,
  Art. 22(三) 办结报告).
- ``requester``: the registering 信访部门 recording the request for the
  petitioner, or the body that will decide it (上一级 of ``decision_unit``).
- ``arbiter``: the common 上一级 named in the open jurisdiction dispute (Art. 24).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from minxin.cases.events import A, label as event_label
from minxin.cases.models import Case, CaseState as S, Category
from minxin.org.models import Role, Staff, Unit

HANDLE = frozenset({Role.HANDLER, Role.REVIEWER})
INTAKE = frozenset({Role.REGISTRAR, Role.REVIEWER})
LEAD = frozenset({Role.REVIEWER})
RECORD = frozenset({Role.REGISTRAR, Role.HANDLER, Role.REVIEWER})


# Action codes and their wording live in the event registry (minxin.cases.events).


def _is_assigned(case: Case) -> bool:
    return case.dispatch_kind == "assign"


def _residual_route(case: Case) -> bool:
    return case.route == "opinion"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    targets: frozenset  # empty = the state does not change
    roles: frozenset
    unit: str
    guard: Callable[[Case], bool] | None = field(default=None, compare=False)
    guard_message: str = ""

    def allows_state(self, state: str) -> bool:
        return state in self.sources


def _t(action, sources, targets, roles, unit, guard=None, guard_message=""):
    return Transition(action, frozenset(sources), frozenset(targets), frozenset(roles), unit, guard, str(guard_message))


TABLE: tuple[Transition, ...] = (
    # Art. 22: 登记 then 转送 / 交办 within 15日.
    _t(A.TRANSFER, {S.REGISTERED}, {S.TRANSFERRED}, INTAKE, "registering"),
    _t(A.ASSIGN, {S.REGISTERED}, {S.ASSIGNED}, INTAKE, "registering"),
    # Art. 23 §3, Art. 31: the receiving body accepts and chooses the legal route.
    _t(A.ACCEPT, {S.TRANSFERRED, S.ASSIGNED}, {S.ACCEPTED, S.REFERRED}, HANDLE, "current"),
    # Art. 23 §3: objection within 5 working days; the transferring bureau verifies.
    _t(A.OBJECT, {S.TRANSFERRED, S.ASSIGNED}, {S.OBJECTED}, HANDLE, "current"),
    _t(A.DECIDE_OBJECTION, {S.OBJECTED}, {S.REGISTERED, S.TRANSFERRED, S.ASSIGNED}, INTAKE, "dispatching"),
    # Art. 19 §3 不予受理: by the bureau at intake or by the body it was sent to.
    _t(A.REFUSE, {S.REGISTERED}, {S.NOT_ACCEPTED}, INTAKE, "registering"),
    _t(A.REFUSE, {S.TRANSFERRED, S.ASSIGNED}, {S.NOT_ACCEPTED}, HANDLE, "current"),
    # Art. 36 §3 不再受理.
    _t(A.REFUSE_REPEAT, {S.REGISTERED}, {S.NOT_REACCEPTED}, INTAKE, "registering"),
    # Art. 24: several bodies; the common 上一级 decides.
    _t(A.OPEN_DISPUTE, {S.REGISTERED}, {S.DISPUTED}, INTAKE, "registering"),
    _t(A.OPEN_DISPUTE, {S.TRANSFERRED, S.ASSIGNED}, {S.DISPUTED}, HANDLE, "current"),
    _t(A.SETTLE_DISPUTE, {S.DISPUTED}, {S.TRANSFERRED}, RECORD, "arbiter"),
    # Art. 31(六) hearing; Art. 36 §2 hearing time is not counted during 复核.
    _t(A.START_HEARING, {S.ACCEPTED, S.REVIEW_REQUESTED, S.RECHECK_REQUESTED}, set(), HANDLE, "current",
       lambda c: c.hearing_since is None and (c.state != S.ACCEPTED or _residual_route(c)), _("听证已在进行中，或该事项不适用听证")),
    _t(A.END_HEARING, {S.ACCEPTED, S.REVIEW_REQUESTED, S.RECHECK_REQUESTED}, set(), HANDLE, "current",
       lambda c: c.hearing_since is not None, _("没有正在进行的听证")),
    # Art. 34: one extension, approved by the body's 负责人, at most 30日.
    _t(A.EXTEND, {S.ACCEPTED}, set(), LEAD, "current",
       lambda c: _residual_route(c) and c.extension_days == 0, _("只有按第三十一条（六）办理的事项可以延期，且只能延期一次")),
    # Art. 31(六), 32: 信访处理意见书.
    _t(A.ISSUE_OPINION, {S.ACCEPTED}, {S.OPINION_ISSUED}, HANDLE, "current",
       _residual_route, _("只有按第三十一条（六）办理的事项出具信访处理意见书")),
    _t(A.RECORD_DELIVERY, {S.OPINION_ISSUED, S.REVIEW_DECIDED}, set(), RECORD, "current",
       lambda c: c.decision_delivered_on is None, _("送达日期已登记")),
    # Art. 22(三): 交办 items return a 办结报告 to the assigning bureau.
    _t(A.SUBMIT_REPORT, {S.ACCEPTED, S.OPINION_ISSUED, S.REFERRED}, {S.REPORTED}, HANDLE, "current",
       lambda c: _is_assigned(c) and (c.state != S.ACCEPTED or not _residual_route(c)),
       _("只有交办事项需要报送办结报告；按第三十一条（六）办理的须先出具处理意见书")),
    _t(A.REVIEW_REPORT, {S.REPORTED}, {S.CLOSED, S.OPINION_ISSUED, S.ACCEPTED}, INTAKE, "dispatching"),
    _t(A.CLOSE, {S.ACCEPTED, S.REFERRED}, {S.CLOSED}, HANDLE, "current",
       lambda c: not _is_assigned(c) and not (c.state == S.ACCEPTED and _residual_route(c)),
       _("交办事项须经办结报告审核后办结；按第三十一条（六）办理的须出具处理意见书")),
    _t(A.CLOSE_EXPIRED, {S.OPINION_ISSUED, S.REVIEW_DECIDED}, {S.CLOSED}, frozenset(), "system"),
    # Art. 35 复查, Art. 36 复核: to the 上一级 of the body that decided.
    _t(A.REQUEST_REVIEW, {S.OPINION_ISSUED}, {S.REVIEW_REQUESTED}, RECORD, "requester",
       lambda c: c.decision_delivered_on is not None, _("处理意见书尚未登记送达，复查申请期限尚未起算")),
    _t(A.DECIDE_REVIEW, {S.REVIEW_REQUESTED}, {S.REVIEW_DECIDED}, HANDLE, "current"),
    _t(A.REQUEST_RECHECK, {S.REVIEW_DECIDED}, {S.RECHECK_REQUESTED}, RECORD, "requester",
       lambda c: c.decision_delivered_on is not None, _("复查意见尚未登记送达，复核申请期限尚未起算")),
    _t(A.DECIDE_RECHECK, {S.RECHECK_REQUESTED}, {S.FINAL}, HANDLE, "current",
       lambda c: c.hearing_since is None, _("听证尚未结束，不能出具复核意见")),
)

ACTIONS = frozenset(t.action for t in TABLE) | {A.REGISTER}
# Case events the system appends without a state transition.
SYSTEM_EVENTS = frozenset({A.RECOMPUTE_DEADLINES})


def transitions_for(action: str) -> list[Transition]:
    return [t for t in TABLE if t.action == action]


def is_legal(action: str, from_state: str, to_state: str) -> bool:
    """Whether the table allows this recorded (from → to) for the action."""
    if action == A.REGISTER:
        return from_state == "" and to_state == S.REGISTERED
    for t in transitions_for(action):
        if from_state in t.sources and ((to_state in t.targets) or (not t.targets and to_state == from_state)):
            return True
    return False


def acting_units(case: Case, selector: str) -> list[Unit]:
    """The unit(s) allowed to act for `selector` on this case right now."""
    if selector == "registering":
        return [case.registering_unit]
    if selector == "current":
        return [case.current_unit] if case.current_unit_id else []
    if selector == "dispatching":
        return [case.dispatching_unit] if case.dispatching_unit_id else []
    if selector == "requester":
        units = [case.registering_unit]
        body = review_body(case)
        if body is not None:
            units.append(body)
        return units
    if selector == "arbiter":
        dispute = case.disputes.filter(settled_at__isnull=True).select_related("arbiter").first()
        return [dispute.arbiter] if dispute else []
    return []


def review_body(case: Case) -> Unit | None:
    """The 上一级 of the body whose decision is challenged (Art. 35 复查, Art. 36 复核)."""
    if case.decision_unit_id is None:
        return None
    return case.decision_unit.parent


def _staff_may(t: Transition, case: Case, staff: Staff) -> bool:
    if not t.roles or not staff.has_role(*t.roles):
        return False
    return any(u.pk == staff.unit_id for u in acting_units(case, t.unit))


def find_transition(action: str, case: Case, staff) -> Transition:
    """The row that lets `staff` take `action` now, or raise the reason it cannot.

    The caller has already checked that the case is visible to the staff member. Sweeps pass
    org.policies.SYSTEM and may take only the system's rows; None is a programming error.
    """
    from minxin.core.errors import InvalidTransition, PermissionDenied
    from minxin.org.policies import is_system, require_actor

    require_actor(staff)

    rows = [t for t in transitions_for(action) if t.allows_state(case.state)]
    label = event_label(action)
    if not rows:
        raise InvalidTransition(
            _("信访件%(number)s当前状态为“%(state)s”，不能%(action)s")
            % {"number": case.number, "state": case.get_state_display(), "action": label}
        )
    if is_system(staff):
        system_rows = [t for t in rows if t.unit == "system"]
        if not system_rows:
            raise PermissionDenied(_("%(action)s须由工作人员办理") % {"action": label})
        rows = system_rows
    else:
        permitted = [t for t in rows if _staff_may(t, case, staff)]
        if not permitted:
            units = "、".join(dict.fromkeys(u.name for t in rows for u in acting_units(case, t.unit))) or _("（无）")
            raise PermissionDenied(
                _("%(action)s须由%(units)s的有权人员办理，您（%(unit)s）不能办理信访件%(number)s")
                % {"action": label, "units": units, "unit": staff.unit.name, "number": case.number}
            )
        rows = permitted
    for t in rows:
        if t.guard is None or t.guard(case):
            return t
    raise InvalidTransition(
        _("信访件%(number)s不能%(action)s：%(why)s") % {"number": case.number, "action": label, "why": rows[0].guard_message}
    )


def available_actions(case: Case, staff: Staff) -> list[str]:
    """Action codes this staff member may take on the case right now (for pages and the API)."""
    if not Case.objects.visible_to(staff).filter(pk=case.pk).exists():
        return []
    seen: list[str] = []
    for t in TABLE:
        if t.action in seen or not t.allows_state(case.state) or t.unit == "system":
            continue
        if _staff_may(t, case, staff) and (t.guard is None or t.guard(case)):
            seen.append(t.action)
    return seen


def category_requires_route(case: Case) -> bool:
    """Art. 31 依法分类处理 applies to 申诉求决类 only."""
    return case.category == Category.COMPLAINT
