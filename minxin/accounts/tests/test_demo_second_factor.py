"""The demo keeps 2FA on: demo_logins enrols leaders and administrators and prints their
TOTP secret and current code, which signs them in."""

import random
import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from minxin.demo.city import DEMO_PASSWORD, SMALL_CITY, build_city

pytestmark = pytest.mark.usefixtures("two_factor")


def test_demo_logins_prints_a_working_second_factor_for_leaders_and_admins(db, client, capsys):
    build_city(random.Random(1), SMALL_CITY)
    call_command("demo_logins")
    out = capsys.readouterr().out
    match = re.search(r"^city_leader\s+([A-Z2-7]+)\s+当前口令 (\d{6})$", out, re.M)
    assert match, out
    assert "otpauth://totp/" in out
    assert not re.search(r"^city_registrar\s+[A-Z2-7]{16,}", out, re.M)
    assert TOTPDevice.objects.filter(user__username="city_admin", confirmed=True).exists()

    client.post("/login/", {"username": "city_leader", "password": DEMO_PASSWORD})
    assert client.get("/cases/").status_code == 302
    assert client.post("/account/2fa/", {"code": match.group(2), "next": "/cases/"}).status_code == 302
    assert client.get("/cases/").status_code == 200

    call_command("demo_logins")  # a second run keeps the secret it printed before
    assert match.group(1) in capsys.readouterr().out
