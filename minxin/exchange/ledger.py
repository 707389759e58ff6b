"""Excel import and export of the ledger in the bureau's column format.

The sheet's first row is the header, exactly these columns in this order:

    序号 | 排查日期 | 所属区域(区划代码) | 领域 | 矛盾纠纷简况 | 涉及人数 | 涉及金额(万元) |
    风险等级 | 责任单位 | 责任人 | 化解措施 | 状态

- 排查日期: an Excel date, or text 2026-03-01 / 2026/3/1.
- 所属区域(区划代码): the 12-digit code (15 for a grid) of an area in the importer's jurisdiction.
- 领域: a domain name (房地产, 金融, …). 风险等级: 红/橙/黄/蓝. 状态: 在办/已化解/稳控/上交.
- 责任单位: the unit's full name or its code. 责任人: a name (need not have an account).

Import is all or nothing: every row is checked first and, if any cell is wrong,
nothing is written and the error list names each row and column in Chinese.

Moved here from risk/ledger_excel.py: the exchange domain owns every spreadsheet in and
out; the ledger's own rules (jurisdiction, red-level alerts, audit) stay in minxin.risk.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from minxin.cases.models import Domain
from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.exchange import sheets
from minxin.org.models import Area, AreaLevel, Staff, Unit
from minxin.risk import policies
from minxin.risk.audit import record
from minxin.risk.ledger import _PERSONAL_NUMBER, entries_visible_to, raise_if_red
from minxin.risk.models import DisputeEntry, DisputeSource, DisputeStatus, RiskLevel

COLUMNS = ["序号", "排查日期", "所属区域(区划代码)", "领域", "矛盾纠纷简况", "涉及人数", "涉及金额(万元)", "风险等级", "责任单位", "责任人", "化解措施", "状态"]
_HELP = {
    "排查日期": "日期，如2026-03-01，不得晚于今天", "所属区域(区划代码)": "12位区划代码（网格15位），须在您的管辖范围内",
    "领域": "领域名称，如房地产、金融", "矛盾纠纷简况": "不得填写身份证号或手机号码", "涉及人数": "正整数",
    "涉及金额(万元)": "不小于0的数字，可空", "风险等级": "红、橙、黄、蓝之一", "责任单位": "单位全称或单位编码",
    "责任人": "姓名", "化解措施": "不得填写身份证号或手机号码", "状态": "在办、已化解、稳控、上交之一",
}
_REQUIRED = {"排查日期", "所属区域(区划代码)", "领域", "矛盾纠纷简况", "涉及人数", "风险等级", "责任单位", "状态"}
SHEET = sheets.Sheet("矛盾纠纷排查台账", tuple(
    sheets.Column(h, required=h in _REQUIRED, help=_HELP.get(h, ""), width=w, kind="date" if h == "排查日期" else "text")
    for h, w in zip(COLUMNS, (6, 12, 18, 10, 40, 10, 14, 10, 24, 10, 40, 8))
))
LEVEL_BY_LABEL = {"红": RiskLevel.RED, "橙": RiskLevel.ORANGE, "黄": RiskLevel.YELLOW, "蓝": RiskLevel.BLUE}
STATUS_BY_LABEL = {str(label): value for value, label in DisputeStatus.choices}



def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    y, m, d = (int(p) for p in text.split("-"))
    return dt.date(y, m, d)


def parse_rows(rows, *, actor: Staff) -> tuple[list[dict], list[dict]]:
    """Validate every data row; return (clean rows, errors as {row, column, message})."""
    errors: list[dict] = []
    clean: list[dict] = []
    domains = {d.name: d for d in Domain.objects.all()}
    scope = actor.unit.area.path
    areas = {}
    units = {}
    today = clock.today()
    for row_no, values in rows:
        if all(v in (None, "") for v in values):
            continue
        values = list(values) + [None] * (len(COLUMNS) - len(values))
        cells = dict(zip(COLUMNS, values))
        row: dict = {}

        def err(col, msg, row_no=row_no):
            errors.append({"row": row_no, "column": col, "message": str(msg)})

        try:
            row["screened_on"] = _date(cells["排查日期"])
            if row["screened_on"] > today:
                err("排查日期", _("排查日期不能晚于今天"))
        except (TypeError, ValueError):
            err("排查日期", _("日期格式应为2026-03-01"))
        code = str(cells["所属区域(区划代码)"] or "").strip()
        if code not in areas:
            areas[code] = Area.objects.filter(code=code).first()
        area = areas[code]
        if area is None:
            err("所属区域(区划代码)", _("区划代码%(code)s不存在") % {"code": code or "（空）"})
        elif not area.path.startswith(scope):
            err("所属区域(区划代码)", _("%(area)s不在您的管辖范围内") % {"area": area.name})
        row["area"] = area
        domain = domains.get(str(cells["领域"] or "").strip())
        if domain is None:
            err("领域", _("领域应为以下之一：%(names)s") % {"names": "、".join(domains)})
        row["domain"] = domain
        summary = str(cells["矛盾纠纷简况"] or "").strip()
        if not summary:
            err("矛盾纠纷简况", _("不能为空"))
        for col, text in (("矛盾纠纷简况", summary), ("化解措施", str(cells["化解措施"] or ""))):
            if _PERSONAL_NUMBER.search(text):
                err(col, _("不得填写身份证号或手机号码"))
        row["summary"] = summary
        try:
            people = int(Decimal(str(cells["涉及人数"]).strip()))
            if people < 1 or Decimal(str(cells["涉及人数"]).strip()) != people:
                raise ValueError
            row["people_count"] = people
        except (ArithmeticError, TypeError, ValueError):
            err("涉及人数", _("应为正整数"))
        raw_amount = cells["涉及金额(万元)"]
        try:
            amount = Decimal(str(raw_amount).strip()) if raw_amount not in (None, "") else Decimal(0)
            if amount < 0 or not amount.is_finite():
                raise ValueError
            row["amount_wan"] = amount.quantize(Decimal("0.01"))
        except (ArithmeticError, ValueError):
            err("涉及金额(万元)", _("应为不小于0的数字"))
        level = LEVEL_BY_LABEL.get(str(cells["风险等级"] or "").strip().rstrip("色"))
        if level is None:
            err("风险等级", _("应为红、橙、黄、蓝之一"))
        row["level"] = level
        unit_key = str(cells["责任单位"] or "").strip()
        if unit_key not in units:
            units[unit_key] = Unit.objects.filter(Q(name=unit_key) | Q(code=unit_key)).select_related("area").first() if unit_key else None
        unit = units[unit_key]
        if unit is None:
            err("责任单位", _("找不到单位“%(name)s”") % {"name": unit_key or "（空）"})
        row["responsible_unit"] = unit
        row["responsible_name"] = str(cells["责任人"] or "").strip()[:32]
        row["measures"] = str(cells["化解措施"] or "").strip()
        status = STATUS_BY_LABEL.get(str(cells["状态"] or "").strip())
        if status is None:
            err("状态", _("应为在办、已化解、稳控、上交之一"))
        row["status"] = status
        row["_row"] = row_no
        clean.append(row)
    return clean, errors


def import_ledger(fileobj, *, actor: Staff, dry_run: bool = False, progress=None) -> list[DisputeEntry]:
    """All rows or none; `dry_run` checks everything and writes nothing (returns [])."""
    policies.check_roles(actor, policies.LEDGER_WRITE_ROLES, _("导入排查台账"))
    streams, errors = sheets.read(fileobj, [SHEET], name=_("台账文件"))
    errors.raise_if_any(what=_("台账"))
    rows = list(streams[SHEET.title])
    clean, row_errors = parse_rows(rows, actor=actor)
    for e in row_errors:
        errors.add(SHEET, e["row"], e["column"], e["message"])
    errors.raise_if_any(what=_("台账"))
    if not clean:
        raise ValidationFailed(_("台账中没有数据行"))
    if dry_run:
        return []
    return _write(clean, actor=actor)


@transaction.atomic
def _write(clean: list[dict], *, actor: Staff) -> list[DisputeEntry]:
    now = clock.now()
    created = []
    for row in clean:
        row_no = row.pop("_row")
        area = row["area"]
        entry = DisputeEntry.objects.create(
            source=DisputeSource.GRID if area.level == AreaLevel.GRID else DisputeSource.UNIT,
            level_reasons=_("台账导入"),
            parties="",
            created_by=actor,
            created_at=now,
            updated_at=now,
            last_assessed_at=now,
            **row,
        )
        record("entry_imported", actor=actor, entry=entry, at=now, row=row_no)
        raise_if_red(entry, actor=actor)
        created.append(entry)
    return created


def template() -> bytes:
    return sheets.template([SHEET], notes=_("矛盾纠纷排查台账导入模板：第一行为表头，从第二行起每行一条；全部正确才导入，有错误时不导入任何数据。"))


def export_ledger(staff: Staff, queryset=None) -> bytes:
    """The caller's visible ledger (or the given subset of it) as an xlsx in the import format."""
    qs = entries_visible_to(staff) if queryset is None else queryset & entries_visible_to(staff)
    qs = qs.select_related("area", "domain", "responsible_unit").prefetch_related("steps").order_by("screened_on", "pk")
    writer = sheets.Writer([SHEET])
    for i, e in enumerate(qs.iterator(chunk_size=500), start=1):
        measures = e.measures
        steps = "；".join(f"{s.taken_on:%Y-%m-%d} {s.description}" for s in e.steps.all())
        if steps:
            measures = f"{measures}；{steps}" if measures else steps
        writer.append(SHEET.title, [
            i, e.screened_on, e.area.code, e.domain.name, e.summary, e.people_count, float(e.amount_wan),
            e.get_level_display(), e.responsible_unit.name, e.responsible_name, measures, e.get_status_display(),
        ])
    return writer.save()
