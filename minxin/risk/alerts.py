"""The alert inbox: alerts are raised by jobs, then assigned, acknowledged, escalated and closed.

    new ──ack──▶ acknowledged ──escalate──▶ escalated ──close──▶ closed
     │  └──────────────escalate──────────────▲                     ▲
     └──────────────────────────close──────────────────────────────┘

Assigning is allowed in any open state. Every action is an AlertAction row.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.core.errors import InvalidTransition, NotFound, ValidationFailed
from minxin.org.models import Staff, Unit, UnitKind
from minxin.risk import policies
from minxin.risk.audit import record
from minxin.risk.models import Alert, AlertAction, AlertState

OPEN_ALERT_STATES = (AlertState.NEW, AlertState.ACKNOWLEDGED, AlertState.ESCALATED)


def alerts_visible_to(staff: Staff):
    return policies.visible(Alert.objects.all(), staff)


def get_alert(staff: Staff, pk: int) -> Alert:
    alert = alerts_visible_to(staff).select_related("area", "domain", "assignee__user", "escalated_to").filter(pk=pk).first()
    if alert is None:
        raise NotFound(_("未找到编号为%(pk)s的预警，或您无权查看") % {"pk": pk})
    return alert


def raise_alert(*, dedupe_key: str, **fields) -> tuple[Alert, bool]:
    """Create the alert unless one with the same key exists. Safe under concurrent workers."""
    existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            now = clock.now()
            alert = Alert.objects.create(dedupe_key=dedupe_key, created_at=now, **fields)
            AlertAction.objects.create(alert=alert, action="raised", at=now, payload={"kind": alert.kind, "level": alert.level})
            record("alert_raised", alert=alert, at=now, kind=alert.kind, level=alert.level)
    except IntegrityError:
        # Another worker raised the same alert between our check and insert.
        return Alert.objects.get(dedupe_key=dedupe_key), False
    return alert, True


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("area").get(pk=alert.pk)


def _check(actor: Staff, alert: Alert, what: str) -> None:
    policies.check_active(actor)
    if alert.assignee_id == actor.pk:
        return
    policies.check_roles(actor, policies.ALERT_ROLES, what)
    policies.check_area(actor, alert.area)


def _act(alert: Alert, action: str, actor: Staff, note: str = "", **payload) -> None:
    now = clock.now()
    AlertAction.objects.create(alert=alert, action=action, actor=actor, at=now, note=note, payload=payload)
    record(f"alert_{action}", actor=actor, alert=alert, at=now, **payload)


def _check_open(alert: Alert) -> None:
    if alert.state == AlertState.CLOSED:
        raise InvalidTransition(_("该预警已关闭"))


@transaction.atomic
def acknowledge_alert(alert: Alert, *, actor: Staff, note: str = "") -> Alert:
    alert = _lock(alert)
    _check(actor, alert, _("签收预警"))
    _check_open(alert)
    if alert.state != AlertState.NEW:
        raise InvalidTransition(_("该预警已签收"))
    alert.state = AlertState.ACKNOWLEDGED
    if alert.assignee_id is None:
        alert.assignee = actor
    alert.save(update_fields=["state", "assignee"])
    _act(alert, "acknowledged", actor, note)
    return alert


@transaction.atomic
def assign_alert(alert: Alert, *, actor: Staff, assignee: Staff, note: str = "") -> Alert:
    alert = _lock(alert)
    policies.check_roles(actor, policies.ALERT_ROLES, _("分派预警"))
    policies.check_area(actor, alert.area)
    _check_open(alert)
    if not assignee.is_active or not assignee.user.is_active:
        raise ValidationFailed(_("%(name)s已停用或不在岗，不能承办") % {"name": assignee.display_name}, fields={"assignee": _("不在岗")})
    if not assignee.unit.area.path.startswith(actor.unit.area.path):
        raise ValidationFailed(_("承办人须在您的管辖范围内"), fields={"assignee": _("超出范围")})
    old = alert.assignee_id
    alert.assignee = assignee
    alert.save(update_fields=["assignee"])
    _act(alert, "assigned", actor, note, old=old, new=assignee.pk)
    return alert


def _parent_bureau(unit: Unit) -> Unit | None:
    if unit.parent_id and unit.parent.kind == UnitKind.PETITION_BUREAU:
        return unit.parent
    area = unit.area.parent
    while area is not None:
        bureau = Unit.objects.filter(area=area, kind=UnitKind.PETITION_BUREAU, is_active=True, is_external=False).first()
        if bureau:
            return bureau
        area = area.parent
    return None


@transaction.atomic
def escalate_alert(alert: Alert, *, actor: Staff, reason: str, to_unit: Unit | None = None) -> Alert:
    alert = _lock(alert)
    _check(actor, alert, _("上报预警"))
    _check_open(alert)
    if not reason.strip():
        raise ValidationFailed(_("请填写上报理由"), fields={"reason": _("必填")})
    target = to_unit or _parent_bureau(actor.unit)
    if target is None:
        raise InvalidTransition(_("%(unit)s没有上级信访部门，无法上报") % {"unit": actor.unit.name})
    if not actor.unit.area.path.startswith(target.area.path):
        raise ValidationFailed(_("只能向本级或上级信访部门上报"), fields={"to_unit": _("不是上级")})
    alert.state = AlertState.ESCALATED
    alert.escalated_to = target
    alert.save(update_fields=["state", "escalated_to"])
    _act(alert, "escalated", actor, reason.strip(), to_unit=target.code)
    return alert


@transaction.atomic
def close_alert(alert: Alert, *, actor: Staff, note: str) -> Alert:
    alert = _lock(alert)
    _check(actor, alert, _("关闭预警"))
    _check_open(alert)
    if not note.strip():
        raise ValidationFailed(_("关闭预警须写明处置情况"), fields={"note": _("必填")})
    alert.state = AlertState.CLOSED
    alert.closed_at = clock.now()
    alert.save(update_fields=["state", "closed_at"])
    _act(alert, "closed", actor, note.strip())
    return alert
