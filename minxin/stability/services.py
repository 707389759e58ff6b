"""稳评 services: the only writers of decisions, assessments and follow-ups.

One function per transition, each permission-checked (policies.py), validated,
audited (StabilityEvent) and in one transaction:

    register_decision → start_assessment → record_findings* → conclude_assessment
        → approve_assessment (or return_assessment → back to 评估中) → record_follow_up*
"""

import datetime as dt
import re

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.cases.models import Domain
from minxin.core import clock
from minxin.core.errors import InvalidTransition, ValidationFailed
from minxin.org.models import Area, Staff, Unit
from minxin.risk.models import RiskLevel, level_rank
from minxin.stability import policies, selectors
from minxin.stability.models import Assessment, Conclusion, Decision, DecisionKind, DecisionState, FollowUp, StabilityEvent

# Groups are described in words: an 18-digit ID or an 11-digit mobile number must not be stored.
_PERSONAL_NUMBER = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}")
# Conclusions a risk level allows: high risk is never simply carried out.
ALLOWED_CONCLUSIONS = {
    RiskLevel.RED: (Conclusion.POSTPONE, Conclusion.REJECT),
    RiskLevel.ORANGE: (Conclusion.PROCEED_WITH_MEASURES, Conclusion.POSTPONE, Conclusion.REJECT),
    RiskLevel.YELLOW: (Conclusion.PROCEED, Conclusion.PROCEED_WITH_MEASURES, Conclusion.POSTPONE, Conclusion.REJECT),
    RiskLevel.BLUE: (Conclusion.PROCEED, Conclusion.PROCEED_WITH_MEASURES, Conclusion.POSTPONE, Conclusion.REJECT),
}
# A decision that is not taken has nothing to follow up.
FOLLOWED_CONCLUSIONS = (Conclusion.PROCEED, Conclusion.PROCEED_WITH_MEASURES)


def _record(decision: Decision, action: str, *, actor, at=None, **payload) -> StabilityEvent:
    return StabilityEvent.objects.create(decision=decision, at=at or clock.now(), actor=actor if isinstance(actor, Staff) else None,
                                         action=action, payload=payload)


def _fail(errors: dict, what: str):
    if errors:
        raise ValidationFailed(_("%(what)s有误：%(fields)s") % {"what": what, "fields": "；".join(str(v) for v in errors.values())},
                               fields=errors)


def _no_numbers(errors: dict, **texts) -> None:
    for key, text in texts.items():
        if text and _PERSONAL_NUMBER.search(str(text)):
            errors[key] = _("不得填写身份证号或手机号码")


def _lock(decision: Decision) -> Decision:
    # of=self: created_by is nullable, and PostgreSQL cannot lock the nullable side of an outer join.
    return Decision.objects.select_for_update(of=("self",)).select_related("area", "domain", "responsible_unit", "created_by__unit").get(pk=decision.pk)


def parse_groups(value) -> list[dict]:
    """Affected groups from a list of {"group", "count"} or from lines "群体：人数" (a page's textarea).

    Raises ValidationFailed naming the line that is wrong."""
    if value is None:
        return []
    rows = []
    if isinstance(value, str):
        for n, line in enumerate(value.splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            m = re.fullmatch(r"(.+?)\s*[:：,，\s]\s*(\d+)\s*(?:人|户|名)?", line)
            if not m:
                raise ValidationFailed(_("利益相关群体第%(n)d行“%(line)s”应写成“群体：人数”，如“被征收户：320”") % {"n": n, "line": line[:30]},
                                       fields={"affected_groups": _("第%(n)d行格式有误") % {"n": n}})
            rows.append({"group": m.group(1).strip(), "count": int(m.group(2))})
    else:
        for n, row in enumerate(value, 1):
            try:
                group, count = str(row["group"]).strip(), int(row["count"])
            except (KeyError, TypeError, ValueError):
                raise ValidationFailed(_("利益相关群体第%(n)d项应包含群体名称和人数") % {"n": n},
                                       fields={"affected_groups": _("第%(n)d项格式有误") % {"n": n}}) from None
            rows.append({"group": group, "count": count})
    for n, row in enumerate(rows, 1):
        if not row["group"] or len(row["group"]) > 60:
            raise ValidationFailed(_("利益相关群体第%(n)d项的名称应为1至60个字") % {"n": n}, fields={"affected_groups": _("名称有误")})
        if row["count"] < 1:
            raise ValidationFailed(_("利益相关群体第%(n)d项的人数须为正整数") % {"n": n}, fields={"affected_groups": _("人数有误")})
        if _PERSONAL_NUMBER.search(row["group"]):
            raise ValidationFailed(_("利益相关群体中不得填写身份证号或手机号码"), fields={"affected_groups": _("含个人号码")})
    return rows


@transaction.atomic
def register_decision(*, actor: Staff, title: str, kind: str, area: Area | None, domain: Domain | None,
                      responsible_unit: Unit | None, planned_on: dt.date | None, description: str = "") -> Decision:
    """登记 a major decision or project on the register (state 待评估)."""
    policies.check_roles(actor, policies.WRITE_ROLES, _("登记重大决策事项"))
    errors: dict = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写决策事项名称")
    elif len(title) > 200:
        errors["title"] = _("决策事项名称不能超过200个字")
    if kind not in DecisionKind.values:
        errors["kind"] = _("类别须为征地、拆迁/房屋征收、企业改制、收费或政策调整、其他之一")
    if area is None:
        errors["area"] = _("请选择涉及区域")
    if not isinstance(domain, Domain):
        errors["domain"] = _("请选择领域")
    if responsible_unit is None:
        errors["responsible_unit"] = _("请选择评估责任单位")
    if planned_on is None:
        errors["planned_on"] = _("请填写拟决策日期")
    _no_numbers(errors, title=title, description=description)
    _fail(errors, _("决策事项信息"))
    policies.check_register(actor, area, responsible_unit)
    if not area.path.startswith(responsible_unit.area.path):
        raise ValidationFailed(_("%(unit)s的辖区不包括%(area)s，不能作为评估责任单位") % {"unit": responsible_unit.name, "area": area.name},
                               fields={"responsible_unit": _("辖区不含涉及区域")})
    now = clock.now()
    d = Decision.objects.create(title=title, kind=kind, area=area, domain=domain, responsible_unit=responsible_unit,
                                planned_on=planned_on, description=(description or "").strip(), created_by=actor,
                                created_at=now, updated_at=now)
    _record(d, "registered", actor=actor, at=now, title=title, kind=kind, area=area.code, domain=domain.name,
            responsible_unit=responsible_unit.code, planned_on=planned_on.isoformat())
    return d


def _set_state(d: Decision, state: str) -> None:
    d.state = state
    d.updated_at = clock.now()
    d.save(update_fields=["state", "updated_at"])


@transaction.atomic
def start_assessment(decision: Decision, *, actor: Staff) -> Assessment:
    """待评估 → 评估中."""
    d = _lock(decision)
    policies.check_work(actor, d, _("开展稳评"))
    if d.state != DecisionState.REGISTERED:
        raise InvalidTransition(_("该决策事项已在评估或已有结论（%(s)s），不能重新开始评估") % {"s": d.get_state_display()})
    a = Assessment.objects.create(decision=d, started_by=actor, started_at=clock.now())
    _set_state(d, DecisionState.ASSESSING)
    _record(d, "assessment_started", actor=actor)
    return a


_FINDING_FIELDS = ("affected_groups", "findings", "level", "level_reasons", "measures")


def _clean_findings(changes: dict) -> dict:
    errors: dict = {}
    out = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key == "affected_groups":
            out[key] = parse_groups(value)
        elif key == "level":
            if value and value not in RiskLevel.values:
                errors["level"] = _("风险等级须为红、橙、黄、蓝之一")
            out[key] = value or ""
        else:
            out[key] = str(value).strip()
    _no_numbers(errors, **{k: out.get(k) for k in ("findings", "level_reasons", "measures")})
    _fail(errors, _("评估内容"))
    return out


def _assessment(d: Decision, what: str) -> Assessment:
    if d.state != DecisionState.ASSESSING:
        raise InvalidTransition(_("只有评估中的决策事项才能%(what)s（当前：%(s)s）") % {"what": what, "s": d.get_state_display()})
    return Assessment.objects.select_for_update().get(decision=d)


@transaction.atomic
def record_findings(decision: Decision, *, actor: Staff, affected_groups=None, findings: str | None = None,
                    level: str | None = None, level_reasons: str | None = None, measures: str | None = None) -> Assessment:
    """Save what the assessment has found so far (any subset of the fields); stays 评估中."""
    d = _lock(decision)
    policies.check_work(actor, d, _("记录评估情况"))
    a = _assessment(d, _("记录评估情况"))
    data = _clean_findings(dict(affected_groups=affected_groups, findings=findings, level=level, level_reasons=level_reasons, measures=measures))
    if not data:
        raise ValidationFailed(_("没有需要保存的评估内容"))
    before = {k: getattr(a, k) for k in data}
    for k, v in data.items():
        setattr(a, k, v)
    a.save(update_fields=list(data))
    d.updated_at = clock.now()
    d.save(update_fields=["updated_at"])
    _record(d, "findings_recorded", actor=actor, before=before, after=data)
    return a


@transaction.atomic
def conclude_assessment(decision: Decision, *, actor: Staff, conclusion: str, level: str | None = None,
                        level_reasons: str | None = None, measures: str | None = None, affected_groups=None,
                        findings: str | None = None) -> Assessment:
    """Propose the conclusion (评估中 → 待审定) and keep the nearby matters as they stand now."""
    d = _lock(decision)
    policies.check_work(actor, d, _("提出评估结论"))
    a = _assessment(d, _("提出评估结论"))
    data = _clean_findings(dict(affected_groups=affected_groups, findings=findings, level=level, level_reasons=level_reasons, measures=measures))
    for k, v in data.items():
        setattr(a, k, v)
    errors: dict = {}
    if not a.affected_groups:
        errors["affected_groups"] = _("请列出利益相关群体及人数")
    if not a.level:
        errors["level"] = _("请确定风险等级")
    if not a.level_reasons.strip():
        errors["level_reasons"] = _("请写明定级理由")
    if level_rank(a.level) >= level_rank(RiskLevel.YELLOW) and not a.measures.strip():
        errors["measures"] = _("黄色及以上风险须提出防范化解措施")
    if conclusion not in Conclusion.values:
        errors["conclusion"] = _("评估结论须为可实施、落实化解措施后实施、暂缓实施、不予实施之一")
    elif a.level and conclusion not in ALLOWED_CONCLUSIONS[a.level]:
        errors["conclusion"] = _("%(level)s风险不能作出“%(c)s”的结论") % {"level": RiskLevel(a.level).label, "c": Conclusion(conclusion).label}
    _fail(errors, _("评估结论"))
    a.conclusion = conclusion
    a.concluded_by = actor
    a.concluded_at = clock.now()
    a.nearby_snapshot = selectors.nearby_matters(d, staff=actor)
    a.save()
    _set_state(d, DecisionState.SUBMITTED)
    _record(d, "concluded", actor=actor, level=a.level, conclusion=conclusion,
            nearby_cases=a.nearby_snapshot["cases"]["total"], nearby_entries=a.nearby_snapshot["entries"]["total"])
    return a


@transaction.atomic
def approve_assessment(decision: Decision, *, actor: Staff, note: str = "") -> Assessment:
    """审定 the proposed conclusion (待审定 → 已审定): a leader other than the one who proposed it."""
    d = _lock(decision)
    policies.check_approve(actor, d)
    if d.state != DecisionState.SUBMITTED:
        raise InvalidTransition(_("只有待审定的评估结论才能审定（当前：%(s)s）") % {"s": d.get_state_display()})
    a = Assessment.objects.select_for_update().get(decision=d)
    if a.concluded_by_id == getattr(actor, "pk", None):
        raise InvalidTransition(_("提出评估结论的人不能审定自己的结论，请由其他领导审定"))
    a.approved_by, a.approved_at, a.approval_note = actor, clock.now(), (note or "").strip()
    a.save(update_fields=["approved_by", "approved_at", "approval_note"])
    _set_state(d, DecisionState.APPROVED)
    _record(d, "approved", actor=actor, conclusion=a.conclusion, note=a.approval_note)
    return a


@transaction.atomic
def return_assessment(decision: Decision, *, actor: Staff, note: str) -> Assessment:
    """Send the conclusion back (待审定 → 评估中) with the reason."""
    d = _lock(decision)
    policies.check_approve(actor, d)
    if d.state != DecisionState.SUBMITTED:
        raise InvalidTransition(_("只有待审定的评估结论才能退回（当前：%(s)s）") % {"s": d.get_state_display()})
    if not (note or "").strip():
        raise ValidationFailed(_("请写明退回理由"), fields={"note": _("必填")})
    a = Assessment.objects.select_for_update().get(decision=d)
    a.approval_note = note.strip()
    a.save(update_fields=["approval_note"])
    _set_state(d, DecisionState.ASSESSING)
    _record(d, "returned", actor=actor, note=a.approval_note)
    return a


@transaction.atomic
def record_follow_up(decision: Decision, *, actor: Staff, decided_on: dt.date | None = None, weeks: int = selectors.FOLLOW_UP_WEEKS,
                     note: str = "") -> FollowUp:
    """After the decision: compare the area's and domain's cases before and after it, note the
    warning alerts of the period, and keep the figures. The first follow-up records the date
    the decision was actually taken (default: the planned date)."""
    d = _lock(decision)
    policies.check_work(actor, d, _("记录决策后跟踪"))
    if d.state != DecisionState.APPROVED:
        raise InvalidTransition(_("评估结论审定后才能记录决策后跟踪（当前：%(s)s）") % {"s": d.get_state_display()})
    if d.assessment.conclusion not in FOLLOWED_CONCLUSIONS:
        raise InvalidTransition(_("评估结论为“%(c)s”，该决策未实施，无需跟踪") % {"c": d.assessment.get_conclusion_display()})
    today = clock.today()
    errors: dict = {}
    if decided_on is not None:
        if decided_on > today:
            errors["decided_on"] = _("实际决策日期不能晚于今天")
        elif d.decided_on and decided_on != d.decided_on:
            errors["decided_on"] = _("实际决策日期已记录为%(d)s，不能更改") % {"d": d.decided_on.isoformat()}
    elif d.decided_on is None and d.planned_on > today:
        errors["decided_on"] = _("请填写实际决策日期（拟决策日期%(d)s尚未到）") % {"d": d.planned_on.isoformat()}
    try:
        weeks = int(weeks)
        if not 1 <= weeks <= 52:
            raise ValueError
    except (TypeError, ValueError):
        errors["weeks"] = _("比较周数须为1至52之间的整数")
    _no_numbers(errors, note=note)
    _fail(errors, _("决策后跟踪"))
    if d.decided_on is None:
        d.decided_on = decided_on or d.planned_on
        d.save(update_fields=["decided_on"])
    result = selectors.follow_up(d, staff=actor, on=today, weeks=weeks)
    f = FollowUp.objects.create(decision=d, as_of=today, weeks=result["weeks"], before_count=result["before"], after_count=result["after"],
                                verdict=result["verdict"], p_value=result["p_value"], alerts=result["alerts"], note=(note or "").strip(),
                                by=actor if isinstance(actor, Staff) else None, at=clock.now())
    _record(d, "follow_up_recorded", actor=actor, decided_on=d.decided_on.isoformat(), weeks=f.weeks, before=f.before_count,
            after=f.after_count, verdict=f.verdict, alerts=len(f.alerts))
    return f
