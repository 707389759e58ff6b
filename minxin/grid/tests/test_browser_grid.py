"""A grid worker on a phone (390×844): report a dispute with a photo, see it among their items,
record a visit and mark it solved at the grid. Nothing typed but what a grid worker types.

MINXIN_SCREENSHOTS_DIR (`make screenshots`) saves the README's grid screenshots on the way.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from minxin.grid.demo import _png
from minxin.grid.models import GridReport
from minxin.risk.models import DisputeStatus, RiskEvent
from minxin.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MINXIN_SCREENSHOTS_DIR")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    context.close()


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def fits_the_phone(page):
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_grid_worker_reports_with_a_photo_visits_and_resolves_on_a_phone(city, phone, tmp_path):
    page = phone
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("用户名").fill("grid1_worker")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="网格").click()
    expect(page.get_by_role("heading", name="东一社区第1网格")).to_be_visible()
    fits_the_phone(page)

    page.get_by_role("link", name="上报矛盾纠纷或风险").click()
    page.get_by_label("矛盾纠纷", exact=True).check()
    page.get_by_label("领域").select_option(label="房地产")
    page.get_by_label("涉及人数").fill("2")
    page.get_by_label("涉及人员").fill("3组两户村民")
    page.get_by_label("情况描述").fill("两户村民因宅基地边界争执，已有推搡，需尽快调解")
    expect(page.get_by_label("所在网格")).to_have_value(str(city.areas["grid1"].pk))
    page.get_by_label("具体位置").fill("3组17号门前")
    photo = tmp_path / "现场.png"
    photo.write_bytes(_png(1))
    page.get_by_label("照片").set_input_files(str(photo))
    fits_the_phone(page)
    shot(page, "grid-report.png")
    page.get_by_role("button", name="上报").click()

    expect(page.get_by_role("status")).to_contain_text("已上报，已进入矛盾纠纷排查台账")
    expect(page.locator("#item-summary")).to_have_text("两户村民因宅基地边界争执，已有推搡，需尽快调解")
    # The photo is shown on the item page: it loads (waited for, not sampled once, as it may still be on its way).
    page.wait_for_function("() => { const i = document.querySelector('img.grid-photo'); return !!(i && i.complete && i.naturalWidth > 0); }",
                           timeout=10_000)
    rep = GridReport.objects.get()
    assert rep.entry.source == "grid" and rep.photo and rep.place == "3组17号门前"

    # The item is among the grid worker's items.
    page.get_by_role("link", name="返回").click()
    page.get_by_role("region", name="我负责的事项（1）").get_by_role("link").first.click()

    page.get_by_label("情况").fill("入户走访两户，了解边界争议经过，约定周五现场丈量")
    page.get_by_role("button", name="记录", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已记录")
    expect(page.locator("#steps")).to_contain_text("走访")
    expect(page.locator("#steps")).to_contain_text("约定周五现场丈量")
    fits_the_phone(page)
    shot(page, "grid-item.png")

    page.get_by_label("化解结果").fill("村调委会现场丈量，双方认可界址并签字")
    page.get_by_role("button", name="标记为网格化解").click()
    expect(page.get_by_role("status")).to_contain_text("已标记为网格化解")
    expect(page.locator("#item-status")).to_contain_text("已化解（网格化解）")
    rep.refresh_from_db()
    assert rep.resolved_at is not None and rep.entry.status == DisputeStatus.RESOLVED
    assert set(RiskEvent.objects.filter(entry=rep.entry).values_list("action", flat=True)) >= {"grid_reported", "grid_visit", "grid_resolved"}
    page.get_by_role("link", name="返回").click()
    expect(page.get_by_role("region", name="已化解")).to_contain_text("两户村民因宅基地边界争执")
