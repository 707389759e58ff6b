"""The portal in a real browser (Debian chromium): desktop and a 390×844 phone.

(The README's portal screenshots come from the newcomer's walk, minxin/demo/tests/test_browser_walk.py.)
"""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from minxin.cases.services import accept_case, close_case, transfer_case
from minxin.portal import services
from minxin.portal.models import Submission, SubmissionState
from minxin.portal.tests.conftest import PHONE, VALID_ID, png_bytes
from minxin.testing import PASSWORD, START

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _settings(settings):
    # The server's clock may be moved; a session cookie with an Expires date could look expired to the browser.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


@pytest.fixture
def in_march():
    """A running clock in a year whose holiday calendar is known: a rating window opened in December
    runs into a year the State Council has not published yet, and the portal rightly refuses it."""
    with time_machine.travel(START, tick=True):
        yield



def choose_place(page):
    chooser = page.locator("#area-chooser")
    page.get_by_label("区县").select_option(label="东城区")
    expect(chooser).to_contain_text("已选择：示范市东城区")
    page.get_by_label("乡镇街道").select_option(label="东一街道")
    expect(chooser).to_contain_text("已选择：示范市东城区东一街道")
    page.get_by_label("村社区").select_option(label="东一社区")
    expect(page.locator("#area-chooser")).to_contain_text("已选择：示范市东城区东一街道东一社区")


def fill_named(page, sms, tmp_path, *, category="^建议意见"):
    page.get_by_role("radio", name=re.compile(category)).check()
    page.get_by_label("标题").fill("建议在东一社区增设公交站")
    page.get_by_label("事实和经过").fill("东一社区居民三千余人，最近的公交站在1.5公里外。")
    page.get_by_label("请求事项").fill("在社区北门增设一个公交站。")
    choose_place(page)
    page.get_by_label("姓名", exact=True).fill("李四")
    page.get_by_label("身份证号码", exact=True).fill(VALID_ID)
    page.get_by_label("住址", exact=True).fill("东一社区8号楼")
    page.get_by_label("手机号码", exact=True).fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#code-status")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码", exact=True).fill(sms.last_code(PHONE))
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes())
    page.get_by_label("附件（可选）").set_input_files(str(photo))


def follow(page, sms, code, phone=PHONE):
    page.goto(f"{page.base_url}/xf/follow/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_role("button", name="获取验证码并查询").click()
    page.get_by_label("短信验证码").fill(sms.last_code(phone))
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.get_by_role("heading", name="办理进度", exact=True)).to_be_visible()


def test_person_submits_staff_register_and_transfer_person_follows_and_rates(in_march, page, browser, city, sms, tmp_path):
    page.goto(f"{page.base_url}/xf/")
    expect(page.get_by_role("heading", name="网上信访须知")).to_be_visible()
    expect(page.locator("main")).to_contain_text("第三十一条")
    page.get_by_role("link", name="我要反映").first.click()
    fill_named(page, sms, tmp_path)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    code = page.locator("#query-code").inner_text().strip()
    sub = Submission.objects.get(code=code)
    assert sub.attachments.count() == 1 and sub.name == "李四"

    # A registrar of 东城区信访局 registers it from the queue and hands it on.
    staff_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    staff.goto(f"{page.base_url}/login/")
    staff.get_by_label("用户名").fill("east_registrar")
    staff.get_by_label("密码").fill(PASSWORD)
    staff.get_by_role("button", name="登录").click()
    staff.get_by_role("navigation", name="主导航").get_by_role("link", name="网上信访").click()
    staff.get_by_role("link", name="建议在东一社区增设公交站").click()
    expect(staff.locator("main")).to_contain_text("李*")
    staff.get_by_role("button", name="登记", exact=True).click()
    expect(staff).to_have_url(re.compile(r"/cases/\d+/$"))
    staff_ctx.close()
    sub.refresh_from_db()
    assert sub.state == SubmissionState.REGISTERED and sub.case.channel == "online"
    case = transfer_case(sub.case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    accept_case(case, actor=city.staff["east_housing_handler"])
    close_case(case, actor=city.staff["east_housing_handler"], result="已采纳，明年在北门增设公交站")

    # The person follows with the same code and the verified phone, and rates.
    follow(page, sms, code)
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("东城区信访局已登记")
    expect(timeline).to_contain_text("已转交东城区住房和城乡建设局办理")
    expect(timeline).to_contain_text("事项已办结")
    expect(page.locator("main")).not_to_contain_text("东城登记员")
    expect(page.locator("#status")).to_have_text("已办结")

    stale = page.context.new_page()  # a second tab still showing the rating form
    stale.goto(f"{page.base_url}/xf/follow/progress/")
    unit_form = page.locator("form.rating-form").filter(has_text="对责任单位的评价")
    unit_form.get_by_label("满意", exact=True).check()
    unit_form.get_by_label("意见（可选）").fill("办得快")
    unit_form.get_by_role("button", name="提交对责任单位的评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    expect(page.locator("main")).to_contain_text("责任单位（东城区住房和城乡建设局）：已评价")
    bureau_form = page.locator("form.rating-form").filter(has_text="对信访部门的评价")
    bureau_form.get_by_label("基本满意").check()
    bureau_form.get_by_role("button", name="提交对信访部门的评价").click()
    expect(page.locator("main")).to_contain_text("信访部门（东城区信访局）：已评价")

    again = stale.locator("form.rating-form").filter(has_text="对责任单位的评价")
    again.get_by_label("不满意").check()
    again.get_by_role("button", name="提交对责任单位的评价").click()
    expect(stale.get_by_role("alert")).to_contain_text("已对责任单位作出评价，每件事项只能评价一次")
    from minxin.oversight.models import Rating

    assert dict(Rating.objects.filter(case=case).values_list("target", "score")) == {"unit": "satisfied", "bureau": "basically"}
    texts = sms.texts_to(PHONE)
    assert any("已转交东城区住房和城乡建设局办理" in t for t in texts) and any("欢迎您对事项" in t for t in texts)


def test_rating_after_the_window_is_refused_with_a_clear_message(page, city, sms):
    start = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(start, tick=True):
        services.send_code(PHONE, purpose="submit", ip="10.0.0.5")
        sub = services.submit(services.SubmissionInput(
            category="suggestion", subject="路灯不亮", content="东一社区路灯不亮", request="修复路灯", area=city.areas["east1v"],
            name="李四", id_number=VALID_ID, address="东一社区", phone=PHONE, sms_code=sms.last_code(PHONE)), ip="10.0.0.5")
        case = services.register_submission(sub, actor=city.staff["east_registrar"])
        transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
        accept_case(case, actor=city.staff["east_housing_handler"])
        close_case(case, actor=city.staff["east_housing_handler"], result="已修复")
    with time_machine.travel(start + dt.timedelta(days=45), tick=True):
        follow(page, sms, sub.code)
        form = page.locator("form.rating-form").filter(has_text="对信访部门的评价")
        form.get_by_label("满意", exact=True).check()
        form.get_by_role("button", name="提交对信访部门的评价").click()
        expect(page.get_by_role("alert")).to_contain_text("评价期限已于2026-04-01届满，不能再评价")


def test_phone_sized_anonymous_report_and_follow_by_code(in_march, page, city):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/xf/submit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("radio", name=re.compile("^检举控告")).check()
    page.get_by_label("标题").fill("反映某单位违规收费")
    page.get_by_label("事实和经过").fill("某单位办理证件时收取不合理费用，未出具票据。")
    page.get_by_label("请求事项").fill("请依法查处")
    choose_place(page)
    page.get_by_label("匿名检举控告").check()
    submit = page.get_by_role("button", name="提交", exact=True)
    box = submit.bounding_box()
    assert box["width"] <= 390 and box["height"] >= 44
    submit.click()
    code = page.locator("#query-code").inner_text().strip()
    assert Submission.objects.get(code=code).is_anonymous
    page.goto(f"{page.base_url}/xf/follow/")
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="获取验证码并查询").click()
    expect(page.locator("#timeline")).to_contain_text("您已在网上提交，等待信访部门登记")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_half_filled_form_keeps_everything_in_the_browser(in_march, page, city):
    page.goto(f"{page.base_url}/xf/submit/")
    page.get_by_role("radio", name=re.compile("^申诉求决")).check()
    page.get_by_label("标题").fill("工资被拖欠")
    page.get_by_label("事实和经过").fill("某公司拖欠三个月工资")
    page.get_by_label("身份证号码", exact=True).fill(VALID_ID[:-1] + "3")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("提交未成功")
    expect(page.get_by_label("标题")).to_have_value("工资被拖欠")
    expect(page.get_by_label("事实和经过")).to_have_value("某公司拖欠三个月工资")
    expect(page.get_by_role("radio", name=re.compile("^申诉求决"))).to_be_checked()
    expect(page.locator("main")).to_contain_text("身份证号码校验位不正确")
    assert not Submission.objects.exists()
