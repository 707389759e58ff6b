"""Lists and report tables as .xlsx (openpyxl write-only, so large lists stream row by row with little memory).

Moved here from oversight/reports/xlsx.py: the exchange domain owns every spreadsheet out.

Every row goes through minxin.core.spreadsheets, so text that looks like a formula stays text.
Personal data is exported only in its masked form (Petitioner.name_masked, id_masked,
phone_masked): nothing is decrypted for an export.
"""

import datetime as dt
import io

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook

from minxin.core import spreadsheets
from minxin.oversight import metrics

DEFAULT_MAX_ROWS = 10000


def max_rows() -> int:
    return int(getattr(settings, "MINXIN_EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def _bold(ws, values):
    return spreadsheets.row(ws, values, bold=True)


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def case_list_xlsx(cases, *, staff, limit: int | None = None) -> bytes:
    """A list's cases (already scoped and filtered) in the import template's format, masked; at most `limit`.

    Lists export what `manage.py export cases` writes, so a list can be filed and read back
    by anyone with the template; a cut list says so in its 说明 sheet."""
    from minxin.exchange.cases import export_cases

    content, _rows = export_cases(cases, actor=staff, full=False, limit=max_rows() if limit is None else limit)
    return content


def _fmt(value: metrics.Value, kind: str):
    if value.value is None:
        return None
    return round(100 * value.value, 1) if kind == "rate" else round(value.value, 1)


def metrics_xlsx(scope: metrics.Scope, *, label: str) -> bytes:
    values = metrics.compute_all(scope)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("指标"))
    ws.append(spreadsheets.row(ws, [_("统计范围：%(scope)s；期间：%(start)s 至 %(end)s") % {"scope": label, "start": scope.start, "end": scope.end}]))
    ws.append(_bold(ws, [_("指标"), _("数值"), _("单位"), _("分子"), _("分母"), _("分子口径"), _("分母口径"), _("时间口径")]))
    for d in metrics.metric_definitions():
        v = values[d["code"]]
        unit = {"rate": "%", "days": _("天")}.get(d["kind"], _("天（平均反馈）"))
        ws.append(spreadsheets.row(ws, [str(d["name"]), _fmt(v, d["kind"]), unit, v.numerator, v.denominator,
                   str(d["numerator"]), str(d["denominator"]), str(d["time_base"])]))
    return _save(wb)


def scorecards_xlsx(rows: list[dict], *, label: str, start: dt.date, end: dt.date) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("单位考评"))
    ws.append(spreadsheets.row(ws, [_("统计范围：%(scope)s；期间：%(start)s 至 %(end)s") % {"scope": label, "start": start, "end": end}]))
    ws.append(_bold(ws, [_("名次"), _("单位代码"), _("单位"), _("得分"), _("有结果件数"), _("化解"), _("满意"), _("按期"),
                         _("一次性化解"), _("重复信访率"), _("被撤销/变更率"), _("扣分"), _("疑似压案"),
                         _("上期登记"), _("本期登记"), _("上期其他信号"), _("本期其他信号"), _("就地化解"), _("网格化解数")]))
    for r in rows:
        comp = r["components"]
        rate = lambda k: None if comp[k]["rate"] is None else round(100 * comp[k]["rate"], 1)  # noqa: E731
        s = r["suppression"]
        no_data = _("无数据")
        ws.append(spreadsheets.row(ws, [r["rank"] if r["ranked"] else _("不排名"), r["unit_code"], r["unit"],
                   r["score"] if r["ranked"] else no_data, r["concluded"], rate("resolution"), rate("satisfaction"),
                   rate("timeliness"), rate("first_time"), round(100 * r["repeat_rate"], 1), round(100 * r["overturned_rate"], 1),
                   r["penalty"], s["label"], s["own_previous"], s["own_current"], s["signals_previous"], s["signals_current"],
                   rate("local") if "local" in comp else None, r.get("local_solved", 0)]))
    return _save(wb)
