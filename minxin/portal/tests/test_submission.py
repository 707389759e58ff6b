import pytest

from minxin.cases.models import Case, CaseState
from minxin.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from minxin.portal import services
from minxin.portal.models import CODE_ALPHABET, Attachment, RealNameRule, Submission, SubmissionState
from minxin.portal.tests.conftest import PHONE, VALID_ID, jpeg_bytes, named_input, pdf_bytes, png_bytes, submit_named, upload

pytestmark = pytest.mark.django_db


def test_named_complaint_is_stored_encrypted_with_an_unguessable_code(city, sms):
    sub = submit_named(city, sms)
    assert sub.state == SubmissionState.PENDING
    assert len(sub.code) >= 12 and set(sub.code) <= set(CODE_ALPHABET)
    row = Submission.objects.get(pk=sub.pk)
    assert "张三" not in row.name_enc and PHONE not in row.phone_enc and VALID_ID not in row.id_number_enc
    assert (row.name, row.phone, row.id_number) == ("张三", PHONE, VALID_ID)
    assert row.name_masked == "张*" and row.phone_masked == "139****5678"
    assert row.phone_verified


def test_codes_of_many_submissions_are_distinct(city, sms):
    codes = {submit_named(city, sms, phone=f"1390000{i:04d}").code for i in range(3)}
    assert len(codes) == 3


def test_complaint_without_verified_phone_is_refused(city, sms):
    data = named_input(city, sms_code="123456")
    with pytest.raises(ValidationFailed) as exc:
        services.submit(data, ip="10.0.0.1")
    assert "sms_code" in exc.value.fields
    assert not Submission.objects.exists()


def test_invalid_id_checksum_is_refused_with_the_reason(city, sms):
    bad = VALID_ID[:-1] + "3"
    with pytest.raises(ValidationFailed) as exc:
        services.submit(named_input(city, id_number=bad, sms_code="000000"), ip="10.0.0.1")
    assert exc.value.fields["id_number"] == ["身份证号码校验位不正确"]
    assert not Submission.objects.exists()


def test_suggestion_may_not_be_anonymous_but_accusation_may(city, sms):
    with pytest.raises(ValidationFailed) as exc:
        services.submit(named_input(city, category="suggestion", anonymous=True, name="", id_number="", phone=""), ip="1.1.1.1")
    assert "anonymous" in exc.value.fields
    sub = services.submit(
        named_input(city, category="accusation", anonymous=True, name="", id_number="", address="", phone=""), ip="1.1.1.1"
    )
    assert sub.is_anonymous and sub.name_enc == "" and sub.phone_hash == ""


def test_real_name_rules_are_configuration(city, sms):
    RealNameRule.objects.filter(category="suggestion").update(allow_anonymous=True, require_name=False,
                                                              require_id_number=False, require_verified_phone=False)
    sub = services.submit(
        named_input(city, category="suggestion", anonymous=True, name="", id_number="", address="", phone=""), ip="1.1.1.1"
    )
    assert sub.is_anonymous


def test_place_must_be_chosen_down_to_village(city):
    with pytest.raises(ValidationFailed) as exc:
        services.submit(named_input(city, area=city.areas["east1"], sms_code="1"), ip="1.1.1.1")
    assert exc.value.fields["area"] == ["请继续选择到村（社区）一级"]


def test_attachments_are_checked_by_content_and_stored_with_random_names(city, sms, settings):
    files = [upload("现场.jpg", jpeg_bytes()), upload("图.png", png_bytes(), "image/png"), upload("材料.pdf", pdf_bytes(), "application/pdf")]
    sub = submit_named(city, sms, files=files)
    atts = list(Attachment.objects.filter(submission=sub).order_by("pk"))
    assert [a.content_type for a in atts] == ["image/jpeg", "image/png", "application/pdf"]
    for a in atts:
        assert "现场" not in a.file.name and "材料" not in a.file.name
        assert a.file.path.startswith(str(settings.MEDIA_ROOT / "portal"))


@pytest.mark.parametrize("name,data", [
    ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a Windows executable
    ("photo.jpg", b"<html><script>alert(1)</script></html>"),
    ("scan.pdf", b"GIF89a" + b"\x00" * 32),
])
def test_disguised_attachments_are_refused_and_nothing_is_saved(city, sms, name, data, settings):
    services.send_code(PHONE, purpose="submit", ip="10.0.0.9")
    with pytest.raises(ValidationFailed) as exc:
        services.submit(named_input(city, sms_code=sms.last_code(PHONE)), [upload(name, data)], ip="10.0.0.9")
    assert "不是JPEG、PNG 图片或 PDF 文件" in exc.value.fields["attachments"][0]
    assert not Submission.objects.exists() and not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "portal").exists() or not any((settings.MEDIA_ROOT / "portal").rglob("*.*"))


def test_oversized_and_too_many_attachments_are_refused(city, settings):
    settings.MINXIN_PORTAL_MAX_FILE_BYTES = 2048
    big = upload("big.jpg", jpeg_bytes() + b"\x00" * 4096)
    with pytest.raises(ValidationFailed) as exc:
        services.submit(named_input(city, sms_code="1"), [big], ip="1.1.1.1")
    assert "超过单个附件" in exc.value.fields["attachments"][0]
    settings.MINXIN_PORTAL_MAX_FILES = 2
    with pytest.raises(ValidationFailed) as exc:
        services.submit(named_input(city, sms_code="1"), [upload(f"{i}.jpg", jpeg_bytes()) for i in range(3)], ip="1.1.1.1")
    assert exc.value.fields["attachments"] == ["附件最多2个"]


def test_registrar_of_the_place_registers_it_as_an_online_case(city, sms):
    sub = submit_named(city, sms)
    case = services.register_submission(sub, actor=city.staff["east_registrar"])
    sub.refresh_from_db()
    assert sub.state == SubmissionState.REGISTERED and sub.case == case
    assert case.channel == "online" and case.state == CaseState.REGISTERED
    assert case.received_at == sub.created_at
    assert case.parties.get().petitioner.phone == PHONE
    with pytest.raises(InvalidTransition):
        services.register_submission(sub, actor=city.staff["east_registrar"])
    assert Case.objects.count() == 1


def test_registrar_of_another_area_does_not_see_the_submission(city, sms):
    sub = submit_named(city, sms)
    assert not services.queue_for(city.staff["west_registrar"]).exists()
    assert not services.queue_for(city.staff["east_housing_handler"]).exists()
    with pytest.raises(NotFound):
        services.register_submission(sub, actor=city.staff["west_registrar"])
    with pytest.raises(PermissionDenied):
        services.register_submission(sub, actor=city.staff["east_housing_handler"])
    assert services.queue_for(city.staff["city_registrar"]).filter(pk=sub.pk).exists()


def test_anonymous_accusation_registers_as_anonymous_case(city):
    sub = services.submit(
        named_input(city, category="accusation", anonymous=True, name="", id_number="", address="", phone=""), ip="1.1.1.1"
    )
    case = services.register_submission(sub, actor=city.staff["east_registrar"])
    assert case.is_anonymous and not case.parties.exists()


def test_refusal_needs_a_reason_and_the_portal_shows_it(city, sms):
    sub = submit_named(city, sms)
    with pytest.raises(ValidationFailed):
        services.refuse_submission(sub, actor=city.staff["east_registrar"], reason="  ")
    services.refuse_submission(sub, actor=city.staff["east_registrar"], reason="属于劳动争议，请向劳动人事争议仲裁委员会申请仲裁")
    sub.refresh_from_db()
    steps = services.progress(sub)
    assert "未予登记。理由：属于劳动争议" in steps[-1].text
    assert services.status_text(sub) == "未予登记"


def test_expired_verification_codes_are_purged_and_fresh_ones_kept(city, sms):
    import datetime as dt

    import time_machine

    from minxin.portal.models import PhoneCode

    start = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as t:
        services.send_code(PHONE, purpose="submit", ip="1.1.1.1")
        t.shift(dt.timedelta(days=2))
        services.send_code(PHONE, purpose="submit", ip="1.1.1.1")
        assert services.purge_phone_codes() == 1
        assert PhoneCode.objects.count() == 1
