"""The streaming reader of import sheets gives the values openpyxl's own reader gives."""

import datetime as dt
import io

import openpyxl

from minxin.core import spreadsheets
from minxin.exchange.sheets import stream_values


def _strip(values) -> tuple:
    values = list(values)
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def test_streamed_values_match_openpyxls_reader_cell_by_cell():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["文本", 1, 2.5, -3, 1e20, True, False, None, "=1+1"])
    ws.append([dt.datetime(2025, 3, 1, 9, 30), dt.date(2024, 2, 29), dt.datetime(2026, 12, 31, 23, 59, 59), "0012"])
    ws["C3"] = "只有第三列"
    ws["AB3"] = 7  # a sparse row reaching past Z
    ws.append([dt.time(8, 15), dt.timedelta(hours=36), 0.1 + 0.2])
    ws["B4"].number_format = "0.00"
    ws.append([])
    ws.append(["末行", dt.datetime(1900, 3, 1)])
    buf = io.BytesIO()
    wb.save(buf)

    expected = [(n, _strip(v)) for n, v in enumerate(
        openpyxl.load_workbook(io.BytesIO(buf.getvalue()), read_only=True, data_only=True).active.iter_rows(values_only=True),
        start=1) if any(x is not None for x in v)]
    book = spreadsheets.open_workbook(io.BytesIO(buf.getvalue()))
    got = [(n, _strip(v)) for n, v in stream_values(book.worksheets[0]) if any(x is not None for x in v)]
    assert got == expected
    assert got[1][1][0] == dt.datetime(2025, 3, 1, 9, 30) and got[2][1][27] == 7


def _both(data: bytes):
    from minxin.exchange.sheets import _lxml_rows, _scan_rows

    ws = spreadsheets.open_workbook(io.BytesIO(data)).worksheets[0]
    return list(_scan_rows(ws)), list(_lxml_rows(ws))


def test_plain_scan_reads_our_exports_exactly_as_lxml_does():
    from minxin.exchange.sheets import Column, Sheet, Writer

    sheet = Sheet("表", (Column("文本"), Column("数"), Column("时间", kind="datetime"), Column("日", kind="date")))
    writer = Writer([sheet])
    tricky = ['a & b < c > d "e" \'f\'', "两行\r\n第二行\r第三", "  前后空格  ", "", '{"outcome": "support"}', "=SUM(A1)",
              "&amp; 字面", "\u00a0不换行空格", "😀"]
    for i, text in enumerate(tricky):
        writer.append("表", [text, i * 1.5, dt.datetime(2025, 3, 1, 9, 30, 15), dt.date(2024, 2, 29)])
    writer.append("表", [None, None, None, None])
    writer.append("表", ["只有文本"])
    scanned, parsed = _both(writer.save())  # the scan must not hand over here: it is the fast path
    assert scanned == parsed
    assert scanned[1][1][0] == 'a & b < c > d "e" \'f\'' and scanned[2][1][0] == "两行\n第二行\n第三"


def test_plain_scan_matches_lxml_on_openpyxls_own_files_or_hands_over():
    from minxin.exchange.sheets import _NotPlain

    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(5):
        ws.append([f"第{i}行 & <甲>", i, 2.5 * i, True, dt.datetime(2025, 3, 1 + i, 9, 30)])
    buf = io.BytesIO()
    wb.save(buf)
    scanned, parsed = _both(buf.getvalue())
    assert scanned == parsed and len(scanned) == 5
    ws["C4"] = "=1+1"  # a formula: the scan cannot read it and hands over; rows already given are not repeated
    buf = io.BytesIO()
    wb.save(buf)
    book = spreadsheets.open_workbook(io.BytesIO(buf.getvalue()))
    try:
        _both(buf.getvalue())[0]
        raise AssertionError("the scan read a formula cell")
    except _NotPlain:
        pass
    got = list(stream_values(book.worksheets[0]))
    assert [n for n, _v in got] == [1, 2, 3, 4, 5]
    assert got[3][1][2] is None and got[4][1][0] == "第4行 & <甲>"


def test_plain_scan_reads_character_references_and_escaped_ampersands_as_an_xml_parser_does():
    import zipfile

    from minxin.exchange.sheets import Column, Sheet, Writer

    writer = Writer([Sheet("表", (Column("文本"),))])
    writer.append("表", ["占位"])
    src = zipfile.ZipFile(io.BytesIO(writer.save()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert "占位".encode() in data
                data = data.replace("占位".encode(), "甲&#13;乙&#x4E2D;&amp;lt;&#38;amp;\r\n丙".encode())
            dst.writestr(info, data)
    scanned, parsed = _both(out.getvalue())
    assert scanned == parsed
    assert scanned[1][1][0] == "甲\r乙中&lt;&amp;\n丙"
