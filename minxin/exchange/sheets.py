"""What every spreadsheet kind shares: columns, templates, cell parsers and the error list.

A kind (cases, ledger, areas, units, staff) declares its sheets as `Sheet`s of `Column`s;
the same declaration writes the downloadable template, checks an upload's header, and
names every error by sheet, row and column in Chinese. Reading and writing cells goes
through `minxin.core.spreadsheets` (size, row and unpacked-size limits before parsing;
formula-like text stays text).

Errors are collected, never raised one by one: an importer validates every row, then
raises `ImportFailed` with all of them, and writes nothing.
"""

import datetime as dt
import functools
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.core import spreadsheets
from minxin.core.errors import ValidationFailed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_LISTED = 200  # errors spelled out in the exception message; all of them are in .errors


class CellError(ValueError):
    """A cell's value is wrong; the message (Chinese) says how to fix it."""


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    help: str = ""  # one line in the template's 说明 sheet
    width: int = 14
    kind: str = "text"  # text | date | datetime | int | decimal | bool — how the export formats it


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    help: str = ""

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @functools.cached_property
    def headers_tuple(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @functools.cached_property
    def required(self) -> frozenset[str]:
        return frozenset(c.header for c in self.columns if c.required)


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("“%(sheet)s”第%(row)s行“%(col)s”：%(msg)s") % {
            "sheet": self.sheet, "row": self.row, "col": self.column, "msg": self.message}

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class ImportFailed(ValidationFailed):
    """Every error of a file; nothing was written."""

    def __init__(self, errors: list[RowError], *, what: str):
        self.errors = errors
        lines = [str(e) for e in errors[:MAX_LISTED]]
        more = _("……另有%(n)s处") % {"n": len(errors) - MAX_LISTED} if len(errors) > MAX_LISTED else ""
        super().__init__(
            _("%(what)s有%(n)s处错误，未导入任何数据。") % {"what": what, "n": len(errors)} + "；".join(lines) + more,
            fields={f"{e.sheet}/{e.row}/{e.column}": e.message for e in errors[:MAX_LISTED]},
        )
        # The ledger's older callers read `rows` (row, column, message).
        self.rows = [{"row": e.row, "column": e.column, "message": e.message, "sheet": e.sheet} for e in errors]


class Errors:
    """The error list of one import, in reading order."""

    def __init__(self):
        self.items: list[RowError] = []

    def add(self, sheet: Sheet | str, row: int, column: str, message) -> None:
        self.items.append(RowError(sheet.title if isinstance(sheet, Sheet) else str(sheet), row, column, str(message)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self, *, what: str) -> None:
        if self.items:
            raise ImportFailed(self.items, what=what)


class RowReader:
    """One data row as {header: value}, with parsers that record a CellError instead of raising."""

    __slots__ = ("sheet", "number", "cells", "errors")

    def __init__(self, sheet: Sheet, number: int, values, errors: Errors):
        self.sheet, self.number, self.errors = sheet, number, errors
        headers = sheet.headers_tuple
        values = tuple(values or ())
        if len(values) < len(headers):
            values += (None,) * (len(headers) - len(values))
        self.cells = dict(zip(headers, values))

    def err(self, column: str, message) -> None:
        self.errors.add(self.sheet, self.number, column, message)

    def raw(self, column: str):
        return self.cells[column]

    def get(self, column: str, parse: Callable = None, *, default=None):
        """The parsed value of `column`; None (and an error) when it is wrong or missing but required."""
        value = self.cells[column]
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if column in self.sheet.required:
                self.err(column, _("不能为空"))
                return None
            return default
        if parse is None:
            return value if isinstance(value, str) else _as_text(value)
        try:
            return parse(value)
        except CellError as exc:
            self.err(column, str(exc))
        except (ValueError, TypeError, ArithmeticError):
            self.err(column, _("格式不正确"))
        return None


def _as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- cell parsers

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DT_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE_RE.match(str(value).strip())
    if not m:
        raise CellError(_("日期格式应为2026-03-01"))
    try:
        return dt.date(*(int(p) for p in m.groups()))
    except ValueError:
        raise CellError(_("日期%(v)s不存在") % {"v": value}) from None


def parse_datetime(value, *, tz=None) -> dt.datetime:
    """A local time (Excel has no time zones): 2026-03-01 09:30[:00], or a date meaning 00:00; in `tz`
    (default: the current time zone)."""
    tz = tz or timezone.get_current_timezone()
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
    elif isinstance(value, dt.date):
        naive = dt.datetime.combine(value, dt.time.min)
    else:
        text = str(value).strip()
        m = _DT_RE.match(text)
        if m:
            y, mo, d, h, mi, s = m.groups()
            try:
                naive = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
            except ValueError:
                raise CellError(_("时间%(v)s不存在") % {"v": text}) from None
        else:
            naive = dt.datetime.combine(parse_date(text), dt.time.min)
    return naive.replace(tzinfo=tz)


def parse_int(value, *, minimum: int = 0) -> int:
    if type(value) is int:  # as read from a number cell: what the Decimal path below would give, without it
        if value < minimum:
            raise CellError(_("应为不小于%(n)s的整数") % {"n": minimum})
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CellError(_("应为整数")) from None
    if not number.is_finite() or number != number.to_integral_value() or number < minimum:
        raise CellError(_("应为不小于%(n)s的整数") % {"n": minimum})
    return int(number)


YES = {"是", "1", "true", "True", "TRUE", "Y", "y", "√"}
NO = {"否", "0", "false", "False", "FALSE", "N", "n", ""}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _as_text(value).strip()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("应填“是”或“否”"))


def choice_parser(choices, what: str) -> Callable:
    """A label (登记员) or code (registrar) of a Django choices class → its code."""
    by_label = {str(label): value for value, label in choices}
    codes = {value for value, _label in choices}

    def parse(value):
        text = _as_text(value).strip()
        if text in by_label:
            return by_label[text]
        if text in codes:
            return text
        raise CellError(_("%(what)s应为以下之一：%(names)s") % {"what": what, "names": "、".join(by_label)})

    return parse


def local(value: dt.datetime | None):
    """A stored (aware) time as the naive local time a spreadsheet shows."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


# ---------------------------------------------------------------- reading


def read(fileobj, sheets: Iterable[Sheet], *, name: str, max_rows: int | None = None) -> tuple[dict, Errors]:
    """Open an upload (limits checked first) and check each declared sheet's header.

    Returns ({sheet title: iterator of (row number, values)}, errors). A missing or
    misnamed sheet or a wrong header is an error of row 1; that sheet is then not read.
    The iterators stream (openpyxl read-only), each refusing more than `max_rows` rows.
    """
    book = spreadsheets.open_workbook(fileobj, name=name)
    errors = Errors()
    streams: dict[str, Iterator] = {}
    sheets = list(sheets)
    for i, sheet in enumerate(sheets):
        ws = _find_sheet(book, sheet, first=(i == 0))
        if ws is None:
            errors.add(sheet, 1, _("工作表"), _("缺少名为“%(t)s”的工作表") % {"t": sheet.title})
            continue
        rows = stream_values(ws, limit=max_rows)
        _number, header = next(rows, (1, ()))
        header = [str(c).strip() if c is not None else "" for c in (header or ())][: len(sheet.columns)]
        if header != sheet.headers:
            errors.add(sheet, 1, _("表头"), _("表头应为：%(cols)s") % {"cols": "、".join(sheet.headers)})
            continue
        streams[sheet.title] = _skip_blank(rows)
    return streams, errors


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _T, _V = _NS + "row", _NS + "t", _NS + "v"
_DIGITS = "0123456789"


def _column_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch.isdigit():
            break
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def stream_values(ws, *, limit: int | None = None):
    """(row number, values) of a read-only worksheet, like `spreadsheets.data_rows` but 5-10× faster.

    openpyxl's read-only reader builds a cell object per cell. Here the sheet's XML is scanned
    once, with openpyxl's own shared strings, date styles and epoch, so values come out the same
    (text, numbers, booleans, datetimes). Rows in the plain form spreadsheet programs write
    (`<c r="B2" s="3" t="s"><v>…</v></c>`, inline strings, empty cells) are read by a regular
    expression over the raw bytes (`_scan_rows`); at the first thing that form does not cover
    (a formula, rich text, a comment, another encoding or namespace prefix …) the sheet is read
    again by lxml (`_lxml_rows`) from where the scan stopped. Memory stays flat either way. The
    row limit is enforced as in `data_rows`.
    """
    limit = spreadsheets.max_rows() if limit is None else limit
    message = _("一次最多导入%(n)s行，请拆分后分批导入") % {"n": limit}
    declared = ws.max_row if getattr(ws, "max_row", None) else 0
    if declared and declared > limit + 1:
        raise ValidationFailed(message, fields={"file": _("行数过多")})
    count = 0
    try:
        for row in _scan_rows(ws):
            count += 1
            if count > limit + 1:
                raise ValidationFailed(message, fields={"file": _("行数过多")})
            yield row
        return
    except _NotPlain:
        pass
    done, count = count, 0
    for row in _lxml_rows(ws):
        count += 1
        if count > limit + 1:
            raise ValidationFailed(message, fields={"file": _("行数过多")})
        if count > done:
            yield row


class _NotPlain(Exception):
    """The sheet's XML has something the plain scan does not read; lxml takes over."""


def _cell_kinds(book):
    """style index -> 0 number, 1 date, 2 duration (learnt as met)."""
    dates, durations = book._date_formats, book._timedelta_formats
    kinds: dict = {}

    def kind(style) -> int:
        k = kinds.get(style)
        if k is None:
            i = int(style)
            k = kinds[style] = (2 if i in durations else 1) if i in dates else 0
        return k

    return kind


def _lxml_rows(ws):
    from lxml import etree
    from openpyxl.utils.datetime import from_excel

    book = ws.parent
    shared, epoch, kind_of = book.shared_strings, book.epoch, _cell_kinds(book)
    count = 0
    columns: dict[str, int] = {}  # "AB" -> 27, learnt as met: one rstrip and a lookup a cell
    with book._archive.open(ws._worksheet_path) as src:
        parser = etree.iterparse(src, events=("end",), tag=_ROW, resolve_entities=False, no_network=True, huge_tree=False)
        for _event, row in parser:
            count += 1
            values: list = []
            for c in row:
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    i = columns.get(letters)
                    if i is None:
                        i = columns[letters] = _column_index(letters)
                    if i > len(values):
                        values.extend([None] * (i - len(values)))
                t = c.get("t")
                if t == "inlineStr":
                    value = "".join(x.text or "" for x in c.iter(_T))
                else:
                    text = c.findtext(_V)  # None for an empty cell or a formula without a cached value (data_only: None)
                    if not text:
                        value = None
                    elif t == "s":
                        value = shared[int(text)]
                    elif t is None or t == "n":
                        value = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
                        style = c.get("s")
                        kind = kind_of(style) if style is not None else 0
                        if kind:
                            value = from_excel(value, epoch, timedelta=kind == 2)
                    elif t == "b":
                        value = text == "1"
                    else:  # str (a formula's cached text), e (an error), d (ISO date)
                        value = text
                values.append(value)
            number = int(row.get("r") or count)
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            yield number, tuple(values)


_MAIN_XMLNS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_SCAN_ROW = re.compile(rb'\s*<row r="(\d+)"[^<>]*?(/?)>')
_SCAN_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="([a-zA-Z]+)")?'
    rb'(?:/>|>(?:<v>([^<]*)</v>|<v/>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
)
_SCAN_END = re.compile(rb"\s*</sheetData>")
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_STRAY_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_ENTITY_TEXT = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_CHUNK = 1 << 20


def _entity(m) -> str:
    name = m.group(1)
    text = _ENTITY_TEXT.get(name)
    if text is not None:
        return text
    code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF):
        raise _NotPlain  # not a character XML allows: let lxml say so
    return chr(code)


def _xml_text(raw: bytes) -> str:
    """Element text as an XML parser gives it: UTF-8, the five entities and character references, line ends."""
    text = raw.decode()
    if "\r" in text:  # line ends are normalised before references are read: "&#13;" stays a CR
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        if _STRAY_AMPERSAND.search(text):
            raise _NotPlain  # not well-formed: let lxml say so
        if "&#" in text:
            text = _ENTITY.sub(_entity, text)  # one pass: what a reference gives is never read again
        else:  # "&amp;" last, so "&amp;lt;" stays "&lt;"
            text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
    return text


def _scan_rows(ws):
    """The plain scan of `stream_values`; raises _NotPlain where it cannot go on."""
    from openpyxl.utils.datetime import from_excel

    book = ws.parent
    shared, epoch, kind_of = book.shared_strings, book.epoch, _cell_kinds(book)
    match_row, match_cell, match_end = _SCAN_ROW.match, _SCAN_CELL.match, _SCAN_END.match
    columns: dict[bytes, int] = {}
    with book._archive.open(ws._worksheet_path) as src:
        buf = b""
        while b"<sheetData>" not in buf:
            chunk = src.read(_CHUNK)
            if not chunk or len(buf) > 16 * _CHUNK:
                raise _NotPlain
            buf += chunk
        head, buf = buf.split(b"<sheetData>", 1)
        declaration = head[:100].lower()
        if (_MAIN_XMLNS not in head or b"<!" in head or b"<worksheet " not in head
                or (b"encoding=" in declaration and b'encoding="utf-8"' not in declaration)):
            raise _NotPlain
        eof = False
        while True:
            if not eof:
                chunk = src.read(_CHUNK)
                eof = not chunk
                buf += chunk
            # Whole rows only: up to the last row end in the buffer (all of it at the end of the file).
            stop = len(buf) if eof else buf.rfind(b"</row>") + 6
            if stop < 6 and not eof:
                continue
            pos = 0
            while True:
                m = match_row(buf, pos, stop)
                if m is None:
                    break
                pos = m.end()
                values: list = []
                if not m.group(2):  # not <row …/>
                    while True:
                        c = match_cell(buf, pos, stop)
                        if c is None:
                            break
                        pos = c.end()
                        letters, style, t, v, inline = c.groups()
                        i = columns.get(letters)
                        if i is None:
                            i = columns[letters] = _column_index(letters.decode())
                        if i > len(values):
                            values.extend([None] * (i - len(values)))
                        elif i < len(values):
                            raise _NotPlain  # cells out of order: leave it to lxml's reading
                        if t == b"inlineStr":
                            if v is not None:
                                raise _NotPlain  # a <v> in an inline string cell: as lxml reads it
                            value = _xml_text(inline) if inline is not None else ""
                        elif inline is not None:
                            raise _NotPlain
                        elif not v:
                            value = None
                        elif t == b"s":
                            value = shared[int(v)]
                        elif t is None or t == b"n":
                            value = float(v) if (b"." in v or b"E" in v or b"e" in v) else int(v)
                            if style is not None and kind_of(style):
                                value = from_excel(value, epoch, timedelta=kind_of(style) == 2)
                        elif t == b"b":
                            value = v == b"1"
                        else:  # str (a formula's cached text), e (an error), d (ISO date)
                            value = _xml_text(v)
                        values.append(value)
                    if not buf.startswith(b"</row>", pos):
                        raise _NotPlain
                    pos += 6
                yield int(m.group(1)), tuple(values)
            if match_end(buf, pos):
                rest = buf[pos:].split(b"</sheetData>", 1)[1]
                while chunk := src.read(_CHUNK):
                    rest += chunk
                if not rest.rstrip().endswith(b"</worksheet>"):
                    raise _NotPlain
                return
            if eof or buf[pos:stop].strip():
                raise _NotPlain
            buf = buf[pos:]


def _find_sheet(book, sheet: Sheet, *, first: bool):
    if sheet.title in book.sheetnames:
        return book[sheet.title]
    if first and book.worksheets:  # a one-sheet kind may have its sheet renamed
        return book.worksheets[0]
    return None


def _skip_blank(rows):
    for number, values in rows:
        if values and any(v not in (None, "") for v in values):
            yield number, values


# ---------------------------------------------------------------- writing


class Writer:
    """A write-only workbook in a kind's format (`spreadsheets.StreamingBook`): the template is a Writer with no rows."""

    def __init__(self, sheets: Iterable[Sheet], *, notes: str = ""):
        self.book = spreadsheets.StreamingBook()
        self.sheets = {}
        for sheet in sheets:
            ws = self.book.add_sheet(sheet.title, [c.width for c in sheet.columns])
            self.book.append(ws, sheet.headers, itertools.repeat(spreadsheets.BOLD))
            styles = [spreadsheets.DATE if c.kind == "date" else spreadsheets.DATETIME if c.kind == "datetime"
                      else spreadsheets.PLAIN for c in sheet.columns]
            self.sheets[sheet.title] = (sheet, ws, styles)
        self._notes_sheets = [sheet for sheet, _ws, _styles in self.sheets.values()]
        self.notes = notes

    def append(self, title: str, values: list) -> None:
        """One row. Text a spreadsheet would run as a formula stays text (quote prefix); dates get
        their column's display format."""
        _sheet, ws, styles = self.sheets[title]
        self.book.append(ws, values, styles)

    def add_notes(self) -> None:
        """A 说明 sheet: what each column takes. Importers read only the declared sheets."""
        ws = self.book.add_sheet(_("说明"), [16, 24, 8, 80])
        if self.notes:
            self.book.append(ws, [str(self.notes)])
        self.book.append(ws, [_("工作表"), _("列"), _("必填"), _("填写说明")], itertools.repeat(spreadsheets.BOLD))
        for sheet in self._notes_sheets:
            if sheet.help:
                self.book.append(ws, [sheet.title, "", "", str(sheet.help)])
            for col in sheet.columns:
                self.book.append(ws, [sheet.title, col.header, _("是") if col.required else "", col.help])

    def save(self, out=None) -> bytes | None:
        if out is None:
            buf = io.BytesIO()
            self.book.save(buf)
            return buf.getvalue()
        self.book.save(out)
        return None


def template(sheets: Iterable[Sheet], *, notes: str = "", example: dict | None = None) -> bytes:
    writer = Writer(sheets, notes=notes)
    for title, rows in (example or {}).items():
        for values in rows:
            writer.append(title, values)
    writer.add_notes()
    return writer.save()


@dataclass
class Progress:
    """Rows read so far, for the upload page; `report` is called every `every` rows."""

    report: Callable[[str, int], None] | None = None
    every: int = 2000
    rows: int = 0
    phase: str = ""
    _last: int = field(default=0, repr=False)

    def tick(self, n: int = 1) -> None:
        self.rows += n
        if self.report is not None and self.rows - self._last >= self.every:
            self._last = self.rows
            self.report(self.phase, self.rows)

    def set_phase(self, phase: str) -> None:
        self.phase = phase
        if self.report is not None:
            self.report(phase, self.rows)
