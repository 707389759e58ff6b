"""Writers for the organisation: areas, units and staff. Each call is one transaction."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from minxin.core.errors import NotFound, ValidationFailed
from minxin.org.models import Area, AreaLevel, Role, Staff, StaffRole, Unit, UnitKind

_AREA_CODE = re.compile(r"^\d{12}$")
_GRID_CODE = re.compile(r"^\d{15}$")


def get_area(code: str) -> Area:
    try:
        return Area.objects.get(code=code)
    except Area.DoesNotExist:
        raise NotFound(_("未知的区划代码：%(code)s") % {"code": code}, fields={"area": _("区划代码不存在")}) from None


def _check_code(code: str, level: int) -> None:
    pattern = _GRID_CODE if level == AreaLevel.GRID else _AREA_CODE
    if not pattern.match(code or ""):
        digits = 15 if level == AreaLevel.GRID else 12
        raise ValidationFailed(
            _("区划代码“%(code)s”格式不正确：应为%(digits)d位数字") % {"code": code, "digits": digits},
            fields={"code": _("应为%(digits)d位数字") % {"digits": digits}},
        )


@transaction.atomic
def create_area(*, code: str, name: str, level: int, parent: Area | None = None) -> Area:
    _check_code(code, level)
    if not name or not name.strip():
        raise ValidationFailed(_("区域名称不能为空"), fields={"name": _("必填")})
    if parent is None and level != AreaLevel.CITY:
        raise ValidationFailed(_("只有市级区域可以没有上级区域"), fields={"parent": _("必填")})
    if parent is not None and parent.level != level - 1:
        raise ValidationFailed(
            _("“%(name)s”是%(level)s，其上级应为%(expected)s，而“%(parent)s”是%(actual)s")
            % {
                "name": name,
                "level": AreaLevel(level).label,
                "expected": AreaLevel(level - 1).label,
                "parent": parent.name,
                "actual": parent.get_level_display(),
            },
            fields={"parent": _("层级不匹配")},
        )
    if Area.objects.filter(code=code).exists():
        raise ValidationFailed(_("区划代码%(code)s已存在") % {"code": code}, fields={"code": _("已存在")})
    area = Area.objects.create(code=code, name=name.strip(), level=level, parent=parent, path="", depth=0)
    area.path = f"{parent.path if parent else '/'}{area.pk}/"
    area.depth = parent.depth + 1 if parent else 0
    area.save(update_fields=["path", "depth"])
    return area


@transaction.atomic
def move_area(area: Area, *, new_parent: Area) -> Area:
    """Re-attach `area` (and its whole subtree) under `new_parent` at the same level."""
    area = Area.objects.select_for_update().get(pk=area.pk)
    new_parent = Area.objects.get(pk=new_parent.pk)
    if new_parent.pk == area.pk or new_parent.path.startswith(area.path):
        raise ValidationFailed(
            _("不能把“%(area)s”移动到它自己或其下级“%(parent)s”之下（会形成环）")
            % {"area": area.name, "parent": new_parent.name},
            fields={"parent": _("会形成环")},
        )
    if new_parent.level != area.level - 1:
        raise ValidationFailed(
            _("“%(area)s”是%(level)s，只能移到%(expected)s之下")
            % {"area": area.name, "level": area.get_level_display(), "expected": AreaLevel(area.level - 1).label},
            fields={"parent": _("层级不匹配")},
        )
    old_path, new_path = area.path, f"{new_parent.path}{area.pk}/"
    depth_delta = new_parent.depth + 1 - area.depth
    # One UPDATE rewrites the prefix of every descendant's path: the subtree moves atomically.
    Area.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    area.refresh_from_db()
    return area


@transaction.atomic
def create_unit(
    *, code: str, name: str, kind: str, area: Area | str, parent: Unit | None = None, short_name: str = "", domains: str = "",
    doc_code: str = "",
) -> Unit:
    if isinstance(area, str):
        area = get_area(area)
    if kind not in UnitKind.values:
        raise ValidationFailed(_("未知的单位类型：%(kind)s") % {"kind": kind}, fields={"kind": _("无效")})
    if not code or not name:
        raise ValidationFailed(_("单位编码和名称不能为空"), fields={"code" if not code else "name": _("必填")})
    if Unit.objects.filter(code=code).exists():
        raise ValidationFailed(_("单位编码%(code)s已存在") % {"code": code}, fields={"code": _("已存在")})
    return Unit.objects.create(
        code=code, name=name, kind=kind, area=area, parent=parent, short_name=short_name, domains=domains,
        doc_code=doc_code.strip(),
    )


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str | None,
    unit: Unit | None,
    roles: list[str] | tuple[str, ...],
    full_name: str = "",
    title: str = "",
    is_superuser: bool = False,
) -> Staff:
    if unit is None:
        raise ValidationFailed(_("工作人员必须属于一个单位"), fields={"unit": _("必填")})
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValidationFailed(_("未知的角色：%(roles)s") % {"roles": "、".join(unknown)}, fields={"roles": _("无效")})
    if not roles:
        raise ValidationFailed(_("工作人员至少需要一个角色"), fields={"roles": _("必填")})
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("用户名%(username)s已存在") % {"username": username}, fields={"username": _("已存在")})
    user = User(username=username, first_name=full_name, is_staff=Role.ADMIN in roles or is_superuser, is_superuser=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    staff = Staff.objects.create(user=user, unit=unit, title=title)
    StaffRole.objects.bulk_create([StaffRole(staff=staff, role=r) for r in dict.fromkeys(roles)])
    return staff
