"""Sign-in is throttled per account and per address, locked out for a while, unlocked by an
administrator, audited; passwords are Argon2 with Chinese rules; sessions last a working day."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from minxin.accounts.audit import verify
from minxin.accounts.models import SecurityAction, SecurityEvent
from minxin.testing import PASSWORD

WRONG = "not-the-password"


def actions(username):
    return list(SecurityEvent.objects.filter(username=username).order_by("seq").values_list("action", flat=True))


def post_login(client, username, password, path="/login/", ip="10.0.0.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_fifth_wrong_password_locks_the_account_even_for_the_right_password(client, city, path):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "city_admin", WRONG, path).status_code == 200
    locked = post_login(client, "city_admin", WRONG, path)
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    right = post_login(client, "city_admin", PASSWORD, path)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert SecurityAction.LOCKED_OUT in actions("city_admin")
    assert actions("city_admin").count(SecurityAction.LOGIN_FAILED) == django_settings.AXES_FAILURE_LIMIT + 1
    assert verify() == []


def test_one_address_trying_many_accounts_is_locked_out_too(client, city):
    names = ["city_registrar", "city_leader", "city_supervisor", "city_analyst", "east_registrar"]
    for name in names:
        post_login(client, name, WRONG, ip="10.9.9.9")
    assert post_login(client, "west_registrar", PASSWORD, ip="10.9.9.9").status_code == 429
    # Another address is not affected, and neither is that account from it.
    assert post_login(client, "west_registrar", PASSWORD, ip="10.1.1.1").status_code == 302


def test_lockout_ends_after_the_cool_off_time(client, city):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(django_settings.AXES_FAILURE_LIMIT):
            post_login(client, "east_leader", WRONG)
        assert post_login(client, "east_leader", PASSWORD).status_code == 429
        traveller.shift(django_settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        assert post_login(client, "east_leader", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_with_axes_reset_username(client, city):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        post_login(client, "east_leader", WRONG)
    call_command("axes_reset_username", "east_leader")
    response = post_login(client, "east_leader", PASSWORD)
    assert response.status_code == 302
    assert actions("east_leader")[-1] == SecurityAction.LOGIN_SUCCEEDED


def test_success_and_failure_are_audited_with_the_address(client, city):
    post_login(client, "east_registrar", WRONG, ip="10.2.3.4")
    post_login(client, "east_registrar", PASSWORD, ip="10.2.3.4")
    events = list(SecurityEvent.objects.filter(username="east_registrar", action__startswith="login").order_by("seq"))
    assert [(e.action, e.ip) for e in events] == [(SecurityAction.LOGIN_FAILED, "10.2.3.4"), (SecurityAction.LOGIN_SUCCEEDED, "10.2.3.4")]
    assert events[1].actor == "east_registrar"
    assert verify() == []


def test_editing_a_security_event_is_detected(client, city):
    post_login(client, "east_registrar", WRONG)
    post_login(client, "east_registrar", PASSWORD)
    failed = SecurityEvent.objects.get(action=SecurityAction.LOGIN_FAILED)
    SecurityEvent.objects.filter(pk=failed.pk).update(ip="127.0.0.1")
    assert [p.seq for p in verify()] == [failed.seq]
    SecurityEvent.objects.filter(action=SecurityAction.LOGIN_SUCCEEDED).delete()
    assert any(p.seq is None for p in verify())


def test_new_passwords_are_argon2_and_old_pbkdf2_hashes_are_upgraded_at_sign_in(client, city, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = get_user_model().objects.get(username="east_registrar")
    user.set_password(PASSWORD)
    assert user.password.startswith("argon2$")
    from django.contrib.auth.hashers import make_password

    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert post_login(client, "east_registrar", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_short_common_or_numeric_passwords_are_refused_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_password("12345678")
    text = " ".join(exc.value.messages)
    assert "至少要包含 12 个字符" in text and "密码只包含数字" in text


def test_sessions_last_a_working_day_by_default(client, city):
    assert django_settings.SESSION_COOKIE_AGE == 9 * 3600
    post_login(client, "east_registrar", PASSWORD)
    assert client.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 9 * 3600
