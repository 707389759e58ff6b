"""联席会议 pages: the list (with the caller's unit's tasks), a meeting's page and its actions.

Thin: each POST parses the form and calls one service; a refusal comes back as a message
(or, for an htmx request on a task row, in the row). Meetings and tasks the caller may not
see are 404, like missing ones.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.cases.models import Case
from minxin.core import clock
from minxin.core import errors
from minxin.core.errors import DomainError, ValidationFailed
from minxin.meetings import policies, services
from minxin.meetings.models import AgendaItem, Decision, TaskState
from minxin.org.models import Unit
from minxin.risk.ledger import get_entry
from minxin.web.context import active_staff


def _meeting_or_404(staff, pk):
    try:
        return services.get_meeting(staff, pk)
    except errors.NotFound:
        raise Http404 from None


def _date(value: str, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed(_("%(label)s应为日期，如2026-03-02") % {"label": label}, fields={field: _("格式不正确")}) from None


def _int(value: str, field: str, label: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise ValidationFailed(_("%(label)s应为整数") % {"label": label}, fields={field: _("应为整数")}) from None


def candidate_units(meeting_area):
    """Units that may sit on a meeting of `meeting_area`: its own and those above it, active, in this system."""
    ids = [int(p) for p in meeting_area.path.strip("/").split("/") if p]
    return (Unit.objects.filter(is_active=True, is_external=False)
            .filter(area__path__startswith=meeting_area.path) | Unit.objects.filter(is_active=True, is_external=False, area_id__in=ids)
            ).select_related("area").order_by("area__depth", "kind", "code")


def _units_from(post, key: str):
    ids = [v for v in post.getlist(key) if v.strip()]
    units = list(Unit.objects.filter(pk__in=[_int(v, key, _("单位")) for v in ids]))
    if len(units) != len(set(ids)):
        raise ValidationFailed(_("所选单位不存在"), fields={key: _("不存在")})
    return units


@login_required
def meeting_list(request):
    staff = active_staff(request)
    if request.method == "POST":
        try:
            m = services.convene_meeting(
                actor=staff, held_on=_date(request.POST.get("held_on"), "held_on", _("会议日期")),
                topic=request.POST.get("topic", ""), place=request.POST.get("place", ""),
                members=_units_from(request.POST, "members"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已召集联席会议"))
            return redirect("web:meetings_detail", pk=m.pk)
    meetings = services.meetings_visible_to(staff).prefetch_related("members")[:200]
    my_tasks = services.unit_open_tasks(staff)
    today = clock.today()
    return render(request, "meetings/list.html", {
        "meetings": meetings, "can_convene": policies.may_convene(staff),
        "units": candidate_units(staff.unit.area) if policies.may_convene(staff) else (),
        "my_tasks": [(t, services.task_status(t, today)) for t in my_tasks], "today": today,
    })


def _detail_context(staff, meeting):
    today = clock.today()
    oversees = policies.oversees(staff, meeting)
    tasks = list(services.tasks_for(staff, meeting).select_related("reported_by__user", "accepted_by__user"))
    by_decision: dict[int, list] = {}
    for t in tasks:
        by_decision.setdefault(t.decision_id, []).append(_row(staff, t, today))
    decisions = [(d, by_decision.get(d.pk, [])) for d in meeting.decisions.select_related("item__case", "item__entry")
                 if oversees or d.pk in by_decision]
    return {
        "meeting": meeting, "oversees": oversees,
        "can_record": policies.may_manage(staff, meeting) and not meeting.is_closed,
        "can_close": policies.may_manage(staff, meeting, policies.ACCEPT_ROLES) and not meeting.is_closed and meeting.held_on <= today,
        "members": meeting.members.select_related("area").order_by("area__depth", "code"),
        "agenda": meeting.agenda.select_related("case", "entry") if oversees else (),
        "decisions": decisions,
        "units": candidate_units(meeting.convener.area) if policies.may_manage(staff, meeting) else (),
        "today": today, "held": meeting.held_on <= today,
    }


def _row(staff, task, today):
    return {
        "task": task, "status": services.task_status(task, today),
        "can_report": task.state == TaskState.ASSIGNED and policies.may_report(staff, task),
        "can_accept": task.state == TaskState.REPORTED and policies.may_manage(staff, task.meeting, policies.ACCEPT_ROLES),
        "can_supervise": (task.state == TaskState.ASSIGNED and task.due_on < today and task.case_id is not None
                          and (task.supervision_id is None or task.supervision.state == "closed")
                          and policies.may_manage(staff, task.meeting, policies.SUPERVISE_ROLES)),
    }


@login_required
def meeting_detail(request, pk):
    staff = active_staff(request)
    meeting = _meeting_or_404(staff, pk)
    return render(request, "meetings/detail.html", _detail_context(staff, meeting))


MEETING_ACTIONS = ("members", "agenda", "minutes", "decision", "task", "close")


@login_required
@require_POST
def meeting_action(request, pk, action):
    staff = active_staff(request)
    meeting = _meeting_or_404(staff, pk)
    if action not in MEETING_ACTIONS:
        raise Http404
    post = request.POST
    try:
        if action == "members":
            services.add_members(meeting, actor=staff, units=_units_from(post, "members"))
            done = _("已增加成员单位")
        elif action == "agenda":
            number, entry_id = post.get("case_number", "").strip(), post.get("entry", "").strip()
            case = entry = None
            if number:
                case = Case.objects.visible_to(staff).filter(number=number).first()
                if case is None:
                    raise ValidationFailed(_("信访件%(n)s不存在或不在您的管辖范围内") % {"n": number}, fields={"case_number": _("无权或不存在")})
            if entry_id:
                entry = get_entry(staff, _int(entry_id, "entry", _("矛盾纠纷编号")))
            services.add_agenda_item(meeting, actor=staff, case=case, entry=entry, note=post.get("note", ""))
            done = _("已列入议程")
        elif action == "minutes":
            services.record_minutes(meeting, actor=staff, minutes=post.get("minutes", ""))
            done = _("已记录会议纪要")
        elif action == "decision":
            item = None
            if post.get("item", "").strip():
                item = AgendaItem.objects.filter(meeting=meeting, pk=_int(post["item"], "item", _("议程事项"))).first()
                if item is None:
                    raise ValidationFailed(_("议程事项不存在"), fields={"item": _("不存在")})
            competent = _units_from(post, "competent_unit")
            services.record_decision(meeting, actor=staff, text=post.get("text", ""), item=item,
                                     competent_unit=competent[0] if competent else None)
            done = _("已记录会议决定")
        elif action == "close":
            services.close_meeting(meeting, actor=staff, note=post.get("note", ""))
            done = _("会议已闭环")
        else:
            decision = Decision.objects.filter(meeting=meeting, pk=_int(post.get("decision", ""), "decision", _("会议决定"))).first()
            if decision is None:
                raise ValidationFailed(_("会议决定不存在"), fields={"decision": _("不存在")})
            units = _units_from(post, "unit")
            unit = units[0] if len(units) == 1 else None
            days = post.get("days", "").strip()
            due = post.get("due_on", "").strip()
            services.assign_task(decision, actor=staff, unit=unit, description=post.get("description", ""),
                                 days=_int(days, "days", _("办理期限")) if days else None,
                                 due_on=_date(due, "due_on", _("办结日期")) if due else None)
            done = _("已交办任务")
    except errors.NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("web:meetings_detail", pk=meeting.pk)


TASK_ACTIONS = ("report", "accept", "return", "supervise")


@login_required
@require_POST
def task_action(request, pk, action):
    staff = active_staff(request)
    try:
        task = services.get_task(staff, pk)
    except errors.NotFound:
        raise Http404 from None
    if action not in TASK_ACTIONS:
        raise Http404
    error = ""
    try:
        if action == "report":
            services.report_task_done(task, actor=staff, result=request.POST.get("result", ""))
            done = _("已报送办结")
        elif action in ("accept", "return"):
            services.accept_task(task, actor=staff, accept=action == "accept", note=request.POST.get("note", ""))
            done = _("已验收") if action == "accept" else _("已退回重办")
        else:
            services.supervise_task(task, actor=staff, reason=request.POST.get("reason", ""))
            done = _("已发出督办")
    except DomainError as exc:
        error, done = exc.message, ""
    if request.headers.get("HX-Request"):
        # htmx swaps the task's row in place, with the result or the refusal in it.
        task = services.get_task(staff, pk)
        return render(request, "meetings/_task_row.html", {"row": _row(staff, task, clock.today()), "error": error, "done": done})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("web:meetings_detail", pk=task.meeting_id)
