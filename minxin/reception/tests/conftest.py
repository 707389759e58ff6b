
from django.core.files.uploadedfile import SimpleUploadedFile

from minxin.testing import START, person, valid_id  # noqa: F401 - shared helpers

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


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

