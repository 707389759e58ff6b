"""An analyst opens 舆情 from the navigation, narrows the list with a filter (htmx), and opens an item with its matches.

With MINXIN_SCREENSHOTS_DIR set (`make screenshots`), the list and the item page are saved for the README.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from minxin.cases.models import Domain
from minxin.intake.duplicates.index import index_case
from minxin.opinion import services
from minxin.risk import ledger
from minxin.risk.models import RiskLevel
from minxin.testing import PASSWORD, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SHOTS = os.environ.get("MINXIN_SCREENSHOTS_DIR")
LIFT = "东一社区丽发新城小区3号楼电梯自2月起停运，物业公司拒不维修，80多户居民上下楼困难，要求尽快修复电梯。"
POSTS = [
    ("市网络舆情监测中心·微博", "网友爆料：东一社区丽发新城小区3号楼电梯自2月起停运，物业公司拒不维修，80多户居民上下楼困难，老人只能困在家中。", 5200),
    ("市网络舆情监测中心·本地论坛", "东二村村民反映村口垃圾中转站夏季异味严重，希望尽快搬迁或加装除臭设备。", 860),
    ("市网络舆情监测中心·短视频", "西一社区菜市场早高峰占道经营，学生上学路上很不安全。", 1430),
    ("市网络舆情监测中心·新闻客户端", "东城区部分路段夜间施工噪音扰民，网友建议合理安排施工时间。", 310),
]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # the server's clock is moved, the browser's is not


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_analyst_filters_the_list_and_opens_an_item_with_its_matches(page, city):
    with time_machine.travel(START, tick=True):
        case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office", number="QH2026000123")
        case.subject, case.content = "丽发新城小区电梯停运物业不修", LIFT
        case.save(update_fields=["subject", "content"])
        index_case(case)
        ledger.create_entry(actor=city.staff["east_leader"], source="grid", domain=Domain.objects.get(name="房地产"),
                            area=city.areas["east1v"], summary="丽发新城小区业主与物业公司因电梯维修费用分摊产生纠纷",
                            level=RiskLevel.ORANGE, level_reasons="涉及80多户，已有业主到街道聚集", responsible_unit=city.units["east1_office"])
        services.take_in([
            {"source": s, "published_at": f"2026-03-01 {10 + i}:20", "text": t, "heat": h, "link": f"https://feed.example.cn/p/{i}"}
            for i, (s, t, h) in enumerate(POSTS)], actor=city.staff["city_registrar"])

        page.goto(f"{page.base_url}/login/")
        page.get_by_label("用户名").fill("city_analyst")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="舆情").click()
        expect(page.get_by_role("heading", name="舆情信息")).to_be_visible()
        rows = page.locator("#opinion-results tbody tr")
        expect(rows).to_have_count(4)
        expect(rows.filter(has_text="电梯")).to_contain_text(re.compile(r"东一社区\s*（推断）"))
        shot(page, "opinion-list.png")

        page.get_by_label("内容含").fill("电梯")  # htmx re-renders the table alone
        expect(rows).to_have_count(1)
        expect(page).to_have_url(re.compile(r"[?&]q="))  # the filter is in the address (hx-push-url)
        expect(rows.first).to_contain_text("事项 1")
        rows.first.get_by_role("link").click()

        expect(page.get_by_role("heading", name="可能相关的信访事项")).to_be_visible()
        matches = page.locator(".op-match")
        expect(matches.filter(has_text="QH2026000123")).to_contain_text("得分")
        expect(matches.filter(has_text="QH2026000123")).to_contain_text("文字相似度")
        expect(matches.filter(has_text="丽发新城小区业主与物业公司")).to_contain_text("同一区域：东一社区")
        expect(page.locator("dl.facts")).to_contain_text("由地名推断")
        shot(page, "opinion-detail.png")
