import datetime as dt
import hashlib
import io
import zoneinfo

import docx
import pytest
import time_machine

from minxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from minxin.documents.kinds import DocumentKind
from minxin.documents.models import Document, DocumentSequence
from minxin.documents.services import DocumentTampered, document_filename, issue_document, open_document, record_delivery
from minxin.documents.tests.samples import FULL_CONTEXT
from minxin.org.policies import SYSTEM

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def issue(case, city, kind=DocumentKind.OPINION, unit="east_housing", actor="east_housing_handler", **extra):
    ctx = {**FULL_CONTEXT[kind], **extra.pop("context", {})}
    return issue_document(case, kind=kind, unit=city.units[unit], actor=city.staff[actor] if isinstance(actor, str) else actor, context=ctx, **extra)


def files_under(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_issued_document_is_numbered_rendered_stored_and_hashed(case, city, media_root):
    city.units["east_housing"].short_name = "东住建"
    doc = issue(case, city)

    assert doc.number == "东住建信处意〔2026〕1号"
    assert (doc.year, doc.seq, doc.kind) == (2026, 1, DocumentKind.OPINION)
    assert doc.issued_by == city.staff["east_housing_handler"]
    assert doc.title == "信访事项处理意见书"
    assert doc.file.name.startswith("documents/2026/")
    stored = (media_root / doc.file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == doc.sha256
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(stored)).paragraphs)
    assert doc.number in text and "张某某：" in text
    assert case.documents.get() == doc


def test_stored_context_records_what_was_printed(case, city):
    doc = issue(case, city)
    doc.refresh_from_db()
    assert doc.context["number"] == doc.number
    assert doc.context["issuer"] == "东城区住房和城乡建设局"
    assert doc.context["date"] == "2026-11-25"
    assert doc.context["case_number"] == case.number
    assert doc.context["outcome"] == "support"


def test_review_body_defaults_to_the_issuing_units_superior(case, city):
    doc = issue(case, city)
    assert doc.context["review_body"] == city.units["city_housing"].name
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(open_document(doc))).paragraphs)
    assert f"30日内向{city.units['city_housing'].name}请求复查" in text


def test_opinion_from_a_unit_without_superior_must_name_the_review_body(case, city):
    with pytest.raises(ValidationFailed) as exc:
        issue(case, city, unit="city_housing", actor="city_housing_handler")
    assert "复查机关" in exc.value.message


def test_missing_required_context_is_refused_and_nothing_is_written(case, city, media_root):
    ctx = {k: v for k, v in FULL_CONTEXT[DocumentKind.OPINION].items() if k not in ("legal_basis", "request")}
    with pytest.raises(ValidationFailed) as exc:
        issue_document(case, kind=DocumentKind.OPINION, unit=city.units["east_housing"], actor=city.staff["east_housing_handler"], context=ctx)
    assert "投诉请求" in exc.value.message and "法律法规依据" in exc.value.message
    assert set(exc.value.fields) == {"legal_basis", "request"}
    assert not Document.objects.exists()
    assert not DocumentSequence.objects.exists()
    assert files_under(media_root) == []


def test_refusal_after_earlier_documents_leaves_the_counter_alone(case, city):
    issue(case, city)
    with pytest.raises(ValidationFailed):
        issue(case, city, context={"outcome": "部分支持"})
    assert DocumentSequence.objects.get().last_seq == 1
    assert issue(case, city).seq == 2


def test_staff_of_another_unit_cannot_issue_in_its_name(case, city):
    with pytest.raises(PermissionDenied):
        issue(case, city, actor="east_hr_handler")
    assert not Document.objects.exists()


def test_system_may_issue_without_an_actor(case, city):
    doc = issue(case, city, kind=DocumentKind.ACCEPTANCE, unit="east_bureau", actor=SYSTEM)
    assert doc.issued_by is None
    assert doc.addressed_to_petitioner


def test_issuing_with_no_actor_at_all_is_a_programming_error(case, city):
    with pytest.raises(TypeError):
        issue(case, city, kind=DocumentKind.ACCEPTANCE, unit="east_bureau", actor=None)
    assert not Document.objects.exists()


def test_internal_papers_are_not_for_the_petitioner(case, city):
    transfer = issue(case, city, kind=DocumentKind.TRANSFER, unit="east_bureau", actor="east_registrar")
    assert transfer.addressed_to_petitioner is False
    with pytest.raises(ValidationFailed):
        issue(case, city, kind=DocumentKind.TRANSFER, unit="east_bureau", actor="east_registrar", addressed_to_petitioner=True)
    assert Document.objects.count() == 1


def test_open_document_returns_the_stored_bytes(case, city, media_root):
    doc = issue(case, city)
    assert open_document(doc) == (media_root / doc.file.name).read_bytes()


def test_modified_file_is_caught_by_the_hash_check(case, city, media_root):
    doc = issue(case, city)
    path = media_root / doc.file.name
    data = bytearray(path.read_bytes())
    data[-30] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(DocumentTampered):
        open_document(doc)


def test_missing_file_is_reported_not_served(case, city, media_root):
    doc = issue(case, city)
    (media_root / doc.file.name).unlink()
    with pytest.raises(NotFound):
        open_document(doc)


def test_download_filename_is_chinese_and_free_of_personal_data(case, city):
    city.units["east_housing"].short_name = "东住建"
    doc = issue(case, city)
    name = document_filename(doc)
    assert name == "信访事项处理意见书（东住建信处意〔2026〕1号）.docx"
    assert "张某某" not in name and "/" not in name


def test_delivery_date_is_recorded_and_checked(case, city):
    doc = issue(case, city)
    record_delivery(doc, delivered_on=dt.date(2026, 11, 25))
    doc.refresh_from_db()
    assert doc.delivered_on == dt.date(2026, 11, 25)
    with pytest.raises(ValidationFailed):
        record_delivery(doc, delivered_on=dt.date(2026, 11, 26))
    with pytest.raises(ValidationFailed):
        record_delivery(doc, delivered_on=dt.date(2026, 11, 24))
    doc.refresh_from_db()
    assert doc.delivered_on == dt.date(2026, 11, 25)


def test_context_keys_the_kind_does_not_use_are_not_stored(case, city):
    doc = issue(case, city, context={"id_number": "320902199001011234", "phone": "13800000000"})
    doc.refresh_from_db()
    assert "id_number" not in doc.context and "phone" not in doc.context


def test_notice_handed_over_on_the_spot_is_delivered_today(case, city):
    doc = issue(case, city, kind=DocumentKind.ACCEPTANCE, unit="east_bureau", actor="east_registrar", delivered_on=dt.date(2026, 11, 25))
    assert doc.delivered_on == dt.date(2026, 11, 25)
    with pytest.raises(ValidationFailed):
        issue(case, city, kind=DocumentKind.ACCEPTANCE, unit="east_bureau", actor="east_registrar", delivered_on=dt.date(2026, 11, 20))
    assert Document.objects.count() == 1


def test_inactive_unit_cannot_issue(case, city):
    unit = city.units["east_housing"]
    unit.is_active = False
    with pytest.raises(ValidationFailed):
        issue(case, city)
    assert not Document.objects.exists()


def test_petitioners_name_is_masked_in_the_row_and_kept_encrypted(case, city):
    doc = issue(case, city)
    doc.refresh_from_db()
    assert doc.context["addressee"] == "张**"
    assert "张某某" not in doc.personal_enc
    assert doc.full_context()["addressee"] == "张某某"
    assert doc.full_context()["request"] == doc.context["request"]


def test_unit_addressee_of_an_internal_paper_stays_readable(case, city):
    doc = issue(case, city, kind=DocumentKind.TRANSFER, unit="east_bureau", actor="east_registrar")
    doc.refresh_from_db()
    assert doc.context["addressee"] == "东城区住房和城乡建设局"
    assert doc.context["petitioner"] == "张**"
    assert doc.full_context()["petitioner"] == "张某某"
