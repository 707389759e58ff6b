"""The one registry of case events: every action code written to CaseEvent.action.

Per event it declares
- ``label``: the short name (action buttons, error messages: "不能转送");
- ``staff``: the line on the staff timeline, built from the event's payload;
- ``public``: the line on the petitioner's progress page, or None when the
  petitioner is not shown the event (internal steps, oversight of units);
- ``notices``: which SMS/e-mail templates (``NOTICES``) the event sends the
  petitioner, and when;
- ``clocks``: the deadline clocks it starts, completes, cancels, extends or pauses.

The staff timeline (cases.selectors), the portal progress page (portal.services),
the notices (notify.events), the live lifecycle services (through
``services.common.apply_clocks``) and the history replay (cases.history) all read it,
so a wording or a clock rule is changed here and nowhere else. A test checks that
every action the state machine or an oversight service can write is declared.

Action codes are plain strings, named in ``A`` below (``statemachine`` re-exports it). At import
time this module needs only the case models, so the services, the replay and the state machine
can all import it; choice labels of other apps are looked up lazily, when a line is worded.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.cases.models import CaseState, Category, Channel


class A:
    """Action codes, as stored in CaseEvent.action."""

    REGISTER = "register"
    TRANSFER = "transfer"
    ASSIGN = "assign"
    ACCEPT = "accept"
    OBJECT = "object"
    DECIDE_OBJECTION = "decide_objection"
    REFUSE = "refuse"
    REFUSE_REPEAT = "refuse_repeat"
    OPEN_DISPUTE = "open_dispute"
    SETTLE_DISPUTE = "settle_dispute"
    START_HEARING = "start_hearing"
    END_HEARING = "end_hearing"
    EXTEND = "extend"
    ISSUE_OPINION = "issue_opinion"
    RECORD_DELIVERY = "record_delivery"
    SUBMIT_REPORT = "submit_report"
    REVIEW_REPORT = "review_report"
    CLOSE = "close"
    CLOSE_EXPIRED = "close_expired"
    REQUEST_REVIEW = "request_review"
    DECIDE_REVIEW = "decide_review"
    REQUEST_RECHECK = "request_recheck"
    DECIDE_RECHECK = "decide_recheck"
    # Written by oversight services beside the lifecycle; the case's state does not change.
    RATE = "rate"
    SUPERVISE = "supervise"
    SUPERVISION_REPLY = "supervision_reply"
    SUPERVISION_REVIEW = "supervision_review"
    SUPERVISION_ESCALATE = "supervision_escalate"
    SUPERVISION_INTERVIEW = "supervision_interview"
    SUPERVISION_CIRCULAR = "supervision_circular"
    SUPERVISION_DISMISS = "supervision_dismiss"
    # Written by the 联席会议 services (minxin.meetings); the case's state does not change.
    MEETING_AGENDA = "meeting_agenda"
    MEETING_DECISION = "meeting_decision"
    MEETING_TASK = "meeting_task"
    MEETING_TASK_REPORTED = "meeting_task_reported"
    MEETING_TASK_ACCEPTED = "meeting_task_accepted"
    # Written by minxin.upward beside the lifecycle (重大紧急信息报告, 第二十五条).
    UPWARD_MARK = "upward_mark"
    UPWARD_REPORT = "upward_report"
    UPWARD_INSTRUCTION = "upward_instruction"
    UPWARD_FEEDBACK = "upward_feedback"
    # Not a transition: the system recounts 暂定 clocks once a year's official holidays are entered
    # (minxin.cases.services.recompute changes the clocks itself, so no clock effects here).
    RECOMPUTE_DEADLINES = "recompute_deadlines"


# -- clock effects -------------------------------------------------------------------


@dataclass(frozen=True)
class Ctx:
    """What a clock condition or a notice may look at: the case and the event being written."""

    case: object
    payload: dict
    from_state: str = ""
    to_state: str = ""
    on: dt.date | None = None  # the event's day
    at: dt.datetime | None = None
    actor: object = None


Cond = Callable[[Ctx], bool]
Code = str | Callable[[Ctx], str]


def _code(code: Code, ctx: Ctx) -> str:
    return code(ctx) if callable(code) else code


def _day(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


@dataclass(frozen=True)
class Start:
    """Start `code` counted from `on`: "today" (the event's day), "received" (the case's
    收到日期) or a payload key holding a date; `amount` a payload key or "assigned_days"
    for limits set per case (None: the rule's own amount). Replaces nothing: the
    effects cancel a clock first where one may still run."""

    code: Code
    on: str = "today"
    amount: str | None = None
    when: Cond | None = None


@dataclass(frozen=True)
class Complete:
    code: Code
    when: Cond | None = None


@dataclass(frozen=True)
class Cancel:
    code: Code
    when: Cond | None = None


@dataclass(frozen=True)
class StopAll:
    """A decision that ends the case: intake and notice clocks are met, the rest are moot."""

    when: Cond | None = None


@dataclass(frozen=True)
class Extend:
    """Extend `code` by payload["days"] with payload["reason"], approved by the actor."""

    code: Code
    when: Cond | None = None


@dataclass(frozen=True)
class Pause:
    code: Code
    when: Cond | None = None


@dataclass(frozen=True)
class Resume:
    code: Code
    when: Cond | None = None


@dataclass(frozen=True)
class Also:
    """Apply another event's effects too (a record that folds two steps into one)."""

    action: Callable[[Ctx], str]
    when: Cond | None = None


SATISFIED_BY_DECISION = ("register_route_15d", "accept_notice_15d")


@dataclass
class ClockResult:
    """What the effects did, by rule code, so a service can flag a late step or print a due date."""

    started: dict = field(default_factory=dict)
    completed: dict = field(default_factory=dict)
    cancelled: list = field(default_factory=list)
    extended: dict = field(default_factory=dict)
    paused: list = field(default_factory=list)
    resumed: list = field(default_factory=list)


def _start_day(eff: Start, ctx: Ctx) -> dt.date:
    if eff.on == "today":
        return ctx.on
    if eff.on == "received":
        return _day(ctx.case.received_at)
    return _day(ctx.payload.get(eff.on)) or ctx.on


def _amount(eff: Start, ctx: Ctx) -> int | None:
    if eff.amount is None:
        return None
    if eff.amount == "assigned_days":
        return ctx.case.assigned_days
    return ctx.payload.get(eff.amount) or ctx.case.assigned_days


def apply_clocks(action: str, book, ctx: Ctx, result: ClockResult | None = None) -> ClockResult:
    """Run the declared clock effects of `action` against `book`.

    `book` is either the live one (services.common.LiveClocks: writes CaseDeadline rows
    through minxin.rules.deadlines) or the replay one (history: builds them in memory);
    both offer start / complete / cancel / stop_all / extend / pause / resume.
    """
    result = result if result is not None else ClockResult()
    for eff in EVENTS[action].clocks:
        if eff.when is not None and not eff.when(ctx):
            continue
        if isinstance(eff, Start):
            code = _code(eff.code, ctx)
            result.started[code] = book.start(code, on=_start_day(eff, ctx), amount=_amount(eff, ctx))
        elif isinstance(eff, Complete):
            code = _code(eff.code, ctx)
            done = book.complete(code, at=ctx.at)
            if done is not None:
                result.completed[code] = done
        elif isinstance(eff, Cancel):
            code = _code(eff.code, ctx)
            if code and book.cancel(code, at=ctx.at) is not None:
                result.cancelled.append(code)
        elif isinstance(eff, StopAll):
            book.stop_all(at=ctx.at)
        elif isinstance(eff, Extend):
            code = _code(eff.code, ctx)
            result.extended[code] = book.extend(code, days=ctx.payload.get("days"), reason=ctx.payload.get("reason", ""),
                                                approved_by=ctx.actor, at=ctx.at)
        elif isinstance(eff, Pause):
            code = _code(eff.code, ctx)
            if book.pause(code, on=ctx.on) is not None:
                result.paused.append(code)
        elif isinstance(eff, Resume):
            code = _code(eff.code, ctx)
            if book.resume(code, on=ctx.on) is not None:
                result.resumed.append(code)
        elif isinstance(eff, Also):
            apply_clocks(eff.action(ctx), book, ctx, result)
    return result


# -- notices -------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeTemplate:
    """One SMS / e-mail text. `purpose` is the Delivery.purpose it is logged under;
    `once_per_case` notices go to a recipient once whichever event sends them."""

    key: str
    text: str
    once_per_case: bool = False
    rated: bool = False  # an invitation to rate: never to anonymous matters (oversight.ratings)


RATING_INVITE = "rating_invite"

NOTICES: dict[str, NoticeTemplate] = {
    n.key: n
    for n in (
        NoticeTemplate("register", gettext_lazy(
            "您反映的事项已登记，信访件编号%(n)s，查询码%(code)s。可凭查询码和本手机号在网上信访查询办理进度。")),
        NoticeTemplate("transfer", gettext_lazy("您反映的事项（%(n)s）已转交%(unit)s办理。查询码%(code)s。")),
        NoticeTemplate("accept", gettext_lazy("您反映的事项（%(n)s）已由%(unit)s受理。查询码%(code)s。")),
        NoticeTemplate("opinion", gettext_lazy("您反映的事项（%(n)s）已出具信访处理意见书，请凭查询码%(code)s在网上信访查看并下载。")),
        NoticeTemplate("close", gettext_lazy("您反映的事项（%(n)s）已办结，请凭查询码%(code)s在网上信访查看结果。")),
        NoticeTemplate(RATING_INVITE, gettext_lazy(
            "欢迎您对事项（%(n)s）的办理情况作出评价（满意/基本满意/不满意），请凭查询码%(code)s在网上信访评价。"),
            once_per_case=True, rated=True),
        NoticeTemplate("deadline_recomputed", gettext_lazy(
            "您反映的事项（%(n)s）的期限已按国务院公布的放假安排重新计算，请凭查询码%(code)s在网上信访查看。")),
    )
}


@dataclass(frozen=True)
class Notice:
    template: str
    when: Cond | None = None


@dataclass(frozen=True)
class RenderedNotice:
    template: NoticeTemplate
    text: str


def notice_context(case) -> dict:
    return {"n": case.number, "code": case.query_code, "unit": case.current_unit.name if case.current_unit_id else ""}


def notices_for(case, action: str, *, from_state: str = "", to_state: str = "") -> list[RenderedNotice]:
    """The notices this event sends the petitioner, rendered; empty when none (or unknown action)."""
    kind = EVENTS.get(action)
    if kind is None:
        return []
    ctx = Ctx(case=case, payload={}, from_state=from_state, to_state=to_state)
    values = notice_context(case)
    out = []
    for n in kind.notices:
        if n.when is not None and not n.when(ctx):
            continue
        tpl = NOTICES[n.template]
        if tpl.rated and case.is_anonymous:
            continue
        out.append(RenderedNotice(tpl, str(tpl.text) % values))
    return out


# -- wording helpers -----------------------------------------------------------------


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _unit(p: dict, key: str) -> str:
    value = p.get(key) or {}
    return value.get("name", "") if isinstance(value, dict) else str(value)


def format_date(iso) -> str:
    day = _day(iso)
    if day is None:
        return ""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


_RESULTS = {"upheld": gettext_lazy("维持原意见"), "changed": gettext_lazy("变更原意见"), "overturned": gettext_lazy("撤销原意见")}


def _paren(*parts) -> str:
    """"（a，b）" of the parts present; "" when none (older or imported payloads may lack them)."""
    present = [str(p) for p in parts if p]
    return "（%s）" % "，".join(present) if present else ""


def _meeting_competent(p) -> str:
    """A joint meeting's word on a disputed case (Art. 24): settled, or recommended to the arbiter."""
    if not p.get("competent_unit"):
        return ""
    if p.get("settles"):
        return _("；确定由 %(unit)s 受理") % {"unit": p["competent_unit"]}
    return _("；建议由 %(unit)s 受理，提请 %(arbiter)s 确定") % {"unit": p["competent_unit"], "arbiter": p.get("arbiter", "")}


def _route_label(p):
    return _("，处理途径：%(route)s") % {"route": p["route_label"]} if p.get("route_label") else ""


def _outcome(p):
    from minxin.cases.services.handling import Outcome

    return _label(Outcome, p.get("outcome", ""))


def _level(p):
    from minxin.oversight.models import SupervisionLevel

    return _label(SupervisionLevel, p.get("level"))


def _ground(p):
    from minxin.oversight.models import SupervisionGround

    return _label(SupervisionGround, p.get("ground", ""))


def _score(p):
    from minxin.oversight.models import RatingScore

    return _label(RatingScore, p.get("score", ""))


def _target(p):
    return _("信访部门") if p.get("target") == "bureau" else _("责任单位")


def _agreed(c: Ctx) -> bool:
    return bool(c.payload.get("agree", c.payload.get("agreed")))


def _named(c: Ctx) -> bool:
    return not c.case.is_anonymous  # Art. 23 §2: no notice duty when name and address are unknown


_WINDOW_BY_STATE = {CaseState.OPINION_ISSUED: "review_request_30d", CaseState.REVIEW_DECIDED: "recheck_request_30d"}


def window_for_state(state: str) -> str:
    """The 复查/复核 request window that runs while a case is in `state` ("" for none)."""
    return _WINDOW_BY_STATE.get(state, "")


_DISPATCH_CLOCKS = (
    Complete("register_route_15d"),
    # Defensive: a case sent on again must not keep an earlier receiver's clocks.
    Cancel("accept_notice_15d"), Cancel("objection_5wd"),
    Start("accept_notice_15d", when=_named), Start("objection_5wd"),
)
_CLOSES = (Notice("close"), Notice(RATING_INVITE))


def _delivered(c: Ctx) -> bool:
    return c.case.decision_delivered_on is not None and c.to_state == CaseState.OPINION_ISSUED


# -- the registry --------------------------------------------------------------------


@dataclass(frozen=True)
class EventKind:
    action: str
    label: str
    staff: Callable[[dict], str]
    public: Callable[[dict, object], str | None] | None = None  # (payload, event) -> text; None: hidden
    notices: tuple[Notice, ...] = ()
    clocks: tuple = ()
    # The payload's "unit" is the acting unit for lifecycle events; for a rating it is the rated one.
    payload_unit_is_actor: bool = True


def _ev(action, label, staff, public=None, notices=(), clocks=(), **kw) -> EventKind:
    return EventKind(action, label, staff, public, tuple(notices), tuple(clocks), **kw)


_KINDS = (
    _ev(A.REGISTER, gettext_lazy("登记"),
        lambda p: _("登记信访事项") + _paren(_label(Channel, p.get("channel", "")), _label(Category, p.get("category", ""))),
        public=lambda p, ev: _("%(unit)s已登记，信访件编号%(n)s") % {"unit": p.get("unit", ""), "n": ev.case.number},
        notices=[Notice("register")],
        clocks=[Start("register_route_15d", on="received")]),
    _ev(A.TRANSFER, gettext_lazy("转送"),
        lambda p: _("将事项转送至 %(unit)s") % {"unit": _unit(p, "to_unit")},
        public=lambda p, ev: _("已转交%(unit)s办理") % {"unit": _unit(p, "to_unit")},
        notices=[Notice("transfer")], clocks=_DISPATCH_CLOCKS),
    _ev(A.ASSIGN, gettext_lazy("交办"),
        lambda p: _("将事项交办至 %(unit)s，办理期限%(days)s日") % {"unit": _unit(p, "to_unit"), "days": p.get("days")},
        public=lambda p, ev: _("已转交%(unit)s办理") % {"unit": _unit(p, "to_unit")},
        notices=[Notice("transfer")],
        clocks=(*_DISPATCH_CLOCKS, Cancel("assigned_report"), Start("assigned_report", amount="days"))),
    _ev(A.ACCEPT, gettext_lazy("受理"),
        lambda p: _("受理该事项") + _route_label(p),
        public=lambda p, ev: _("%(unit)s已受理") % {"unit": p.get("unit", "")},
        notices=[Notice("accept")],
        # Route （六） starts the 60日 handling clock (Art. 34).
        clocks=[Complete("accept_notice_15d"), Cancel("objection_5wd"),
                Start("handle_60d", when=lambda c: c.payload.get("route") == "opinion")]),
    _ev(A.OBJECT, gettext_lazy("提出异议"),
        lambda p: _("对转送提出异议：%(reason)s") % {"reason": p.get("reason", "")},
        public=lambda p, ev: _("正在确定办理单位"),
        clocks=[Complete("objection_5wd"), Start("objection_verify")]),
    _ev(A.DECIDE_OBJECTION, gettext_lazy("核实异议"),
        lambda p: (_("同意 %(unit)s 的异议，事项退回重新转送") % {"unit": _unit(p, "objecting_unit")} if p.get("agree")
                   else _("不同意 %(unit)s 的异议：%(note)s") % {"unit": _unit(p, "objecting_unit"), "note": p.get("note", "")}),
        notices=[Notice("transfer", when=lambda c: c.to_state != CaseState.REGISTERED)],
        clocks=[Complete("objection_verify"),
                Cancel("accept_notice_15d", when=_agreed), Cancel("assigned_report", when=_agreed),
                Start("register_route_15d", when=_agreed),
                # Imported and demo records fold the renewed 转送/交办 into this step.
                Also(lambda c: A.ASSIGN if c.to_state == CaseState.ASSIGNED else A.TRANSFER,
                     when=lambda c: _agreed(c) and c.to_state in (CaseState.TRANSFERRED, CaseState.ASSIGNED))]),
    _ev(A.REFUSE, gettext_lazy("不予受理"),
        lambda p: _("决定不予受理") + _paren(p.get("legal_basis")),
        public=lambda p, ev: _("决定不予受理，详见告知书"),
        notices=_CLOSES, clocks=[StopAll()]),
    _ev(A.REFUSE_REPEAT, gettext_lazy("不再受理"),
        lambda p: _("决定不再受理") + _paren(
            _("与信访件%(number)s同一事实和理由") % {"number": p["earlier_case"]} if p.get("earlier_case") else "", p.get("legal_basis")),
        public=lambda p, ev: _("决定不再受理，详见告知书"),
        notices=_CLOSES, clocks=[StopAll()]),
    _ev(A.OPEN_DISPUTE, gettext_lazy("提请确定受理机关"),
        lambda p: _("提请 %(arbiter)s 确定受理机关") % {"arbiter": _unit(p, "arbiter")} + _paren(
            _("涉及%(units)s") % {"units": "、".join(u.get("name", "") for u in p["units"])} if p.get("units") else ""),
        public=lambda p, ev: _("正在确定办理单位"),
        clocks=[Cancel("accept_notice_15d"), Cancel("objection_5wd"), Cancel("register_route_15d")]),
    _ev(A.SETTLE_DISPUTE, gettext_lazy("决定受理机关"),
        lambda p: _("确定由 %(unit)s 受理") % {"unit": _unit(p, "to_unit")},
        public=lambda p, ev: _("已确定由%(unit)s办理") % {"unit": _unit(p, "to_unit")},
        notices=[Notice("transfer")], clocks=[Start("accept_notice_15d", when=_named)]),
    # Art. 36 §2: hearing time is not counted in the 复核 period.
    _ev(A.START_HEARING, gettext_lazy("开始听证"),
        lambda p: _("开始听证") + (_("，复核期限暂停计时") if p.get("paused") else ""),
        public=lambda p, ev: _("举行听证"),
        clocks=[Pause("recheck_decide_30d", when=lambda c: c.from_state == CaseState.RECHECK_REQUESTED)]),
    _ev(A.END_HEARING, gettext_lazy("结束听证"),
        lambda p: _("结束听证") + (_("，复核期限恢复计时") if p.get("resumed") else ""),
        clocks=[Resume("recheck_decide_30d")]),
    _ev(A.EXTEND, gettext_lazy("延期办理"),
        lambda p: _("批准延期%(days)s日，办结期限延至%(due)s") % {"days": p.get("days"), "due": format_date(p.get("new_due_on", ""))},
        public=lambda p, ev: _("办理期限依法延长，延期理由见告知书"),
        clocks=[Extend("handle_60d")]),
    _ev(A.ISSUE_OPINION, gettext_lazy("出具处理意见书"),
        lambda p: _("出具信访处理意见书") + _paren(_outcome(p)),
        public=lambda p, ev: _("已出具信访处理意见书"),
        notices=[Notice("opinion"), Notice(RATING_INVITE, when=_delivered)],
        # Delivery recorded with the opinion starts the 30日 复查 window (Art. 35).
        clocks=[Complete("handle_60d"),
                Start("review_request_30d", on="delivered_on", when=lambda c: bool(c.payload.get("delivered_on")))]),
    _ev(A.RECORD_DELIVERY, gettext_lazy("登记送达"),
        lambda p: _("登记书面答复于%(date)s送达") % {"date": format_date(p.get("delivered_on", ""))},
        public=lambda p, ev: _("书面答复已送达"),
        notices=[Notice(RATING_INVITE, when=_delivered)],
        clocks=[Start(lambda c: window_for_state(c.from_state), on="delivered_on")]),
    _ev(A.SUBMIT_REPORT, gettext_lazy("报送办结报告"),
        lambda p: _("报送办结报告"),
        clocks=[Complete("assigned_report")]),
    _ev(A.REVIEW_REPORT, gettext_lazy("审核办结报告"),
        lambda p: _("审核通过办结报告") if p.get("accept") else _("退回办结报告：%(note)s") % {"note": p.get("note", "")},
        public=lambda p, ev: _("事项已办结") if ev.to_state == CaseState.CLOSED else None,
        notices=[Notice(n.template, when=lambda c: c.to_state == CaseState.CLOSED) for n in _CLOSES],
        clocks=[StopAll(when=lambda c: c.payload.get("accept", True) is not False and c.to_state == CaseState.CLOSED),
                Cancel("review_request_30d", when=lambda c: c.payload.get("accept", True) is False),
                Start("assigned_report", amount="assigned_days",
                      when=lambda c: c.payload.get("accept", True) is False and bool(c.case.assigned_days))]),
    _ev(A.CLOSE, gettext_lazy("办结"),
        lambda p: _("办结：%(result)s") % {"result": p.get("result", "")},
        public=lambda p, ev: _("事项已办结"),
        notices=_CLOSES, clocks=[StopAll()]),
    _ev(A.CLOSE_EXPIRED, gettext_lazy("期满办结"),
        lambda p: _("申请期限届满未提出复查或复核，事项办结"),
        public=lambda p, ev: _("事项已办结"),
        notices=_CLOSES,
        clocks=[Cancel(lambda c: c.payload.get("window") or window_for_state(c.from_state))]),
    _ev(A.RECOMPUTE_DEADLINES, gettext_lazy("按正式日历重算期限"),
        lambda p: _("按%(years)s年正式放假安排重算暂定期限：%(clocks)s") % {
            "years": "、".join(str(y) for y in p.get("years", [])),
            "clocks": "；".join(
                _("%(rule)s %(old)s→%(new)s") % {"rule": c.get("rule", ""), "old": format_date(c.get("old_due_on")),
                                                  "new": format_date(c.get("new_due_on"))}
                for c in p.get("clocks", [])),
        },
        public=lambda p, ev: _("期限已按国务院公布的放假安排重新计算") if p.get("told_changed") else None,
        # The service raises this event's notice only when a date the petitioner was told moved.
        notices=[Notice("deadline_recomputed")]),
    _ev(A.REQUEST_REVIEW, gettext_lazy("申请复查"),
        lambda p: _("登记复查申请，由 %(unit)s 复查") % {"unit": _unit(p, "to_unit")},
        public=lambda p, ev: _("已登记复查申请，由%(unit)s复查") % {"unit": _unit(p, "to_unit")},
        clocks=[Complete("review_request_30d"), Start("review_decide_30d", on="requested_on")]),
    _ev(A.DECIDE_REVIEW, gettext_lazy("出具复查意见"),
        lambda p: _("出具复查意见书") + _paren(_RESULTS.get(p.get("result", ""), "")),
        public=lambda p, ev: _("已出具复查意见书"),
        clocks=[Complete("review_decide_30d"),
                Start("recheck_request_30d", on="delivered_on", when=lambda c: bool(c.payload.get("delivered_on")))]),
    _ev(A.REQUEST_RECHECK, gettext_lazy("申请复核"),
        lambda p: _("登记复核申请，由 %(unit)s 复核") % {"unit": _unit(p, "to_unit")},
        public=lambda p, ev: _("已登记复核申请，由%(unit)s复核") % {"unit": _unit(p, "to_unit")},
        clocks=[Complete("recheck_request_30d"), Start("recheck_decide_30d", on="requested_on")]),
    _ev(A.DECIDE_RECHECK, gettext_lazy("出具复核意见"),
        lambda p: _("出具复核意见书") + _paren(_RESULTS.get(p.get("result", ""), "")),
        public=lambda p, ev: _("已出具复核意见书，事项复核终结"),
        notices=_CLOSES, clocks=[Complete("recheck_decide_30d"), StopAll()]),
    # -- oversight (minxin.oversight.ratings / supervision) --
    _ev(A.RATE, gettext_lazy("信访人评价"),
        lambda p: (_("代信访人登记对%(unit)s的评价：%(score)s") if p.get("on_behalf") else _("信访人评价%(unit)s：%(score)s"))
        % {"unit": p.get("unit", ""), "score": _score(p)},
        public=lambda p, ev: _("已收到您对%(target)s的评价") % {"target": _target(p)},
        payload_unit_is_actor=False),
    _ev(A.SUPERVISE, gettext_lazy("发出督办"),
        lambda p: _("向 %(unit)s 发出%(level)s") % {"unit": p.get("target_unit", ""), "level": _level(p) or _("督办")}
        + _paren(_ground(p)) + (_("，督办函%(doc)s") % {"doc": p["document"]} if p.get("document") else "")),
    _ev(A.SUPERVISION_REPLY, gettext_lazy("督办反馈"),
        lambda p: _("%(unit)s 反馈督办办理情况") % {"unit": p.get("target_unit", "")}
        + (_("（逾期反馈）") if p.get("late") else "")),
    _ev(A.SUPERVISION_REVIEW, gettext_lazy("审核督办反馈"),
        lambda p: _("认可 %(unit)s 的督办反馈") % {"unit": p.get("target_unit", "")} if p.get("accept")
        else _("退回 %(unit)s 的督办反馈，重新反馈期限%(due)s：%(note)s") % {
            "unit": p.get("target_unit", ""), "due": format_date(p.get("reply_due_on", "")), "note": p.get("note", "")}),
    _ev(A.SUPERVISION_ESCALATE, gettext_lazy("升级督办"),
        lambda p: _("对 %(unit)s 的督办升级，理由：%(reason)s") % {"unit": p.get("target_unit", ""), "reason": p.get("reason", "")}),
    _ev(A.SUPERVISION_INTERVIEW, gettext_lazy("约谈"),
        lambda p: _("就督办事项约谈 %(unit)s") % {"unit": p.get("target_unit", "")}
        + _paren(p.get("interviewee"), format_date(p.get("held_on", "")))),
    _ev(A.SUPERVISION_CIRCULAR, gettext_lazy("通报"),
        lambda p: _("就督办事项通报 %(unit)s，通报范围：%(scope)s") % {"unit": p.get("target_unit", ""), "scope": p.get("scope", "")}),
    _ev(A.SUPERVISION_DISMISS, gettext_lazy("不予督办"),
        lambda p: _("超期提示不予督办：%(reason)s") % {"reason": p.get("reason", "")}),
    # -- 信访工作联席会议 (minxin.meetings) --
    _ev(A.MEETING_AGENDA, gettext_lazy("提请联席会议"),
        lambda p: _("提请%(convener)s召集的联席会议研究") % {"convener": p.get("convener", "")}
        + _paren(format_date(p.get("held_on", "")), p.get("topic"))),
    _ev(A.MEETING_DECISION, gettext_lazy("联席会议决定"),
        lambda p: _("联席会议议定：%(text)s") % {"text": p.get("text", "")} + _paren(format_date(p.get("held_on", "")))
        + _meeting_competent(p),
        public=lambda p, ev: _("经信访工作联席会议研究，已明确办理意见")),
    _ev(A.MEETING_TASK, gettext_lazy("联席会议交办任务"),
        lambda p: _("联席会议交由 %(unit)s 办理：%(task)s，%(due)s前办结") % {
            "unit": p.get("task_unit", ""), "task": p.get("task", ""), "due": format_date(p.get("due_on", ""))}),
    _ev(A.MEETING_TASK_REPORTED, gettext_lazy("联席会议任务报结"),
        # "reporter" is in the payload only when the reporting unit may not see the case itself and the
        # meeting service records the step for it (the event then has no staff actor).
        lambda p: _("报送联席会议任务办结%(late)s：%(task)s；办理结果：%(result)s") % {
            "task": p.get("task", ""), "result": p.get("result", ""), "late": _("（逾期）") if p.get("late") else ""}
        + _paren(_("报送人：%(name)s") % {"name": p["reporter"]} if p.get("reporter") else "")),
    _ev(A.MEETING_TASK_ACCEPTED, gettext_lazy("联席会议任务验收"),
        lambda p: _("验收 %(unit)s 的联席会议任务%(late)s：%(result)s") % {
            "unit": p.get("task_unit", ""), "result": p.get("result", ""), "late": _("（逾期办结）") if p.get("late") else ""}),
    # -- urgent upward reports (minxin.upward); the payload carries its own labels --
    _ev(A.UPWARD_MARK, gettext_lazy("认定重大紧急"),
        lambda p: _("认定为%(gravity)s信访事项：%(reason)s") % {"gravity": p.get("gravity_label", ""), "reason": p.get("reason", "")}),
    _ev(A.UPWARD_REPORT, gettext_lazy("报送信息报告"),
        lambda p: _("向%(units)s报送%(kind)s（第%(n)s报）") % {
            "units": "、".join(p.get("recipients", [])), "kind": p.get("kind_label", ""), "n": p.get("sequence", "")}
        + (_("（超过报送时限）") if p.get("late") else "")),
    _ev(A.UPWARD_INSTRUCTION, gettext_lazy("收到批示"),
        lambda p: _("收到%(leader)s批示：%(text)s，须于%(due)s前反馈落实情况") % {
            "leader": p.get("leader", ""), "text": str(p.get("text", "")).rstrip("。；，"), "due": p.get("due_label", "")}),
    _ev(A.UPWARD_FEEDBACK, gettext_lazy("反馈批示落实情况"),
        lambda p: _("反馈%(leader)s批示落实情况") % {"leader": p.get("leader", "")}
        + (_("（逾期反馈）") if p.get("late") else "")),
)

EVENTS: dict[str, EventKind] = {k.action: k for k in _KINDS}
LIFECYCLE_ACTIONS = frozenset(v for k, v in vars(A).items() if k.isupper()) - {
    A.RATE, A.SUPERVISE, A.SUPERVISION_REPLY, A.SUPERVISION_REVIEW, A.SUPERVISION_ESCALATE, A.SUPERVISION_INTERVIEW,
    A.SUPERVISION_CIRCULAR, A.SUPERVISION_DISMISS,
    A.MEETING_AGENDA, A.MEETING_DECISION, A.MEETING_TASK, A.MEETING_TASK_REPORTED, A.MEETING_TASK_ACCEPTED,
    A.UPWARD_MARK, A.UPWARD_REPORT, A.UPWARD_INSTRUCTION, A.UPWARD_FEEDBACK,
}


def label(action: str) -> str:
    kind = EVENTS.get(action)
    return str(kind.label) if kind else action


def staff_text(event) -> str:
    """What happened, in plain Chinese, for staff: the payload's details, flags and document numbers."""
    p = event.payload or {}
    kind = EVENTS.get(event.action)
    text = kind.staff(p) if kind else event.action
    if p.get("override_reason"):
        text += _("（逾期或例外处理，理由：%(reason)s）") % {"reason": p["override_reason"]}
    elif p.get("late") and event.action in LIFECYCLE_ACTIONS:
        text += _("（逾期）")
    if p.get("documents"):
        text += _("，文号：%(numbers)s") % {"numbers": "、".join(d.get("number", "") for d in p["documents"])}
    return text


def describe_event(event) -> str:
    """One line of the staff timeline: when, who (unit and person), what.

    e.g. "2026年3月5日 东城区信访局 张三 将事项交办至 东城区住建局，办理期限30日"
    """
    kind = EVENTS.get(event.action)
    p = event.payload or {}
    unit = p.get("unit", "") if (kind is None or kind.payload_unit_is_actor) else ""
    who = event.actor_label or (_("系统") if not unit else "")
    if kind is not None and not kind.payload_unit_is_actor and not event.actor_label:
        who = _("信访人")
    return " ".join(part for part in (format_date(event.at), unit, who, staff_text(event)) if part)


def public_text(event) -> str | None:
    """The petitioner's line for this event, or None when it is not shown to them.

    Petitioner-safe by construction: units by name only, never notes, reasons, staff or
    accused persons; an action missing from the registry is never shown.
    """
    kind = EVENTS.get(event.action)
    if kind is None or kind.public is None:
        return None
    return kind.public(event.payload or {}, event)
