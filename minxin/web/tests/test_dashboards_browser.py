"""Each dashboard renders its ECharts chart without JS errors, and clicks drill down to the case list."""

import re

import pytest
from playwright.sync_api import expect

from minxin.core import clock
from minxin.oversight import sweeps
from minxin.oversight.models import DailyRollup
from minxin.testing import PASSWORD, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOARDS = ("volume", "areas", "deadlines", "ratings", "scorecards", "supervision")


@pytest.fixture
def data(city):
    today = clock.today()
    east = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")
    west = make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office")
    for case in (east, west):
        DailyRollup.objects.create(date=today, area=case.area, unit_id_key=case.current_unit_id, channel=case.channel,
                                   category=case.category, received=1)
    sweeps.rebuild_coarse_rollup(today)
    return east, west


def log_in(page, username):
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def open_board(page, board, query=""):
    page.goto(f"{page.base_url}/oversight/dashboards/{board}/{query}")
    expect(page.locator("#dash-chart[data-rendered='1']")).to_be_attached()
    expect(page.locator("#dash-chart svg").first).to_be_attached()


def test_every_dashboard_renders_its_chart_without_errors(page, city, data):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, "city_analyst")
    page.get_by_role("link", name="统计分析").click()
    expect(page.locator("#dash-chart[data-rendered='1'] svg").first).to_be_attached()
    for board in BOARDS:
        open_board(page, board)
    assert errors == []


def test_treemap_click_enters_the_sub_area_then_opens_its_cases(page, city, data):
    east, west = data
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, "city_leader")
    open_board(page, "areas")
    # 东城区 has sub-areas: a click on its tile opens the treemap of 东城区.
    page.locator("#dash-chart svg text", has_text="东城区").first.click()
    expect(page).to_have_url(re.compile(r"area=" + city.areas["east"].code))
    expect(page.locator("#dash-chart[data-rendered='1']")).to_be_attached()
    expect(page.get_by_role("link", name="返回上级：示范市")).to_be_visible()
    # 东一街道 is a leaf at this depth of the table: its count opens the case list of that subtree.
    page.get_by_role("row", name=re.compile("东一街道")).get_by_role("link", name="1").click()
    expect(page).to_have_url(re.compile(r"/cases/\?.*area=" + city.areas["east1"].code))
    expect(page.get_by_text(east.number)).to_be_visible()
    expect(page.get_by_text(west.number)).to_have_count(0)
    expect(page.get_by_text("统计下钻：")).to_be_visible()
    assert errors == []


def test_chart_click_and_table_link_drill_down_to_the_case_list(page, city, data):
    east, west = data
    log_in(page, "city_analyst")
    open_board(page, "volume", "?dim=area")
    # The chart's own click handler, fed the point a click on the 西城区 bar would give.
    page.evaluate("""() => {
        const opt = window.minxinChart.getOption();
        const i = opt.series.findIndex(s => s.name === '西城区');
        const point = opt.series[i].data[opt.series[i].data.length - 1];
        window.minxinChart.trigger('click', {seriesIndex: i, dataIndex: opt.series[i].data.length - 1, data: point});
    }""")
    expect(page).to_have_url(re.compile(r"/cases/\?.*area=" + city.areas["west"].code))
    expect(page.get_by_text(west.number)).to_be_visible()
    expect(page.get_by_text(east.number)).to_have_count(0)
    open_board(page, "scorecards", "?kind=government&level=2")  # 区县级党政机关/职能部门
    page.get_by_role("link", name="东城区住房和城乡建设局").click()
    expect(page).to_have_url(re.compile(r"/cases/\?.*unit=G-EAST-HOUSING"))
    expect(page.get_by_text(east.number)).to_be_visible()
