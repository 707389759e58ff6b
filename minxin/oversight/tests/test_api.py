import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(flow):
    return flow.accept(flow.transfer(flow.register()))


def test_metrics_for_the_callers_area_with_definitions(client, city, flow):
    flow.opinion_case()
    client.force_login(city.staff["east_leader"].user)
    r = client.get("/api/v1/oversight/metrics", {"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["area"] == "320902000000" and body["unit"] is None
    by_code = {m["code"]: m for m in body["metrics"]}
    assert by_code["on_time_completion"]["numerator"] == 1 and by_code["on_time_completion"]["denominator"] == 1
    defs = client.get("/api/v1/oversight/metrics/definitions").json()
    assert {d["code"] for d in defs} == set(by_code)


def test_metrics_refuse_areas_and_units_outside_the_callers_reach(client, city, flow):
    client.force_login(city.staff["east_leader"].user)
    assert client.get("/api/v1/oversight/metrics", {"area": "320903000000"}).status_code == 404
    assert client.get("/api/v1/oversight/metrics", {"unit": "T-WEST1"}).status_code == 404
    client.force_login(city.staff["east_housing_leader"].user)
    own = client.get("/api/v1/oversight/metrics").json()
    assert own["unit"] == "G-EAST-HOUSING" and own["area"] is None
    assert client.get("/api/v1/oversight/metrics", {"unit": "G-EAST-HR"}).status_code == 403
    # Numbers are for analysts, supervisors and leaders, in the API as on the dashboards.
    client.force_login(city.staff["east_housing_handler"].user)
    assert client.get("/api/v1/oversight/metrics").status_code == 403


def test_scorecards_for_a_bureau_cover_its_units_and_for_any_other_unit_only_itself(client, city, flow):
    client.force_login(city.staff["city_analyst"].user)
    r = client.get("/api/v1/oversight/scorecards", {"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 200, r.content
    codes = [u["unit_code"] for u in r.json()["units"]]
    assert "G-EAST-HOUSING" in codes and "B-CITY" not in codes
    assert r.json()["config"]["repeat_window_days"] == 90
    client.force_login(city.staff["east_housing_leader"].user)
    r = client.get("/api/v1/oversight/scorecards", {"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 200, r.content
    assert [u["unit_code"] for u in r.json()["units"]] == ["G-EAST-HOUSING"] and r.json()["area"] is None
    client.force_login(city.staff["city_admin"].user)
    assert client.get("/api/v1/oversight/scorecards").status_code == 403


def test_supervision_issue_reply_review_through_the_api(client, city, handled):
    client.force_login(city.staff["city_supervisor"].user)
    r = client.post("/api/v1/oversight/supervisions", {"case_number": handled.number, "ground": "delay", "reason": "久拖不办"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["document_number"] and r.json()["level_label"] == "一般督办"
    client.force_login(city.staff["east_housing_handler"].user)
    r = client.post(f"/api/v1/oversight/supervisions/{sid}/reply", {"text": "已整改"}, content_type="application/json")
    assert r.json()["state"] == "replied"
    r = client.post(f"/api/v1/oversight/supervisions/{sid}/review", {"accept": True}, content_type="application/json")
    assert r.status_code == 403
    client.force_login(city.staff["city_supervisor"].user)
    r = client.post(f"/api/v1/oversight/supervisions/{sid}/review", {"accept": True}, content_type="application/json")
    assert r.json()["state"] == "closed"
    assert [rec["kind"] for rec in r.json()["records"]] == ["issue", "reply", "accept"]
    # 西城区 staff cannot even see it.
    client.force_login(city.staff["west_registrar"].user)
    assert client.get(f"/api/v1/oversight/supervisions/{sid}").status_code == 404


def test_notices_are_listed_for_the_receiving_unit_once_delivered(client, city, flow):
    from minxin.oversight import sweeps

    flow.register()
    flow.advance(days=16)
    sweeps.detect_overdue()
    client.force_login(city.staff["east_registrar"].user)
    assert client.get("/api/v1/oversight/notices").json() == []
    sweeps.deliver_notices()
    notices = client.get("/api/v1/oversight/notices").json()
    assert [n["kind"] for n in notices] == ["overdue"]


def test_metric_definitions_page_shows_each_definition(client, city, flow):
    flow.opinion_case()
    client.force_login(city.staff["east_leader"].user)
    r = client.get("/oversight/metrics/")
    assert r.status_code == 200
    html = r.content.decode()
    for name in ("及时受理率", "按期办结率", "参评率", "满意率", "一次性化解率", "重复信访率", "越级率", "复查率", "复核率", "平均办理天数"):
        assert name in html
    assert "100%（1 / 1）" in html  # 按期办结: the one 60日 clock was met


def test_supervisor_acts_on_overdue_proposals_through_the_api(client, city, flow):
    from minxin.oversight import sweeps

    first, second = flow.register(), flow.register()
    flow.advance(days=16)
    sweeps.detect_overdue()
    client.force_login(city.staff["city_supervisor"].user)
    pending = client.get("/api/v1/oversight/proposals").json()
    assert sorted(p["case_number"] for p in pending) == sorted([first.number, second.number])
    by_case = {p["case_number"]: p["id"] for p in pending}
    r = client.post("/api/v1/oversight/supervisions", {"case_number": first.number, "ground": "delay", "reason": "超期未转送",
                    "proposal_id": by_case[first.number]}, content_type="application/json")
    assert r.status_code == 201, r.content
    r = client.post(f"/api/v1/oversight/proposals/{by_case[second.number]}/dismiss", {"reason": "已电话督促"},
                    content_type="application/json")
    assert r.json()["state"] == "dismissed"
    assert client.get("/api/v1/oversight/proposals").json() == []
