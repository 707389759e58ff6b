"""矛盾纠纷排查台账: the only writers of DisputeEntry and its 化解 steps."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.cases.models import Case, Domain
from minxin.core import clock
from minxin.core.errors import InvalidTransition, NotFound, ValidationFailed
from minxin.org.models import Area, Staff, Unit
from minxin.risk import policies
from minxin.risk.alerts import raise_alert
from minxin.risk.audit import record
from minxin.risk.models import AlertKind, DisputeEntry, DisputeSource, DisputeStatus, ResolutionStep, RiskLevel

# Parties are described in words; an 18-digit ID or an 11-digit mobile number must not be stored.
_PERSONAL_NUMBER = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}")

EDITABLE = ("summary", "parties", "people_count", "amount_wan", "level", "level_reasons", "responsible_staff", "responsible_name", "measures", "domain")


def entries_visible_to(staff: Staff):
    return policies.entries_visible(DisputeEntry.objects.all(), staff)


def get_entry(staff: Staff, pk: int) -> DisputeEntry:
    entry = entries_visible_to(staff).select_related("area", "domain", "responsible_unit").filter(pk=pk).first()
    if entry is None:
        raise NotFound(_("未找到编号为%(pk)s的矛盾纠纷，或您无权查看") % {"pk": pk})
    return entry


def _clean(data: dict, errors: dict) -> dict:
    """Validate ledger fields; collect Chinese messages per field instead of stopping at the first."""
    out = dict(data)
    if "summary" in data and not str(data["summary"] or "").strip():
        errors["summary"] = _("请填写矛盾纠纷简况")
    for key in ("summary", "parties", "measures", "level_reasons"):
        if key in data and _PERSONAL_NUMBER.search(str(data[key] or "")):
            errors[key] = _("不得填写身份证号或手机号码")
    if "people_count" in data:
        try:
            n = int(data["people_count"])
            if n < 1:
                raise ValueError
            out["people_count"] = n
        except (TypeError, ValueError):
            errors["people_count"] = _("涉及人数须为正整数")
    if "amount_wan" in data:
        try:
            amount = Decimal(str(data["amount_wan"] if data["amount_wan"] not in (None, "") else 0))
            if amount < 0 or not amount.is_finite():
                raise InvalidOperation
            out["amount_wan"] = amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            errors["amount_wan"] = _("涉及金额须为不小于0的数字（万元）")
    if "level" in data and data["level"] not in RiskLevel.values:
        errors["level"] = _("风险等级须为红、橙、黄、蓝之一")
    if "status" in data and data["status"] not in DisputeStatus.values:
        errors["status"] = _("状态须为在办、已化解、稳控、上交之一")
    if "source" in data and data["source"] not in DisputeSource.values:
        errors["source"] = _("来源须为网格、单位或信访事项")
    if "domain" in data and not isinstance(data["domain"], Domain):
        errors["domain"] = _("请选择领域")
    return out


@transaction.atomic
def create_entry(
    *,
    actor: Staff,
    source: str,
    domain: Domain,
    area: Area | None,
    summary: str,
    level: str,
    responsible_unit: Unit | None,
    screened_on: dt.date | None = None,
    parties: str = "",
    people_count: int = 1,
    amount_wan=0,
    level_reasons: str = "",
    responsible_staff: Staff | None = None,
    responsible_name: str = "",
    measures: str = "",
    status: str = DisputeStatus.HANDLING,
    case: Case | None = None,
    validate_only: bool = False,
) -> DisputeEntry | None:
    """登记 a dispute. With `validate_only` it raises every problem it finds and writes nothing,
    so a page whose own parsing failed still shows all of them in one round."""
    policies.check_roles(actor, policies.LEDGER_WRITE_ROLES, _("登记矛盾纠纷"))
    errors: dict = {}
    if area is None:
        errors["area"] = _("请选择所属区域")
    else:
        policies.check_area(actor, area)
    if responsible_unit is None:
        errors["responsible_unit"] = _("请选择责任单位")
    data = _clean(
        dict(source=source, domain=domain, summary=summary, level=level, parties=parties, people_count=people_count,
             amount_wan=amount_wan, level_reasons=level_reasons, measures=measures, status=status),
        errors,
    )
    if source == DisputeSource.CASE and case is None:
        errors["case"] = _("来源为信访事项时须关联信访事项")
    if case is not None and not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        errors["case"] = _("关联的信访事项不存在或您无权查看")
    if level in (RiskLevel.RED, RiskLevel.ORANGE) and not str(level_reasons).strip():
        errors["level_reasons"] = _("红色、橙色风险须写明定级理由")
    if responsible_staff is not None and responsible_unit is not None and responsible_staff.unit_id != responsible_unit.pk:
        errors["responsible_staff"] = _("责任人须是责任单位的工作人员")
    if errors:
        raise ValidationFailed(_("矛盾纠纷信息有误：%(fields)s") % {"fields": "；".join(str(v) for v in errors.values())}, fields=errors)
    if validate_only:
        return None
    now = clock.now()
    entry = DisputeEntry.objects.create(
        case=case,
        screened_on=screened_on or clock.today(),
        area=area,
        responsible_unit=responsible_unit,
        responsible_staff=responsible_staff,
        responsible_name=responsible_name or (responsible_staff.display_name if responsible_staff else ""),
        last_assessed_at=now,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **data,
    )
    record("entry_created", actor=actor, entry=entry, at=now, level=entry.level)
    raise_if_red(entry, actor=actor)
    return entry


def raise_if_red(entry: DisputeEntry, *, actor: Staff | None = None) -> None:
    """A red dispute goes to the alert inbox once per entry (kind ledger)."""
    if entry.level != RiskLevel.RED:
        return
    raise_alert(
        dedupe_key=f"ledger:{entry.pk}:{entry.level}",
        kind=AlertKind.LEDGER,
        level=entry.level,
        title=_("红色风险矛盾纠纷：%(s)s") % {"s": entry.summary[:60]},
        area=entry.area,
        domain=entry.domain,
        entry=entry,
        explanation=entry.level_reasons,
        reasons=[{"code": "ledger_red", "label": str(_("台账定为红色风险")), "detail": entry.level_reasons}],
    )


def _lock(entry: DisputeEntry) -> DisputeEntry:
    return DisputeEntry.objects.select_for_update().select_related("area").get(pk=entry.pk)


@transaction.atomic
def update_entry(entry: DisputeEntry, *, actor: Staff, **changes) -> DisputeEntry:
    policies.check_roles(actor, policies.LEDGER_WRITE_ROLES, _("修改矛盾纠纷"))
    entry = _lock(entry)
    policies.check_write_entry(actor, entry, _("修改矛盾纠纷"))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    errors: dict = {}
    data = _clean(changes, errors)
    if errors:
        raise ValidationFailed(_("矛盾纠纷信息有误：%(fields)s") % {"fields": "；".join(str(v) for v in errors.values())}, fields=errors)
    before = {k: str(getattr(entry, k)) for k in data}
    for k, v in data.items():
        setattr(entry, k, v)
    entry.updated_at = clock.now()
    entry.save(update_fields=[*data, "updated_at"])
    record("entry_updated", actor=actor, entry=entry, before=before, after={k: str(v) for k, v in data.items()})
    raise_if_red(entry, actor=actor)
    return entry


@transaction.atomic
def add_step(entry: DisputeEntry, *, actor: Staff, description: str, taken_on: dt.date | None = None) -> ResolutionStep:
    policies.check_roles(actor, policies.LEDGER_WRITE_ROLES, _("记录化解措施"))
    entry = _lock(entry)
    policies.check_write_entry(actor, entry, _("记录化解措施"))
    if not description.strip():
        raise ValidationFailed(_("请填写化解措施"), fields={"description": _("必填")})
    if _PERSONAL_NUMBER.search(description):
        raise ValidationFailed(_("化解措施中不得填写身份证号或手机号码"), fields={"description": _("含个人号码")})
    taken_on = taken_on or clock.today()
    if taken_on > clock.today():
        raise ValidationFailed(_("化解措施的日期不能晚于今天"), fields={"taken_on": _("晚于今天")})
    if entry.status == DisputeStatus.RESOLVED:
        raise InvalidTransition(_("该矛盾纠纷已化解，不能再记录化解措施"))
    step = ResolutionStep.objects.create(entry=entry, taken_on=taken_on, description=description.strip(), by=actor, recorded_at=clock.now())
    record("step_added", actor=actor, entry=entry, step=step.pk)
    return step


@transaction.atomic
def set_status(entry: DisputeEntry, *, actor: Staff, status: str, note: str = "") -> DisputeEntry:
    policies.check_roles(actor, policies.LEDGER_WRITE_ROLES, _("变更矛盾纠纷状态"))
    entry = _lock(entry)
    policies.check_write_entry(actor, entry, _("变更矛盾纠纷状态"))
    if status not in DisputeStatus.values:
        raise ValidationFailed(_("状态须为在办、已化解、稳控、上交之一"), fields={"status": _("无效")})
    if status == entry.status:
        return entry
    if entry.status == DisputeStatus.RESOLVED:
        raise InvalidTransition(_("已化解的矛盾纠纷不能改回其他状态，请新登记一条"))
    if status == DisputeStatus.RESOLVED and not entry.steps.exists():
        raise InvalidTransition(_("尚无化解措施记录，不能标记为已化解"))
    old = entry.status
    entry.status = status
    entry.updated_at = clock.now()
    entry.save(update_fields=["status", "updated_at"])
    record("status_changed", actor=actor, entry=entry, old=old, new=status, note=note)
    return entry
