"""One 来访 case through the pages: 登记 → 交办 → 受理 → 延期 → 处理意见书 → 复查 → 复核, then 不再受理 of a repeat.

Each step is done by the staff member the regulation names, signed in through the
login page; every document issued on the way is downloaded and opened as .docx.
"""

import io
import re

import docx
import pytest
import time_machine
from playwright.sync_api import expect

from minxin.cases.models import Case
from minxin.cases.tests.conftest import valid_id
from minxin.org import services as org
from minxin.org.models import Role
from minxin.testing import PASSWORD, START
from minxin.web.tests.browser import act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.fixture(autouse=True)
def _settings(settings):
    # The server's clock is moved back to 2026-03 but the browser's is not: a session cookie
    # with an Expires date would already be expired for the browser.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=True):
        yield


def log_in(page, username):
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def as_staff(page, username, case_url):
    log_out(page)
    log_in(page, username)
    page.goto(case_url)


def state_is(page, text):
    expect(page.get_by_test_id("case-state")).to_have_text(text)


def download_docx(page, title: str) -> str:
    """Download the document whose link starts with `title`; return its text."""
    link = page.get_by_role("link", name=re.compile("^" + re.escape(title) + "（"))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    assert download.suggested_filename.startswith(title)
    with open(download.path(), "rb") as fh:
        document = docx.Document(io.BytesIO(fh.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert title in text
    return text


def htmx_ready(page, url_glob):
    """Wait until the page at `url_glob` has loaded and htmx has bound its listeners.

    A change fired before htmx processed the page would be lost; waiting for the URL
    first keeps a same-document history push of the previous page from counting.
    """
    page.wait_for_url(url_glob)
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def choose_area(page, label, option):
    with page.expect_response(lambda r: "/cases/register/areas/" in r.url):
        page.get_by_label(label).select_option(label=option)


def register_visit(page, city, subject):
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="登记").click()
    htmx_ready(page, "**/cases/register/")
    expect(page.get_by_role("heading", name="登记信访事项")).to_be_visible()
    page.locator("#id_channel").select_option("visit")
    page.locator("#id_category").select_option("complaint")
    choose_area(page, "乡镇街道", "东一街道")
    choose_area(page, "村社区", "东一社区")  # appears once htmx has loaded the next level
    expect(page.get_by_test_id("area-chosen")).to_have_text("示范市东城区东一街道东一社区")
    page.locator("#id_subject").fill(subject)
    page.locator("#id_content").fill("3号楼电梯停运两个月，物业不予维修。")
    page.locator("#id_request").fill("尽快修复电梯")
    page.locator("#id_facts").fill("电梯自1月起停运")
    page.locator("#id_reasons").fill("影响老人出行")
    page.locator("#id_p-0-name").fill("王小明")
    page.locator("#id_p-0-id_number").fill(valid_id())
    page.locator("#id_p-0-phone").fill("13800138000")
    page.locator("#id_p-0-address").fill("示范市东城区东一社区1号")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已登记，信访件编号")
    state_is(page, "已登记")
    return page.url


def fill_decision(result_label, *, delivered=True):
    def fill(form):
        form.get_by_label("结论").select_option(label=result_label)
        form.get_by_label("事实和理由").fill("经查，原处理意见认定事实清楚")
        form.get_by_label("意见", exact=True).fill("维持原处理意见")
        form.get_by_label("法律法规依据").fill("《信访工作条例》")
        if delivered:
            form.get_by_label("送达日期").fill("2026-03-02")
    return fill


def test_a_visit_goes_through_every_stage_to_final_and_a_repeat_is_not_reaccepted(page, city, frozen):
    org.create_staff(username="east1_leader", password=PASSWORD, unit=city.units["east1_office"], roles=[Role.REVIEWER],
                     full_name="东一街道领导")

    # 登记 at 东城区信访局, then 交办 to 东一街道 with a 30日 limit.
    log_in(page, "east_registrar")
    case_url = register_visit(page, city, "小区电梯长期停运")
    number = Case.objects.get().number
    expect(page.locator("main")).to_contain_text("王**")
    expect(page.locator("main")).not_to_contain_text("王小明")

    def assign(form):
        form.get_by_label("交办至").select_option(label="东一街道办事处")
        form.get_by_label("办理期限（日）").fill("30")
    act(page, "assign", "交办", assign)
    state_is(page, "已交办")
    expect(page.locator(".timeline")).to_contain_text("将事项交办至 东一街道办事处，办理期限30日")
    assert "东一街道办事处" in download_docx(page, "信访事项交办单")

    # 受理 by the street office, through its inbox, on route （六）.
    log_out(page)
    log_in(page, "east1_handler")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台").click()
    expect(page.locator(f'tr[data-case="{number}"]')).to_contain_text("2026-03-09 对转送交办提出异议 正常，剩7天")
    page.screenshot(path="/tmp/minxin_workbench_inbox.png", full_page=True)
    page.get_by_role("link", name=number).click()
    act(page, "accept", "受理", lambda f: f.get_by_label("分类处理途径").select_option("opinion"))
    state_is(page, "办理中")
    expect(page.locator("main")).to_contain_text("办理期限")
    expect(page.locator("#action-extend")).to_have_count(0)  # only the 负责人 may extend
    assert "小区电梯长期停运" in download_docx(page, "信访事项受理告知书")

    # 延期 approved by the street office's 负责人.
    as_staff(page, "east1_leader", case_url)

    def extend(form):
        form.get_by_label("延长天数").fill("30")
        form.get_by_label("延期理由（将告知信访人）").fill("涉及多个部门，需会商")
    act(page, "extend", "延期办理", extend)
    expect(page.locator("main")).to_contain_text("已延期30日")
    assert "涉及多个部门，需会商" in download_docx(page, "信访事项延期办理告知书")

    # 信访处理意见书, delivered the same day.
    as_staff(page, "east1_handler", case_url)

    def opinion(form):
        form.get_by_label("处理结论").select_option(label="不予支持")
        form.get_by_label("事实和理由").fill("经核实，电梯已由物业报修")
        form.get_by_label("处理意见").fill("请物业按合同维修，诉求不予支持")
        form.get_by_label("法律法规依据").fill("《物业管理条例》第三十五条")
        form.get_by_label("送达日期").fill("2026-03-02")
    act(page, "issue_opinion", "出具处理意见书", opinion)
    state_is(page, "已出具处理意见")
    assert "请物业按合同维修" in download_docx(page, "信访事项处理意见书")

    # 复查: requested through the bureau, decided by its leader (上一级 of the street office).
    as_staff(page, "east_registrar", case_url)
    act(page, "request_review", "申请复查", lambda f: f.get_by_label("请求事项和理由").fill("对处理意见不服"))
    state_is(page, "复查中")
    as_staff(page, "east_leader", case_url)
    act(page, "decide_review", "出具复查意见", fill_decision("维持"))
    state_is(page, "已出具复查意见")
    assert "维持原处理意见" in download_docx(page, "信访事项复查意见书")

    # 复核 by the city bureau: final.
    as_staff(page, "east_registrar", case_url)
    act(page, "request_recheck", "申请复核", lambda f: f.get_by_label("请求事项和理由").fill("对复查意见不服"))
    state_is(page, "复核中")
    as_staff(page, "city_leader", case_url)
    act(page, "decide_recheck", "出具复核意见", fill_decision("维持", delivered=False))
    state_is(page, "复核终结")
    page.screenshot(path="/tmp/minxin_case_final.png", full_page=True)
    assert "维持原处理意见" in download_docx(page, "信访事项复核意见书")
    expect(page.locator("#actions")).to_contain_text("您当前没有可办理的操作")

    # The same person comes back with the same facts and reasons: 不再受理.
    log_out(page)
    log_in(page, "east_registrar")
    register_visit(page, city, "小区电梯长期停运（再次反映）")

    def refuse(form):
        form.get_by_label("已复核终结的原信访件编号").fill(number)
        form.get_by_label("不再受理的理由").fill("与原信访事项为同一事实和理由")
    act(page, "refuse_repeat", "不再受理", refuse)
    state_is(page, "不再受理")
    assert number in page.locator(".timeline").inner_text()
    assert "与原信访事项为同一事实和理由" in download_docx(page, "信访事项不再受理告知书")


def test_inbox_filters_and_pages_in_place_with_htmx(page, city, frozen):
    from minxin.cases import services as svc
    from minxin.cases.tests.conftest import person

    for subject, channel in (("来信反映电梯停运", "letter"), ("来访反映拖欠工资", "visit")):
        svc.register_case(actor=city.staff["east_registrar"], channel=channel, category="complaint", subject=subject,
                          content="内容", request="请求", facts="事实", reasons="理由", area=city.areas["east1v"],
                          petitioners=[person()])
    log_in(page, "east_registrar")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台").click()
    htmx_ready(page, "**/cases/")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.evaluate("window.__same_page = true")

    with page.expect_response(lambda r: "channel=letter" in r.url):
        page.get_by_label("形式").select_option(label="来信")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("来信反映电梯停运")
    expect(page).to_have_url(re.compile(r"channel=letter"))
    page.get_by_label("形式").select_option(label="全部形式")
    page.get_by_label("搜索").fill("工资")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("来访反映拖欠工资")
    assert page.evaluate("window.__same_page === true")  # updated in place, no full reload

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="登记").click()
    htmx_ready(page, "**/cases/register/")
    choose_area(page, "乡镇街道", "东二镇")
    expect(page.get_by_label("村社区")).to_contain_text("东二村")
    page.screenshot(path="/tmp/minxin_register.png", full_page=True)
