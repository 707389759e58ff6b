"""A letter to a petitioner who submitted online prints the code the portal follows, and says how."""

import io

import docx
import pytest

from minxin.cases.services import accept_case, transfer_case
from minxin.documents.kinds import DocumentKind
from minxin.documents.models import Document
from minxin.documents.services import open_document
from minxin.portal import services
from minxin.portal.tests.conftest import PHONE, submit_named

pytestmark = pytest.mark.django_db


def test_acceptance_letter_of_an_online_case_prints_the_portal_code_that_finds_it(city, sms, clock):
    sub = submit_named(city, sms)
    case = services.register_submission(sub, actor=city.staff["east_registrar"])
    transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    accept_case(case, actor=city.staff["east_housing_handler"], route="opinion")
    doc = Document.objects.get(case=case, kind=DocumentKind.ACCEPTANCE)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(open_document(doc))).paragraphs)
    assert f"查询码为{sub.code}" in text and "网上信访（/xf/）" in text

    services.start_follow(sub.code, PHONE, ip="10.1.1.9")
    followed = services.finish_follow(sub.code, PHONE, sms.last_code(PHONE), ip="10.1.1.9")
    assert doc in services.documents(followed)
