import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from minxin.cases.tests.conftest import person, valid_id  # noqa: F401 - shared helpers

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def upload(name="page1.png", data=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def case_fields(city, **overrides):
    fields = {
        "category": "complaint",
        "subject": "小区电梯长期停运",
        "content": "小区3号楼电梯停运两个月，物业不予维修。",
        "request": "尽快修复电梯",
        "facts": "电梯自1月起停运",
        "reasons": "影响老人出行",
        "area": city.areas["east1v"],
    }
    fields.update(overrides)
    return fields


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "cases"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []

