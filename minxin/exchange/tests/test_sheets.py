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
