import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from minxin.api.models import ApiToken

pytestmark = pytest.mark.django_db


def csrf_client_logged_in(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # the home page renders the logout form, which sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_signed_in_staff_member_is_recognised(client, city):
    client.force_login(city.staff["city_housing_handler"].user)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["unit"] == "示范市住房和城乡建设局"
    assert response.json()["area"] == "示范市"


def test_anonymous_request_is_told_to_sign_in(client, city):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "请先登录或提供有效的访问令牌", "fields": {}}}


def test_ping_needs_no_sign_in(client, db):
    assert client.get("/api/v1/ping").json() == {"status": "ok"}


def test_account_without_staff_record_is_refused(client, db):
    admin = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(admin)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_staff"
    assert "尚未关联工作人员" in response.json()["error"]["message"]


def test_inactive_staff_member_is_refused(client, city):
    staff = city.staff["east_registrar"]
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    client.force_login(staff.user)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_inactive"


def test_session_post_without_csrf_token_is_refused_and_writes_nothing(city):
    client, _ = csrf_client_logged_in(city.staff["east_registrar"].user)
    response = client.post("/api/v1/me/tokens", {"name": "脚本"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()


def test_session_post_with_csrf_token_creates_a_token_shown_once(city):
    client, csrf = csrf_client_logged_in(city.staff["east_registrar"].user)
    response = client.post(
        "/api/v1/me/tokens", {"name": "12345热线对接", "days": 90}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith(body["prefix"])
    listed = client.get("/api/v1/me/tokens").json()
    assert [t["name"] for t in listed] == ["12345热线对接"]
    assert "token" not in listed[0]
    # The new token works on its own, without the session.
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}").json()["username"] == "east_registrar"


def test_a_token_cannot_mint_another_token(client, city, token_for):
    raw = token_for("east_registrar")
    response = client.post("/api/v1/me/tokens", {"name": "再来一个"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1


def test_staff_cannot_revoke_someone_elses_token(client, city, token_for):
    token_for("west_registrar")
    prefix = ApiToken.objects.get().prefix
    client.force_login(city.staff["east_registrar"].user)
    response = client.delete(f"/api/v1/me/tokens/{prefix}")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None
