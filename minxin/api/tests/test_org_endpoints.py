import pytest

pytestmark = pytest.mark.django_db


def codes(response):
    assert response.status_code == 200, response.content
    return [a["code"] for a in response.json()]


def test_city_bureau_lists_the_counties_under_the_city(client, city):
    client.force_login(city.staff["city_registrar"].user)
    response = client.get("/api/v1/org/areas", {"parent": "320900000000"})
    assert codes(response) == ["320902000000", "320903000000"]
    assert response.json()[0] == {
        "code": "320902000000",
        "name": "东城区",
        "level": 2,
        "level_label": "区县",
        "parent_code": "320900000000",
        "has_children": True,
    }


def test_without_parent_the_callers_own_area_is_the_root(client, city):
    client.force_login(city.staff["east_registrar"].user)
    assert codes(client.get("/api/v1/org/areas")) == ["320902000000"]


def test_county_staff_cannot_list_the_city_or_a_sibling_county(client, city):
    client.force_login(city.staff["east_registrar"].user)
    for code in ("320900000000", "320903000000"):
        response = client.get("/api/v1/org/areas", {"parent": code})
        assert response.status_code == 404
        assert response.json()["error"]["fields"] == {"area": ["无权查看"]}


def test_leaf_area_has_no_children(client, city):
    client.force_login(city.staff["east_registrar"].user)
    assert codes(client.get("/api/v1/org/areas", {"parent": "320902001001001"})) == []
    village = client.get("/api/v1/org/areas", {"parent": "320902001000"}).json()
    assert [(a["code"], a["has_children"]) for a in village] == [("320902001001", True)]


def test_units_of_an_area_exclude_units_below_it(client, city):
    client.force_login(city.staff["east_registrar"].user)
    response = client.get("/api/v1/org/units", {"area": "320902000000"})
    assert response.status_code == 200
    assert [u["code"] for u in response.json()] == ["B-EAST", "D-EAST", "G-EAST-HOUSING", "G-EAST-HR", "L-EAST"]
    assert response.json()[0]["kind_label"] == "信访部门"


def test_inactive_units_are_not_listed(client, city):
    unit = city.units["east_hr"]
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    client.force_login(city.staff["east_registrar"].user)
    listed = [u["code"] for u in client.get("/api/v1/org/units", {"area": "320902000000"}).json()]
    assert "G-EAST-HR" not in listed


def test_unknown_area_code_gives_the_services_message(client, city):
    client.force_login(city.staff["city_registrar"].user)
    response = client.get("/api/v1/org/areas", {"parent": "111111111111"})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "未知的区划代码：111111111111"
