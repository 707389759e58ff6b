import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook
from playwright.sync_api import expect

from minxin.risk import alerts, ledger
from minxin.exchange.ledger import COLUMNS
from minxin.risk.models import AlertKind, AlertState, DisputeEntry, RiskLevel
from minxin.risk.tests.factories import TZ, bulk_cases, domain
from minxin.testing import PASSWORD

NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def add_entry(city, area="grid1", actor="east_leader", summary="延期交房纠纷"):
    return ledger.create_entry(actor=city.staff[actor], source="grid", domain=domain("房地产"), area=city.areas[area], summary=summary,
                               level=RiskLevel.ORANGE, level_reasons="业主聚集", responsible_unit=city.units["east_housing"])


def test_overview_shows_the_treemap_data_for_the_callers_area(city, client):
    add_entry(city)
    add_entry(city, area="west1v", actor="city_leader", summary="西城纠纷")
    html = login(client, "east_leader").get("/risk/").content.decode()
    assert "风险总览" in html and "risk-treemap-data" in html and "东一街道" in html and "西一街道" not in html


def test_ledger_page_imports_all_or_nothing_and_lists_errors(city, client):
    wb = Workbook()
    wb.active.append(COLUMNS)
    wb.active.append([1, "2026-04-01", "320902001001001", "房地产", "纠纷", 3, 1, "红", "B-EAST", "", "", "在办"])
    wb.active.append([2, "2026-04-01", "320902001001001", "不存在的领域", "纠纷", 3, 1, "红", "B-EAST", "", "", "在办"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "t.xlsx"
    c = login(client, "east_leader")
    html = c.post("/risk/ledger/import/", {"file": buf}, follow=True).content.decode()
    assert "第3行“领域”" in html and not DisputeEntry.objects.exists()
    assert c.get("/risk/ledger/export/")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_alert_page_acknowledges_and_closes(city, client):
    a, _ = alerts.raise_alert(dedupe_key="p", kind=AlertKind.STATISTICAL, level=RiskLevel.RED, title="东城区房地产信访量异常升高",
                              area=city.areas["east"], observed=25, expected=3, upper=9,
                              chart={"dates": ["2026-03-30"], "counts": [25], "expected": 3, "upper": 9})
    c = login(client, "east_leader")
    assert "东城区房地产信访量异常升高" in c.get("/risk/alerts/").content.decode()
    assert "alert-chart-data" in c.get(f"/risk/alerts/{a.pk}/").content.decode()
    c.post(f"/risk/alerts/{a.pk}/ack/", {"note": ""})
    html = c.post(f"/risk/alerts/{a.pk}/close/", {"note": ""}, follow=True).content.decode()
    assert "关闭预警须写明处置情况" in html
    c.post(f"/risk/alerts/{a.pk}/close/", {"note": "已处置"})
    a.refresh_from_db()
    assert a.state == AlertState.CLOSED


def test_sibling_county_cannot_open_the_alert_page(city, client):
    a, _ = alerts.raise_alert(dedupe_key="q", kind=AlertKind.MANUAL, level=RiskLevel.RED, title="东城区", area=city.areas["east"])
    html = login(client, "west_registrar").get(f"/risk/alerts/{a.pk}/", follow=True).content.decode()
    assert "未找到" in html


def test_hotspots_page_lists_recent_topics(city, client):
    bulk_cases(city, area="grid1", per_day={dt.date(2026, 4, 5): 5}, subject="讨薪", content="工地拖欠农民工工资三个月")
    html = login(client, "east_leader").get("/risk/hotspots/").content.decode()
    assert "热点问题" in html and "<td>5</td>" in html
    assert "<strong>讨薪</strong>" in html  # titled by its subject
    assert 'data-chart="trend"' in html and 'id="topic-trend-1"' in html  # the weekly trend's data for ECharts


def test_treemap_renders_in_the_browser(city, page):
    add_entry(city)
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "east_leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(page.base_url + "/risk/")
    # Drawn as SVG, each area named on its band above its domains.
    page.wait_for_selector("#risk-treemap svg")
    area = page.locator("main table tbody tr").first.locator("td").first.inner_text()
    expect(page.locator("#risk-treemap svg text", has_text=area).first).to_be_visible()


def test_round_pages_open_a_weekly_round_and_record_a_reassessment(city, client):
    e = add_entry(city)
    c = login(client, "east_leader")
    r = c.post("/risk/rounds/", {"cadence": "weekly"})
    html = c.get(r["Location"]).content.decode()
    assert "已评估 0 / 1" in html
    html = c.post(r["Location"], {"entry": e.pk, "new_level": "red", "note": ""}, follow=True).content.decode()
    assert "请填写评估意见" in html
    html = c.post(r["Location"], {"entry": e.pk, "new_level": "red", "note": "业主已聚集"}, follow=True).content.decode()
    assert "已评估 1 / 1" in html
