"""A 稳评 in a real browser: register a decision, find the nearby petitions, conclude (a refused
conclusion first), approve as another leader, record the follow-up and see the chart.

With MINXIN_SCREENSHOTS_DIR set (`make screenshots`) it saves docs/screenshots/stability-assessment.png.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from minxin.cases.models import Domain
from minxin.core import clock
from minxin.risk import alerts, ledger
from minxin.risk.models import AlertKind, RiskLevel
from minxin.risk.tests.factories import bulk_cases
from minxin.web.tests.test_browser_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MINXIN_SCREENSHOTS_DIR")


def _history(city):
    """Thirty weeks of 房地产 petitions in 东一社区, more after the decision and a surge, an entry and an alert."""
    today = clock.today()
    decided = today - dt.timedelta(days=today.weekday(), weeks=8)
    surge = decided + dt.timedelta(weeks=4)
    for k in range(-30, 8):
        monday = decided + dt.timedelta(weeks=k)
        n = 1 + (k % 2) if k < 0 else 3 + (k % 2)
        bulk_cases(city, area="east1v", per_day={monday + dt.timedelta(days=1): n}, subject="幸福里小区拆迁补偿标准过低",
                   content="幸福里小区拆迁补偿标准过低，要求提高拆迁补偿")
        if k % 3 == 0:
            bulk_cases(city, area="grid1", per_day={monday + dt.timedelta(days=2): 1}, subject="锦绣花园物业费上涨",
                       content="锦绣花园物业公司擅自上涨物业费")
    bulk_cases(city, area="east1v", per_day={surge + dt.timedelta(days=2): 12}, subject="幸福里小区拆迁过渡费未按时发放",
               content="拆迁过渡安置费已拖欠两个月，住户要求按时发放")
    ledger.create_entry(actor=city.staff["east_leader"], source="grid", domain=Domain.objects.get(name="房地产"), area=city.areas["east1v"],
                        summary="幸福里小区拆迁补偿标准过低，住户要求提高拆迁补偿", level=RiskLevel.ORANGE, level_reasons="多人联名",
                        responsible_unit=city.units["east_housing"], people_count=30, screened_on=today - dt.timedelta(days=70))
    alerts.raise_alert(dedupe_key="browser:surge", kind=AlertKind.STATISTICAL, level=RiskLevel.RED, title="东城区房地产信访量异常升高",
                       area=city.areas["east"], domain=Domain.objects.get(name="房地产"), period_start=surge, observed=14, expected=2.5)
    return decided


@pytest.fixture(autouse=True)
def _patient():
    # The follow-up runs the warning detector over the area's history: seconds on a loaded machine.
    expect.set_options(timeout=60000)
    yield
    expect.set_options(timeout=5000)


def settled(page):
    """Both fragments have arrived, so the test never posts while a fragment is still being computed."""
    expect(page.locator("#nearby-matters")).to_be_visible()
    if page.locator("#follow-up").count():
        expect(page.locator("#follow-chart svg")).to_be_visible()


def test_a_leader_registers_and_concludes_an_assessment_and_another_approves_it(page, city):
    page.set_default_timeout(60000)
    decided = _history(city)
    # The text clustering's first call loads jieba's dictionary (seconds on a busy machine): not part of the page.
    from minxin.risk.hotspots import Message, find_hotspots
    find_hotspots([Message(id=i, text=t, at=decided) for i, t in enumerate(("拆迁补偿", "物业收费"))], min_size=1)
    log_in(page, "east_leader")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="决策稳评").click()
    page.get_by_role("link", name="登记决策事项").click()
    page.get_by_label("决策事项名称").fill("幸福里片区旧城改造房屋征收项目")
    page.get_by_label("类别").select_option(label="拆迁/房屋征收")
    page.get_by_label("涉及区域").select_option(label="东一街道")
    page.get_by_label("领域").select_option(label="房地产")
    page.get_by_label("评估责任单位").select_option(label="东城区住房和城乡建设局")
    page.get_by_label("拟决策日期").fill(decided.isoformat())
    page.get_by_label("决策内容").fill("征收幸福里片区老旧住房约320户，货币补偿与产权调换相结合")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("status")).to_contain_text("已登记决策事项")
    # The petitions and ledger entries nearby are found by area and domain, grouped with counts.
    matters = page.locator("#nearby-matters")
    expect(matters).to_contain_text("幸福里小区拆迁补偿标准过低")
    expect(page.locator("#nearby")).to_contain_text("矛盾纠纷台账")

    page.get_by_role("button", name="开始评估").click()
    expect(page.get_by_role("status")).to_contain_text("已开始评估")
    settled(page)
    page.get_by_label("利益相关群体及人数").fill("被征收户：320\n片区商户：45")
    page.get_by_label("调查论证情况").fill("入户走访280户，召开座谈会3次")
    page.get_by_label("风险等级").select_option(label="红")
    page.get_by_label("定级理由").fill("片区近半年拆迁补偿信访集中，曾有集体访")
    page.get_by_label("风险防范化解措施").fill("公开补偿测算依据，包户干部逐户沟通，设立政策咨询点")
    page.get_by_label("评估结论").select_option(label="可实施")
    page.get_by_role("button", name="提出评估结论").click()
    expect(page.locator(".form__errors")).to_contain_text("红风险不能作出“可实施”的结论")
    settled(page)
    expect(page.get_by_label("定级理由")).to_have_value("片区近半年拆迁补偿信访集中，曾有集体访")
    page.get_by_label("风险等级").select_option(label="橙")
    page.get_by_label("评估结论").select_option(label="落实化解措施后实施")
    page.get_by_role("button", name="提出评估结论").click()
    expect(page.get_by_role("status")).to_contain_text("已提出评估结论，待领导审定")
    settled(page)
    url = page.url
    expect(page.get_by_role("button", name="审定通过")).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, "city_leader")
    page.goto(url)
    settled(page)
    page.get_by_label("审定意见").fill("同意，措施落实到位后实施")
    page.get_by_role("button", name="审定通过").click()
    expect(page.get_by_role("status")).to_contain_text("已审定评估结论")
    # After the decision: the weekly series with the decision marked, the verdict and the warning alert.
    panel = page.locator("#follow-up")
    expect(panel).to_contain_text("明显上升")
    expect(panel).to_contain_text("东城区房地产信访量异常升高")
    settled(page)
    page.get_by_label("跟踪意见").fill("决策后拆迁过渡费信访明显上升，已督促征收办按时发放")
    page.get_by_role("button", name="记录跟踪结果").click()
    expect(page.get_by_role("status")).to_contain_text("已记录决策后跟踪")
    expect(panel.locator("table")).to_contain_text("已督促征收办按时发放")
    expect(page.locator("#follow-chart svg")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/stability/\d+/$"))
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(500)  # the chart's entry animation
        page.screenshot(path=str(Path(SHOTS) / "stability-assessment.png"), full_page=True)
