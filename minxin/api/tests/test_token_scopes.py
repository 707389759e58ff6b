"""Tokens issued to a unit: scopes, bounded expiry, administrators' revocation, per-token rate limits,
and the case list's cursor sync (updated_since)."""

import datetime as dt
import json

import pytest
import time_machine

from minxin.accounts.models import SecurityEvent
from minxin.api.models import ALL_SCOPES, ApiToken
from minxin.api.tests.conftest import bearer
from minxin.api.tokens import issue_token
from minxin.cases import services as svc
from minxin.cases.tests.conftest import person
from minxin.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def register(city, subject="小区电梯长期停运"):
    return svc.register_case(
        actor=city.staff["east_registrar"], channel="visit", category="complaint", subject=subject,
        content="3号楼电梯停运两个月", request="修复电梯", facts="1月起停运", reasons="影响出行",
        area=city.areas["east1v"], petitioners=[person(name="王小明", phone="13800138000")],
    )


def test_a_token_belongs_to_its_accounts_unit_and_gets_every_scope_by_default(city, token_for):
    token_for("east_registrar")
    token = ApiToken.objects.get()
    assert token.unit == city.units["east_bureau"]
    assert token.scopes == list(ALL_SCOPES)


def test_a_scope_not_granted_is_refused_and_a_granted_one_works(client, city, token_for):
    raw = token_for("east_registrar", scopes=["cases:read"])
    assert client.get("/api/v1/cases", **bearer(raw)).status_code == 200
    body = {"channel": "visit", "category": "complaint", "area": city.areas["east1v"].code, "subject": "电梯",
            "content": "停运", "request": "修复", "facts": "停运", "petitioners": [person(name="王小明")]}
    response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json", **bearer(raw))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "scope_missing"
    assert "登记信访事项" in error["message"] and "cases:create" in error["message"]
    assert client.get("/api/v1/org/areas", **bearer(raw)).status_code == 403
    # The caller's own identity needs no scope.
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200


def test_acting_on_a_case_needs_the_update_scope(client, city, token_for):
    case = register(city)
    raw = token_for("east_registrar", scopes=["cases:read", "cases:create"])
    response = client.post(f"/api/v1/cases/{case.pk}/transfer",
                           json.dumps({"expected_version": case.version, "unit": "T-EAST1"}),
                           content_type="application/json", **bearer(raw))
    assert response.status_code == 403 and response.json()["error"]["code"] == "scope_missing"
    case.refresh_from_db()
    assert case.state == "registered"


def test_unknown_scopes_are_refused_by_name(city):
    with pytest.raises(ValidationFailed, match="cases:delete"):
        issue_token(username="east_registrar", name="x", scopes=["cases:read", "cases:delete"])
    assert not ApiToken.objects.exists()


def test_every_token_expires_by_default_and_never_beyond_the_maximum(city, settings):
    settings.MINXIN_API_TOKEN_DEFAULT_DAYS, settings.MINXIN_API_TOKEN_MAX_DAYS = 30, 60
    with time_machine.travel(START, tick=False):
        token = issue_token(username="east_registrar", name="x")[0]
        assert token.expires_at == START + dt.timedelta(days=30)
        with pytest.raises(ValidationFailed, match="最多为60天"):
            issue_token(username="east_registrar", name="y", days=61)
    assert ApiToken.objects.count() == 1


def test_an_administrator_revokes_a_units_token_and_it_is_refused_afterwards(client, city, token_for):
    raw = token_for("east_registrar")
    prefix = ApiToken.objects.get().prefix
    client.force_login(city.staff["city_admin"].user)
    assert client.delete(f"/api/v1/admin/tokens/{prefix}").status_code == 204
    client.logout()
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "访问令牌已被吊销"
    assert SecurityEvent.objects.filter(action="token_revoked", actor="city_admin").exists()


def test_an_administrators_token_cannot_revoke_itself(client, city, token_for):
    raw = token_for("city_admin")
    prefix = ApiToken.objects.get().prefix
    response = client.delete(f"/api/v1/admin/tokens/{prefix}", **bearer(raw))
    assert response.status_code == 403 and response.json()["error"]["code"] == "token_self_revoke"
    assert ApiToken.objects.get().revoked_at is None


def test_only_administrators_manage_other_units_tokens(client, city, token_for):
    token_for("east_registrar")
    prefix = ApiToken.objects.get().prefix
    client.force_login(city.staff["east_leader"].user)
    assert client.get("/api/v1/admin/tokens").status_code == 403
    assert client.delete(f"/api/v1/admin/tokens/{prefix}").status_code == 403
    assert ApiToken.objects.get().revoked_at is None


def test_an_administrator_issues_a_scoped_token_for_a_unit_in_their_area(client, city):
    client.force_login(city.staff["city_admin"].user)
    body = {"unit": "B-EAST", "user": "east_registrar", "name": "12345热线", "days": 30, "scopes": ["cases:read"],
            "rate_per_minute": 5}
    response = client.post("/api/v1/admin/tokens", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["token"].startswith("mx_") and out["unit_code"] == "B-EAST" and out["scopes"] == ["cases:read"]
    # Shown once: listing never returns it.
    listed = client.get("/api/v1/admin/tokens").json()
    assert [t["prefix"] for t in listed] == [out["prefix"]] and "token" not in listed[0]
    # The account must belong to the unit.
    body.update(user="west_registrar")
    assert client.post("/api/v1/admin/tokens", json.dumps(body), content_type="application/json").status_code == 422


def test_a_token_over_its_rate_limit_gets_429_until_the_next_minute(client, city):
    raw = issue_token(username="east_registrar", name="x", rate_per_minute=2)[1]
    with time_machine.travel(START, tick=False):
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
        response = client.get("/api/v1/me", **bearer(raw))
        assert response.status_code == 429
        assert "该访问令牌请求过于频繁" in response.json()["error"]["message"]
    # 20 s into the minute: the window ends in 40 s, and the answer says so.
    with time_machine.travel(START + dt.timedelta(seconds=20), tick=False):
        response = client.get("/api/v1/me", **bearer(raw))
        assert response.status_code == 429 and response["Retry-After"] == "40"
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 200


def test_sync_lists_cases_changed_since_a_time_page_by_page_with_a_cursor(client, city, token_for):
    with time_machine.travel(START, tick=False):
        old = register(city, subject="旧事项")
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        new = [register(city, subject=f"新事项{i}") for i in range(3)]
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        svc.transfer_case(old, actor=city.staff["east_registrar"], unit=city.units["east1_office"])
        raw = token_for("east_registrar", scopes=["cases:read"])
        since = (START + dt.timedelta(hours=12)).isoformat()
        seen, cursor, pages = [], "", 0
        while True:
            params = {"updated_since": since, "page_size": 2, **({"cursor": cursor} if cursor else {})}
            body = client.get("/api/v1/cases", params, **bearer(raw)).json()
            seen += [item["id"] for item in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if not cursor:
                break
    assert seen == sorted([old.pk, *(c.pk for c in new)])
    assert pages == 2 and body["count"] == 4
    assert body["sync_at"] is not None


def test_a_forged_cursor_is_a_422_naming_the_parameter(client, city, token_for):
    raw = token_for("east_registrar")
    response = client.get("/api/v1/cases", {"cursor": "not-a-cursor"}, **bearer(raw))
    assert response.status_code == 422
    assert "cursor" in response.json()["error"]["fields"]


def test_the_migration_gives_old_tokens_their_unit_every_scope_and_a_bounded_expiry(city, settings):
    import importlib

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module("minxin.api.migrations.0002_token_unit_scopes_expiry")
    settings.MINXIN_API_TOKEN_MAX_DAYS = 365
    token = issue_token(username="east_registrar", name="旧脚本", scopes=["cases:read"])[0]
    far = timezone.now() + dt.timedelta(days=3650)
    ApiToken.objects.filter(pk=token.pk).update(scopes=[], expires_at=far)
    migration.backfill(apps, None)
    token.refresh_from_db()
    assert token.unit == city.units["east_bureau"]
    # Every scope there was when the migration was written; scopes added since (opinion:*) are not
    # given to old tokens: a new power needs a token issued for it.
    assert token.scopes == migration.SCOPES == ["cases:read", "cases:create", "cases:update", "webhooks", "other"]
    assert set(migration.SCOPES) < set(ALL_SCOPES)
    assert token.expires_at < timezone.now() + dt.timedelta(days=366)
