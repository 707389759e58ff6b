"""The one way minxin writes and reads .xlsx files.

Writing: every cell goes through `cell`/`row`, so text that a spreadsheet program would run as a
formula (a subject such as =HYPERLINK("http://…"&K2,"点击查看"), a masked name "=***") is stored
as text with Excel's quote prefix, never as a formula (CSV/formula injection).

Reading: `open_workbook` checks the upload's size, the number of parts in the zip container and
their unpacked size before openpyxl parses anything, and `data_rows` stops at the row limit, so a
small hostile file cannot make a web process swell (a 151 KB xlsx once took one from 311 to 607 MB).
Limits: MINXIN_XLSX_MAX_BYTES, MINXIN_XLSX_MAX_UNPACKED_BYTES, MINXIN_XLSX_MAX_ROWS.
"""

import datetime as dt
import functools
import itertools
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from minxin.core.errors import ValidationFailed

# What makes Excel, WPS or LibreOffice read a cell as a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_PARTS = 1000  # a real workbook has a few dozen parts; a zip with thousands is not one


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def cell(ws, value, *, bold: bool = False):
    """A cell for `ws.append` (write-only or normal sheet): formula-like text stays text."""
    c = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        c.data_type = "s"
        c.quotePrefix = True
    if bold:
        c.font = Font(bold=True)
    return c


def row(ws, values, *, bold: bool = False) -> list:
    return [cell(ws, v, bold=bold) for v in values]


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_rows() -> int:
    return _limit("MINXIN_XLSX_MAX_ROWS", 20000)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g}MB"


def open_workbook(fileobj, *, name: str = ""):
    """openpyxl's read-only workbook of an uploaded file or path, after the size checks.

    Raises ValidationFailed (Chinese, naming the limit) for a file too large, not an xlsx, or
    one whose parts would unpack beyond the limit."""
    max_bytes = _limit("MINXIN_XLSX_MAX_BYTES", 10 * 1024 * 1024)
    max_unpacked = _limit("MINXIN_XLSX_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
    label = name or getattr(fileobj, "name", "") or _("上传的文件")
    opened = None
    if isinstance(fileobj, (str, bytes)) or hasattr(fileobj, "__fspath__"):
        fileobj = opened = open(fileobj, "rb")
    try:
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
        if size > max_bytes:
            raise ValidationFailed(_("%(file)s 有%(size)s，超过上限%(max)s，请拆分后分批导入")
                                   % {"file": label, "size": _mb(size), "max": _mb(max_bytes)}, fields={"file": _("文件过大")})
        try:
            with zipfile.ZipFile(fileobj) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ValidationFailed(_("无法读取 %(file)s，请上传 .xlsx 格式的 Excel 文件") % {"file": label},
                                   fields={"file": _("不是 .xlsx 文件")}) from None
        unpacked = sum(p.file_size for p in parts)
        if len(parts) > MAX_PARTS or unpacked > max_unpacked:
            raise ValidationFailed(_("%(file)s 解压后有%(size)s，超过上限%(max)s，请删去多余内容或拆分后再导入")
                                   % {"file": label, "size": _mb(unpacked), "max": _mb(max_unpacked)},
                                   fields={"file": _("解压后过大")})
        fileobj.seek(0)
        try:
            book = load_workbook(fileobj if opened is None else fileobj.name)
        except Exception:  # openpyxl raises many types for a damaged or mislabelled file
            raise ValidationFailed(_("无法读取 %(file)s，请上传 .xlsx 格式的 Excel 文件") % {"file": label},
                                   fields={"file": _("文件已损坏或格式不符")}) from None
    finally:
        if opened is not None:
            opened.close()
    return book


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class _SizedFromTheHead(ReadOnlyWorksheet):
    """A read-only sheet whose size comes from a `<dimension>` before the data, or stays unknown.

    openpyxl's own read-only sheet looks for `<dimension>` when it opens and, when the file has
    none (openpyxl's write-only files, so every export of ours), parses the whole sheet to say
    so: five sheets of a 100,000-case file scanned before the first row is read. The element
    may only come before `<sheetData>`, so stopping there gives the same answer."""

    def _get_size(self):
        from lxml import etree

        with self._get_source() as src:
            for _event, el in etree.iterparse(src, events=("start",), resolve_entities=False, no_network=True):
                if el.tag == _MAIN_NS + "dimension":
                    ref = el.get("ref") or ""
                    if ":" in ref:
                        self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(ref)
                    return
                if el.tag == _MAIN_NS + "sheetData":
                    return


class _Reader(ExcelReader):
    """openpyxl's read-only, values-only reader with `_SizedFromTheHead` sheets (local: openpyxl is left as it is)."""

    def __init__(self, source):
        super().__init__(source, read_only=True, data_only=True)

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            ws = _SizedFromTheHead(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def load_workbook(source):
    """A read-only, values-only workbook (openpyxl's `load_workbook(read_only=True, data_only=True)`)."""
    reader = _Reader(source)
    reader.read()
    return reader.wb


def data_rows(sheet, *, limit: int | None = None):
    """(row number, values) of the first sheet's rows, refusing more than `limit` rows in all
    (settings' MINXIN_XLSX_MAX_ROWS when None) — first by the sheet's declared size, then while
    reading, since that declaration may be missing or false."""
    limit = max_rows() if limit is None else limit
    message = _("一次最多导入%(n)s行，请拆分后分批导入") % {"n": limit}
    declared = sheet.max_row if getattr(sheet, "max_row", None) else 0
    if declared and declared > limit + 1:  # + the header row
        raise ValidationFailed(message, fields={"file": _("行数过多")})
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > limit + 1:
            raise ValidationFailed(message, fields={"file": _("行数过多")})
        yield number, values


# ---------------------------------------------------------------- streaming writer

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0; openpyxl refuses them
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
PLAIN, BOLD, QUOTED, DATE, DATETIME, BOLD_QUOTED = range(6)
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xml_text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return value.translate(_ESCAPES)


class StreamingBook:
    """A write-only .xlsx written straight as SpreadsheetML, several times faster than openpyxl's
    write-only mode (which builds an element per cell): the exports of many thousand cases.

    Each sheet's rows go to a temporary file as they come (memory stays flat) and are zipped
    into the package by `save`. Text is stored inline; text a spreadsheet would run as a formula
    gets Excel's quote prefix and stays text, as `cell` does; dates and times are Excel serials
    with a date format, as openpyxl writes them, so openpyxl and the importers read them back alike.
    """

    def __init__(self):
        self.sheets: list[dict] = []

    def add_sheet(self, title: str, widths: Iterable[float] = ()) -> int:
        self.sheets.append({"title": title, "widths": list(widths), "rows": 0, "file": tempfile.TemporaryFile()})
        return len(self.sheets) - 1

    def append(self, sheet: int, values: Iterable, styles: Iterable[int] | None = None) -> None:
        """One row; `styles` (PLAIN, BOLD, DATE, DATETIME …) per cell, or by each value's type."""
        s = self.sheets[sheet]
        s["rows"] += 1
        n = s["rows"]
        parts = [f'<row r="{n}">']
        for i, (value, style) in enumerate(zip(values, styles or itertools.repeat(PLAIN))):
            if value is None or value == "":
                continue
            ref = f"{_letters(i)}{n}"
            bold = style in (BOLD, BOLD_QUOTED)
            if isinstance(value, str):
                if value.startswith(FORMULA_PREFIXES):
                    style = BOLD_QUOTED if bold else QUOTED
                st = f' s="{style}"' if style in (BOLD, QUOTED, BOLD_QUOTED) else ""
                parts.append(f'<c r="{ref}"{st} t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, Decimal)) or (isinstance(value, float) and math.isfinite(value)):
                st = f' s="{BOLD}"' if bold else ""
                parts.append(f'<c r="{ref}"{st}><v>{repr(value) if isinstance(value, float) else value}</v></c>')
            elif isinstance(value, (dt.datetime, dt.date)):
                kind = DATETIME if isinstance(value, dt.datetime) else DATE
                if style in (DATE, DATETIME):
                    kind = style
                parts.append(f'<c r="{ref}" s="{kind}"><v>{to_excel(value)!r}</v></c>')
            else:  # anything else (a lazy translation, inf, a time) as its text
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(value))}</t></is></c>')
        parts.append("</row>")
        s["file"].write("".join(parts).encode("utf-8"))

    def save(self, out) -> None:
        """The package, written to the binary file `out`; the sheets' temporary files are closed."""
        names = [s["title"] for s in self.sheets]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", _content_types(len(names)))
            z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
            z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                       + "".join(f'<sheet name="{_xml_text(t)}" sheetId="{i}" r:id="rId{i}"/>' for i, t in enumerate(names, 1))
                       + "</sheets></workbook>")
            z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                                 for i in range(1, len(names) + 1))
                       + f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
            z.writestr("xl/styles.xml", _STYLES)
            for i, s in enumerate(self.sheets, 1):
                cols = "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>' for j, w in enumerate(s["widths"], 1) if w)
                head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                        + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")
                with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as dst, s["file"] as src:
                    dst.write(head.encode("utf-8"))
                    src.seek(0)
                    shutil.copyfileobj(src, dst, 1 << 20)
                    dst.write(b"</sheetData></worksheet>")


@functools.cache
def _letters(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _content_types(sheets: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
                      for i in range(1, sheets + 1))
            + "</Types>")
