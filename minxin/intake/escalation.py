"""Escalation signals: texts that signal danger, for the registration form and the risk module.

Two sources: an editable lexicon (EscalationPhrase: phrase, category, weight) and, if
an administrator has trained and switched on a classifier named "escalation"
(`manage.py classify train --name escalation …`, labels such as 高/中/低/无 or
high/medium/low/none), its prediction. The output always says which sources spoke.
Wage arrears count as 群体欠薪 only when the text also names many workers.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from minxin.intake.lexicon import FIELD_LABELS, find_phrases, fold
from minxin.intake.models import EscalationCategory, EscalationPhrase

LEVELS = ("none", "low", "medium", "high")
LEVEL_LABELS = {"none": _("无"), "low": _("低"), "medium": _("中"), "high": _("高")}
HIGH, MEDIUM = 3.0, 1.5
MANY_WORKERS = 10
MODEL_NAME = "escalation"
# Labels a trained escalation model may use, mapped onto our levels.
_MODEL_LEVELS = {"high": "high", "高": "high", "medium": "medium", "中": "medium", "low": "low", "低": "low", "none": "none", "无": "none"}
_WORKERS = re.compile(r"(\d+|几十|数十|上百|数百|好几十|一百多|几百)\s*(?:多)?\s*(?:名|个|位)?\s*(?:工人|农民工|员工|职工|工友)")
_CN = {"几十": 20, "数十": 20, "好几十": 30, "上百": 100, "数百": 200, "一百多": 100, "几百": 200}


def _level(score: float) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low" if score > 0 else "none"


def _workers(fields: dict) -> int:
    most = 0
    for field in FIELD_LABELS:
        for m in _WORKERS.finditer(fold(fields.get(field) or "")):
            n = _CN.get(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() else 0)
            most = max(most, n)
    return most


def _model_opinion(text: str) -> dict:
    from minxin.core.errors import DomainError
    from minxin.intake.classify import service

    try:
        pred = service.predict(MODEL_NAME, [text], k=2)[0]
    except DomainError:
        return {"used": False, "note": _("未启用风险信号学习模型（escalation），仅按词库判断")}
    level = _MODEL_LEVELS.get(str(pred.label).strip().lower())
    return {
        "used": True, "label": pred.label, "level": level, "confidence": round(float(pred.confidence), 3),
        "top_terms": list(pred.top_terms), "note": _("词库与学习模型（escalation）共同判断"),
    }


def signals(fields: dict, *, use_model: bool = True) -> dict:
    """Level (none/low/medium/high), categories, matched phrases with positions, and the model's view."""
    hits = find_phrases(fields, list(EscalationPhrase.objects.filter(is_active=True)))
    workers = _workers(fields)
    categories: dict[str, float] = {}
    matches = []
    for h in hits:
        row = h.pop("row")
        if row.category == EscalationCategory.WAGE_ARREARS and workers < MANY_WORKERS:
            continue  # one worker's unpaid wages are a labour matter, not a danger signal
        categories[row.category] = categories.get(row.category, 0.0) + row.weight
        matches.append({"phrase": row.phrase, "category": row.category, "category_label": str(EscalationCategory(row.category).label),
                        "weight": row.weight, **h})
    if categories.get(EscalationCategory.WAGE_ARREARS):
        categories[EscalationCategory.WAGE_ARREARS] += 1.0 if workers >= 50 else 0.5
    score = sum(categories.values())
    level = _level(score)
    text = "。".join(fields.get(f) or "" for f in FIELD_LABELS)
    model = _model_opinion(text) if use_model and text.strip() else {"used": False, "note": _("未使用学习模型")}
    sources = ["lexicon"]
    if model.get("used") and model.get("level"):
        sources.append("model")
        if model["confidence"] >= 0.6 and LEVELS.index(model["level"]) > LEVELS.index(level):
            level = model["level"]  # the model may raise the level, never lower what a phrase showed
    reasons = [
        _("“%(p)s”（%(c)s，%(f)s第%(i)d字）") % {"p": m["phrase"], "c": m["category_label"], "f": m["field_label"], "i": m["start"] + 1}
        for m in matches
    ]
    if workers >= MANY_WORKERS and categories.get(EscalationCategory.WAGE_ARREARS):
        reasons.append(_("涉及约 %(n)d 名工人") % {"n": workers})
    if model.get("used"):
        reasons.append(_("学习模型判断为“%(l)s”（置信度 %(c).0f%%）") % {"l": model["label"], "c": model["confidence"] * 100})
    return {
        "level": level,
        "level_label": str(LEVEL_LABELS[level]),
        "score": round(score, 2),
        "prominent": level in ("medium", "high"),
        "categories": [
            {"code": c, "label": str(EscalationCategory(c).label), "weight": round(w, 2)}
            for c, w in sorted(categories.items(), key=lambda kv: -kv[1])
        ],
        "matches": matches,
        "workers": workers,
        "model": model,
        "sources": sources,
        "reasons": reasons,
    }


def signals_for_case(case) -> dict:
    """For the risk module: the same signals for a registered case."""
    return signals({f: getattr(case, f, "") for f in FIELD_LABELS})
