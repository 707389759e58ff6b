"""Areas and units, limited to what the caller's unit may see (属地管理)."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from minxin.core.errors import NotFound
from minxin.org.models import Unit
from minxin.org.scoping import areas_visible_to
from minxin.org.services import get_area

router = Router(tags=["组织机构"])


class AreaOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    parent_code: str | None
    has_children: bool


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    area_code: str


def _visible_area(staff, code: str):
    area = get_area(code)  # unknown code: 404 with the service's Chinese message
    if not areas_visible_to(staff).filter(pk=area.pk).exists():
        # Same answer as "unknown" would leak that the area exists; say only that it is out of reach.
        raise NotFound(_("区划代码%(code)s不在您的管辖范围内") % {"code": code}, fields={"area": _("无权查看")})
    return area


@router.get("/areas", response=list[AreaOut], summary="下级区域")
def list_areas(request, parent: str | None = None):
    """`parent` 的直接下级区域；不带 `parent` 时返回调用者单位所在的区域本身。"""
    staff = request.auth
    visible = areas_visible_to(staff)
    if parent:
        qs = visible.filter(parent=_visible_area(staff, parent))
    else:
        qs = visible.filter(pk=staff.unit.area_id)
    qs = qs.select_related("parent").order_by("code")
    with_children = set(visible.filter(parent__in=qs).values_list("parent_id", flat=True))
    return [
        {
            "code": a.code,
            "name": a.name,
            "level": a.level,
            "level_label": a.get_level_display(),
            "parent_code": a.parent.code if a.parent else None,
            "has_children": a.pk in with_children,
        }
        for a in qs
    ]


@router.get("/units", response=list[UnitOut], summary="区域内的单位")
def list_units(request, area: str):
    """`area` 区域（本级，不含下级）的在用单位。"""
    target = _visible_area(request.auth, area)
    units = Unit.objects.filter(area=target, is_active=True).order_by("code")
    return [
        {
            "code": u.code,
            "name": u.name,
            "short_name": u.short_name,
            "kind": u.kind,
            "kind_label": u.get_kind_display(),
            "area_code": target.code,
        }
        for u in units
    ]
