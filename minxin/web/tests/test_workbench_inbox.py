"""工作台 / 待办: scoping, ordering by the nearest deadline, overdue marking, filters, paging, htmx."""

import datetime as dt
import re

import pytest

from minxin.cases import services as svc
from minxin.cases.tests.conftest import person


pytestmark = pytest.mark.django_db


def register(city, subject, *, actor="east_registrar", area="east1v", **kw):
    args = {
        "actor": city.staff[actor], "channel": "visit", "category": "complaint", "subject": subject,
        "content": "小区电梯停运", "request": "修复电梯", "facts": "停运两月", "reasons": "影响出行",
        "area": city.areas[area], "petitioners": [person()],
    }
    args.update(kw)
    return svc.register_case(**args)


def numbers_in(html: str) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', html)


def test_inbox_lists_the_units_cases_soonest_deadline_first(client, city, clock):
    late = register(city, "最晚登记")
    clock.shift(dt.timedelta(days=-3))
    early = register(city, "最早登记")
    clock.shift(dt.timedelta(days=1))
    middle = register(city, "中间登记")
    register(city, "西城事项", actor="west_registrar", area="west1v")

    client.force_login(city.staff["east_registrar"].user)
    html = client.get("/cases/").content.decode()
    assert numbers_in(html) == [early.number, middle.number, late.number]
    assert "西城事项" not in html


def test_a_case_sent_on_leaves_the_bureau_inbox_and_enters_the_receivers(client, city, clock):
    case = register(city, "转送事项")
    svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east1_office"], expected_version=case.version)

    client.force_login(city.staff["east_registrar"].user)
    assert numbers_in(client.get("/cases/").content.decode()) == []
    client.force_login(city.staff["east1_handler"].user)
    assert numbers_in(client.get("/cases/").content.decode()) == [case.number]
    client.force_login(city.staff["east_hr_handler"].user)
    assert numbers_in(client.get("/cases/").content.decode()) == []


def test_overdue_is_red_and_due_soon_is_amber_using_the_rules_status(client, city, clock):
    overdue = register(city, "超期事项")  # 15日 to route: due 17 March
    clock.shift(dt.timedelta(days=13))
    soon = register(city, "临期事项")  # 15 March: due 30 March
    clock.shift(dt.timedelta(days=13))  # today 28 March
    fresh = register(city, "新登记事项")

    client.force_login(city.staff["east_registrar"].user)
    html = client.get("/cases/").content.decode()
    rows = {n: html[html.index(f'data-case="{n}"') - 40: html.index(f'data-case="{n}"')] for n in numbers_in(html)}
    assert "is-overdue" in rows[overdue.number]
    assert "is-due_soon" in rows[soon.number]
    assert "is-normal" in rows[fresh.number]
    assert "已超期11天" in html
    assert "即将到期，剩2天" in html

    only_overdue = client.get("/cases/", {"overdue": "on"}).content.decode()
    assert numbers_in(only_overdue) == [overdue.number]


def test_filters_and_search_narrow_the_list(client, city, clock):
    a = register(city, "电梯维修", channel="letter")
    b = register(city, "拖欠工资", category="suggestion")
    client.force_login(city.staff["east_registrar"].user)
    assert numbers_in(client.get("/cases/", {"channel": "letter"}).content.decode()) == [a.number]
    assert numbers_in(client.get("/cases/", {"category": "suggestion"}).content.decode()) == [b.number]
    assert numbers_in(client.get("/cases/", {"q": "工资"}).content.decode()) == [b.number]
    assert numbers_in(client.get("/cases/", {"q": a.number[-6:]}).content.decode()) == [a.number]
    assert numbers_in(client.get("/cases/", {"state": "accepted"}).content.decode()) == []


def test_pages_of_twenty_and_htmx_gets_only_the_results(client, city, clock):
    made = []
    for i in range(23):
        made.append(register(city, f"事项{i}"))
        clock.shift(dt.timedelta(minutes=1))
    client.force_login(city.staff["east_registrar"].user)
    first = client.get("/cases/").content.decode()
    # Keyset paging: the next page follows the last row's cursor (cases/queries.keyset_page).
    after = re.search(r'after=([A-Za-z0-9_-]+)"', first).group(1)
    assert len(numbers_in(first)) == 20 and "共23件" in first and "下一页" in first
    second = client.get("/cases/", {"after": after}, headers={"HX-Request": "true", "HX-Target": "inbox-results"})
    html = second.content.decode()
    assert "<html" not in html
    assert numbers_in(html) == [c.number for c in made[20:]]


def test_inbox_needs_sign_in(client):
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_navigation_shows_the_workbench_to_case_workers_and_registration_to_registrars(client, city):
    def labels(username):
        client.force_login(city.staff[username].user)
        return [i["label"] for i in client.get("/").context["nav_items"]]

    assert {"工作台", "登记"} <= set(labels("east_registrar"))
    assert "工作台" in labels("east1_handler") and "登记" not in labels("east1_handler")
    assert "工作台" not in labels("city_analyst")
