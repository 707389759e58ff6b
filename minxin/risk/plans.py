"""应急预案: plans with trigger conditions, activation into tasks, and drills."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from minxin.org.models import Area, Staff
from minxin.risk import policies
from minxin.risk.audit import record
from minxin.risk.models import (
    Alert,
    AlertAction,
    AlertKind,
    ContingencyPlan,
    Drill,
    PlanActivation,
    PlanTask,
    RiskLevel,
    level_rank,
)


def plans_visible_to(staff: Staff):
    return policies.plans_visible(ContingencyPlan.objects.all(), staff)


def get_plan(staff: Staff, pk: int) -> ContingencyPlan:
    plan = plans_visible_to(staff).select_related("area").filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("未找到编号为%(pk)s的应急预案，或您无权查看") % {"pk": pk})
    return plan


def _validate(name, trigger_kinds, min_level, roles, contacts, task_templates) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写预案名称")
    bad = [k for k in trigger_kinds if k not in AlertKind.values]
    if bad:
        errors["trigger_kinds"] = _("未知的预警类型：%(k)s") % {"k": "、".join(bad)}
    if min_level not in RiskLevel.values:
        errors["min_level"] = _("风险等级须为红、橙、黄、蓝之一")
    if not task_templates:
        errors["task_templates"] = _("预案至少要有一项任务")
    for i, t in enumerate(task_templates, start=1):
        if not isinstance(t, dict) or not str(t.get("title", "")).strip():
            errors["task_templates"] = _("第%(i)s项任务缺少名称") % {"i": i}
            break
        hours = t.get("due_hours")
        if hours is not None and (not isinstance(hours, (int, float)) or hours <= 0):
            errors["task_templates"] = _("第%(i)s项任务的时限须为正数（小时）") % {"i": i}
            break
    if not all(isinstance(r, dict) and r.get("role") for r in roles):
        errors["roles"] = _("每个职责分工须写明责任组")
    if not all(isinstance(c, dict) and c.get("name") for c in contacts):
        errors["contacts"] = _("每个联系人须写明姓名")
    return errors


@transaction.atomic
def create_plan(*, actor: Staff, name: str, area: Area, task_templates: list, trigger_kinds: list | None = None,
                min_level: str = RiskLevel.ORANGE, domain=None, roles: list | None = None, contacts: list | None = None) -> ContingencyPlan:
    policies.check_roles(actor, policies.PLAN_ROLES, _("制定应急预案"))
    policies.check_area(actor, area)
    trigger_kinds, roles, contacts = list(trigger_kinds or []), list(roles or []), list(contacts or [])
    errors = _validate(name, trigger_kinds, min_level, roles, contacts, task_templates)
    if errors:
        raise ValidationFailed(_("预案信息有误：%(e)s") % {"e": "；".join(str(v) for v in errors.values())}, fields=errors)
    plan = ContingencyPlan.objects.create(
        name=name.strip(), area=area, trigger_kinds=trigger_kinds, min_level=min_level, domain=domain, roles=roles,
        contacts=contacts, task_templates=task_templates, created_by=actor, created_at=clock.now(),
    )
    record("plan_created", actor=actor, plan=plan)
    return plan


def _check_applies(actor: Staff, plan: ContingencyPlan) -> None:
    # A city-wide plan is also the county's plan: it may be started by anyone inside its area.
    if not actor.unit.area.path.startswith(plan.area.path):
        policies.check_area(actor, plan.area)


def plan_matches(plan: ContingencyPlan, alert: Alert) -> bool:
    return (
        plan.is_active
        and alert.area.path.startswith(plan.area.path)
        and (not plan.trigger_kinds or alert.kind in plan.trigger_kinds)
        and level_rank(alert.level) >= level_rank(plan.min_level)
        and (plan.domain_id is None or plan.domain_id == alert.domain_id)
    )


def matching_plans(alert: Alert) -> list[ContingencyPlan]:
    candidates = ContingencyPlan.objects.filter(is_active=True).select_related("area")
    return [p for p in candidates if plan_matches(p, alert)]


def _create_tasks(activation: PlanActivation, plan: ContingencyPlan, at: dt.datetime) -> list[PlanTask]:
    return PlanTask.objects.bulk_create([
        PlanTask(
            activation=activation,
            title=str(t["title"]).strip(),
            role=str(t.get("role", "")),
            due_at=at + dt.timedelta(hours=t["due_hours"]) if t.get("due_hours") else None,
        )
        for t in plan.task_templates
    ])


@transaction.atomic
def activate_plan(plan: ContingencyPlan, *, actor: Staff, reason: str, alert: Alert | None = None, is_drill: bool = False) -> PlanActivation:
    policies.check_roles(actor, policies.ALERT_ROLES + policies.PLAN_ROLES, _("启动应急预案"))
    plan = ContingencyPlan.objects.select_for_update().select_related("area").get(pk=plan.pk)
    _check_applies(actor, plan)
    if not plan.is_active:
        raise InvalidTransition(_("预案“%(name)s”已停用") % {"name": plan.name})
    if not reason.strip():
        raise ValidationFailed(_("请填写启动理由"), fields={"reason": _("必填")})
    if alert is not None:
        alert = Alert.objects.select_related("area").get(pk=alert.pk)
        policies.check_area(actor, alert.area)
        if not is_drill and not plan_matches(plan, alert):
            raise ValidationFailed(_("该预警不满足预案“%(name)s”的触发条件") % {"name": plan.name}, fields={"alert": _("不满足触发条件")})
    now = clock.now()
    try:
        with transaction.atomic():
            activation = PlanActivation.objects.create(plan=plan, alert=alert, is_drill=is_drill, reason=reason.strip(), activated_by=actor, activated_at=now)
    except IntegrityError:
        raise Conflict(_("该预警已启动过预案“%(name)s”") % {"name": plan.name}) from None
    tasks = _create_tasks(activation, plan, now)
    if alert is not None:
        AlertAction.objects.create(alert=alert, action="plan_activated", actor=actor, at=now, note=reason.strip(), payload={"plan": plan.pk, "activation": activation.pk})
    record("plan_activated", actor=actor, plan=plan, alert=alert, at=now, activation=activation.pk, tasks=len(tasks), drill=is_drill)
    return activation


@transaction.atomic
def complete_task(task: PlanTask, *, actor: Staff, note: str = "") -> PlanTask:
    policies.check_active(actor)
    task = PlanTask.objects.select_for_update().select_related("activation__plan__area").get(pk=task.pk)
    plan_area = task.activation.plan.area
    # Units inside the plan's area carry out its tasks; bureaus above it oversee them.
    if not actor.unit.area.path.startswith(plan_area.path):
        policies.check_area(actor, plan_area)
    if task.done_at is not None:
        raise InvalidTransition(_("任务“%(t)s”已完成") % {"t": task.title})
    task.done_at, task.done_by, task.note = clock.now(), actor, note.strip()
    task.save(update_fields=["done_at", "done_by", "note"])
    record("plan_task_done", actor=actor, plan=task.activation.plan, task=task.pk)
    return task


@transaction.atomic
def record_drill(plan: ContingencyPlan, *, actor: Staff, held_on: dt.date, scenario: str, participants: str = "",
                 findings: str = "", run_tasks: bool = True) -> Drill:
    """Record a drill; with run_tasks the plan is activated as a drill so its tasks can be rehearsed."""
    policies.check_roles(actor, policies.ALERT_ROLES + policies.PLAN_ROLES, _("记录预案演练"))
    _check_applies(actor, plan)
    if not scenario.strip():
        raise ValidationFailed(_("请填写演练情景"), fields={"scenario": _("必填")})
    if held_on > clock.today():
        raise ValidationFailed(_("演练日期不能晚于今天"), fields={"held_on": _("晚于今天")})
    activation = activate_plan(plan, actor=actor, reason=_("演练：%(s)s") % {"s": scenario.strip()[:80]}, is_drill=True) if run_tasks else None
    drill = Drill.objects.create(plan=plan, activation=activation, held_on=held_on, scenario=scenario.strip(), participants=participants.strip(),
                                 findings=findings.strip(), recorded_by=actor, recorded_at=clock.now())
    record("drill_recorded", actor=actor, plan=plan, drill=drill.pk)
    return drill
