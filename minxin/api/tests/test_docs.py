import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_endpoints_and_both_auth_methods(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "民心信访工作平台 API"
    for path in ("/api/v1/ping", "/api/v1/me", "/api/v1/me/tokens", "/api/v1/org/areas", "/api/v1/org/units"):
        assert path in schema["paths"], path
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_uses_local_swagger_files_not_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_swagger_files_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js")
    assert finders.find("ninja/swagger-ui.css")


def test_api_root_points_to_the_docs(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "name": "民心信访工作平台 API",
        "version": "1",
        "docs": "/api/v1/docs",
        "openapi": "/api/v1/openapi.json",
    }


def test_api_root_refuses_other_methods_in_json(client):
    response = client.post("/api/v1/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
