"""The cascading 问题属地 picker: one select per level below the registrar's area, down to 村社区.

The selects are named area_1, area_2, …; the chosen area is the deepest one whose
parent is the area chosen one level up, so a stale lower select (changed higher up
without JavaScript) is ignored rather than trusted. With htmx each change reloads
the picker; without it a "显示下级区域" button re-renders the form, saving nothing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from minxin.org.models import Area, AreaLevel, Staff

MAX_DEPTH = 4  # a 市 bureau picks 区县 → 乡镇街道 → 村社区; never 网格


@dataclass
class Level:
    name: str  # form field name: area_1 …
    label: str
    blank_label: str
    options: list[Area]
    selected: str


def _children(area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area, level__lte=AreaLevel.VILLAGE).order_by("code"))


def chosen_chain(staff: Staff, data) -> list[Area]:
    """The consistent chain of areas picked in `data` (a QueryDict or dict), starting below the root."""
    chain: list[Area] = []
    parent = staff.unit.area
    for i in range(1, MAX_DEPTH + 1):
        code = (data.get(f"area_{i}") or "").strip() if data else ""
        if not code:
            break
        area = Area.objects.filter(code=code, parent=parent, level__lte=AreaLevel.VILLAGE).first()
        if area is None:
            break
        chain.append(area)
        parent = area
    return chain


def has_stale_choice(staff: Staff, data) -> bool:
    """A level below the chain was filled in but does not belong to it (tampered, or changed higher up)."""
    depth = len(chosen_chain(staff, data))
    return any((data.get(f"area_{i}") or "").strip() for i in range(depth + 1, MAX_DEPTH + 1)) if data else False


def chosen_area(staff: Staff, data) -> Area:
    chain = chosen_chain(staff, data)
    return chain[-1] if chain else staff.unit.area


def picker_levels(staff: Staff, data) -> list[Level]:
    root = staff.unit.area
    chain = chosen_chain(staff, data)
    levels: list[Level] = []
    parent = root
    for i in range(1, MAX_DEPTH + 1):
        options = _children(parent)
        if not options:
            break
        selected = chain[i - 1].code if len(chain) >= i else ""
        levels.append(Level(
            name=f"area_{i}", label=str(AreaLevel(options[0].level).label),
            blank_label=_("（%(name)s本级）") % {"name": parent.name}, options=options, selected=selected,
        ))
        if not selected:
            break
        parent = chain[i - 1]
    return levels
