"""In the browser: a county bureau leader marks a case 重大紧急, fills in and signs off the first
report, sends it up, records the 区委书记's 批示, and sees it with its feedback deadline.

With MINXIN_SCREENSHOTS_DIR set (`make screenshots`) it saves docs/screenshots/upward-report.png.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from minxin.cases.models import Case
from minxin.core import clock
from minxin.testing import PASSWORD, make_case
from minxin.upward.models import Instruction, ReportState, UrgentMatter
from minxin.upward.tests.factories import CONTENTS, reporting_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MINXIN_SCREENSHOTS_DIR")


def expect_one_message(page, text):
    """Each step shows its own message, once."""
    expect(page.locator(".messages .message")).to_have_count(1)
    expect(page.locator(".messages .message")).to_have_text(text)


def test_buttons_are_disabled_while_a_step_is_in_flight(city, page):
    """A second click during a slow step cannot start a second step on the stale page."""
    reporting_lines(city)
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "east_leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(page.base_url + "/upward/")
    page.get_by_label("信访件编号").fill(case.number)
    page.get_by_label("认定理由").fill("群体聚集")
    page.get_by_role("button", name="认定并起草首报").click()
    expect_one_message(page, "已认定为重大紧急事项，已生成首报草稿")
    seen = []
    # Hold the save step's answer until the page has been looked at mid-flight.
    def slow(route):
        seen.append(page.evaluate("[...document.querySelectorAll('main button')].every(b => b.disabled)"))
        route.continue_()
    page.route("**/save/", slow)
    page.get_by_role("button", name="保存").click()
    expect_one_message(page, "报告已保存")
    assert seen == [True]
    expect(page.get_by_role("button", name="提交审批")).to_be_enabled()


def test_a_leader_marks_reports_sends_and_records_an_instruction(city, page):
    reporting_lines(city)
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office", number="东信〔2026〕0815号")
    Case.objects.filter(pk=case.pk).update(subject="锦绣花园业主要求按期交房", people_count=60, is_collective=True)
    case.refresh_from_db()
    occurred = timezone.localtime(clock.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "east_leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="重大紧急报告").click()
    page.get_by_label("信访件编号").fill(case.number)
    page.get_by_label("性质").select_option("both")
    page.get_by_label("认定理由").fill("60余名业主在小区门口聚集，情绪激动，可能造成较大社会影响")
    page.get_by_role("button", name="认定并起草首报").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("重大紧急")

    for field in ("location", "demands", "development", "measures", "suggestions", "contact_phone"):
        page.locator(f"[name={field}]").first.fill(str(CONTENTS[field]))
    page.locator("[name=people_count]").first.fill("60")
    page.locator("[name=occurred_at]").first.fill(occurred)
    page.get_by_role("button", name="保存").click()
    expect_one_message(page, "报告已保存")
    page.get_by_role("button", name="提交审批").click()
    expect_one_message(page, "已提交审批")
    page.get_by_role("button", name="审批同意（签发）").click()
    expect_one_message(page, "已审批签发")
    page.get_by_role("button", name="报出").click()
    expect_one_message(page, "报告已报出")
    expect(page.get_by_role("cell", name="东城区委区政府总值班室")).to_be_visible()
    expect(page.get_by_role("cell", name="示范市信访局")).to_be_visible()

    row = page.get_by_role("row", name="东城区委区政府总值班室")
    row.get_by_placeholder("签收人").fill("值班员李明")
    row.get_by_role("button", name="登记签收").click()
    # The next step acts on the page the 签收 step returns, not on the one it replaces.
    expect_one_message(page, "已登记签收")
    row = page.get_by_role("row", name="东城区委区政府总值班室")
    expect(row.get_by_role("cell", name="值班员李明")).to_be_visible()
    row.get_by_placeholder("批示人").fill("区委书记")
    row.get_by_placeholder("批示内容").fill("请区信访局牵头，妥善处置，防止事态扩大")
    row.get_by_role("button", name="登记批示").click()
    expect_one_message(page, "已登记批示")
    expect(page.get_by_text("请区信访局牵头，妥善处置，防止事态扩大")).to_be_visible()
    expect(page.get_by_role("button", name="反馈落实情况")).to_be_visible()

    matter = UrgentMatter.objects.get()
    assert matter.reports.get().state == ReportState.SENT
    assert Instruction.objects.get().leader == "区委书记"
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "upward-report.png"), full_page=True)
