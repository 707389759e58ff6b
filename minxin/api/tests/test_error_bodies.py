"""Every failure under /api/v1/ answers {"error": {"code", "message", "fields"}} in Chinese."""

import logging

import pytest
from django.http import Http404

from minxin.org.models import Staff

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["fields"], dict)
    # Chinese, not an English default such as "Not Found" or "Unauthorized".
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"])
    return body["error"]


@pytest.fixture
def staff_client(client, city):
    client.force_login(city.staff["east_registrar"].user)
    return client


def test_domain_error_uses_its_own_code_status_and_message(staff_client):
    error = assert_error_shape(staff_client.get("/api/v1/org/units", {"area": "999999999999"}), 404, "not_found")
    assert error["message"] == "未知的区划代码：999999999999"
    assert error["fields"] == {"area": ["区划代码不存在"]}


def test_missing_query_parameter_is_a_422_with_chinese_field_message(staff_client):
    error = assert_error_shape(staff_client.get("/api/v1/org/units"), 422, "validation_error")
    assert error["fields"] == {"area": ["必填"]}


def test_body_validation_names_each_field(city):
    from django.test import Client

    client = Client()
    client.force_login(city.staff["east_registrar"].user)
    response = client.post("/api/v1/me/tokens", {"name": "", "days": 0}, content_type="application/json")
    error = assert_error_shape(response, 422, "validation_error")
    assert error["fields"] == {"payload.name": ["至少1个字符"], "payload.days": ["不能小于1"]}


def test_unparseable_json_body_is_a_400(staff_client):
    response = staff_client.post("/api/v1/me/tokens", "{not json", content_type="application/json")
    assert_error_shape(response, 400, "bad_request")


def test_missing_credentials_is_a_401(client, db):
    assert_error_shape(client.get("/api/v1/me"), 401, "unauthenticated")


def test_area_outside_jurisdiction_is_not_shown(staff_client):
    error = assert_error_shape(staff_client.get("/api/v1/org/units", {"area": "320903000000"}), 404, "not_found")
    assert "不在您的管辖范围内" in error["message"]


def test_forbidden_is_a_403(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("nobody", password="x"))
    assert_error_shape(client.get("/api/v1/me"), 403, "not_staff")


def test_http404_raised_in_a_handler_is_json(staff_client, monkeypatch):
    def missing(code):
        raise Http404("internal detail")

    monkeypatch.setattr("minxin.api.org.get_area", missing)
    error = assert_error_shape(staff_client.get("/api/v1/org/units", {"area": "320902000000"}), 404, "not_found")
    assert "internal detail" not in error["message"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/org/nope/deeper", "/api/v1/me/", "/api/v1/org"])
def test_unknown_path_under_api_is_json_not_html(staff_client, path):
    assert_error_shape(staff_client.get(path), 404, "not_found")


def test_unknown_path_answers_json_to_anonymous_callers_too(client, db):
    assert_error_shape(client.post("/api/v1/does-not-exist"), 404, "not_found")


def test_wrong_method_is_a_405_with_allow_header(staff_client):
    response = staff_client.delete("/api/v1/ping")
    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_unexpected_exception_is_a_500_without_details_and_is_logged(staff_client, monkeypatch, caplog):
    def explode(self):
        raise RuntimeError("secret internal state 320902199001011234")

    monkeypatch.setattr(Staff, "display_name", property(explode))
    with caplog.at_level(logging.ERROR, logger="minxin.api"):
        response = staff_client.get("/api/v1/me")
    error = assert_error_shape(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert error["fields"] == {}
    assert any(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in caplog.records)


def test_pages_outside_the_api_keep_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("url", [
    "/api/v1/cases?page=999999999999999999",
    "/api/v1/cases?page=0",
    "/api/v1/cases?page_size=1000",
    "/api/v1/risk/alerts?offset=-1",
    "/api/v1/risk/ledger?offset=99999999999999999999",
    "/api/v1/risk/ledger?limit=0",
])
def test_out_of_range_paging_is_a_422_naming_the_parameter(staff_client, url):
    error = assert_error_shape(staff_client.get(url), 422, "validation_error")
    assert set(error["fields"]) & {"page", "page_size", "offset", "limit"}


def test_paging_within_range_still_pages(staff_client):
    response = staff_client.get("/api/v1/cases", {"page": 3, "page_size": 5})
    assert response.status_code == 200
    assert (response.json()["page"], response.json()["page_size"]) == (3, 5)
    assert staff_client.get("/api/v1/risk/alerts", {"offset": 10**8, "limit": 200}).json() == []


@pytest.mark.parametrize("url", ["/api/v1/cases/99999999999999999999", "/api/v1/oversight/supervisions/-99999999999999999999"])
def test_an_id_too_large_for_the_database_is_a_422_not_a_server_error(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code in (404, 422)  # PostgreSQL compares it as numeric and finds nothing
    assert_error_shape(response, response.status_code, "validation_error" if response.status_code == 422 else "not_found")


def test_every_operation_documents_the_shared_error_responses(staff_client):
    schema = staff_client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["error"]
    operations = [(path, op) for path, methods in schema["paths"].items() for op in methods.values()]
    assert len(operations) > 40
    for path, op in operations:
        documented = set(op["responses"])
        assert {"400", "403", "404", "409", "422", "429", "503"} <= documented, path
        assert ("401" in documented) == bool(op.get("security")), path
