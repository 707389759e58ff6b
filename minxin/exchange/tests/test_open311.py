"""Open311 GeoReport v2 at /open311/v2/: the spec's shapes in JSON and XML, requests that become portal
submissions waiting for registration, and a status that follows the case. The live test drives our
server with the `georeport` client from PyPI."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import time_machine

from minxin.api.tokens import issue_token
from minxin.cases import services as svc
from minxin.cases.models import CaseState, Channel
from minxin.exchange.open311.models import Open311Request
from minxin.portal.models import Submission, SubmissionState
from minxin.portal.services import refuse_submission, register_submission
from minxin.testing import valid_id

SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_KEYS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
REQUEST_KEYS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
                "address", "address_id", "zipcode", "lat", "long", "media_url"}


def form(city, api_key, **extra):
    data = {
        "api_key": api_key, "service_code": "complaint", "description": "小区3号楼电梯停运两个月，物业不予维修",
        "address_id": city.areas["east1v"].code, "address_string": "东一社区3号楼", "lat": "32.123456", "long": "120.654321",
        "first_name": "小明", "last_name": "王", "phone": "13800138000", "email": "wang@example.cn",
        "attribute[request]": "请督促物业尽快修复电梯", "attribute[address]": "东一社区3号楼2单元",
        "attribute[id_number]": valid_id(),
    }
    data.update(extra)
    return data


@pytest.fixture
def api_key(city):
    return issue_token(username="east_registrar", name="12345热线", scopes=["cases:create", "cases:read"])[1]


@pytest.mark.django_db
def test_services_list_the_three_categories_in_json_and_xml(client, city):
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == ["suggestion", "accusation", "complaint"]
    assert all(set(s) == SERVICE_KEYS and s["metadata"] is True and s["type"] == "realtime" for s in services)
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == ["suggestion", "accusation", "complaint"]
    assert {child.tag for child in root.find("service")} == SERVICE_KEYS


@pytest.mark.django_db
def test_a_service_definition_lists_its_attributes_in_json_and_xml(client, city):
    definition = client.get("/open311/v2/services/complaint.json").json()
    assert definition["service_code"] == "complaint"
    codes = {a["code"]: a for a in definition["attributes"]}
    assert codes["request"]["required"] is True and codes["id_number"]["required"] is True
    assert all(set(a) == ATTRIBUTE_KEYS for a in definition["attributes"])
    root = ET.fromstring(client.get("/open311/v2/services/accusation.xml").content)
    assert root.tag == "service_definition" and root.findtext("service_code") == "accusation"
    anonymous = [a for a in root.find("attributes").findall("attribute") if a.findtext("code") == "anonymous"][0]
    assert [v.findtext("key") for v in anonymous.find("values").findall("value")] == ["true", "false"]
    missing = client.get("/open311/v2/services/nonsense.json")
    assert missing.status_code == 404 and set(missing.json()[0]) == {"code", "description"}


@pytest.mark.django_db
def test_discovery_names_the_spec_and_both_formats(client, city):
    body = client.get("/open311/v2/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = ET.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints").find("endpoint").find("formats")] == ["text/xml", "application/json"]


@pytest.mark.django_db
def test_a_posted_request_is_a_portal_submission_waiting_for_registration(client, city, api_key):
    response = client.post("/open311/v2/requests.json", form(city, api_key))
    assert response.status_code == 201, response.content
    [created] = response.json()
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    req = Open311Request.objects.get(service_request_id=created["service_request_id"])
    sub = req.submission
    assert sub.state == SubmissionState.PENDING and sub.category == "complaint"
    assert sub.area == city.areas["east1v"] and sub.name == "王小明" and sub.request == "请督促物业尽快修复电梯"
    assert sub.phone_verified is False
    assert str(req.lat) == "32.123456"
    token = client.get(f"/open311/v2/tokens/{created['token']}.json").json()
    assert token == [{"service_request_id": created["service_request_id"], "token": created["token"]}]


@pytest.mark.django_db
def test_a_post_without_a_valid_key_or_scope_is_refused_and_writes_nothing(client, city):
    assert client.post("/open311/v2/requests.json", form(city, "")).status_code == 403
    assert client.post("/open311/v2/requests.json", form(city, "mx_forged")).status_code == 403
    read_only = issue_token(username="east_registrar", name="只读", scopes=["cases:read"])[1]
    response = client.post("/open311/v2/requests.xml", form(city, read_only))
    assert response.status_code == 403
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error").findtext("code") == "403"
    assert "cases:create" in root.find("error").findtext("description")
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_every_problem_of_a_post_is_reported_at_once_and_nothing_is_written(client, city, api_key):
    data = form(city, api_key, service_code="complaint", description="", address_id="999999999999",
                **{"attribute[request]": "", "attribute[id_number]": "123"})
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 400
    described = " ".join(e["description"] for e in response.json())
    for field in ("description", "address_id", "attribute[request]", "attribute[id_number]"):
        assert field in described
    assert all(e["code"] == 400 for e in response.json())
    assert not Submission.objects.exists() and not Open311Request.objects.exists()


@pytest.mark.django_db
def test_the_status_follows_the_submission_and_then_the_case(client, city, api_key):
    [created] = client.post("/open311/v2/requests.json", form(city, api_key)).json()
    rid = created["service_request_id"]

    def status():
        [row] = client.get(f"/open311/v2/requests/{rid}.json").json()
        assert set(row) == REQUEST_KEYS and row["description"] == ""
        return row

    assert status()["status"] == "open" and "等待" in status()["status_notes"]
    sub = Open311Request.objects.get(service_request_id=rid).submission
    case = register_submission(sub, actor=city.staff["east_registrar"])
    assert case.channel == Channel.ONLINE
    row = status()
    assert row["status"] == "open" and case.number in row["status_notes"] and row["agency_responsible"] == "东城区信访局"
    case = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east1_office"])
    assert status()["status_notes"] == "已转交东一街道办事处办理"
    svc.refuse_case(case, actor=city.staff["east1_handler"], ground="other", reason="不属于信访事项",
                    legal_basis="《信访工作条例》第二十条")
    case.refresh_from_db()
    assert case.state == CaseState.NOT_ACCEPTED
    row = status()
    assert row["status"] == "closed" and row["status_notes"] == "决定不予受理，详见告知书"
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{rid}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request").findtext("status") == "closed"
    assert {c.tag for c in xml.find("request")} == REQUEST_KEYS


@pytest.mark.django_db
def test_a_refused_submission_is_closed(client, city, api_key):
    [created] = client.post("/open311/v2/requests.json", form(city, api_key)).json()
    sub = Open311Request.objects.get().submission
    refuse_submission(sub, actor=city.staff["east_registrar"], reason="内容不属于信访事项")
    [row] = client.get(f"/open311/v2/requests/{created['service_request_id']}.json").json()
    assert row["status"] == "closed" and row["status_notes"] == "未予登记"


@pytest.mark.django_db
def test_listing_requests_needs_a_key_and_shows_only_the_keys_area(client, city, api_key):
    client.post("/open311/v2/requests.json", form(city, api_key))
    assert client.get("/open311/v2/requests.json").status_code == 403
    assert len(client.get("/open311/v2/requests.json", {"api_key": api_key}).json()) == 1
    west = issue_token(username="west_registrar", name="西城", scopes=["cases:read"])[1]
    assert client.get("/open311/v2/requests.json", {"api_key": west}).json() == []
    closed = client.get("/open311/v2/requests.json", {"api_key": api_key, "status": "closed"}).json()
    assert closed == []


@pytest.mark.django_db(transaction=True)
def test_the_georeport_client_reads_our_server_in_json_and_xml(live_server, city, api_key):
    import requests
    from georeport import GeoReport

    root = f"{live_server.url}/open311/v2"
    posted = requests.post(f"{root}/requests.json", data=form(city, api_key), timeout=10)
    assert posted.status_code == 201, posted.text
    rid = posted.json()[0]["service_request_id"]
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        services = client.get_service_list()
        assert [s["service_code"] for s in services] == ["suggestion", "accusation", "complaint"]
        definition = client.get_service_definition("complaint")
        assert definition["service_code"] == "complaint"
        one = client.get_service_request(rid)
        assert one["service_request_id"] == rid and one["status"] == "open"
        many = client.get_service_requests(service_request_id=rid)
        many = many if isinstance(many, list) else [many]  # xmltodict gives a dict for a single element
        assert [r["service_request_id"] for r in many] == [rid]


@pytest.mark.django_db
def test_a_key_over_its_rate_limit_gets_429_with_retry_after(client, city):
    key = issue_token(username="east_registrar", name="12345热线", scopes=["cases:read"], rate_per_minute=1)[1]
    start = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert client.get("/open311/v2/requests.json", {"api_key": key}).status_code == 200
        response = client.get("/open311/v2/requests.json", {"api_key": key})
    assert response.status_code == 429 and response["Retry-After"] == "45"
    assert "请求过于频繁" in response.json()[0]["description"]
