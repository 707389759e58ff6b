import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.views import defaults

from minxin.testing import PASSWORD, make_case
from minxin.web import context as web_context

pytestmark = pytest.mark.django_db


def test_login_form_is_in_chinese(client):
    html = client.get("/login/").content.decode()
    assert "工作人员登录" in html
    assert ">用户名<" in html and ">密码<" in html


def test_wrong_password_shows_djangos_chinese_error(client, city):
    response = client.post("/login/", {"username": "east_registrar", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_then_home_shows_name_unit_area_and_roles(client, city):
    response = client.post("/login/", {"username": "east_registrar", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "您好，东城登记员" in html
    assert "东城区信访局" in html
    assert "示范市东城区" in html
    assert "登记员" in html


def test_home_counts_only_cases_visible_to_the_staff_member(client, city):
    make_case(city, area="east1", registering_unit="east_bureau")
    make_case(city, area="east1", registering_unit="east_bureau", current_unit="east_housing")
    closed = make_case(city, area="east2", registering_unit="east_bureau")
    closed.state = "closed"
    closed.save(update_fields=["state"])
    make_case(city, area="west1", registering_unit="west_bureau")  # sibling county: never counted

    client.force_login(city.staff["east_registrar"].user)
    response = client.get("/")
    assert (response.context["case_count"], response.context["open_case_count"]) == (3, 2)

    client.force_login(city.staff["east_housing_handler"].user)
    response = client.get("/")
    assert (response.context["case_count"], response.context["open_case_count"]) == (1, 1)


def test_home_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_account_without_staff_record_sees_a_clear_message(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    html = client.get("/").content.decode()
    assert "您的账号尚未关联工作人员和单位" in html
    assert "进入系统管理" in html


def test_inactive_staff_member_sees_that_the_account_is_disabled(client, city):
    staff = city.staff["east_registrar"]
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    client.force_login(staff.user)
    response = client.get("/")
    assert "您的工作人员账号已停用" in response.content.decode()
    assert response.context["nav_items"] == []


def test_logout_returns_to_login_with_a_message(client, city):
    client.force_login(city.staff["east_registrar"].user)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["您已安全退出"]
    follow = client.get(response["Location"])
    assert "您已安全退出" in follow.content.decode()
    assert client.get("/").status_code == 302


def test_navigation_follows_roles(client, city, monkeypatch):
    from minxin.org.models import Role

    monkeypatch.setattr(web_context, "NAV_ITEMS", [web_context.NAV_ITEMS[0], ("督办台", "web:home", (Role.SUPERVISOR,))])  # only 首页 + one role-bound item: other apps append theirs
    client.force_login(city.staff["city_supervisor"].user)
    assert [i["label"] for i in client.get("/").context["nav_items"]] == ["首页", "督办台"]
    client.force_login(city.staff["city_registrar"].user)
    assert [i["label"] for i in client.get("/").context["nav_items"]] == ["首页"]
    client.force_login(city.staff["city_admin"].user)
    assert [i["label"] for i in client.get("/").context["nav_items"]] == ["首页", "系统管理"]


def test_base_layout_loads_htmx_with_csrf_header_but_not_echarts(client, city):
    client.force_login(city.staff["east_registrar"].user)
    response = client.get("/")
    html = response.content.decode()
    assert "/static/vendor/htmx.min.js" in html
    assert f'hx-headers=\'{{"X-CSRFToken": "{response.context["csrf_token"]}"}}\'' in html
    assert "echarts" not in html


def test_vendored_scripts_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    for name in ("vendor/htmx.min.js", "vendor/echarts.min.js", "web/minxin.css"):
        assert finders.find(name), name


def test_404_page_is_in_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_403_page_is_in_chinese(rf: RequestFactory):
    request = rf.get("/")
    request.user = get_user_model()()
    response = defaults.permission_denied(request, exception=None)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_500_page_is_in_chinese_and_needs_no_request_context(rf: RequestFactory):
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
