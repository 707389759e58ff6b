"""Excel import and export of public-opinion items (舆情), in the columns below, first row the header:

    来源 | 发布时间 | 内容 | 原文链接 | 热度 | 所属区域(区划代码) | 领域

The checks are the API's (minxin.opinion.services.Cleaner), each error named by row and column
in Chinese; all rows or none. Rows already received (same 来源 and 原文链接, or same 来源 and 内容
without a link) are skipped, not stored twice. The opinion domain keeps its rules; this module
only reads and writes the sheet (exchange sits above opinion).
"""

from django.utils.translation import gettext as _

from minxin.core.errors import ValidationFailed
from minxin.exchange import sheets
from minxin.opinion import policies, services

COLUMNS = (
    ("source", sheets.Column("来源", True, "监测服务名称或平台，最多64字", 20)),
    ("published_at", sheets.Column("发布时间", True, "如2026-03-01 09:30（本地时间），不得晚于现在", 18, "datetime")),
    ("text", sheets.Column("内容", True, "正文，最多5000字；身份证号、手机号码会被隐去", 60)),
    ("link", sheets.Column("原文链接", False, "http://或https://开头的网址，可空；系统不访问该链接", 36)),
    ("heat", sheets.Column("热度", False, "不小于0的整数，可空（为0）", 8, "int")),
    ("area_code", sheets.Column("所属区域(区划代码)", False, "12位区划代码，须在您的管辖范围内；可空，为空时按正文中的地名推断", 18)),
    ("domain", sheets.Column("领域", False, "领域名称，如房地产；可空，为空时由领域模型推断", 12)),
)
HEADER_OF = {name: col.header for name, col in COLUMNS}
SHEET = sheets.Sheet("舆情信息", tuple(col for _name, col in COLUMNS))


def parse(fileobj, *, actor, max_rows=None, name="") -> list[tuple[int, dict]]:
    """(row number, raw item) of every data row, or ImportFailed with every error of the file."""
    policies.check_intake(actor)
    streams, errors = sheets.read(fileobj, [SHEET], name=name or _("舆情文件"), max_rows=max_rows)
    errors.raise_if_any(what=_("舆情信息"))
    raws = []
    for number, values in streams[SHEET.title]:
        values = list(values) + [None] * (len(COLUMNS) - len(values))
        raws.append((number, {key: values[i] for i, (key, _col) in enumerate(COLUMNS)}))
    if not raws:
        raise ValidationFailed(_("文件中没有舆情信息（第二行起每行一条）"))
    rows, row_errors = services.check_batch([raw for _n, raw in raws], actor=actor)
    for index, errs in row_errors.items():
        for field, message in errs.items():
            errors.add(SHEET, raws[index][0], HEADER_OF[field], message)
    errors.raise_if_any(what=_("舆情信息"))
    return raws


def import_opinion(fileobj, *, actor, dry_run=False, progress=None, max_rows=None, name="") -> int:
    """Rows checked (dry run) or items newly stored."""
    raws = parse(fileobj, actor=actor, max_rows=max_rows, name=name)
    if dry_run:
        return len(raws)
    outcomes = services.take_in([raw for _n, raw in raws], actor=actor, via="excel")
    return sum(o.created for o in outcomes)


def template() -> bytes:
    return sheets.template([SHEET], notes=_("舆情信息导入模板：第一行为表头，从第二行起每行一条；全部正确才导入，有错误时不导入任何数据；"
                                            "已接收过的信息（来源和原文链接相同，无链接时来源和内容相同）不重复导入。"))


def export_opinion(*, actor, full=False, out=None):
    """The caller's visible items in the import format."""
    policies.check_read(actor)
    qs = services.items_visible_to(actor).select_related("area", "domain").order_by("published_at", "pk")
    writer = sheets.Writer([SHEET])
    n = 0
    for item in qs.iterator(chunk_size=500):
        writer.append(SHEET.title, [item.source, sheets.local(item.published_at), item.text, item.link, item.heat,
                                    item.area.code if item.area_id else "", item.domain.name if item.domain_id else ""])
        n += 1
    if out is not None:
        writer.save(out)
        return None, n
    return writer.save(), n

