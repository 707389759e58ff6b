import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from minxin.core import crypto
from minxin.notify.backends import HttpGatewayBackend, LocmemBackend
from minxin.notify.models import Delivery, DeliveryStatus
from minxin.notify.services import deliver, deliver_pending, queue_sms

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
SECRET = "gateway-test-secret"


class Gateway:
    """A local SMS gateway that checks the signature and fails the first `fail_first` calls."""

    def __init__(self, *, fail_first=0, status=503):
        self.calls, self.fail_first, self.status = [], fail_first, status
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                msg = self.headers["X-Timestamp"].encode() + b"\n" + self.headers["X-Nonce"].encode() + b"\n" + body
                good = hmac.compare_digest(hmac.new(SECRET.encode(), msg, hashlib.sha256).hexdigest(), self.headers["X-Signature"])
                gateway.calls.append({"body": json.loads(body), "signed": good, "key": self.headers["X-App-Key"]})
                if not good:
                    self.send_response(401)
                elif len(gateway.calls) <= gateway.fail_first:
                    self.send_response(gateway.status)
                else:
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": f"gw-{len(gateway.calls)}"}).encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway_settings(settings):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.HttpGatewayBackend"
    settings.MINXIN_SMS_APP_KEY = "minxin-app"
    settings.MINXIN_SMS_SIGNING_SECRET = SECRET
    settings.MINXIN_SMS_BACKOFF_SECONDS = 0
    settings.MINXIN_SMS_RETRIES = 2
    return settings


def test_gateway_receives_a_signed_request_and_the_log_records_it(gateway_settings):
    with Gateway() as gw:
        gateway_settings.MINXIN_SMS_GATEWAY_URL = gw.url
        d = queue_sms(PHONE, "您的事项已登记", purpose="register")
        deliver(d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.SENT and d.attempts == 1 and d.gateway_id == "gw-1"
    [call] = gw.calls
    assert call["signed"] and call["key"] == "minxin-app"
    assert call["body"]["phone"] == PHONE and call["body"]["text"] == "【民心信访】您的事项已登记"
    assert PHONE not in d.recipient_enc and crypto.decrypt(d.recipient_enc) == PHONE
    assert d.recipient_masked == "139****5678"


def test_transient_gateway_failures_are_retried_then_succeed(gateway_settings):
    with Gateway(fail_first=2) as gw:
        gateway_settings.MINXIN_SMS_GATEWAY_URL = gw.url
        d = queue_sms(PHONE, "通知", purpose="transfer")
        deliver(d.pk)
    d.refresh_from_db()
    assert len(gw.calls) == 3
    assert d.status == DeliveryStatus.SENT and d.attempts == 3 and d.last_error == ""


def test_gateway_that_keeps_failing_leaves_a_failed_delivery_with_the_error(gateway_settings):
    with Gateway(fail_first=99) as gw:
        gateway_settings.MINXIN_SMS_GATEWAY_URL = gw.url
        d = queue_sms(PHONE, "通知", purpose="transfer")
        deliver(d.pk)
    d.refresh_from_db()
    assert len(gw.calls) == 3  # first try + MINXIN_SMS_RETRIES
    assert d.status == DeliveryStatus.FAILED and d.attempts == 3 and d.last_error == "gateway answered HTTP 503"


def test_permanent_rejection_is_not_retried(gateway_settings):
    with Gateway(fail_first=99, status=400) as gw:
        gateway_settings.MINXIN_SMS_GATEWAY_URL = gw.url
        d = queue_sms(PHONE, "通知", purpose="close")
        deliver(d.pk)
    d.refresh_from_db()
    assert len(gw.calls) == 1 and d.status == DeliveryStatus.FAILED


def test_unreachable_gateway_is_a_logged_failure_without_the_phone(gateway_settings, caplog):
    gateway_settings.MINXIN_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    gateway_settings.MINXIN_SMS_TIMEOUT = 1
    d = queue_sms(PHONE, "通知", purpose="close")
    with caplog.at_level(logging.INFO, logger="minxin.notify"):
        deliver(d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and "unreachable" in d.last_error
    assert PHONE not in caplog.text and caplog.records


def test_verification_code_text_is_not_kept_after_sending(settings):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.LocmemBackend"
    LocmemBackend.outbox.clear()
    d = queue_sms(PHONE, "您的验证码为123456", purpose="verify", sensitive=True)
    deliver_pending()
    d.refresh_from_db()
    assert "123456" not in d.body and "123456" in LocmemBackend.outbox[-1]["text"]


def test_a_delivery_is_sent_once_even_if_run_twice(settings):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.LocmemBackend"
    LocmemBackend.outbox.clear()
    d = queue_sms(PHONE, "一次", purpose="close")
    deliver(d.pk)
    deliver(d.pk)
    assert deliver_pending() == 0
    assert [m["text"] for m in LocmemBackend.outbox] == ["【民心信访】一次"]
    assert Delivery.objects.get(pk=d.pk).attempts == 1


def test_file_backend_writes_masked_numbers(settings, tmp_path):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.FileBackend"
    settings.MINXIN_SMS_FILE_PATH = str(tmp_path / "sms.log")
    deliver(queue_sms(PHONE, "文件", purpose="close").pk)
    line = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()[0])
    assert line["to"] == "139****5678" and line["text"] == "【民心信访】文件"


def test_http_backend_refuses_to_start_without_its_settings(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MINXIN_SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HttpGatewayBackend()
