"""登记 form: errors next to fields in Chinese, everything typed kept, nothing saved."""

import datetime as dt

import pytest
import time_machine

from minxin.cases.models import Case, Petitioner
from minxin.cases.tests.conftest import valid_id

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(START, tick=False):
        yield


def form_data(city, **overrides):
    data = {
        "channel": "visit", "category": "complaint", "domain": "", "area_1": city.areas["east1"].code, "area_2": city.areas["east1v"].code,
        "subject": "小区电梯长期停运", "content": "3号楼电梯停运两个月", "request": "尽快修复", "facts": "1月起停运",
        "reasons": "影响老人出行", "people_count": "",
        "p-TOTAL_FORMS": "6", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "6",
        "p-0-name": "王小明", "p-0-id_number": valid_id(), "p-0-phone": "13800138000", "p-0-address": "东一社区1号",
    }
    data.update(overrides)
    return data


def test_registrar_registers_a_visit_and_lands_on_the_case_page(client, city):
    client.force_login(city.staff["east_registrar"].user)
    response = client.post("/cases/register/", form_data(city), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    html = response.content.decode()
    assert f"已登记，信访件编号{case.number}" in html
    assert case.channel == "visit" and case.area == city.areas["east1v"] and case.registering_unit == city.units["east_bureau"]
    # The case page shows the masked name, never the full one by default.
    assert "王**" in html and "王小明" not in html


def test_missing_article_19_fields_are_shown_next_to_the_fields_and_input_is_kept(client, city):
    client.force_login(city.staff["east_registrar"].user)
    response = client.post("/cases/register/", form_data(city, request="", reasons=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写：请求、理由（《信访工作条例》第十九条）" in html
    assert html.count("必填") >= 2
    assert 'value="小区电梯长期停运"' in html and "3号楼电梯停运两个月" in html and 'value="王小明"' in html
    assert Case.objects.count() == 0 and Petitioner.objects.count() == 0


def test_bad_id_number_error_sits_on_that_petitioners_row(client, city):
    client.force_login(city.staff["east_registrar"].user)
    bad = valid_id()[:-1] + ("0" if valid_id()[-1] != "0" else "1")
    response = client.post("/cases/register/", form_data(city, **{"p-0-id_number": bad}))
    assert response.status_code == 422
    formset = response.context["formset"]
    assert "校验位" in " ".join(formset.forms[0].errors["id_number"])
    assert f'value="{bad}"' in response.content.decode()
    assert Case.objects.count() == 0


def test_more_than_five_representatives_is_refused(client, city):
    client.force_login(city.staff["east_registrar"].user)
    people = {}
    for i in range(6):
        people.update({f"p-{i}-name": f"代表{i}", f"p-{i}-address": "东一社区", f"p-{i}-is_representative": "on"})
    response = client.post("/cases/register/", form_data(city, people_count="40", **people))
    assert response.status_code == 422
    assert "不得超过5人" in response.content.decode()
    assert 'class="more-people" open' in response.content.decode()  # the typed representatives stay visible
    assert Case.objects.count() == 0


def test_collective_visit_with_representatives_is_registered(client, city):
    client.force_login(city.staff["east_registrar"].user)
    people = {}
    for i in range(3):
        people.update({f"p-{i}-name": f"代表{i}", f"p-{i}-address": "东一社区", f"p-{i}-is_representative": "on"})
    client.post("/cases/register/", form_data(city, people_count="30", **people))
    case = Case.objects.get()
    assert case.is_collective and case.people_count == 30
    assert case.parties.filter(is_representative=True).count() == 3


def test_anonymous_accusation_needs_no_petitioner(client, city):
    client.force_login(city.staff["east_registrar"].user)
    data = form_data(city, category="accusation", anonymous="on", **{"p-0-name": "", "p-0-id_number": "", "p-0-phone": "", "p-0-address": ""})
    client.post("/cases/register/", data)
    case = Case.objects.get()
    assert case.is_anonymous and case.parties.count() == 0


def test_area_picker_offers_only_the_bureaus_areas_level_by_level(client, city):
    client.force_login(city.staff["east_registrar"].user)
    html = client.get("/cases/register/").content.decode()
    a = city.areas
    assert f'value="{a["east1"].code}"' in html and f'value="{a["east2"].code}"' in html and f'value="{a["west1"].code}"' not in html
    # The next level appears once a 乡镇街道 is chosen (unit names may appear in the 被反映单位 list).
    assert f'value="{a["east1v"].code}"' not in html
    partial = client.get("/cases/register/areas/", {"area_1": city.areas["east1"].code}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html and "东一社区" in html and "示范市东城区东一街道" in html


def test_without_javascript_the_next_level_is_shown_and_nothing_is_saved(client, city):
    client.force_login(city.staff["east_registrar"].user)
    data = form_data(city, refresh_area="1")
    data.pop("area_2")
    response = client.post("/cases/register/", data)
    html = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 0
    assert 'name="area_2"' in html and "东一社区" in html
    assert 'value="小区电梯长期停运"' in html and 'value="王小明"' in html
    assert "必填" not in html


def test_an_area_outside_the_bureau_or_a_stale_lower_level_is_refused(client, city):
    client.force_login(city.staff["east_registrar"].user)
    response = client.post("/cases/register/", form_data(city, area_1=city.areas["west1"].code, area_2=""))
    assert response.status_code == 422 and "问题属地的下级区域与上级不一致" in response.content.decode()
    response = client.post("/cases/register/", form_data(city, area_1=city.areas["east2"].code))
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_county_level_area_is_allowed_when_no_lower_level_is_chosen(client, city):
    client.force_login(city.staff["east_registrar"].user)
    client.post("/cases/register/", form_data(city, area_1="", area_2=""))
    assert Case.objects.get().area == city.areas["east"]


def test_a_handling_unit_cannot_open_the_registration_form(client, city):
    client.force_login(city.staff["east_housing_handler"].user)
    response = client.get("/cases/register/", follow=True)
    assert response.redirect_chain[-1][0] == "/cases/"
    assert "只有信访部门的登记员或领导可以登记信访事项" in response.content.decode()
