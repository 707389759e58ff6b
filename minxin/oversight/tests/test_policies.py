"""One rule, decided the same way by pages and API (the probe found them disagreeing)."""

import pytest

from minxin.testing import make_case

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


def _status(client, staff, url, params=None):
    client.force_login(staff.user)
    return client.get(url, params or {}).status_code


def test_web_and_api_scorecards_allow_and_refuse_the_same_people(client, city):
    answers = {}
    for key, staff in city.staff.items():
        web = _status(client, staff, "/oversight/dashboards/scorecards/data.json", PERIOD)
        api = _status(client, staff, "/api/v1/oversight/scorecards", PERIOD)
        answers[key] = (web, api)
    assert {k for k, (w, a) in answers.items() if w != a} == set()
    assert answers["east_housing_leader"] == (200, 200)
    assert answers["city_admin"] == (403, 403)


def test_revealing_identity_without_the_right_is_refused_on_pages_and_in_the_api(client, city):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")
    for key in ("east_registrar", "east_leader", "east_housing_handler", "east_housing_leader", "city_registrar"):
        staff = city.staff[key]
        web = _status(client, staff, f"/cases/{case.pk}/", {"identity": "full"})
        api = _status(client, staff, f"/api/v1/cases/{case.pk}", {"identity": "full"})
        assert web == api, key
    client.force_login(city.staff["east_housing_handler"].user)
    page = client.get(f"/cases/{case.pk}/", {"identity": "full"})
    assert page.status_code == 403 and "完整身份信息" in page.content.decode()
    body = client.get(f"/api/v1/cases/{case.pk}", {"identity": "full"}).json()
    assert "完整身份信息" in body["error"]["message"]


def test_registration_suggestions_allow_and_refuse_the_same_people_on_pages_and_in_the_api(client, city):
    from minxin.api.tokens import issue_token

    draft = {"content": "阳光小区开发商延期交房", "area": "320902001001"}
    for key, staff in city.staff.items():
        client.force_login(staff.user)
        web = client.post("/cases/register/suggestions/", {"content": draft["content"], "area": draft["area"]}).status_code
        raw = issue_token(username=key, name="matrix")[1]
        api = client.post("/api/v1/intake/suggest", draft, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        assert (web == 403) == (api == 403), (key, web, api)
    # 信访部门 registrars and leaders only: not an analyst, not a department's leader.
    assert api == 403  # west1_handler, the last persona
    client.force_login(city.staff["city_analyst"].user)
    assert client.post("/cases/register/suggestions/", {"content": draft["content"]}).status_code == 403


def test_person_lookup_allows_and_refuses_the_same_people_on_pages_and_in_the_api(client, city):
    from minxin.testing import valid_id

    id_number = valid_id()
    answers = {}
    for key, staff in city.staff.items():
        client.force_login(staff.user)
        web = client.post("/reception/desk/lookup/", {"id_number": id_number}).status_code
        api = client.post("/api/v1/reception/lookup", {"id_number": id_number}, content_type="application/json").status_code
        answers[key] = (web, api)
    assert {k for k, (w, a) in answers.items() if (w == 403) != (a == 403)} == set()
    assert answers["east_housing_handler"] == (403, 403) and answers["east_registrar"] == (200, 200)


def test_metric_figures_are_shown_on_the_page_only_to_those_the_api_gives_them(client, city):
    for key, staff in city.staff.items():
        client.force_login(staff.user)
        page = client.get("/oversight/metrics/")
        api = client.get("/api/v1/oversight/metrics").status_code
        assert page.status_code == 200 and "及时受理率" in page.content.decode()  # the definitions: for everyone
        assert ('class="metric-value"' in page.content.decode()) == (api == 200), key


def test_reminders_never_reach_the_accused_unit_through_the_api(client, city):
    from minxin.core import clock
    from minxin.oversight.models import Notice, NoticeKind

    accused = make_case(city, area="east2v", registering_unit="east_bureau", current_unit="east_discipline",
                        category="accusation", accused_unit="east_housing")
    own = make_case(city, area="east2v", registering_unit="east_bureau", current_unit="east_housing")
    for case in (accused, own):
        Notice.objects.create(kind=NoticeKind.OVERDUE, case=case, unit=city.units["east_housing"], period="2026-W01",
                              text="超期提醒", created_at=clock.now(), sent_at=clock.now())
    client.force_login(city.staff["east_housing_handler"].user)
    numbers = [n["case_number"] for n in client.get("/api/v1/oversight/notices").json()]
    assert numbers == [own.number]
