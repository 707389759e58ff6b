import pytest
from django.test import Client

from minxin.meetings import services
from minxin.meetings.models import Task, TaskState
from minxin.testing import PASSWORD


def signed_in(city, who) -> Client:
    c = Client()
    assert c.login(username=who, password=PASSWORD)
    return c


@pytest.fixture
def with_task(city, meeting, east_case):
    leader = city.staff["east_leader"]
    item = services.add_agenda_item(meeting, actor=leader, case=east_case)
    decision = services.record_decision(meeting, actor=leader, item=item, text="区住建局牵头督促开发商")
    return services.assign_task(decision, actor=leader, unit=city.units["east_housing"], description="提交交房计划", days=10)


def test_the_nav_and_list_show_meetings_and_the_units_own_tasks(city, with_task):
    page = signed_in(city, "east_housing_handler").get("/meetings/").content.decode()
    assert "联席会议" in page and "提交交房计划" in page and "东一社区延期交房问题协调" in page
    assert "召集会议</button>" not in page  # a member unit does not convene
    assert "召集会议</button>" in signed_in(city, "east_leader").get("/meetings/").content.decode()


def test_a_leader_convenes_from_the_list_page_and_bad_input_says_what_is_wrong(city, clock):
    c = signed_in(city, "east_leader")
    r = c.post("/meetings/", {"topic": "", "held_on": "2026-03-05"}, follow=True)
    assert "请填写议题" in r.content.decode()
    r = c.post("/meetings/", {"topic": "欠薪问题协调", "held_on": "明天"}, follow=True)
    assert "会议日期应为日期" in r.content.decode()
    r = c.post("/meetings/", {"topic": "欠薪问题协调", "held_on": "2026-03-05", "members": [city.units["east_hr"].pk]})
    assert r.status_code == 302
    assert services.meetings_visible_to(city.staff["east_hr_handler"]).filter(topic="欠薪问题协调").exists()


def test_the_member_reports_through_the_htmx_row_and_the_convener_accepts(city, with_task):
    member = signed_in(city, "east_housing_handler")
    page = member.get(f"/meetings/{with_task.meeting_id}/").content.decode()
    assert "报送办结" in page and "议程" not in page.split("<main", 1)[1].split("会议纪要")[0]
    r = member.post(f"/meetings/tasks/{with_task.pk}/report/", {"result": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "请填写办理结果" in r.content.decode()
    r = member.post(f"/meetings/tasks/{with_task.pk}/report/", {"result": "开发商已提交计划"}, HTTP_HX_REQUEST="true")
    assert "已报送办结" in r.content.decode() and Task.objects.get(pk=with_task.pk).state == TaskState.REPORTED
    assert member.post(f"/meetings/tasks/{with_task.pk}/accept/").status_code == 302
    assert Task.objects.get(pk=with_task.pk).state == TaskState.REPORTED  # refused: not the convener
    r = signed_in(city, "east_leader").post(f"/meetings/tasks/{with_task.pk}/accept/", HTTP_HX_REQUEST="true")
    assert "已验收" in r.content.decode() and Task.objects.get(pk=with_task.pk).state == TaskState.ACCEPTED


def test_outsiders_get_404(city, with_task):
    for who in ("west_registrar", "east_hr_handler"):
        c = signed_in(city, who)
        assert c.get(f"/meetings/{with_task.meeting_id}/").status_code == 404
        assert c.post(f"/meetings/tasks/{with_task.pk}/report/", {"result": "x"}).status_code == 404


def test_the_convener_closes_a_meeting_from_its_page_and_the_list_shows_it_closed(city, with_task):
    leader = signed_in(city, "east_leader")
    r = leader.post(f"/meetings/{with_task.meeting_id}/close/", follow=True).content.decode()
    assert "尚有1项任务未验收" in r and "提交交房计划" in r
    services.report_task_done(with_task, actor=city.staff["east_housing_handler"], result="已提交")
    services.accept_task(with_task, actor=city.staff["east_leader"])
    r = leader.post(f"/meetings/{with_task.meeting_id}/close/", follow=True).content.decode()
    assert "会议已闭环" in r and 'data-testid="close-form"' not in r and "记录决定</button>" not in r
    listing = leader.get("/meetings/").content.decode()
    assert f'data-testid="meeting-status-{with_task.meeting_id}">已闭环' in listing
