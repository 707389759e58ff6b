"""Reading labelled or unlabelled messages from the files people export: CSV or Excel."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from minxin.core.errors import ValidationFailed

SUPPORTED = (".csv", ".xlsx")
# Excel on Chinese Windows saves CSV as GB18030 (GBK); exports from systems are UTF-8 with or without BOM.
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, str]]
    source: str
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    last_error = None
    for encoding in _CSV_ENCODINGS:
        try:
            with path.open(encoding=encoding, newline="") as fh:
                records = list(csv.reader(fh))
            break
        except UnicodeDecodeError as exc:
            last_error = exc
    else:
        raise ValidationFailed(_("无法识别文件 %(file)s 的编码（已尝试 UTF-8 与 GB18030）：%(err)s") % {"file": path.name, "err": last_error})
    if not records:
        return [], []
    return [_cell(c) for c in records[0]], records[1:]


# A training history may be far longer than an upload; its bytes are still limited (spreadsheets).
TRAINING_MAX_ROWS = 2_000_000


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    from minxin.core import spreadsheets

    book = spreadsheets.open_workbook(path, name=path.name)
    try:
        records = [list(values) for _n, values in spreadsheets.data_rows(book.worksheets[0], limit=TRAINING_MAX_ROWS)]
    finally:
        book.close()
    if not records:
        return [], []
    return [_cell(c) for c in records[0]], records[1:]


def read_table(path, *, text_col: str, label_col: str | None = None) -> Table:
    """Rows with their text (and label); rows with an empty text or label are skipped and counted."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ValidationFailed(
            _("不支持的文件类型“%(suffix)s”（%(file)s），请提供 .csv 或 .xlsx 文件") % {"suffix": path.suffix or _("无扩展名"), "file": path.name}
        )
    if not path.is_file():
        raise ValidationFailed(_("找不到文件：%(path)s") % {"path": path})
    header, records = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    if not header or not any(header):
        raise ValidationFailed(_("文件 %(file)s 是空的：没有表头行") % {"file": path.name})
    wanted = [c for c in (text_col, label_col) if c]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise ValidationFailed(
            _("文件 %(file)s 中没有列“%(missing)s”；现有的列：%(columns)s")
            % {"file": path.name, "missing": "”、“".join(missing), "columns": "、".join(c for c in header if c)}
        )
    rows, skipped = [], 0
    for record in records:
        values = [_cell(v) for v in record]
        if not any(values):
            continue  # blank lines at the end of exports
        row = {name: (values[i] if i < len(values) else "") for i, name in enumerate(header) if name}
        if not row[text_col] or (label_col and not row[label_col]):
            skipped += 1
            continue
        rows.append(row)
    if not rows:
        raise ValidationFailed(_("文件 %(file)s 中没有可用的数据行（列“%(col)s”全部为空或没有数据）") % {"file": path.name, "col": text_col})
    return Table(columns=[c for c in header if c], rows=rows, source=path.name, skipped=skipped)
