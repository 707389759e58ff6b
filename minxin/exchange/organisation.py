"""Areas, units and staff in and out of Excel, written through the org services (audited, validated).

A row may refer to a row above it in the same file (an area's parent, a unit's 上级单位), so a
whole tree imports in one file from the top down. Imported staff get no password: an
administrator sets one (or the person uses the reset flow) before the first sign-in.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from minxin.core.errors import DomainError
from minxin.exchange import policies
from minxin.exchange.sheets import (
    CellError, Column, Errors, RowReader, Sheet, Writer, choice_parser, parse_bool, read, template, yes_no,
)
from minxin.org import services as org
from minxin.org.models import Area, AreaLevel, Role, Staff, Unit, UnitKind

AREAS = Sheet("行政区域", (
    Column("区划代码", True, "12位数字（网格15位）", 18), Column("名称", True, width=20),
    Column("层级", True, "市、区县、乡镇街道、村社区、网格之一", 10),
    Column("上级区划代码", False, "市级可空；上级须已在系统中或在本表上方", 18),
))
UNITS = Sheet("单位", (
    Column("单位编码", True, width=18), Column("单位名称", True, width=30), Column("简称", width=12),
    Column("单位类型", True, "信访部门、党政机关/职能部门、政法、纪检监察、乡镇街道、村社区、网格之一", 16),
    Column("所在区域(区划代码)", True, width=18), Column("上级单位(编码)", False, "上级须已在系统中或在本表上方", 18),
    Column("主管领域", False, "多个以顿号分隔", 20), Column("机关代字", width=10),
    Column("本系统外单位", False, "是/否，默认否", 10),
))
STAFF = Sheet("工作人员", (
    Column("账号", True, "登录账号，不能与已有账号重复", 16), Column("姓名", True, width=10),
    Column("所在单位(编码)", True, width=18), Column("职务", width=12),
    Column("角色", True, "登记员、办理人、审核/领导、督办员、分析员、系统管理员，多个以顿号分隔", 20),
    Column("在岗", False, "是/否，默认是", 6),
))
SHEETS = {"areas": AREAS, "units": UNITS, "staff": STAFF}
_parse_level = choice_parser(AreaLevel.choices, _("层级"))
_parse_kind = choice_parser(UnitKind.choices, _("单位类型"))
_parse_role = choice_parser(Role.choices, _("角色"))


def _roles(value) -> list[str]:
    parts = [p.strip() for p in str(value).replace(",", "、").replace("，", "、").split("、") if p.strip()]
    if not parts:
        raise CellError(_("不能为空"))
    return [_parse_role(p) for p in parts]


def _area_rows(r: RowReader, seen: dict) -> Callable | None:
    code, name = r.get("区划代码"), r.get("名称")
    level = r.get("层级", lambda v: int(v) if str(v).isdigit() and int(v) in AreaLevel.values else _parse_level(v))
    parent_code = r.get("上级区划代码")
    if code and (code in seen or Area.objects.filter(code=code).exists()):
        r.err("区划代码", _("区划代码%(code)s已存在") % {"code": code})
    parent = None
    if parent_code:
        parent = seen.get(parent_code) or Area.objects.filter(code=parent_code).first()
        if parent is None:
            r.err("上级区划代码", _("区划代码%(code)s不存在") % {"code": parent_code})
    if None in (code, name, level):
        return None
    seen[code] = _Pending(code, level)
    if isinstance(parent, Area) and parent.level != level - 1 or isinstance(parent, _Pending) and parent.level != level - 1:
        r.err("上级区划代码", _("%(level)s的上级应为%(expected)s") % {
            "level": AreaLevel(level).label, "expected": AreaLevel(level - 1).label if level > 1 else "—"})
    if not parent_code and level != AreaLevel.CITY:
        r.err("上级区划代码", _("只有市级区域可以没有上级区域"))
    return lambda actor, made: made.setdefault(code, org.create_area(
        code=code, name=name, level=level, parent=made.get(parent_code) or (Area.objects.get(code=parent_code) if parent_code else None),
        actor=actor))


class _Pending:
    """A row above in the same file, created before the rows that refer to it."""

    def __init__(self, code, level=None):
        self.code, self.level = code, level


def _unit_rows(r: RowReader, seen: dict) -> Callable | None:
    code, name = r.get("单位编码"), r.get("单位名称")
    short, kind = r.get("简称", default=""), r.get("单位类型", _parse_kind)
    area_code, parent_code = r.get("所在区域(区划代码)"), r.get("上级单位(编码)")
    domains, doc_code = r.get("主管领域", default=""), r.get("机关代字", default="")
    external = r.get("本系统外单位", parse_bool, default=False)
    if code and (code in seen or Unit.objects.filter(code=code).exists()):
        r.err("单位编码", _("单位编码%(code)s已存在") % {"code": code})
    area = Area.objects.filter(code=area_code).first() if area_code else None
    if area_code and area is None:
        r.err("所在区域(区划代码)", _("区划代码%(code)s不存在") % {"code": area_code})
    if parent_code and parent_code not in seen and not Unit.objects.filter(code=parent_code).exists():
        r.err("上级单位(编码)", _("单位编码%(code)s不存在") % {"code": parent_code})
    if None in (code, name, kind, area):
        return None
    seen[code] = _Pending(code)
    return lambda actor, made: made.setdefault(code, org.create_unit(
        code=code, name=name, kind=kind, area=area, short_name=short, domains=domains, doc_code=doc_code, is_external=external,
        parent=made.get(parent_code) or (Unit.objects.get(code=parent_code) if parent_code else None), actor=actor))


def _staff_rows(r: RowReader, seen: dict) -> Callable | None:
    username, name = r.get("账号"), r.get("姓名")
    unit_code, title = r.get("所在单位(编码)"), r.get("职务", default="")
    roles = r.get("角色", _roles)
    active = r.get("在岗", parse_bool, default=True)
    if username and (username in seen or get_user_model().objects.filter(username=username).exists()):
        r.err("账号", _("账号%(name)s已存在") % {"name": username})
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    if unit_code and unit is None:
        r.err("所在单位(编码)", _("单位编码%(code)s不存在") % {"code": unit_code})
    if None in (username, name, unit, roles):
        return None
    seen[username] = True

    def write(actor, made):
        staff = org.create_staff(username=username, password=None, unit=unit, roles=roles, full_name=name, title=title, actor=actor)
        if not active:
            org.update_staff(staff, unit=unit, title=title, is_active=False, actor=actor)
        return staff

    return write


_ROWS = {"areas": _area_rows, "units": _unit_rows, "staff": _staff_rows}
_WHAT = {"areas": _("行政区域表"), "units": _("单位表"), "staff": _("工作人员表")}


def import_org(kind: str, fileobj, *, actor, dry_run: bool = False, progress=None, max_rows: int | None = None, name: str = "") -> int:
    """Areas, units or staff: every row checked, then all written through the org services, or none."""
    policies.check_import(actor, kind)
    sheet = SHEETS[kind]
    streams, errors = read(fileobj, [sheet], name=name or _WHAT[kind], max_rows=max_rows)
    errors.raise_if_any(what=_WHAT[kind])
    seen: dict = {}
    writes = []
    for row_no, values in streams[sheet.title]:
        w = _ROWS[kind](RowReader(sheet, row_no, values, errors), seen)
        if w is not None:
            writes.append((row_no, w))
    if not writes and not errors:
        errors.add(sheet, 2, sheet.columns[0].header, _("表中没有数据行"))
    errors.raise_if_any(what=_WHAT[kind])
    if dry_run:
        return len(writes)
    actor_arg = None if actor is policies.SYSTEM else actor
    made: dict = {}
    late = Errors()
    with transaction.atomic():
        for row_no, w in writes:
            try:
                w(actor_arg, made)
            except DomainError as exc:  # a service rule the row checks above do not repeat
                late.add(sheet, row_no, sheet.columns[0].header, exc.message)
        if late:
            transaction.set_rollback(True)
    late.raise_if_any(what=_WHAT[kind])
    return len(writes)


def export_org(kind: str, *, actor) -> bytes:
    policies.check_export(actor, kind)
    sheet = SHEETS[kind]
    w = Writer([sheet])
    if kind == "areas":
        for a in Area.objects.select_related("parent").order_by("depth", "code"):
            w.append(sheet.title, [a.code, a.name, a.get_level_display(), a.parent.code if a.parent else ""])
    elif kind == "units":
        units = list(Unit.objects.select_related("area", "parent"))
        by_pk = {u.pk: u for u in units}
        depth = {}

        def d(u):  # parents before children, so the file imports as it is
            if u.pk not in depth:
                depth[u.pk] = 0 if u.parent_id is None else d(by_pk[u.parent_id]) + 1
            return depth[u.pk]

        for u in sorted(units, key=lambda u: (d(u), u.area.code, u.code)):
            w.append(sheet.title, [u.code, u.name, u.short_name, u.get_kind_display(), u.area.code,
                                   u.parent.code if u.parent else "", u.domains, u.doc_code, yes_no(u.is_external)])
    else:
        for s in Staff.objects.select_related("user", "unit").prefetch_related("roles").order_by("unit__code", "user__username"):
            w.append(sheet.title, [s.user.username, s.user.get_full_name() or s.user.first_name, s.unit.code, s.title,
                                   "、".join(str(Role(r.role).label) for r in s.roles.all()), yes_no(s.is_active)])
    return w.save()


def org_template(kind: str) -> bytes:
    return template([SHEETS[kind]], notes=_("%(what)s导入模板：第一行为表头；全部正确才导入，有错误时不导入任何数据。") % {"what": _WHAT[kind]})
