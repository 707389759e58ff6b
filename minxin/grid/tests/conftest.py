import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minxin.cases.models import Domain

# The smallest valid PNG (1×1): what the magic-byte check accepts.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def png(name="现场.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def housing(db):
    return Domain.objects.get(name="房地产")


@pytest.fixture
def report_as(city, housing):
    from minxin.grid import services

    def make(who="grid1_worker", area="grid1", **kw):
        fields = dict(kind="dispute", domain=housing, area=city.areas[area], description="两户村民因宅基地边界争执，已有推搡",
                      people_count=2, parties="3组两户村民")
        fields.update(kw)
        return services.report(actor=city.staff[who], **fields)

    return make


def text_file(content=b"<html><script>alert(1)</script>", name="photo.png"):
    return SimpleUploadedFile(name, content, content_type="image/png")


__all__ = ["io", "png", "text_file", "PNG"]
