"""Reads for the risk pages and API, always within the caller's jurisdiction."""

from collections import defaultdict

from django.db.models import Count

from minxin.org.models import Area, Staff
from minxin.risk.alerts import OPEN_ALERT_STATES, alerts_visible_to
from minxin.risk.ledger import entries_visible_to
from minxin.risk.models import ACTIVE_DISPUTE_STATUSES, RiskLevel
from minxin.risk.screening import overdue_for_reassessment


def _child_of(path: str, children: dict[str, Area]) -> Area | None:
    for child_path, child in children.items():
        if path.startswith(child_path):
            return child
    return None


def overview(staff: Staff) -> dict:
    """Active disputes by level, by child area × domain (for the treemap), and open alerts."""
    root = staff.unit.area
    children = {a.path: a for a in Area.objects.filter(parent=root)}
    entries = entries_visible_to(staff).filter(status__in=ACTIVE_DISPUTE_STATUSES)
    levels = {lv: 0 for lv in RiskLevel.values}
    tree: dict = defaultdict(lambda: defaultdict(lambda: {lv: 0 for lv in RiskLevel.values}))
    rows = entries.values("level", "domain__name", "area__path").annotate(n=Count("id")).order_by()
    for r in rows:
        levels[r["level"]] += r["n"]
        child = _child_of(r["area__path"], children)
        name = child.name if child else root.name
        tree[name][r["domain__name"]][r["level"]] += r["n"]
    alerts = alerts_visible_to(staff).filter(state__in=OPEN_ALERT_STATES)
    by_kind = {r["kind"]: r["n"] for r in alerts.values("kind").annotate(n=Count("id")).order_by()}
    by_alert_level = {r["level"]: r["n"] for r in alerts.values("level").annotate(n=Count("id")).order_by()}
    treemap = [
        {
            "name": area_name,
            "value": sum(sum(v.values()) for v in domains.values()),
            "children": [
                {"name": dom, "value": sum(v.values()), "red": v[RiskLevel.RED], "orange": v[RiskLevel.ORANGE]}
                for dom, v in sorted(domains.items())
            ],
        }
        for area_name, domains in sorted(tree.items())
    ]
    return {
        "area": root.name,
        "area_code": root.code,
        "ledger_levels": levels,
        "ledger_active": sum(levels.values()),
        "overdue_reassessment": len(overdue_for_reassessment(staff)),
        "alerts_open": sum(by_kind.values()),
        "alerts_by_kind": by_kind,
        "alerts_by_level": by_alert_level,
        "treemap": treemap,
    }
