"""Writers for the organisation: areas, units and staff. Each call is one transaction and
leaves a row in the security audit chain (who, from where, what changed).

`actor` is the User or Staff making the change; None for the command line and loaders.
The admin site writes through these functions too, so its edits get the same checks.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from minxin.accounts import audit
from minxin.accounts.models import SecurityAction
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


def _check_name(name: str, what: str) -> str:
    if not name or not name.strip():
        raise ValidationFailed(_("%(what)s不能为空") % {"what": what}, fields={"name": _("必填")})
    return name.strip()


def _changes(obj, **new) -> dict:
    """{field: [old, new]} for the fields whose value differs; foreign keys by their str()."""
    diff = {}
    for field, value in new.items():
        old = getattr(obj, field)
        if old != value:
            diff[field] = [str(old) if old is not None else None, str(value) if value is not None else None]
    return diff


def validate_area(*, code: str, name: str, level: int, area: Area | None = None) -> None:
    """The checks every area write makes; forms (the admin site) call it to show errors early."""
    _check_code(code, level)
    _check_name(name, _("区域名称"))
    if Area.objects.filter(code=code).exclude(pk=area.pk if area else None).exists():
        raise ValidationFailed(_("区划代码%(code)s已存在") % {"code": code}, fields={"code": _("已存在")})


@transaction.atomic
def create_area(*, code: str, name: str, level: int, parent: Area | None = None, actor=None) -> Area:
    _check_code(code, level)
    name = _check_name(name, _("区域名称"))
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
    area = Area.objects.create(code=code, name=name, level=level, parent=parent, path="", depth=0)
    area.path = f"{parent.path if parent else '/'}{area.pk}/"
    area.depth = parent.depth + 1 if parent else 0
    area.save(update_fields=["path", "depth"])
    audit.record(SecurityAction.AREA_CREATED, actor=actor, target=area, payload={"code": code, "level": level, "parent": parent.code if parent else None})
    return area


@transaction.atomic
def update_area(area: Area, *, code: str, name: str, actor=None) -> Area:
    """Rename an area or correct its code; the level and place in the tree stay (see move_area)."""
    area = Area.objects.select_for_update().get(pk=area.pk)
    validate_area(code=code, name=name, level=area.level, area=area)
    name = name.strip()
    diff = _changes(area, code=code, name=name)
    if diff:
        Area.objects.filter(pk=area.pk).update(code=code, name=name)
        area.refresh_from_db()
        audit.record(SecurityAction.AREA_CHANGED, actor=actor, target=area, payload={"changes": diff})
    return area


@transaction.atomic
def delete_area(area: Area, *, actor=None) -> None:
    """Only an area nothing refers to (no sub-areas, units or cases) can go."""
    label, code, pk = str(area), area.code, area.pk
    try:
        Area.objects.filter(pk=pk).delete()
    except ProtectedError:
        raise ValidationFailed(
            _("“%(name)s”下仍有下级区域、单位或信访件，不能删除") % {"name": label}, fields={"area": _("仍被使用")}
        ) from None
    audit.record(SecurityAction.AREA_DELETED, actor=actor, target_label=label, payload={"id": pk, "code": code})


@transaction.atomic
def move_area(area: Area, *, new_parent: Area, actor=None) -> Area:
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
    old_parent = area.parent
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    area.refresh_from_db()
    audit.record(
        SecurityAction.AREA_MOVED, actor=actor, target=area,
        payload={"from": old_parent.code if old_parent else None, "to": new_parent.code},
    )
    return area


def validate_unit(*, code: str, name: str, kind: str, unit: Unit | None = None, parent: Unit | None = None) -> None:
    if kind not in UnitKind.values:
        raise ValidationFailed(_("未知的单位类型：%(kind)s") % {"kind": kind}, fields={"kind": _("无效")})
    if not code or not code.strip() or not name or not name.strip():
        raise ValidationFailed(_("单位编码和名称不能为空"), fields={"code" if not (code and code.strip()) else "name": _("必填")})
    if Unit.objects.filter(code=code).exclude(pk=unit.pk if unit else None).exists():
        raise ValidationFailed(_("单位编码%(code)s已存在") % {"code": code}, fields={"code": _("已存在")})
    if unit is not None and parent is not None:
        # The 上一级 chain is followed upwards for 复查 and disputes: it must never loop.
        node = parent
        while node is not None:
            if node.pk == unit.pk:
                raise ValidationFailed(
                    _("不能把“%(parent)s”设为“%(unit)s”的上级单位（会形成环）") % {"parent": parent.name, "unit": unit.name},
                    fields={"parent": _("会形成环")},
                )
            node = node.parent


@transaction.atomic
def create_unit(
    *, code: str, name: str, kind: str, area: Area | str, parent: Unit | None = None, short_name: str = "", domains: str = "",
    doc_code: str = "", is_external: bool = False, actor=None,
) -> Unit:
    if isinstance(area, str):
        area = get_area(area)
    validate_unit(code=code, name=name, kind=kind)
    unit = Unit.objects.create(
        code=code.strip(), name=name.strip(), kind=kind, area=area, parent=parent, short_name=short_name, domains=domains,
        doc_code=doc_code.strip(), is_external=is_external,
    )
    audit.record(SecurityAction.UNIT_CREATED, actor=actor, target=unit, payload={"code": unit.code, "kind": kind, "area": area.code})
    return unit


@transaction.atomic
def update_unit(
    unit: Unit, *, code: str, name: str, kind: str, area: Area, parent: Unit | None, short_name: str = "", domains: str = "",
    doc_code: str = "", is_active: bool = True, is_external: bool | None = None, actor=None,
) -> Unit:
    """`is_external` None keeps the unit's current setting."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    validate_unit(code=code, name=name, kind=kind, unit=unit, parent=parent)
    values = {
        "code": code.strip(), "name": name.strip(), "kind": kind, "area": area, "parent": parent,
        "short_name": short_name, "domains": domains, "doc_code": doc_code.strip(), "is_active": is_active,
        "is_external": unit.is_external if is_external is None else is_external,
    }
    diff = _changes(unit, **values)
    if diff:
        for field, value in values.items():
            setattr(unit, field, value)
        unit.save()
        audit.record(SecurityAction.UNIT_CHANGED, actor=actor, target=unit, payload={"changes": diff})
    return unit


@transaction.atomic
def delete_unit(unit: Unit, *, actor=None) -> None:
    """Only a unit nothing refers to can go; one that has worked on cases is deactivated instead."""
    label, code, pk = str(unit), unit.code, unit.pk
    try:
        Unit.objects.filter(pk=pk).delete()
    except ProtectedError:
        raise ValidationFailed(
            _("“%(name)s”仍有工作人员、下级单位或办理记录，不能删除；请改为停用") % {"name": label}, fields={"unit": _("仍被使用")}
        ) from None
    audit.record(SecurityAction.UNIT_DELETED, actor=actor, target_label=label, payload={"id": pk, "code": code})


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
    actor=None,
    check_password: bool = False,
) -> Staff:
    """`check_password` applies the password rules (AUTH_PASSWORD_VALIDATORS); the admin site
    and other forms people type into set it, loaders of known test accounts do not."""
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
        if check_password:
            _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    staff = Staff.objects.create(user=user, unit=unit, title=title)
    StaffRole.objects.bulk_create([StaffRole(staff=staff, role=r) for r in dict.fromkeys(roles)])
    audit.record(
        SecurityAction.STAFF_CREATED, actor=actor, username=username, target=staff,
        payload={"unit": unit.code, "roles": sorted(dict.fromkeys(roles)), "superuser": is_superuser},
    )
    return staff


def validate_new_staff(*, username: str, password: str | None, roles) -> None:
    User = get_user_model()
    if not username or not username.strip():
        raise ValidationFailed(_("用户名不能为空"), fields={"username": _("必填")})
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("用户名%(username)s已存在") % {"username": username}, fields={"username": _("已存在")})
    if not roles:
        raise ValidationFailed(_("工作人员至少需要一个角色"), fields={"roles": _("必填")})
    if password:
        _validate_password(password, User(username=username))


def _validate_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(_("密码不符合要求：%(why)s") % {"why": "".join(exc.messages)}, fields={"password": exc.messages}) from None


@transaction.atomic
def update_staff(staff: Staff, *, unit: Unit, title: str = "", is_active: bool = True, full_name: str | None = None, actor=None) -> Staff:
    if unit is None:
        raise ValidationFailed(_("工作人员必须属于一个单位"), fields={"unit": _("必填")})
    staff = Staff.objects.select_for_update().select_related("user", "unit").get(pk=staff.pk)
    diff = _changes(staff, unit=unit, title=title, is_active=is_active)
    if full_name is not None and full_name != staff.user.first_name:
        diff["full_name"] = [staff.user.first_name, full_name]
        staff.user.first_name = full_name
        staff.user.save(update_fields=["first_name"])
    if diff:
        staff.unit, staff.title, staff.is_active = unit, title, is_active
        staff.save(update_fields=["unit", "title", "is_active"])
        audit.record(SecurityAction.STAFF_CHANGED, actor=actor, username=staff.user.username, target=staff, payload={"changes": diff})
    return staff


@transaction.atomic
def set_roles(staff: Staff, roles, *, actor=None) -> Staff:
    """Replace a staff member's roles; the admin-site flag follows the 系统管理员 role."""
    roles = list(dict.fromkeys(roles))
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValidationFailed(_("未知的角色：%(roles)s") % {"roles": "、".join(unknown)}, fields={"roles": _("无效")})
    if not roles:
        raise ValidationFailed(_("工作人员至少需要一个角色"), fields={"roles": _("必填")})
    staff = Staff.objects.select_for_update().select_related("user").get(pk=staff.pk)
    before = sorted(staff.roles.values_list("role", flat=True))
    if before == sorted(roles):
        return staff
    staff.roles.exclude(role__in=roles).delete()
    StaffRole.objects.bulk_create([StaffRole(staff=staff, role=r) for r in roles if r not in before])
    user = staff.user
    is_staff = Role.ADMIN in roles or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    staff._role_codes = None
    audit.record(SecurityAction.ROLES_CHANGED, actor=actor, username=user.username, target=staff, payload={"from": before, "to": sorted(roles)})
    return staff
