import re

import pytest
from playwright.sync_api import expect

from minxin.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str, password: str = PASSWORD):
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_staff_member_logs_in_sees_home_and_logs_out(page, city):
    log_in(page, "east_registrar")
    expect(page.get_by_role("heading", name="您好，东城登记员")).to_be_visible()
    expect(page.locator("main")).to_contain_text("东城区信访局")
    expect(page.locator("main")).to_contain_text("示范市东城区")
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页")).to_have_attribute("aria-current", "page")
    # htmx is loaded from our own static files, ready for partial updates.
    page.wait_for_function("typeof window.htmx === 'object' && document.body.getAttribute('hx-headers').includes('X-CSRFToken')")
    page.screenshot(path="/tmp/minxin_home_desktop.png", full_page=True)
    # 我的待办 leads to the list it counts.
    todo = page.get_by_role("region", name="我的待办")
    expect(todo.get_by_role("link", name=re.compile("工作台待办事项"))).to_contain_text("0")
    todo.get_by_role("link", name=re.compile("网上信访待登记")).click()
    expect(page).to_have_url(re.compile(r"/xf/staff/"))
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("status")).to_contain_text("您已安全退出")
    page.goto(f"{page.base_url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))


def test_wrong_password_shows_chinese_error(page, city):
    log_in(page, "east_registrar", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的用户名和密码")
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.screenshot(path="/tmp/minxin_login_error.png", full_page=True)


def test_navigation_is_usable_on_a_phone(page, city):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "city_admin")
    nav = page.get_by_role("navigation", name="主导航")
    for name in ("首页", "系统管理"):
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        # Inside the screen and big enough to tap.
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert box["height"] >= 44
    # Nothing forces sideways scrolling of the whole page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    page.screenshot(path="/tmp/minxin_home_phone.png", full_page=True)
    nav.get_by_role("link", name="系统管理").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
