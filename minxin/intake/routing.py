"""Routing suggestions: which unit is competent (属地管理、分级负责，谁主管、谁负责).

Candidates are units at the case's area or above it whose 主管领域 include the
case's domain; the lowest level that has one is preferred (分级负责: handle where
the problem is), and units that accepted similar cases in that area before gain
weight (history). 涉法涉诉 matters go to the 政法 unit and 检举控告 to the 纪检监察
unit (第二十二条第二款). The accused unit is never suggested (第三十条第三款).
"""

from __future__ import annotations

import re
from collections import Counter

from django.utils.translation import gettext as _

from minxin.cases.models import Category, Domain
from minxin.cases.policies import visible_cases
from minxin.org.models import Unit, UnitKind
from minxin.org.policies import is_system

HISTORY_CASES = 500  # most recent comparable cases looked at
_SPLIT = re.compile(r"[、，,;；/\s]+")


def unit_domains(unit: Unit) -> set[str]:
    return {d for d in _SPLIT.split(unit.domains or "") if d}


def _brief(unit: Unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind, "kind_label": str(unit.get_kind_display()),
            "area": unit.area.name}


def _history(area, domain, staff) -> Counter:
    qs = visible_cases(staff)
    qs = qs.filter(area__path__startswith=area.path, accepted_at__isnull=False, current_unit__isnull=False)
    if domain is not None:
        qs = qs.filter(domain=domain)
    return Counter(qs.order_by("-received_at").values_list("current_unit_id", flat=True)[:HISTORY_CASES])


def _lowest(kind: str, ancestors: list, *, at_or_above=None) -> Unit | None:
    units = {u.area_id: u for u in Unit.objects.filter(kind=kind, is_active=True, is_external=False, area__in=ancestors).select_related("area").order_by("code")}
    for a in reversed(ancestors):  # lowest first
        if at_or_above is not None and a.depth > at_or_above.depth:
            continue
        if a.pk in units:
            return units[a.pk]
    return None


def suggest_units(*, area, domain: Domain | None = None, category: str = "", staff, accused_unit: Unit | None = None,
                  accused_staff=None, is_litigation: bool = False, limit: int = 3) -> dict:
    ancestors = list(area.ancestors())
    excluded_ids = {u.pk for u in (accused_unit, getattr(accused_staff, "unit", None)) if u is not None}
    units = list(Unit.objects.filter(area__in=ancestors, is_active=True, is_external=False).exclude(kind=UnitKind.PETITION_BUREAU).select_related("area"))
    depth_of = {a.pk: a.depth for a in ancestors}
    competent = [u for u in units if domain is not None and domain.name in unit_domains(u)]
    history = _history(area, domain, staff)
    total = sum(history.values()) or 1
    scored: dict[int, dict] = {}

    levels = sorted({depth_of[u.area_id] for u in competent}, reverse=True)
    for u in competent:
        rank = levels.index(depth_of[u.area_id])  # 0 = the lowest level with a competent unit
        scored[u.pk] = {"unit": u, "score": 0.6 * (0.5 ** rank), "reasons": [
            _("主管“%(d)s”领域（谁主管、谁负责）") % {"d": domain.name},
            _("位于%(a)s，%(lvl)s") % {"a": u.area.name, "lvl": _("是有主管单位的最低层级（属地管理、分级负责）") if rank == 0 else _("为上级主管单位")},
        ]}
    unit_by_id = {u.pk: u for u in units}
    missing = [uid for uid in history if uid not in unit_by_id]
    if missing:  # units below the case's area that took such cases before (e.g. a 街道)
        unit_by_id.update({u.pk: u for u in Unit.objects.filter(pk__in=missing, is_active=True, is_external=False).exclude(kind=UnitKind.PETITION_BUREAU).select_related("area")})
    for uid, n in history.most_common(10):
        u = unit_by_id.get(uid)
        if u is None:
            continue
        entry = scored.setdefault(uid, {"unit": u, "score": 0.0, "reasons": []})
        entry["score"] += 0.4 * n / total
        entry["reasons"].append(_("该区域近期同类事项中有 %(n)d 件由该单位受理办理") % {"n": n})
    if not scored:  # no domain and no history: 属地管理 — the township or village where the problem is
        for kind in (UnitKind.TOWNSHIP, UnitKind.VILLAGE):
            u = _lowest(kind, ancestors)
            if u is not None:
                scored[u.pk] = {"unit": u, "score": 0.3, "reasons": [_("属地管理：问题发生地的%(k)s") % {"k": u.get_kind_display()}]}

    excluded = []
    for uid in excluded_ids:
        if scored.pop(uid, None) is not None:
            excluded.append(uid)
    ranked = sorted(scored.values(), key=lambda e: (-e["score"], e["unit"].code))[:limit]
    total_score = sum(e["score"] for e in ranked) or 1
    suggestions = [
        {**_brief(e["unit"]), "score": round(e["score"], 3), "confidence": round(min(0.95, e["score"] / total_score * min(1.0, e["score"] + 0.4)), 2),
         "reasons": e["reasons"]}
        for e in ranked
    ]
    flags = []
    if category == Category.ACCUSATION:
        target = _lowest(UnitKind.DISCIPLINE, ancestors, at_or_above=accused_unit.area if accused_unit else None)
        flags.append({
            "kind": "discipline",
            "label": _("检举控告"),
            "unit": _brief(target) if target and target.pk not in excluded_ids else None,
            "reasons": [_("检举控告类事项按管理权限转送纪检监察机关（第二十二条第二款、第三十条）")],
        })
    if is_litigation:
        target = _lowest(UnitKind.POLITICAL_LEGAL, ancestors, at_or_above=None if is_system(staff) else staff.unit.area) or _lowest(
            UnitKind.POLITICAL_LEGAL, ancestors
        )
        flags.append({
            "kind": "political_legal",
            "label": _("涉法涉诉"),
            "unit": _brief(target) if target and target.pk not in excluded_ids else None,
            "reasons": [_("涉法涉诉事项转送同级政法部门，依法导入诉讼程序（第二十二条第二款、第二十八条第二款）")],
        })
    notes = [_("已排除被反映单位，不向其转送或交办（第三十条第三款）")] if excluded_ids else []
    return {"units": suggestions, "flags": flags, "notes": notes}
