"""Tables as .xlsx (openpyxl write-only, so large lists stream row by row with little memory).

Every row goes through minxin.core.spreadsheets, so text that looks like a formula stays text.
Personal data is exported only in its masked form (Petitioner.name_masked, id_masked,
phone_masked): nothing is decrypted for an export.
"""

import datetime as dt
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from minxin.cases.models import CaseParty
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


CASE_HEADERS = tuple(gettext_lazy(h) for h in (
    "信访件编号", "标题", "状态", "信访类别", "信访形式", "问题属地", "领域", "收到时间", "当前办理单位", "最近期限",
    "信访人（脱敏）", "身份证号（脱敏）", "电话（脱敏）",
))


def case_list_xlsx(cases, *, staff, limit: int | None = None) -> bytes:
    """The (already scoped and filtered) case queryset; at most `limit` rows, with a notice when cut."""
    limit = max_rows() if limit is None else limit
    total = cases.count()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("信访事项"))
    if total > limit:
        ws.append(_bold(ws, [_("共%(total)d件，超过导出上限%(limit)d行，只导出了前%(limit)d件；请缩小筛选范围后分批导出。")
                              % {"total": total, "limit": limit}]))
    ws.append(_bold(ws, [str(h) for h in CASE_HEADERS]))
    qs = cases.select_related("area", "domain", "current_unit")[:limit]
    tz = timezone.get_current_timezone()
    batch = 500
    rows = list(qs.values_list("pk", flat=True))
    for i in range(0, len(rows), batch):
        ids = rows[i:i + batch]
        people: dict[int, list] = {}
        for party in CaseParty.objects.filter(case_id__in=ids).select_related("petitioner").order_by("pk"):
            people.setdefault(party.case_id, []).append(party.petitioner)
        by_pk = {c.pk: c for c in cases.model.objects.filter(pk__in=ids).select_related("area", "domain", "current_unit")}
        for pk in ids:
            c = by_pk[pk]
            ps = people.get(pk, [])
            ws.append(spreadsheets.row(ws, [
                c.number, c.subject, c.get_state_display(), c.get_category_display(), c.get_channel_display(),
                c.area.name if c.area_id else "", c.domain.name if c.domain_id else "",
                c.received_at.astimezone(tz).replace(tzinfo=None) if c.received_at else None,
                c.current_unit.name if c.current_unit_id else "", c.next_due_on,
                "、".join(p.name_masked for p in ps), "、".join(p.id_masked for p in ps if p.id_masked),
                "、".join(p.phone_masked for p in ps if p.phone_masked),
            ]))
    return _save(wb)


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
                         _("上期登记"), _("本期登记"), _("上期其他信号"), _("本期其他信号")]))
    for r in rows:
        comp = r["components"]
        rate = lambda k: None if comp[k]["rate"] is None else round(100 * comp[k]["rate"], 1)  # noqa: E731
        s = r["suppression"]
        ws.append(spreadsheets.row(ws, [r["rank"], r["unit_code"], r["unit"], r["score"], r["concluded"], rate("resolution"), rate("satisfaction"),
                   rate("timeliness"), rate("first_time"), round(100 * r["repeat_rate"], 1), round(100 * r["overturned_rate"], 1),
                   r["penalty"], s["label"], s["own_previous"], s["own_current"], s["signals_previous"], s["signals_current"]]))
    return _save(wb)
