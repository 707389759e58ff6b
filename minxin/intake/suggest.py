"""One front door for the registration form: everything the system suggests for a draft case.

`suggest_for_draft(draft, staff=…)` returns classification (active "category" and
"domain" models), routing, 诉访分离 hints, duplicates and repeats, and escalation
signals — each with confidence and Chinese reasons. Nothing is decided here: the
registrar confirms, and `record_registrar_choice` stores what they chose, so accuracy
in use can be measured (`manage.py intake accuracy`) and confirmed labels exported
for the next training (`manage.py intake export-training`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.intake import policies as intake_policies
from minxin.cases.models import Category, Domain
from minxin.core import clock
from minxin.core.errors import DomainError, ValidationFailed
from minxin.intake import escalation, hints, routing
from minxin.intake.duplicates import detect
from minxin.intake.duplicates.index import matter_text
from minxin.intake.models import SuggestionFeedback
from minxin.org.models import Area, Unit

CLASSIFIERS = ("category", "domain")


def _classify(text: str) -> dict:
    from minxin.intake.classify import service

    out = {}
    for name in CLASSIFIERS:
        try:
            row = service.get_version(name)
            pred = service.predict(name, [text], k=3, explain=True)[0]
        except DomainError as exc:
            out[name] = {"available": False, "note": exc.message, "top": []}
            continue
        out[name] = {
            "available": True,
            "model": name,
            "version": row.version,
            "label": pred.label,
            "confidence": round(float(pred.confidence), 3),
            "top": [{"label": lbl, "confidence": round(float(p), 3)} for lbl, p in pred.top_k],
            "top_terms": list(pred.top_terms),
            "reasons": [_("决定性词语：%(t)s") % {"t": "、".join(pred.top_terms)}] if pred.top_terms else [],
        }
    return out


def _resolve(model, value, field: str):
    if value in (None, "") or isinstance(value, model):
        return value or None
    obj = model.objects.filter(code=str(value)).first()
    if obj is None and isinstance(value, int):
        obj = model.objects.filter(pk=value).first()
    if obj is None:
        raise ValidationFailed(_("找不到%(f)s“%(v)s”") % {"f": field, "v": value}, fields={field: _("不存在")})
    return obj


def _domain(value, classification: dict) -> Domain | None:
    if value:
        dom = Domain.objects.filter(code=value).first() if isinstance(value, str) else value
        if dom is None and isinstance(value, str):
            dom = Domain.objects.filter(name=value).first()
        return dom
    guess = classification.get("domain") or {}
    if guess.get("available"):  # route by the model's domain guess until the registrar picks one
        return Domain.objects.filter(name=guess["label"]).first() or Domain.objects.filter(code=guess["label"]).first()
    return None


def suggest_for_draft(draft: dict, *, staff) -> dict:
    """draft: subject, content, request, facts, reasons, area (code or Area), domain (code/name or Domain),
    category, petitioners [{name, id_number, phone}], accused_unit (code or Unit), is_litigation."""
    # The same rule as the registration form the suggestions serve (pages and API alike).
    intake_policies.check_suggest(staff)
    text = matter_text(draft)
    if not text.strip():
        raise ValidationFailed(_("请先填写标题或信访内容，再获取建议"), fields={"content": _("必填")})
    fields = {k: draft.get(k) or "" for k in ("subject", "content", "request", "facts", "reasons")}
    area = _resolve(Area, draft.get("area"), "area") or staff.unit.area
    accused = _resolve(Unit, draft.get("accused_unit"), "accused_unit")

    classification = _classify(text)
    hint = hints.route_hints(fields)
    category = draft.get("category") or ((classification.get("category") or {}).get("label") if classification.get("category", {}).get("available") else "")
    domain = _domain(draft.get("domain"), classification)
    is_litigation = bool(draft.get("is_litigation")) or hint["is_litigation"]
    route = routing.suggest_units(
        area=area, domain=domain, category=category, staff=staff, accused_unit=accused, is_litigation=is_litigation,
    )
    dupes = detect.detect(draft, staff=staff, exclude_case_id=draft.get("case_id"))
    danger = escalation.signals(fields)
    return {
        "classification": classification,
        "routing": route,
        "hints": hint,
        "duplicates": dupes,
        "escalation": danger,
        "used": {"area": area.code, "domain": domain.code if domain else "", "category": category or "",
                 "category_label": str(Category(category).label) if category in Category.values else ""},
        "notice": _("以上均为系统建议，请登记人员核实后决定"),
    }


def record_registrar_choice(case, suggestion: dict, choice, *, staff) -> SuggestionFeedback:
    """Store what was suggested (kind, label, confidence, model) and what the registrar chose.

    `staff` is the registrar (intake.policies: may register and may see the case); None is refused.

    suggestion: {"kind": "category"|"domain"|"unit"|"route"|…, "label": …, "confidence": …,
    "model": …, "version": …, "top": [...]}; choice: the value chosen. One row per case and kind
    (recording again replaces it: the registrar's last word counts).
    """
    case = intake_policies.case_for_feedback(staff, case.pk)
    kind = str(suggestion.get("kind") or "").strip()
    if not kind:
        raise ValidationFailed(_("建议类型不能为空"), fields={"kind": _("必填")})
    suggested = str(suggestion.get("label") or "")
    chosen = str(choice or "")
    with transaction.atomic():
        row, _created = SuggestionFeedback.objects.update_or_create(
            case=case, kind=kind,
            defaults={
                "suggested": suggested[:64],
                "confidence": suggestion.get("confidence"),
                "alternatives": [t.get("label") if isinstance(t, dict) else t for t in suggestion.get("top") or []][:10],
                "chosen": chosen[:64],
                "accepted": bool(suggested) and suggested == chosen,
                "model_name": str(suggestion.get("model") or "")[:64],
                "model_version": suggestion.get("version"),
                "staff": staff,
                "at": clock.now(),
            },
        )
    return row


def accuracy(kind: str | None = None, *, since=None) -> list[dict]:
    """Accuracy in use per kind (and model version): how often the registrar kept the suggestion."""
    from django.db.models import Count, Q

    qs = SuggestionFeedback.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if since:
        qs = qs.filter(at__gte=since)
    rows = qs.values("kind", "model_name", "model_version").annotate(n=Count("id"), kept=Count("id", filter=Q(accepted=True)))
    return [
        {**r, "accuracy": round(r["kept"] / r["n"], 4) if r["n"] else None}
        for r in rows.order_by("kind", "model_name", "model_version")
    ]
