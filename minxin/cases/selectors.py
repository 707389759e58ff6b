"""Reads for pages, the API and exports: always through the actor's jurisdiction."""

from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import Case, CaseEvent, CaseState, Category, Channel
from minxin.cases.statemachine import A, available_actions
from minxin.core.errors import NotFound
from minxin.org.models import Staff


def cases_for(staff: Staff):
    return Case.objects.visible_to(staff)


def get_case_for(staff: Staff, pk: int) -> Case:
    case = cases_for(staff).select_related("registering_unit", "current_unit", "area", "domain").filter(pk=pk).first()
    if case is None:
        raise NotFound(_("未找到该信访事项，或您无权查看"))
    return case


def inbox(staff: Staff):
    """Cases waiting for the staff member's unit, soonest deadline first."""
    return cases_for(staff).filter(current_unit_id=staff.unit_id).open().order_by("next_due_on", "received_at")


def timeline(case: Case) -> list[tuple[CaseEvent, str]]:
    return [(ev, describe_event(ev)) for ev in case.events.order_by("seq")]


def actions_for(case: Case, staff: Staff) -> list[str]:
    return available_actions(case, staff)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _unit(payload: dict, key: str) -> str:
    value = payload.get(key) or {}
    return value.get("name", "") if isinstance(value, dict) else str(value)


def _date(iso: str) -> str:
    if not iso:
        return ""
    y, m, d = (int(p) for p in iso.split("-"))
    return _("%(y)d年%(m)d月%(d)d日") % {"y": y, "m": m, "d": d}


_RESULTS = {"upheld": _("维持原意见"), "changed": _("变更原意见"), "overturned": _("撤销原意见")}


def _what(ev: CaseEvent) -> str:  # noqa: C901 - one branch per action keeps the wording in one place
    p = ev.payload or {}
    a = ev.action
    if a == A.REGISTER:
        return _("登记信访事项（%(channel)s，%(category)s）") % {
            "channel": _label(Channel, p.get("channel", "")), "category": _label(Category, p.get("category", ""))}
    if a == A.TRANSFER:
        text = _("将事项转送至 %(unit)s") % {"unit": _unit(p, "to_unit")}
    elif a == A.ASSIGN:
        text = _("将事项交办至 %(unit)s，办理期限%(days)s日") % {"unit": _unit(p, "to_unit"), "days": p.get("days")}
    elif a == A.ACCEPT:
        text = _("受理该事项") + (_("，处理途径：%(route)s") % {"route": p["route_label"]} if p.get("route_label") else "")
    elif a == A.OBJECT:
        text = _("对转送提出异议：%(reason)s") % {"reason": p.get("reason", "")}
    elif a == A.DECIDE_OBJECTION:
        if p.get("agree"):
            text = _("同意 %(unit)s 的异议，事项退回重新转送") % {"unit": _unit(p, "objecting_unit")}
        else:
            text = _("不同意 %(unit)s 的异议：%(note)s") % {"unit": _unit(p, "objecting_unit"), "note": p.get("note", "")}
    elif a == A.REFUSE:
        text = _("决定不予受理（%(basis)s）") % {"basis": p.get("legal_basis", "")}
    elif a == A.REFUSE_REPEAT:
        text = _("决定不再受理（与信访件%(number)s同一事实和理由，%(basis)s）") % {
            "number": p.get("earlier_case", ""), "basis": p.get("legal_basis", "")}
    elif a == A.OPEN_DISPUTE:
        names = "、".join(u.get("name", "") for u in p.get("units", []))
        text = _("提请 %(arbiter)s 确定受理机关（涉及%(units)s）") % {"arbiter": _unit(p, "arbiter"), "units": names}
    elif a == A.SETTLE_DISPUTE:
        text = _("确定由 %(unit)s 受理") % {"unit": _unit(p, "to_unit")}
    elif a == A.START_HEARING:
        text = _("开始听证") + (_("，复核期限暂停计时") if p.get("paused") else "")
    elif a == A.END_HEARING:
        text = _("结束听证") + (_("，复核期限恢复计时") if p.get("resumed") else "")
    elif a == A.EXTEND:
        text = _("批准延期%(days)s日，办结期限延至%(due)s") % {"days": p.get("days"), "due": _date(p.get("new_due_on", ""))}
    elif a == A.RECOMPUTE_DEADLINES:
        text = _("按%(years)s年正式放假安排重算暂定期限：%(clocks)s") % {
            "years": "、".join(str(y) for y in p.get("years", [])),
            "clocks": "；".join(
                _("%(rule)s %(old)s→%(new)s") % {"rule": c.get("rule", ""), "old": _date(c.get("old_due_on", "")), "new": _date(c.get("new_due_on", ""))}
                for c in p.get("clocks", [])
            ),
        }
    elif a == A.ISSUE_OPINION:
        from minxin.cases.services.handling import Outcome

        text = _("出具信访处理意见书（%(outcome)s）") % {"outcome": _label(Outcome, p.get("outcome", ""))}
    elif a == A.RECORD_DELIVERY:
        text = _("登记书面答复于%(date)s送达") % {"date": _date(p.get("delivered_on", ""))}
    elif a == A.SUBMIT_REPORT:
        text = _("报送办结报告")
    elif a == A.REVIEW_REPORT:
        text = _("审核通过办结报告") if p.get("accept") else _("退回办结报告：%(note)s") % {"note": p.get("note", "")}
    elif a == A.CLOSE:
        text = _("办结：%(result)s") % {"result": p.get("result", "")}
    elif a == A.CLOSE_EXPIRED:
        text = _("申请期限届满未提出复查或复核，事项办结")
    elif a in (A.REQUEST_REVIEW, A.REQUEST_RECHECK):
        kind = _("复查") if a == A.REQUEST_REVIEW else _("复核")
        text = _("登记%(kind)s申请，由 %(unit)s %(kind)s") % {"kind": kind, "unit": _unit(p, "to_unit")}
    elif a in (A.DECIDE_REVIEW, A.DECIDE_RECHECK):
        kind = _("复查") if a == A.DECIDE_REVIEW else _("复核")
        text = _("出具%(kind)s意见书（%(result)s）") % {"kind": kind, "result": _RESULTS.get(p.get("result", ""), "")}
    else:
        text = a
    if p.get("late") or p.get("override"):
        reason = p.get("override_reason", "")
        text += _("（逾期或例外处理，理由：%(reason)s）") % {"reason": reason}
    if p.get("documents"):
        text += _("，文号：%(numbers)s") % {"numbers": "、".join(d.get("number", "") for d in p["documents"])}
    return text


def describe_event(event: CaseEvent) -> str:
    """One plain-Chinese line for the case timeline.

    e.g. "2026年3月5日 东城区信访局 张三 将事项交办至 东城区住建局，办理期限30日"
    """
    day = timezone.localdate(event.at)
    when = _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}
    unit = (event.payload or {}).get("unit", "")
    who = event.actor_label or (_("系统") if not unit else "")
    return " ".join(part for part in (when, unit, who, _what(event)) if part)


__all__ = ["CaseState", "actions_for", "cases_for", "describe_event", "get_case_for", "inbox", "timeline"]
