"""The newcomer's walk, in a real browser, on a freshly built (small) demo city.

What a person trying minxin for the first time does after `make run`, with the demo's own
accounts and nothing typed but what a user types:

- a citizen submits 申诉求决 on the portal; the SMS verification code is read where a developer
  reads it, the development outbox page (/dev/outbox/), after the job worker delivered it;
- the 禾城区 registrar registers the submission and 转送s it to 禾城区住房和城乡建设局, which
  accepts it, issues its 处理意见书 and records its delivery;
- the citizen follows with the 查询码 she was given, rates, and asks for 复查 online; the
  registrar records the request, the city department (市住建局, city level) decides the 复查;
  the citizen asks for 复核, decided by the province above the city;
- a petitioner registered at the desk and 交办ed to a street office follows his case on the
  portal with the 查询码 printed on his 受理告知书, and takes it through 复查 (禾城区信访局) to a
  复核 decided by the city 信访局;
- the city leader, through the second factor, opens every dashboard and every risk page, and
  each shows data.

MINXIN_SCREENSHOTS_DIR=docs/screenshots (`make screenshots`) saves the README's screenshots on the way
(every PNG in docs/screenshots comes from here, except the 舆情 pages: minxin/opinion/tests/test_browser.py;
MINXIN_WALK_CASES sets the demo's size).
"""

import datetime as dt
import io
import os
import re
from pathlib import Path

import docx
import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from minxin.cases.models import Case, CaseState
from minxin.cases.tests.conftest import valid_id
from minxin.demo.build import build_demo
from minxin.demo.city import DEMO_PASSWORD, SMALL_CITY
from minxin.org.models import Area, AreaLevel
from minxin.web.tests.browser import act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MINXIN_SCREENSHOTS_DIR")
# A Wednesday morning in a year whose holiday schedule is published, so every date is final.
NOW = dt.datetime(2026, 6, 17, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# Enough for every page to have data and quick to build; `make screenshots` builds a fuller year.
CASES = int(os.environ.get("MINXIN_WALK_CASES", "150"))
CITIZEN_PHONE = "17012345678"
DESK_PHONE = "17198765432"
SUBJECT = "小区地下车库长期积水无人处理"


@pytest.fixture(autouse=True)
def _development(settings):
    # What `make run` runs with: MINXIN_DEBUG=1, so SMS go to the development outbox and the
    # second-factor page shows the current code; the second factor is enforced as in production.
    settings.DEBUG = True
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.OutboxBackend"
    settings.MINXIN_TWO_FACTOR_ENFORCED = True
    # The server's clock is moved; a session cookie with an Expires date could look expired to the browser.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


@pytest.fixture
def demo():
    with time_machine.travel(NOW, tick=True):
        build_demo(seed=1, cases=CASES, end_date=NOW.date(), batch_size=500, size=SMALL_CITY, work_year=True)
        # The worker's first round after `make run`: the notices the worked year queued. (SQLite's
        # shared in-memory test database fails a reader while the other thread writes, so this
        # happens before the browser starts, not in the middle of a page load.)
        run_worker()
        yield


def shot(page, name, *, full_page=False, element=None):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    if element is not None:
        element.screenshot(path=str(Path(SHOTS) / name))
        return
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(Path(SHOTS) / name), full_page=full_page)


def run_worker():
    """What the `[worker]` process of `make run` does: run every queued job (SMS deliveries among them)."""
    call_command("worker", "--batch", "--interval", "0")


def code_from_outbox(page, phone, *, shoot=False):
    """The newest verification code sent to `phone`, read on the development outbox page."""
    run_worker()
    outbox = page.context.new_page()
    outbox.goto(f"{page.base_url}/dev/outbox/")
    masked = f"{phone[:3]}****{phone[-4:]}"
    row = outbox.locator("tbody tr").filter(has_text=masked).filter(has_text="验证码").first
    expect(row).to_be_visible()
    if shoot:  # the messages only: the page's text names the test's temporary outbox file
        shot(outbox, "dev-outbox.png", element=outbox.locator("main table"))
    code = re.search(r"验证码为(\d{6})", row.inner_text()).group(1)
    outbox.close()
    return code


def new_page(browser, base_url, **kw):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=kw.pop("viewport", {"width": 1280, "height": 900}), **kw)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.base_url = base_url
    return page


def sign_in(page, username):
    """The login page, then the 动态口令 page for leaders (its development hint gives the code)."""
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    logout = page.get_by_role("button", name="退出")
    hint = page.get_by_test_id("dev-totp")
    expect(logout.or_(hint).first).to_be_visible()
    if hint.is_visible():
        code = re.search(r"(\d{6})", hint.inner_text()).group(1)
        page.get_by_label("6位动态口令").fill(code)
        page.locator("main form button[type=submit]").click()
        expect(hint).to_have_count(0)  # past the second factor (a code is accepted once only)
    expect(logout).to_be_visible()


def state_is(page, state):
    expect(page.get_by_test_id("case-state")).to_have_text(str(CaseState(state).label))


def follow(page, code, phone, *, shoot=False):
    page.goto(f"{page.base_url}/xf/follow/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_role("button", name="获取验证码并查询").click()
    page.get_by_label("短信验证码").fill(code_from_outbox(page, phone, shoot=shoot))
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.get_by_role("heading", name="办理进度", exact=True)).to_be_visible()


def decision(form, *, delivered=True):
    form.get_by_label("结论").select_option(label="维持")
    form.get_by_label("事实和理由").fill("经查，原处理意见认定事实清楚，处理适当")
    form.get_by_label("意见", exact=True).fill("维持原处理意见")
    form.get_by_label("法律法规依据").fill("《信访工作条例》第三十五条")
    if delivered:
        form.get_by_label("送达日期").fill(NOW.date().isoformat())


def docx_text(page, title):
    link = page.get_by_role("link", name=re.compile("^" + re.escape(title) + "（"))
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as fh:
        document = docx.Document(io.BytesIO(fh.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def appeal_online(page, label, reason):
    page.get_by_label("请求事项和理由").fill(reason)
    page.get_by_role("button", name=f"申请{label}").click()
    expect(page.locator("main")).to_contain_text(f"您的{label}申请已提交，等待登记")


def record_appeal(staff, number):
    staff.get_by_role("navigation", name="主导航").get_by_role("link", name="网上信访").click()
    item = staff.locator("li").filter(has_text=number)
    item.get_by_role("button", name="登记申请").click()


def test_a_newcomer_walks_the_demo_from_portal_to_final_and_the_leader_sees_every_page_full(demo, browser, live_server):
    county = Area.objects.get(name="禾城区")
    town = Area.objects.get(parent=county, name="秀文岗街道")
    village = Area.objects.filter(parent=town, level=AreaLevel.VILLAGE).order_by("code").first()

    # 1. A citizen submits 申诉求决 on the portal; the code comes through the outbox.
    citizen = new_page(browser, live_server.url)
    citizen.goto(f"{citizen.base_url}/xf/")
    expect(citizen.get_by_role("heading", name="网上信访须知")).to_be_visible()
    citizen.get_by_role("link", name="我要反映").first.click()
    citizen.get_by_role("radio", name=re.compile("^申诉求决")).check()
    citizen.get_by_label("标题").fill(SUBJECT)
    citizen.get_by_label("事实和经过").fill("小区地下车库自四月起每逢下雨即积水，物业和开发商互相推诿，至今无人处理。")
    citizen.get_by_label("请求事项").fill("责成有关单位查明原因并修复排水设施。")
    chooser = citizen.locator("#area-chooser")
    citizen.get_by_label("区县").select_option(label=county.name)
    expect(chooser).to_contain_text(f"已选择：{county.full_name}")
    citizen.get_by_label("乡镇街道").select_option(label=town.name)
    expect(chooser).to_contain_text(f"已选择：{town.full_name}")
    citizen.get_by_label("村社区").select_option(label=village.name)
    expect(chooser).to_contain_text(f"已选择：{village.full_name}")
    citizen.get_by_label("姓名", exact=True).fill("林晓雯")
    citizen.get_by_label("身份证号码", exact=True).fill(valid_id())
    citizen.get_by_label("住址", exact=True).fill(f"{village.name}5号楼")
    citizen.get_by_label("手机号码", exact=True).fill(CITIZEN_PHONE)
    citizen.get_by_role("button", name="获取验证码").click()
    expect(citizen.locator("#code-status")).to_contain_text("验证码已发送")
    citizen.get_by_label("短信验证码", exact=True).fill(code_from_outbox(citizen, CITIZEN_PHONE))
    shot(citizen, "portal.png")
    citizen.get_by_role("button", name="提交", exact=True).click()
    expect(citizen.get_by_role("heading", name="提交成功")).to_be_visible()
    query_code = citizen.locator("#query-code").inner_text().strip()
    follow(citizen, query_code, CITIZEN_PHONE)
    expect(citizen.locator("#timeline")).to_contain_text("等待信访部门登记")

    # 2. The 禾城区 registrar registers it from the portal queue and 转送s it.
    staff = new_page(browser, live_server.url)
    sign_in(staff, "county1_registrar")
    staff.get_by_role("navigation", name="主导航").get_by_role("link", name="网上信访").click()
    staff.get_by_role("link", name=SUBJECT).click()
    staff.get_by_role("button", name="登记", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已登记")
    state_is(staff, CaseState.REGISTERED)
    expect(staff.get_by_test_id("query-code")).to_have_text(query_code)
    case_url = staff.url
    case = Case.objects.get(query_code=query_code)

    act(staff, "transfer", "转送", lambda f: f.get_by_label("转送至").select_option(label="禾城区住房和城乡建设局"))
    state_is(staff, CaseState.TRANSFERRED)

    # 3. The unit accepts, handles and reports: 处理意见书, then its delivery.
    sign_in(staff, "county1_housing_handler")
    staff.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台").click()
    staff.get_by_role("link", name=case.number).click()
    act(staff, "accept", "受理", lambda f: f.get_by_label("分类处理途径").select_option("opinion"))
    state_is(staff, CaseState.ACCEPTED)

    def opinion(form):
        form.get_by_label("处理结论").select_option(label="不予支持")
        form.get_by_label("事实和理由").fill("经现场核查，积水系小区排水管网堵塞所致，属物业维修责任")
        form.get_by_label("处理意见").fill("责成物业服务企业于30日内疏通排水管网，诉求中要求政府出资部分不予支持")
        form.get_by_label("法律法规依据").fill("《物业管理条例》第三十五条")
    act(staff, "issue_opinion", "出具处理意见书", opinion)
    act(staff, "record_delivery", "登记送达", lambda f: f.get_by_label("送达日期").fill(NOW.date().isoformat()))
    expect(staff.locator(".timeline")).to_contain_text(f"书面答复于{NOW.year}年{NOW.month}月{NOW.day}日送达")
    shot(staff, "case-timeline.png", full_page=True)

    # 4. The citizen follows with her 查询码, rates and asks for 复查 online.
    follow(citizen, query_code, CITIZEN_PHONE, shoot=True)
    timeline = citizen.locator("#timeline")
    expect(timeline).to_contain_text("禾城区信访局已登记")
    expect(timeline).to_contain_text("禾城区住房和城乡建设局")
    expect(citizen.locator("main")).to_contain_text("信访事项处理意见书")
    for target in ("责任单位", "信访部门"):
        form = citizen.locator("form.rating-form").filter(has_text=f"对{target}的评价")
        form.get_by_label("不满意").check()
        form.get_by_role("button", name=f"提交对{target}的评价").click()
        expect(citizen.locator("main")).to_contain_text(re.compile(f"{target}（[^）]+）：已评价"))
    appeal_online(citizen, "复查", "物业已多次推诿，要求主管部门直接督促修复")
    shot(citizen, "portal-progress.png", full_page=True)

    # 5. 复查: recorded by the registrar, decided by the city department (city level).
    sign_in(staff, "county1_registrar")
    record_appeal(staff, case.number)
    staff.goto(case_url)
    state_is(staff, CaseState.REVIEW_REQUESTED)
    expect(staff.locator("main")).to_contain_text("青禾市住房和城乡建设局")
    sign_in(staff, "city_housing_leader")
    staff.goto(case_url)
    act(staff, "decide_review", "出具复查意见", decision)
    state_is(staff, CaseState.REVIEW_DECIDED)
    assert "维持原处理意见" in docx_text(staff, "信访事项复查意见书")

    # 6. 复核: asked online, recorded, decided by the province above the city.
    follow(citizen, query_code, CITIZEN_PHONE)
    expect(citizen.locator("#timeline")).to_contain_text("复查")
    appeal_online(citizen, "复核", "对复查意见仍不服")
    sign_in(staff, "county1_registrar")
    record_appeal(staff, case.number)
    staff.goto(case_url)
    state_is(staff, CaseState.RECHECK_REQUESTED)
    expect(staff.locator("main")).to_contain_text("禾川省住房和城乡建设厅")
    sign_in(staff, "province_housing_leader")
    staff.goto(case_url)
    act(staff, "decide_recheck", "出具复核意见", lambda f: decision(f, delivered=False))
    state_is(staff, CaseState.FINAL)
    follow(citizen, query_code, CITIZEN_PHONE)
    expect(citizen.locator("#status")).to_have_text(str(CaseState.FINAL.label))

    # 7. A desk petitioner: registered at the 来访 desk, 交办ed to his street office, accepted;
    #    he follows on his phone with the 查询码 printed on his 受理告知书.
    sign_in(staff, "county1_registrar")
    staff.get_by_role("navigation", name="主导航").get_by_role("link", name="登记").click()
    staff.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    staff.locator("#id_channel").select_option("visit")
    staff.locator("#id_category").select_option("complaint")
    with staff.expect_response(lambda r: "/cases/register/areas/" in r.url):
        staff.get_by_label("乡镇街道").select_option(label=town.name)
    with staff.expect_response(lambda r: "/cases/register/areas/" in r.url):
        staff.get_by_label("村社区").select_option(label=village.name)
    expect(staff.get_by_test_id("area-chosen")).to_have_text(village.full_name)
    staff.locator("#id_subject").fill("小区路灯损坏半年未修")
    staff.locator("#id_content").fill("小区东门至菜市场一段路灯损坏半年，夜间出行不便。")
    staff.locator("#id_request").fill("尽快修复路灯")
    staff.locator("#id_facts").fill("路灯自去年冬天起不亮")
    staff.locator("#id_reasons").fill("老人夜间出行有安全隐患")
    staff.locator("#id_p-0-name").fill("赵建国")
    staff.locator("#id_p-0-id_number").fill(valid_id())
    staff.locator("#id_p-0-phone").fill(DESK_PHONE)
    staff.locator("#id_p-0-address").fill(f"{village.name}12号")
    staff.get_by_role("button", name="登记", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已登记，信访件编号")
    desk_url = staff.url
    desk = Case.objects.get(subject="小区路灯损坏半年未修")

    def assign(form):
        form.get_by_label("交办至").select_option(label="秀文岗街道办事处")
        form.get_by_label("办理期限（日）").fill("30")
    act(staff, "assign", "交办", assign)
    sign_in(staff, "county1_town01_handler")
    staff.goto(desk_url)
    act(staff, "accept", "受理", lambda f: f.get_by_label("分类处理途径").select_option("opinion"))
    letter = docx_text(staff, "信访事项受理告知书")
    printed = re.search(r"查询码为(\w+)", letter).group(1)
    assert printed == desk.query_code

    phone = new_page(browser, live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    follow(phone, printed, DESK_PHONE)
    expect(phone.locator("#timeline")).to_contain_text("秀文岗街道办事处")
    expect(phone.locator("#status")).to_have_text(str(CaseState.ACCEPTED.label))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "portal-mobile.png")

    # The street office answers; he asks for 复查 (decided by the 禾城区信访局) and then 复核, which the
    # city 信访局 decides: a 复核 at city level.
    def town_opinion(form):
        form.get_by_label("处理结论").select_option(label="予以支持")
        form.get_by_label("事实和理由").fill("经核实，路灯线路老化损坏属实")
        form.get_by_label("处理意见").fill("由街道办事处于15日内更换线路并修复路灯")
        form.get_by_label("法律法规依据").fill("《信访工作条例》第三十二条")
        form.get_by_label("送达日期").fill(NOW.date().isoformat())
    act(staff, "issue_opinion", "出具处理意见书", town_opinion)
    follow(phone, printed, DESK_PHONE)
    appeal_online(phone, "复查", "要求同时更换小区内其他损坏路灯")
    sign_in(staff, "county1_registrar")
    record_appeal(staff, desk.number)
    staff.goto(desk_url)
    state_is(staff, CaseState.REVIEW_REQUESTED)
    sign_in(staff, "county1_leader")
    staff.goto(desk_url)
    act(staff, "decide_review", "出具复查意见", decision)
    follow(phone, printed, DESK_PHONE)
    appeal_online(phone, "复核", "对复查意见不服")
    sign_in(staff, "county1_registrar")
    record_appeal(staff, desk.number)
    staff.goto(desk_url)
    state_is(staff, CaseState.RECHECK_REQUESTED)
    expect(staff.locator("main")).to_contain_text("青禾市信访局")
    sign_in(staff, "city_leader")
    staff.goto(desk_url)
    act(staff, "decide_recheck", "出具复核意见", lambda f: decision(f, delivered=False))
    state_is(staff, CaseState.FINAL)
    follow(phone, printed, DESK_PHONE)
    expect(phone.locator("#status")).to_have_text(str(CaseState.FINAL.label))
    phone.context.close()

    # 8. The city leader (still signed in) opens every dashboard and every risk page: each shows data.
    nav = staff.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="统计分析").click()
    tabs = staff.get_by_role("navigation", name="统计看板").get_by_role("link")
    expect(tabs.first).to_be_visible()
    boards = tabs.all_inner_texts()
    assert len(boards) == 6
    for board in boards:
        staff.get_by_role("navigation", name="统计看板").get_by_role("link", name=board).click()
        expect(staff.get_by_role("heading", level=1)).to_contain_text(board)
        expect(staff.locator("#dash-empty")).to_have_count(0)
        expect(staff.locator("#dash-chart")).to_have_attribute("data-rendered", "1")
        expect(staff.locator("#dash-chart svg").first).to_be_visible()
        table = staff.locator("section[aria-label=数据表] table")
        expect(table.locator("tbody tr").first).to_be_visible()
        expect(table.locator("tbody td[colspan]")).to_have_count(0)
        if board == "期限状态":
            # Regression: the left chart's title was centred, running into the right one's ("当前期限状态每日末超期在办").
            chart = staff.locator("#dash-chart").bounding_box()
            left = staff.locator("#dash-chart svg text", has_text="当前期限状态").bounding_box()
            right = staff.locator("#dash-chart svg text", has_text="每日末超期在办").bounding_box()
            assert left["x"] < chart["x"] + chart["width"] / 4
            assert left["x"] + left["width"] + 20 < right["x"]
        if board_slug(staff.url) in ("volume", "deadlines", "scorecards"):
            shot(staff, f"dashboard-{board_slug(staff.url)}.png", full_page=True)

    nav.get_by_role("link", name="指标口径").click()
    values = staff.locator(".metric-value")
    expect(values.first).to_be_visible()
    assert values.filter(has_not_text="本期无可计算数据").count() >= values.count() // 2

    nav.get_by_role("link", name="风险预警").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("风险总览")
    first_area = staff.locator("main table tbody tr").first.locator("td").first.inner_text()
    # Regression: the treemap named the domains but not the areas they sit in.
    expect(staff.locator("#risk-treemap svg text", has_text=first_area).first).to_be_visible()
    shot(staff, "risk-overview.png", full_page=True)
    for link, name in (("预警收件箱", "risk-alerts"), ("排查台账", "risk-ledger"), ("滚动排查", "risk-rounds"),
                       ("应急预案", "risk-plans"), ("热点问题", "risk-hotspots")):
        nav.get_by_role("link", name="风险预警").click()
        staff.locator("main").get_by_role("link", name=link, exact=True).click()
        rows = staff.locator("main table tbody tr")
        expect(rows.first).to_be_visible()
        expect(staff.locator("main table tbody td[colspan]")).to_have_count(0)
        if name == "risk-alerts":
            shot(staff, f"{name}.png")
        # The first row opens its detail page (an alert, a ledger entry, a round, a plan), full too.
        detail = rows.first.get_by_role("link").first
        if detail.count():
            detail.click()
            expect(staff.locator("main h1")).to_be_visible()
            expect(staff.locator("main")).not_to_contain_text("尚无")
    staff.context.close()
    citizen.context.close()


def board_slug(url):
    return url.rstrip("/").split("/")[-1].split("?")[0]
