import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import send_mail

from minxin.notify.backends import OutboxBackend, read_outbox
from minxin.notify.services import deliver_pending, queue_sms

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]


def test_sms_goes_to_the_outbox_file_in_full_with_the_number_masked(settings, capsys):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.OutboxBackend"
    queue_sms("17012345678", "您的验证码为123456", purpose="verify", sensitive=True)
    assert deliver_pending() == 1
    lines = open(settings.MINXIN_OUTBOX_PATH, encoding="utf-8").read().splitlines()
    record = json.loads(lines[-1])
    assert record["channel"] == "sms" and record["to"] == "170****5678"
    assert "您的验证码为123456" in record["text"]
    assert "17012345678" not in lines[-1]
    printed = capsys.readouterr().out
    assert "170****5678" in printed and "123456" in printed


def test_email_goes_to_the_same_outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "minxin.notify.backends.OutboxEmailBackend"}}
    send_mail("办理结果", "您的信访事项已办结。", None, ["zhang@example.org"])
    [record] = read_outbox()
    assert record == {**record, "channel": "email", "to": "z***@example.org", "subject": "办理结果", "text": "您的信访事项已办结。"}


def test_outbox_lists_newest_first_and_skips_a_torn_line(settings):
    backend = OutboxBackend()
    backend.send("17000000001", "第一条")
    backend.send("17000000002", "第二条")
    with open(settings.MINXIN_OUTBOX_PATH, "a", encoding="utf-8") as fh:
        fh.write('{"at": "2026-')  # a writer killed half-way
    assert [m["text"] for m in read_outbox()] == ["第二条", "第一条"]
    assert [m["text"] for m in read_outbox(limit=1)] == ["第二条"]


def test_no_outbox_file_yet_reads_as_empty_and_the_first_message_creates_it(settings, tmp_path):
    settings.MINXIN_OUTBOX_PATH = str(tmp_path / "none" / "outbox.jsonl")
    assert read_outbox() == []
    OutboxBackend().send("17000000001", "第一条")
    assert [m["text"] for m in read_outbox()] == ["第一条"]


def test_outbox_page_shows_the_messages_in_debug(client, settings):
    settings.DEBUG = True
    OutboxBackend().send("17012345678", "【民心信访】您的验证码为654321")
    response = client.get("/dev/outbox/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "您的验证码为654321" in page and "170****5678" in page


def test_outbox_page_does_not_exist_outside_debug(client, settings):
    settings.DEBUG = False
    OutboxBackend().send("17012345678", "您的验证码为654321")
    response = client.get("/dev/outbox/")
    assert response.status_code == 404
    assert "654321" not in response.content.decode()


@pytest.mark.parametrize(("debug", "sms", "mail"), [
    ("1", "minxin.notify.backends.OutboxBackend", "minxin.notify.backends.OutboxEmailBackend"),
    ("0", "minxin.notify.backends.ConsoleBackend", "django.core.mail.backends.console.EmailBackend"),
])
def test_outbox_is_the_default_only_in_development(tmp_path, debug, sms, mail):
    probe = ("import json, django; from django.conf import settings; django.setup(); "
             "print(json.dumps([settings.MINXIN_SMS_BACKEND, settings.MAILERS['default']['BACKEND'], settings.MINXIN_OUTBOX_PATH]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINXIN_")}
    env.update(MINXIN_DEBUG=debug, MINXIN_VAR_DIR=str(tmp_path), MINXIN_SECRET_KEY="k" * 50, MINXIN_FIELD_KEY="f" * 32,
               MINXIN_AUDIT_KEY="a" * 32,
               DJANGO_SETTINGS_MODULE="minxin.settings", PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [sms, mail, str(tmp_path / "outbox.jsonl")]
