import datetime as dt

import pytest
import time_machine

from minxin.api.tokens import issue_token
from minxin.cases.events import A
from minxin.cases.models import CaseEvent
from minxin.meetings.models import Meeting, MeetingEvent, Task, TaskState
from minxin.testing import START


@pytest.fixture
def api(client):
    def call(method, path, username, data=None):
        raw = issue_token(username=username, name="测试")[1]
        kw = {"data": data, "content_type": "application/json"} if data is not None else {}
        return getattr(client, method)(f"/api/v1/meetings{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

    return call


def convene(api, who="east_leader"):
    r = api("post", "", who, {"held_on": "2026-03-02", "topic": "东一社区延期交房协调", "place": "区信访局",
                              "member_codes": ["G-EAST-HOUSING", "T-EAST1"]})
    assert r.status_code == 201, r.content
    return r.json()


def test_a_meeting_goes_from_convening_to_an_accepted_task_through_the_api(city, clock, api, east_case, east_entry):
    m = convene(api)
    assert m["members"] == ["G-EAST-HOUSING", "T-EAST1"] and m["agenda"] == []
    mid = m["id"]
    item = api("post", f"/{mid}/agenda", "east_leader", {"case_number": east_case.number, "note": "办理单位有争议"}).json()
    assert api("post", f"/{mid}/agenda", "east_leader", {"entry_id": east_entry.pk}).status_code == 201
    assert api("post", f"/{mid}/minutes", "east_registrar", {"minutes": "会议明确由区住建局牵头"}).status_code == 200
    d = api("post", f"/{mid}/decisions", "east_leader", {"text": "区住建局牵头督促开发商", "agenda_item_id": item["id"]})
    assert d.status_code == 201, d.content
    t = api("post", f"/decisions/{d.json()['id']}/tasks", "east_leader",
            {"unit_code": "G-EAST-HOUSING", "description": "提交交房计划", "days": 10})
    assert t.status_code == 201, t.content
    task = t.json()
    assert (task["state"], task["deadline_status"], task["case_number"]) == ("assigned", "normal", east_case.number)
    assert [x["id"] for x in api("get", "/tasks", "east_housing_handler").json()] == [task["id"]]
    done = api("post", f"/tasks/{task['id']}/done", "east_housing_handler", {"result": "开发商已提交计划"})
    assert done.json()["state"] == "reported"
    ok = api("post", f"/tasks/{task['id']}/accept", "east_leader", {"accept": True})
    assert ok.json()["state"] == "accepted"
    assert set(CaseEvent.objects.filter(case=east_case).values_list("action", flat=True)) == {
        A.MEETING_AGENDA, A.MEETING_DECISION, A.MEETING_TASK, A.MEETING_TASK_REPORTED, A.MEETING_TASK_ACCEPTED}
    audit = list(MeetingEvent.objects.filter(meeting_id=mid).values_list("action", "actor__user__username"))
    assert ("report_task_done", "east_housing_handler") in audit and ("accept_task", "east_leader") in audit
    assert ("record_minutes", "east_registrar") in audit


def test_scoping_member_units_see_their_tasks_only_and_sibling_bureaus_nothing(city, clock, api, east_case):
    mid = convene(api)["id"]
    item = api("post", f"/{mid}/agenda", "east_leader", {"case_number": east_case.number}).json()
    d = api("post", f"/{mid}/decisions", "east_leader", {"text": "分工落实", "agenda_item_id": item["id"]}).json()
    for unit in ("G-EAST-HOUSING", "T-EAST1"):
        api("post", f"/decisions/{d['id']}/tasks", "east_leader", {"unit_code": unit, "description": "落实", "days": 5})
    street = api("get", f"/{mid}", "east1_handler").json()
    assert street["agenda"] is None  # the agenda's cases are not the members' to see
    assert [t["unit_code"] for dec in street["decisions"] for t in dec["tasks"]] == ["T-EAST1"]
    city_view = api("get", f"/{mid}", "city_leader").json()
    assert len(city_view["agenda"]) == 1 and len(city_view["decisions"][0]["tasks"]) == 2
    assert api("get", f"/{mid}", "west_registrar").status_code == 404
    assert api("get", f"/{mid}", "east_hr_handler").status_code == 404
    assert api("get", "", "west_registrar").json() == []


def test_refusals_are_chinese_json_errors_and_change_nothing(city, clock, api, east_case):
    mid = convene(api)["id"]
    before = MeetingEvent.objects.count()
    r = api("post", f"/{mid}/minutes", "east_housing_leader", {"minutes": "成员单位想改纪要"})
    assert r.status_code == 403 and "召集单位" in r.json()["error"]["message"]
    r = api("post", f"/{mid}/agenda", "west_registrar", {"case_number": east_case.number})
    assert r.status_code == 404
    r = api("post", "", "east_housing_leader", {"held_on": "2026-03-02", "topic": "自行召集"})
    assert r.status_code == 403
    r = api("post", f"/{mid}/members", "east_leader", {"member_codes": ["T-WEST1"]})
    assert r.status_code == 422 and "西一街道办事处" in r.json()["error"]["message"]
    d = api("post", f"/{mid}/decisions", "east_leader", {"text": "分工"}).json()
    r = api("post", f"/decisions/{d['id']}/tasks", "east_leader", {"unit_code": "G-EAST-HOUSING", "description": "落实", "days": 0})
    assert r.status_code == 422 and r.json()["error"]["fields"]["days"]
    assert MeetingEvent.objects.count() == before + 1  # only the decision
    assert Meeting.objects.count() == 1


def test_an_overdue_task_is_supervised_by_the_city_supervisor_through_the_api(city, api, east_case):
    with time_machine.travel(START, tick=False):
        mid = convene(api)["id"]
        item = api("post", f"/{mid}/agenda", "east_leader", {"case_number": east_case.number}).json()
        d = api("post", f"/{mid}/decisions", "east_leader", {"text": "限期办理", "agenda_item_id": item["id"]}).json()
        task = api("post", f"/decisions/{d['id']}/tasks", "east_leader",
                   {"unit_code": "G-EAST-HOUSING", "description": "三日内答复", "days": 3}).json()
    due = dt.date.fromisoformat(task["due_on"])
    with time_machine.travel(dt.datetime.combine(due + dt.timedelta(days=2), dt.time(10), tzinfo=START.tzinfo), tick=False):
        assert api("get", "/tasks", "east_housing_handler").json()[0]["deadline_status"] == "overdue"
        assert api("post", f"/tasks/{task['id']}/supervise", "east_housing_handler", {"reason": "x"}).status_code == 403
        r = api("post", f"/tasks/{task['id']}/supervise", "city_supervisor", {"reason": "联席会议任务逾期未办结"})
    assert r.status_code == 201, r.content
    assert r.json()["supervision_id"] and Task.objects.get(pk=task["id"]).state == TaskState.ASSIGNED


def test_a_decision_through_the_api_settles_a_dispute_and_the_meeting_closes_once_tasks_are_accepted(city, clock, api):
    from minxin.cases.services import open_jurisdiction_dispute
    from minxin.testing import make_case

    case = open_jurisdiction_dispute(make_case(city, area="east1v", registering_unit="east_bureau"),
                                     actor=city.staff["east_registrar"], reason="两单位均认为不属本单位",
                                     units=[city.units["east1_office"], city.units["east_housing"]])
    mid = convene(api)["id"]
    item = api("post", f"/{mid}/agenda", "east_leader", {"case_number": case.number}).json()
    bad = api("post", f"/{mid}/decisions", "east_leader", {"text": "由人社局受理", "agenda_item_id": item["id"],
                                                           "competent_unit_code": "G-EAST-HR"})
    assert bad.status_code == 422 and "争议所涉单位" in bad.json()["error"]["message"]
    d = api("post", f"/{mid}/decisions", "east_leader", {"text": "由区住建局受理", "agenda_item_id": item["id"],
                                                         "competent_unit_code": "G-EAST-HOUSING"}).json()
    assert d["competent_unit_code"] == "G-EAST-HOUSING" and d["settles"] is True
    case.refresh_from_db()
    assert case.current_unit == city.units["east_housing"]
    t = api("post", f"/decisions/{d['id']}/tasks", "east_leader",
            {"unit_code": "G-EAST-HOUSING", "description": "受理并答复", "days": 5}).json()
    refused = api("post", f"/{mid}/close", "east_leader", {})
    assert refused.status_code == 409 and "受理并答复" in refused.json()["error"]["message"]
    assert api("post", f"/tasks/{t['id']}/done", "east_housing_handler", {"result": "已受理并答复"}).status_code == 200
    assert api("post", f"/tasks/{t['id']}/accept", "east_leader", {}).status_code == 200
    closed = api("post", f"/{mid}/close", "east_leader", {})
    assert closed.status_code == 200 and closed.json()["closed"] is True and closed.json()["closed_at"]
    assert api("get", "", "east_leader").json()[0]["closed"] is True
