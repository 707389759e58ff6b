"""诉访分离 hints (第二十八条第二款, 第三十一条): matters that belong to a statutory route.

Phrases in an editable lexicon (HintPhrase, seeded by migration, edited in the admin)
point to routes (一)–(五) of 第三十一条. The hint says which route, why (each phrase
with its field and position) and how sure it is; the registrar decides.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from minxin.intake.lexicon import find_phrases
from minxin.intake.models import HintPhrase, HintRoute

# A route is suggested when its phrases weigh at least this much; one strong phrase (判决) is enough.
MIN_WEIGHT = 0.8


def route_hints(fields: dict) -> dict:
    phrases = list(HintPhrase.objects.filter(is_active=True))
    hits = find_phrases(fields, phrases)
    by_route: dict[str, dict] = {}
    for h in hits:
        row = h.pop("row")
        r = by_route.setdefault(row.route, {"weight": 0.0, "phrases": [], "channels": []})
        r["weight"] += row.weight
        r["phrases"].append({"phrase": row.phrase, **h})
        if row.channel not in r["channels"]:
            r["channels"].append(row.channel)
    routes = []
    for route, r in by_route.items():
        if r["weight"] < MIN_WEIGHT:
            continue
        found = "、".join(dict.fromkeys(p["phrase"] for p in r["phrases"]))
        routes.append({
            "route": route,
            "route_label": str(HintRoute(route).label),
            "channels": r["channels"],
            "weight": round(r["weight"], 2),
            # Two independent phrases make a route likely; one is worth a look.
            "confidence": round(min(0.95, 0.45 + 0.2 * r["weight"]), 2),
            "phrases": r["phrases"],
            "reasons": [
                _("出现“%(found)s”，可能属于%(channels)s途径（《信访工作条例》第三十一条%(item)s）")
                % {"found": found, "channels": "、".join(r["channels"]), "item": str(HintRoute(route).label)[:3]}
            ],
        })
    routes.sort(key=lambda r: -r["weight"])
    litigation = any(r["route"] == HintRoute.LITIGATION for r in routes)
    return {
        "routes": routes,
        "is_litigation": litigation,
        "note": _("涉法涉诉事项应与普通信访分离，导入法律程序由政法部门处理（第二十八条第二款）") if litigation else "",
    }
