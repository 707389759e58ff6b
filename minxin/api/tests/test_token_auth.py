import datetime as dt

import pytest
import time_machine

from minxin.api.models import ApiToken
from minxin.api.tests.conftest import bearer
from minxin.api.tokens import hash_token, issue_token, revoke_token

pytestmark = pytest.mark.django_db


def test_valid_token_authenticates_its_staff_member(client, city, token_for):
    raw = token_for("east_registrar")
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "east_registrar"
    assert body["name"] == "东城登记员"
    assert body["unit"] == "东城区信访局"
    assert body["area"] == "示范市东城区"
    assert body["roles"] == [{"code": "registrar", "label": "登记员"}]


def test_only_the_hash_of_a_token_is_stored(city, token_for):
    raw = token_for("east_registrar")
    row = ApiToken.objects.get()
    assert row.token_hash == hash_token(raw)
    assert raw not in {row.token_hash, row.prefix}
    assert raw.startswith(row.prefix)


def test_using_a_token_records_when_it_was_last_used(client, city, token_for):
    raw = token_for("east_registrar")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        client.get("/api/v1/me", **bearer(raw))
    assert ApiToken.objects.get().last_used_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_expired_token_is_rejected_with_reason(client, city, token_for):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        raw = token_for("east_registrar", days=30)
    with time_machine.travel(dt.datetime(2026, 3, 31, 8, 59, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    with time_machine.travel(dt.datetime(2026, 3, 31, 9, 0, tzinfo=dt.UTC), tick=False):
        response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "访问令牌已过期", "fields": {}}}


def test_revoked_token_is_rejected(client, city, token_for):
    raw = token_for("east_registrar")
    revoke_token(prefix=ApiToken.objects.get().prefix)
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "访问令牌已被吊销"


@pytest.mark.parametrize("garbage", ["", "mx_", "mx_not-a-real-token", "abc", "Bearer", "mx_" + "A" * 43])
def test_garbage_token_is_rejected(client, city, garbage):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {garbage}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_token_of_a_deactivated_staff_member_is_rejected(client, city, token_for):
    raw = token_for("east_registrar")
    staff = city.staff["east_registrar"]
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "令牌所属账号已停用"


def test_token_of_a_deactivated_user_account_is_rejected(client, city, token_for):
    raw = token_for("east_registrar")
    user = city.staff["east_registrar"].user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_bad_token_is_not_rescued_by_a_session(client, city):
    client.force_login(city.staff["east_registrar"].user)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer mx_wrong")
    assert response.status_code == 401


def test_a_token_works_for_post_without_csrf(city, token_for):
    from django.test import Client

    other = issue_token(username="east_registrar", name="旧脚本")[0]
    raw = token_for("east_registrar")
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.delete(f"/api/v1/me/tokens/{other.prefix}", **bearer(raw))
    assert response.status_code == 204
    other.refresh_from_db()
    assert other.revoked_at is not None


def test_a_token_cannot_revoke_itself(client, city, token_for):
    raw = token_for("east_registrar")
    token = ApiToken.objects.get()
    response = client.delete(f"/api/v1/me/tokens/{token.prefix}", **bearer(raw))
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "token_self_revoke"
    assert "不能用访问令牌吊销它自己" in body["message"]
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200


def test_a_signed_in_session_can_revoke_any_own_token(client, city, token_for):
    token_for("east_registrar")
    token = ApiToken.objects.get()
    client.force_login(city.staff["east_registrar"].user)
    assert client.delete(f"/api/v1/me/tokens/{token.prefix}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
