"""首页 · 我的待办: counts from each domain's scoped list, linking to the page that lists them."""

import datetime as dt
import re

import pytest

from minxin.web.tests.test_workbench_inbox import numbers_in, register


pytestmark = pytest.mark.django_db


def todo_counts(html: str) -> dict[str, int]:
    return {label: int(n) for label, n in re.findall(
        r'<span class="todo__label">([^<]+)</span><span class="todo__count">(\d+)</span>', html)}


def test_the_home_page_counts_what_the_inbox_lists_and_what_is_already_late(client, city, clock):
    register(city, "超期事项")  # 15 days to route
    clock.shift(dt.timedelta(days=20))
    register(city, "新登记事项")
    register(city, "西城事项", actor="west_registrar", area="west1v")

    client.force_login(city.staff["east_registrar"].user)
    todos = todo_counts(client.get("/").content.decode())
    assert todos["工作台待办事项"] == len(numbers_in(client.get("/cases/").content.decode())) == 2
    assert todos["其中已超期"] == len(numbers_in(client.get("/cases/?overdue=on").content.decode())) == 1
    assert todos["网上信访待登记"] == 0


def test_late_work_is_marked_and_links_to_the_filtered_list(client, city, clock):
    register(city, "超期事项")
    clock.shift(dt.timedelta(days=20))
    client.force_login(city.staff["east_registrar"].user)
    html = client.get("/").content.decode()
    assert re.search(r'<li class="todo todo--late">\s*<a href="/cases/\?overdue=on"><span class="todo__label">其中已超期', html)


def test_a_unit_without_case_roles_sees_no_case_work_and_no_empty_meeting_line(client, city):
    client.force_login(city.staff["city_admin"].user)
    todos = todo_counts(client.get("/").content.decode())
    assert "工作台待办事项" not in todos
    assert not any(label.startswith("联席会议") for label in todos)


def test_a_grid_worker_sees_the_items_of_their_grid_that_are_not_yet_resolved(client, city):
    from minxin.cases.models import Domain
    from minxin.grid import services as grid

    worker = city.staff["grid1_worker"]
    item = grid.report(actor=worker, kind="dispute", domain=Domain.objects.get(name="房地产"), area=city.areas["grid1"],
                       description="两户村民因院墙边界发生争执", people_count=2, parties="3组两户村民")
    client.force_login(worker.user)
    assert todo_counts(client.get("/").content.decode())["我负责的网格事项（未化解）"] == 1
    grid.record_visit(item, actor=worker, description="入户走访，约定现场丈量", kind="step")
    grid.resolve_at_grid(item, actor=worker, note="现场调解，双方签订协议")
    html = client.get("/").content.decode()
    assert todo_counts(html)["我负责的网格事项（未化解）"] == 0
    # A grid worker works no cases: no case counts on their home page.
    assert "可查看事项" not in html
