import re

import pytest
from django.core.cache import cache

from minxin.notify.backends import LocmemBackend

PHONE = "13912345678"
OTHER_PHONE = "13800001111"
# 110101199003077777 fails its checksum; this one passes (GB 11643 weights).
VALID_ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def portal_env(settings, tmp_path):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.LocmemBackend"
    settings.MINXIN_SMS_BACKOFF_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    LocmemBackend.outbox.clear()
    yield
    cache.clear()
    LocmemBackend.outbox.clear()


class Sms:
    """Reads the SMS the worker would send (runs the queued deliveries first)."""

    def deliver(self):
        from minxin.notify.services import deliver_pending

        deliver_pending()

    def texts_to(self, phone):
        self.deliver()
        return [m["text"] for m in LocmemBackend.outbox if m["phone"] == phone]

    def last_code(self, phone):
        for text in reversed(self.texts_to(phone)):
            m = re.search(r"验证码为(\d{6})", text)
            if m:
                return m.group(1)
        raise AssertionError(f"no verification code sent to {phone}")


@pytest.fixture
def sms():
    return Sms()


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\x00" * 64


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, data: bytes, content_type: str = "image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def named_input(city, **overrides):
    from minxin.portal.services import SubmissionInput

    values = dict(
        category="complaint", subject="小区电梯停用三个月", content="东一社区3号楼电梯自八月起停用，物业不予维修。",
        request="请督促物业尽快修复电梯。", area=city.areas["east1v"], name="张三", id_number=VALID_ID,
        address="东一社区3号楼101", phone=PHONE, sms_code="",
    )
    values.update(overrides)
    return SubmissionInput(**values)


def submit_named(city, sms, **overrides):
    """A verified, named submission through the service (as the web form and API do)."""
    from minxin.portal import services

    files = overrides.pop("files", ())
    phone = overrides.get("phone", PHONE)
    services.send_code(phone, purpose="submit", ip="10.0.0.9")
    data = named_input(city, sms_code=sms.last_code(phone), **overrides)
    return services.submit(data, files, ip="10.0.0.9")


