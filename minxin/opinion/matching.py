"""What an opinion item may be about: cases, ledger entries and current hotspots, each with a score and reasons.

- Cases: the duplicate index's same-matter lookup (minxin.intake.duplicates.lookup.find_similar),
  the verifier's probability as the score and its explanation as the reasons — the same words a
  registrar sees for a possible repeat petition.
- Ledger entries (矛盾纠纷台账): open entries of the item's 区县 (or of the feeding bureau's area
  when the item has no area); the share of the entry's summary found in the item (character
  bigrams, as the duplicate index counts them), raised when the verifier also finds shared
  place or organisation names, and weighed by how close the two areas are.
- Hotspots (minxin.risk.hotspots): the topics of the last 30 days; the share of a topic's
  keywords in the item and the share of its title's bigrams, with the place named when the
  topic happens where the item is.

Scores are 0–1; only those at or above the floors below are kept. Case matches are stored for
every case and filtered by the viewer's visibility when shown.
"""

import datetime as dt

from django.utils.translation import gettext as _

from minxin.cases.models import Case
from minxin.core import clock
from minxin.intake.duplicates import lookup
from minxin.intake.duplicates.detect import explain
from minxin.intake.duplicates.index import TEXT_FIELDS, matter_text
from minxin.intake.duplicates.text import containment, shared_phrases, shingle_hashes
from minxin.org.models import Area, AreaLevel
from minxin.org.policies import SYSTEM
from minxin.risk.models import ACTIVE_DISPUTE_STATUSES, DisputeEntry

CASE_LIMIT = 5
ENTRY_FLOOR = 0.35
ENTRY_LIMIT = 5
ENTRY_CANDIDATES = 500
HOTSPOT_FLOOR = 0.3
HOTSPOT_LIMIT = 3
HOTSPOT_DAYS = 30
_HOTSPOT_TTL = dt.timedelta(minutes=10)
_hotspot_cache: dict = {}


def match_cases(text: str) -> list[dict]:
    found = lookup.find_similar(text, limit=CASE_LIMIT)
    if not found:
        return []
    cases = {c.pk: c for c in Case.objects.filter(pk__in=[m.case_id for m in found]).only("pk", *TEXT_FIELDS)}
    out = []
    for m in found:
        case = cases.get(m.case_id)
        if case is None:
            continue
        other = matter_text({f: getattr(case, f) for f in TEXT_FIELDS})
        reasons = explain(m, text, other)
        reasons.insert(0, _("可能同一事项") if m.same else _("相关事项"))
        out.append({"kind": "case", "case": case, "score": round(float(m.score), 3), "reasons": reasons})
    return out


def _county_of(area: Area) -> Area:
    if area.level <= AreaLevel.COUNTY:
        return area
    ids = [int(p) for p in area.path.strip("/").split("/") if p]
    return Area.objects.filter(pk__in=ids, level=AreaLevel.COUNTY).first() or area


def _area_weight(item_area: Area | None, entry_area: Area) -> tuple[float, str]:
    if item_area is None:
        return 0.8, ""
    if entry_area.path.startswith(item_area.path) or item_area.path.startswith(entry_area.path):
        return 1.0, _("同一区域：%(a)s") % {"a": entry_area.name}
    return 0.8, _("同一区县，不同乡镇街道或村社区（%(a)s）") % {"a": entry_area.name}


def match_entries(text: str, *, area: Area | None, scope: Area) -> list[dict]:
    where = _county_of(area) if area is not None else scope
    entries = (DisputeEntry.objects.filter(area__path__startswith=where.path, status__in=ACTIVE_DISPUTE_STATUSES)
               .select_related("area", "domain").order_by("-screened_on", "-pk")[:ENTRY_CANDIDATES])
    q = shingle_hashes(text)
    if not len(q):
        return []
    out = []
    for e in entries:
        s = shingle_hashes(e.summary)
        cover = containment(s, q)
        if cover < ENTRY_FLOOR * 0.6:
            continue  # cheap prefilter: the verifier below is the expensive part
        m = lookup.compare_texts(text, e.summary)
        similarity = max(cover, m.score)
        if m.shared_names:
            similarity = min(1.0, similarity + 0.1)
        weight, place = _area_weight(area, e.area)
        score = round(similarity * weight, 3)
        if score < ENTRY_FLOOR:
            continue
        reasons = [_("台账简况的 %(c).0f%% 见于舆情正文") % {"c": cover * 100}]
        phrases = shared_phrases(text, e.summary, limit=3)
        if phrases:
            reasons.append(_("相同的说法：%(p)s") % {"p": "、".join(phrases)})
        if m.shared_names:
            reasons.append(_("相同的地点或单位：%(n)s") % {"n": "、".join(m.shared_names[:4])})
        if place:
            reasons.append(place)
        reasons.append(_("领域：%(d)s；风险等级：%(l)s") % {"d": e.domain.name, "l": e.get_level_display()})
        out.append({"kind": "entry", "entry": e, "score": score, "reasons": reasons})
    out.sort(key=lambda r: -r["score"])
    return out[:ENTRY_LIMIT]


def current_hotspots(staff) -> list:
    """The hotspots of the last 30 days as `staff` sees them, computed at most every ten minutes."""
    from minxin.risk.hotspots import hotspots_for_cases

    key = (getattr(staff, "pk", None), clock.today())
    hit = _hotspot_cache.get(key)
    now = clock.now()
    if hit is not None and now - hit[0] < _HOTSPOT_TTL:
        return hit[1]
    topics = hotspots_for_cases(staff=staff, days=HOTSPOT_DAYS)[:30]
    _hotspot_cache.clear()
    _hotspot_cache[key] = (now, topics)
    return topics


def match_hotspots(text: str, *, area: Area | None, topics: list) -> list[dict]:
    q = shingle_hashes(text)
    if not len(q):
        return []
    out = []
    for t in topics:
        words = [w for w in t.keywords if w]
        hit_words = [w for w in words if w in text]
        kw_share = len(hit_words) / len(words) if words else 0.0
        title_cover = containment(shingle_hashes(t.title), q) if t.title else 0.0
        score = round(0.5 * kw_share + 0.5 * title_cover, 3)
        if score < HOTSPOT_FLOOR:
            continue
        reasons = []
        if hit_words:
            reasons.append(_("热点关键词出现在正文中：%(w)s（%(n)d/%(m)d）") % {"w": "、".join(hit_words[:8]), "n": len(hit_words), "m": len(words)})
        reasons.append(_("热点标题的 %(c).0f%% 见于正文") % {"c": title_cover * 100})
        places = [name for name, _n in t.places]
        if area is not None and area.name in places:
            reasons.append(_("热点发生地包括%(a)s") % {"a": area.name})
        reasons.append(_("近%(d)d天%(n)d件，热度%(h).1f") % {"d": HOTSPOT_DAYS, "n": t.size, "h": t.heat})
        label = t.title or "、".join(words[:4])
        out.append({"kind": "hotspot", "label": label[:200], "score": score, "reasons": reasons})
    out.sort(key=lambda r: -r["score"])
    return out[:HOTSPOT_LIMIT]


def match_item(item, *, topics=None) -> list[dict]:
    """Every match of one item (cases, ledger entries, hotspots), best first within each kind."""
    scope = item.unit.area
    if topics is None:
        topics = current_hotspots(item.received_by or SYSTEM)
    return [*match_cases(item.text), *match_entries(item.text, area=item.area, scope=scope),
            *match_hotspots(item.text, area=item.area, topics=topics)]
