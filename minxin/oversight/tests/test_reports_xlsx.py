"""Exports to .xlsx: masked personal data, scoping, the row cap."""

import io

import openpyxl
import pytest

from minxin.exchange import reports as xlsx
from minxin.oversight.tests.conftest import person

pytestmark = pytest.mark.django_db


def cells(content: bytes) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def all_cells(content: bytes) -> list[list]:
    """Every sheet's rows: the case list is the import workbook (信访事项, 信访人, 流转记录, 办理过程, 说明)."""
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]


def flat(rows) -> str:
    return "\n".join("|".join("" if v is None else str(v) for v in r) for r in rows)


def test_case_list_export_shows_only_masked_personal_data(client, city, flow):
    p = person(name="王小明", phone="13912345678")
    case = flow.register(petitioners=[p])
    client.force_login(city.staff["east_registrar"].user)
    resp = client.get("/oversight/export/cases.xlsx")
    assert resp.status_code == 200
    text = flat(all_cells(resp.content))
    assert case.number in text
    assert "王小明" not in text and p["id_number"] not in text and "13912345678" not in text
    petitioner = case.parties.get().petitioner
    assert petitioner.name_masked in text and petitioner.phone_masked in text


def test_case_list_export_respects_scoping_and_filters(client, city, flow):
    east = flow.register(area="east1v")
    west = flow.register(registrar="west_registrar", area="west1v")
    client.force_login(city.staff["west_registrar"].user)
    text = flat(cells(client.get("/oversight/export/cases.xlsx", {"scope": "all"}).content))
    assert west.number in text and east.number not in text
    client.force_login(city.staff["city_leader"].user)
    text = flat(cells(client.get("/oversight/export/cases.xlsx", {"scope": "all", "area": city.areas["east"].code}).content))
    assert east.number in text and west.number not in text


def test_export_over_the_row_cap_says_so_and_stops_at_the_cap(city, flow):
    from minxin.cases.models import Case

    for _ in range(3):
        flow.register()
    content = xlsx.case_list_xlsx(Case.objects.visible_to(city.staff["east_registrar"]), staff=city.staff["east_registrar"], limit=2)
    rows = cells(content)
    assert rows[0][0] == "信访件编号"  # the import template's header: the list can be read back
    assert len(rows) == 1 + 2
    notes = openpyxl.load_workbook(io.BytesIO(content), read_only=True)["说明"]
    assert "共3件，超过导出上限2行" in next(notes.iter_rows(values_only=True))[0]


def test_metric_and_scorecard_tables_export_for_an_analyst(client, city, flow):
    client.force_login(city.staff["city_analyst"].user)
    m = cells(client.get("/oversight/export/metrics.xlsx", {"from": "2026-03-01", "to": "2026-03-31"}).content)
    names = [r[0] for r in m[2:]]
    assert "及时受理率" in names and "满意率" in names
    s = cells(client.get("/oversight/export/scorecards.xlsx", {"from": "2026-03-01", "to": "2026-03-31"}).content)
    assert s[1][:3] == ["名次", "单位代码", "单位"]
    assert {r[1] for r in s[2:]} >= {"G-EAST-HOUSING", "G-EAST-HR"}
    client.force_login(city.staff["east_housing_handler"].user)
    assert client.get("/oversight/export/scorecards.xlsx").status_code == 403


def test_the_case_list_page_links_to_its_export_with_the_current_filters(client, city, flow):
    flow.register()
    client.force_login(city.staff["east_registrar"].user)
    html = client.get("/cases/", {"channel": "visit"}).content.decode()
    assert 'href="/oversight/export/cases.xlsx?channel=visit"' in html
