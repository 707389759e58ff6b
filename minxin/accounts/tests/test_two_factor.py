"""Administrators and leaders need a TOTP second factor after the password; others do not."""

import datetime as dt

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minxin.accounts import twofactor
from minxin.accounts.models import SecurityAction, SecurityEvent
from minxin.testing import PASSWORD

pytestmark = pytest.mark.usefixtures("two_factor")
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def code_for(device, at: dt.datetime) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def sign_in(client, username, next_url="/"):
    return client.post(f"/login/?next={next_url}", {"username": username, "password": PASSWORD, "next": next_url})


def test_a_leader_is_sent_to_enrol_and_sees_a_qr_code(client, city):
    sign_in(client, "city_leader")
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "绑定动态口令" in page and 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=city.staff["city_leader"].user, confirmed=False)
    assert twofactor.secret_of(device) in page


def test_enrolment_needs_a_correct_code_and_then_opens_the_site(client, city):
    with time_machine.travel(T0, tick=False) as traveller:
        sign_in(client, "city_leader")
        client.get("/account/2fa/")
        device = TOTPDevice.objects.get(user=city.staff["city_leader"].user)
        wrong = client.post("/account/2fa/", {"code": "000000" if code_for(device, T0) != "000000" else "111111", "next": "/cases/"})
        assert wrong.status_code == 422 and "动态口令不正确" in wrong.content.decode()
        assert client.post("/account/2fa/", {"code": "12a", "next": "/cases/"}).status_code == 422
        # A wrong code slows the next try down (django-otp's throttle), even a right one.
        assert "次数过多" in client.post("/account/2fa/", {"code": code_for(device, T0)}).content.decode()
        traveller.shift(dt.timedelta(seconds=3))
        ok = client.post("/account/2fa/", {"code": code_for(device, T0), "next": "/cases/"})
        assert ok.status_code == 302 and ok["Location"] == "/cases/"
        assert client.get("/cases/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    actions = list(SecurityEvent.objects.filter(username="city_leader").values_list("action", flat=True))
    assert SecurityAction.OTP_FAILED in actions and SecurityAction.OTP_ENROLLED in actions


def test_an_enrolled_administrator_verifies_at_each_sign_in(client, city):
    user = city.staff["city_admin"].user
    device = twofactor.enrol_device(user)
    with time_machine.travel(T0, tick=False) as traveller:
        sign_in(client, "city_admin")
        page = client.get("/account/2fa/").content.decode()
        assert "动态口令验证" in page and "data:image/svg+xml" not in page
        assert client.get("/admin/").status_code == 302
        assert client.post("/account/2fa/", {"code": code_for(device, T0), "next": "/admin/"})["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
        client.post("/logout/")
        traveller.shift(dt.timedelta(minutes=5))
        sign_in(client, "city_admin")
        assert client.get("/").status_code == 302
        now = T0 + dt.timedelta(minutes=5)
        assert client.post("/account/2fa/", {"code": code_for(device, now), "next": "/"}).status_code == 302
        assert client.get("/").status_code == 200


def test_a_used_code_cannot_be_replayed(client, city):
    device = twofactor.enrol_device(city.staff["city_admin"].user)
    with time_machine.travel(T0, tick=False):
        sign_in(client, "city_admin")
        client.post("/account/2fa/", {"code": code_for(device, T0)})
        client.post("/logout/")
        sign_in(client, "city_admin")
        assert client.post("/account/2fa/", {"code": code_for(device, T0)}).status_code == 422


def test_staff_without_a_leading_role_need_no_second_factor(client, city):
    sign_in(client, "east_registrar")
    assert client.get("/cases/").status_code == 200


def test_an_unverified_session_cannot_use_the_api_but_a_token_can(client, city):
    from minxin.api.tokens import issue_token

    sign_in(client, "city_leader")
    response = client.get("/api/v1/me")
    assert response.status_code == 403 and response.json()["error"]["code"] == "two_factor_required"
    raw = issue_token(username="city_leader", name="脚本")[1]
    from django.test import Client

    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_reset_removes_the_device_and_is_audited(city):
    user = city.staff["city_admin"].user
    twofactor.enrol_device(user)
    assert twofactor.reset(user, actor=city.staff["city_admin"]) == 1
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert SecurityEvent.objects.filter(action=SecurityAction.OTP_RESET, username="city_admin").exists()


@pytest.mark.parametrize("debug", [True, False])
def test_the_current_code_is_shown_on_the_page_only_in_development(client, city, settings, debug):
    settings.DEBUG = debug
    device = twofactor.enrol_device(city.staff["city_leader"].user)
    sign_in(client, "city_leader")
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False):
        page = client.get("/account/2fa/").content.decode()
        shown = f"此刻的口令是 {twofactor.current_code(device)}" in page
        assert shown is debug
        if debug:  # and it is the code that signs in
            assert client.post("/account/2fa/", {"code": twofactor.current_code(device), "next": "/cases/"}).status_code == 302


def test_in_development_a_code_already_used_is_not_offered_again_and_the_wait_is_said(client, city, settings):
    """Signing in twice within one 30-second step: the hint must not show a code that will be refused."""
    settings.DEBUG = True
    device = twofactor.enrol_device(city.staff["city_leader"].user)
    with time_machine.travel(T0 + dt.timedelta(seconds=10), tick=False) as traveller:
        sign_in(client, "city_leader")
        assert client.post("/account/2fa/", {"code": twofactor.current_code(device), "next": "/"}).status_code == 302
        client.post("/logout/")
        sign_in(client, "city_leader")
        page = client.get("/account/2fa/").content.decode()
        assert "刚刚已用过" in page and "约 20 秒后刷新本页" in page and 'data-testid="dev-totp"' not in page
        traveller.shift(dt.timedelta(seconds=20))
        device.refresh_from_db()
        page = client.get("/account/2fa/").content.decode()
        assert f"此刻的口令是 {twofactor.current_code(device)}" in page and "刚刚已用过" not in page
        assert client.post("/account/2fa/", {"code": twofactor.current_code(device), "next": "/"}).status_code == 302
