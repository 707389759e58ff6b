"""At the 来访 desk: typing the ID number of someone with an earlier case shows it at once, then the visit is registered."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from minxin.cases.models import Case
from minxin.cases.services import assign_case, register_case
from minxin.reception.tests.conftest import case_fields, person, valid_id
from minxin.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # the server's clock is in 2026-03, the browser's is not


@pytest.fixture(autouse=True)
def _seeded_rules(db):
    """A flush after an earlier transactional test empties the rows seeded by migrations; put them back."""
    from importlib import import_module

    from django.apps import apps

    from minxin.rules.calendar_db import seed_year
    from minxin.rules.models import CalendarYear, DeadlineRule

    if not DeadlineRule.objects.exists():
        import_module("minxin.rules.migrations.0002_seed_national_rules").seed(apps, None)
    for year in (2025, 2026):
        if not CalendarYear.objects.filter(year=year).exists():
            seed_year(year)


def test_desk_shows_earlier_case_while_typing_then_registers(page, city):
    with time_machine.travel(START, tick=True):
        id_number = valid_id()
        earlier = register_case(actor=city.staff["east_registrar"], channel="visit", petitioners=[person(id_number=id_number)],
                                **case_fields(city, subject="物业乱收费"))
        assign_case(earlier, actor=city.staff["east_registrar"], unit=city.units["east1_office"], days=30)

        page.goto(f"{page.base_url}/login/")
        page.get_by_label("用户名").fill("city_registrar")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="来访接待").click()
        expect(page.get_by_role("heading", name="来访登记")).to_be_visible()

        page.locator("#id_p-0-id_number").press_sequentially(id_number)
        history = page.get_by_test_id("person-history")
        expect(history.get_by_test_id("history-row")).to_contain_text(earlier.number)
        expect(history).to_contain_text("物业乱收费")
        expect(history.get_by_test_id("flag-skip_level")).to_contain_text("第十九条第三款")

        page.locator("#id_p-0-name").fill("张三")
        page.locator("#id_p-0-address").fill("示范市东城区东一街道1号")
        page.locator("#id_category").select_option("complaint")
        page.get_by_label("区县").select_option(label="东城区")
        expect(page.get_by_test_id("area-chosen")).to_have_text("示范市东城区")
        # htmx wires up swapped-in selects when it settles; choosing before that would be lost.
        expect(page.locator("#area-picker")).not_to_have_class(re.compile("htmx-settling"))
        page.get_by_label("乡镇街道").select_option(label="东一街道")
        expect(page.get_by_test_id("area-chosen")).to_have_text("示范市东城区东一街道")
        page.locator("#id_subject").fill("物业乱收费再次反映")
        page.locator("#id_content").fill("物业公司仍在收取不合理费用。")
        page.locator("#id_request").fill("退还费用")
        page.locator("#id_facts").fill("2月再次收费")
        page.locator("#id_reasons").fill("收费无依据")
        page.get_by_role("button", name="登记来访").click()
        expect(page.get_by_role("status")).to_contain_text("已登记，信访件编号")

        new = Case.objects.exclude(pk=earlier.pk).get()
        assert new.channel == "visit" and new.registering_unit == city.units["city_bureau"]
        assert set(new.parties.values_list("petitioner_id", flat=True)) == set(earlier.parties.values_list("petitioner_id", flat=True))
