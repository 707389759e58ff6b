"""The cascading place chooser: one <select> per level, each narrowing the next.

Works with htmx (a change re-renders the chooser) and without JS (a 'refresh' button
re-posts the form). Field names are area_<level>; the chosen place is the deepest one.
"""

from dataclasses import dataclass

from minxin.org.models import Area, AreaLevel
from minxin.portal.services import public_areas, root_areas


@dataclass
class Level:
    name: str
    label: str
    options: list
    selected: int | None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def chooser(data) -> tuple[list[Level], Area | None]:
    allowed = public_areas()
    roots = list(root_areas())
    if not roots:
        return [], None
    if len(roots) == 1:
        options = list(allowed.filter(parent=roots[0]).order_by("code"))
        chosen = roots[0] if not options else None
    else:
        options, chosen = roots, None
    levels: list[Level] = []
    while options:
        level = options[0].level
        name = f"area_{level}"
        sel = _int(data.get(name)) if data else None
        picked = next((a for a in options if a.pk == sel), None)
        levels.append(Level(name=name, label=str(AreaLevel(level).label), options=options, selected=picked.pk if picked else None))
        if picked is None:
            break
        chosen = picked
        options = list(allowed.filter(parent=picked).order_by("code"))
    return levels, chosen
