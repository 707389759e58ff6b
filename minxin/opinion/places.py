"""Where an item is about, from the place names in its text, when the feed does not say.

The project keeps no separate gazetteer; the area tree (org.Area) is one: every 区县, 乡镇街道
and 村社区 name of the city. A name found in the text is a candidate; a candidate that is an
ancestor of another is implied by it (禾城区 … 城南街道 → 城南街道). One deepest candidate is the
answer; several that disagree (two communities of different streets) give their nearest shared
area below the city, or nothing — a wrong area would put the item before the wrong bureau.
"""

from django.utils.translation import gettext as _

from minxin.intake.lexicon import fold
from minxin.org.models import Area, AreaLevel

# Grids are numbered (第3网格), not named in public; the city is implied by the feed.
_NAMED_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)
MIN_NAME_LENGTH = 2


def gazetteer(root_path: str) -> list[tuple[str, int, str]]:
    rows = Area.objects.filter(level__in=_NAMED_LEVELS, path__startswith=root_path).values_list("name", "pk", "path")
    return [(fold(name), pk, path) for name, pk, path in rows if len(name) >= MIN_NAME_LENGTH]


def infer_area(text: str, *, within: Area | None = None, names=None) -> tuple[Area | None, str]:
    """(area, reason) — the area the text names, within `within` (the feeding bureau's area), or (None, "")."""
    text = fold(text)
    names = names if names is not None else gazetteer(within.path if within else "")
    found = [(name, pk, path) for name, pk, path in names if name in text]
    if not found:
        return None, ""
    paths = {path for _n, _pk, path in found}
    deepest = [(n, pk, path) for n, pk, path in found if not any(o != path and o.startswith(path) for o in paths)]
    if len(deepest) == 1:
        name, pk, _path = deepest[0]
        return Area.objects.get(pk=pk), _("正文提到“%(n)s”") % {"n": name}
    common = _common_prefix([path for _n, _pk, path in deepest])
    shared = Area.objects.filter(path=common, level__in=_NAMED_LEVELS).first() if common else None
    if shared is None:
        return None, ""
    return shared, _("正文提到%(n)s，同属%(a)s") % {"n": "、".join(f"“{n}”" for n, _pk, _p in deepest[:4]), "a": shared.name}


def _common_prefix(paths: list[str]) -> str:
    parts = [p.strip("/").split("/") for p in paths]
    shared = []
    for column in zip(*parts):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    return "/" + "/".join(shared) + "/" if shared else ""
