"""A joint meeting through the pages, in a real browser: the 东城区 leader convenes it, puts a case
on the agenda, records minutes and a decision and gives 东城区住建局 a task; the bureau's handler
reports it done (htmx swaps the task's row); the leader accepts it; the case's timeline shows it.

With MINXIN_SCREENSHOTS_DIR set (`make screenshots`) it saves docs/screenshots/meetings.png.
"""

import os
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from minxin.meetings.models import Task, TaskState
from minxin.testing import PASSWORD, START, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MINXIN_SCREENSHOTS_DIR")


@pytest.fixture(autouse=True)
def _settings(settings):
    # The server's clock is moved back to 2026-03; a session cookie with an Expires date would be expired for the browser.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=True):
        yield


def log_in(page, username):
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def htmx_ready(page):
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def test_convene_decide_assign_report_and_accept_a_task(page, city, frozen):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")

    log_in(page, "east_leader")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="联席会议").click()
    page.get_by_label("议题").fill("东一社区延期交房问题协调")
    page.get_by_label("地点").fill("区信访局三楼会议室")
    page.get_by_label("东城区住房和城乡建设局").check()
    page.get_by_label("东一街道办事处").check()
    page.get_by_role("button", name="召集会议").click()
    expect(page.get_by_role("status")).to_contain_text("已召集联席会议")
    expect(page.get_by_test_id("meeting-topic")).to_have_text("东一社区延期交房问题协调")
    meeting_url = page.url

    page.get_by_label("信访件编号").fill(case.number)
    page.get_by_label("提请说明").fill("涉及住建、街道两家，办理单位有争议")
    page.get_by_role("button", name="列入议程").click()
    expect(page.get_by_test_id("agenda")).to_contain_text(case.number)

    page.get_by_label("会议纪要").fill("会议听取了东一街道的情况汇报，明确由区住建局牵头，街道配合。")
    page.get_by_role("button", name="保存纪要").click()
    expect(page.get_by_test_id("minutes")).to_contain_text("明确由区住建局牵头")

    page.get_by_label("所涉议程事项").select_option(index=1)
    page.get_by_label("议定事项", exact=True).fill("由区住建局牵头，督促开发商制定交房计划并公示")
    page.get_by_role("button", name="记录决定").click()
    expect(page.get_by_role("status")).to_contain_text("已记录会议决定")

    decision = page.locator("article.mt-decision").first
    decision.locator("summary", has_text="交办任务").click()
    decision.get_by_label("责任单位").select_option(label="东城区住房和城乡建设局")
    decision.get_by_label("任务内容").fill("约谈开发商，督促提交交房计划")
    decision.get_by_label("办理期限（工作日）").fill("5")
    decision.get_by_role("button", name="交办").click()
    expect(page.get_by_role("status")).to_contain_text("已交办任务")
    task = Task.objects.get()
    row = page.get_by_test_id(f"task-{task.pk}")
    expect(row).to_contain_text("办理中")
    expect(row).to_contain_text(task.due_on.isoformat())

    # The housing bureau's handler sees the task among the unit's own and reports it done in the row.
    log_in(page, "east_housing_handler")
    page.goto(f"{page.base_url}/meetings/")
    expect(page.get_by_test_id("my-tasks")).to_contain_text("约谈开发商")
    page.goto(meeting_url)
    htmx_ready(page)
    expect(page.get_by_test_id("agenda")).to_have_count(0)  # the agenda is the convener's
    row = page.get_by_test_id(f"task-{task.pk}")
    row.get_by_label("办理结果").fill("已约谈开发商负责人，交房计划已在小区公示")
    row.get_by_role("button", name="报送办结").click()
    expect(page.get_by_test_id(f"task-{task.pk}").get_by_test_id("task-state")).to_have_text("已报办结")
    expect(page.get_by_test_id(f"task-{task.pk}")).to_contain_text("已报送办结")

    log_in(page, "east_leader")
    page.goto(meeting_url)
    htmx_ready(page)
    page.get_by_test_id(f"task-{task.pk}").get_by_role("button", name="验收通过").click()
    expect(page.get_by_test_id(f"task-{task.pk}").get_by_test_id("task-state")).to_have_text("已验收")
    assert Task.objects.get().state == TaskState.ACCEPTED
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.reload()
        page.screenshot(path=str(Path(SHOTS) / "meetings.png"), full_page=True)

    page.goto(f"{page.base_url}/cases/{case.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("联席会议议定：由区住建局牵头")
    expect(main).to_contain_text("验收 东城区住房和城乡建设局 的联席会议任务")
    expect(main).to_contain_text("报送联席会议任务办结")

    # Every task accepted: the convener closes the meeting (会议闭环) and the list shows it.
    page.goto(meeting_url)
    page.get_by_test_id("close-form").get_by_role("button", name="会议闭环").click()
    expect(page.get_by_test_id("meeting-status")).to_contain_text("已闭环")
    assert Task.objects.get().meeting.is_closed
