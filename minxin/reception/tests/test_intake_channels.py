import pytest
from django.db import transaction

from minxin.cases.models import Case, CaseAttachment, CaseParty
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.reception import services
from minxin.reception.tests.conftest import PDF, PNG, case_fields, person, stored_files, upload

pytestmark = pytest.mark.django_db


def test_letter_is_registered_with_its_scanned_pages(city, clock, settings):
    actor = city.staff["east_registrar"]
    case = services.register_letter(actor=actor, petitioners=[person()], files=[upload(), upload("p2.pdf", PDF)],
                                    **case_fields(city))

    assert case.channel == "letter"
    atts = list(CaseAttachment.objects.filter(case=case))
    assert [(a.content_type, a.original_name, a.kind) for a in atts] == [
        ("image/png", "page1.png", "letter_scan"), ("application/pdf", "p2.pdf", "letter_scan")]
    assert all(a.uploaded_by == actor and a.size > 0 and len(a.sha256) == 64 for a in atts)
    files = stored_files(settings)
    assert len(files) == 2
    # Stored under MEDIA_ROOT/cases/<year>/ with a random name, never the uploader's.
    assert all(f.parent.name == "2026" and "page1" not in f.name for f in files)
    assert files[0].read_bytes() in (PNG, PDF)


def test_disguised_attachment_leaves_no_case_and_no_file(city, clock, settings):
    fake = upload("scan.png", b"MZ\x90\x00 this is an executable", "image/png")
    with pytest.raises(ValidationFailed) as err:
        services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()], files=[upload(), fake],
                                 **case_fields(city))
    assert "scan.png" in err.value.fields["files"][0]
    assert Case.objects.count() == 0 and CaseAttachment.objects.count() == 0
    assert stored_files(settings) == []


def test_oversized_or_too_many_pages_are_refused(city, clock, settings):
    settings.MINXIN_RECEPTION_MAX_FILE_BYTES = 50
    with pytest.raises(ValidationFailed) as err:
        services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()], files=[upload()], **case_fields(city))
    assert "MB" in err.value.message
    settings.MINXIN_RECEPTION_MAX_FILE_BYTES = 10_000
    settings.MINXIN_RECEPTION_MAX_FILES = 2
    with pytest.raises(ValidationFailed):
        services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()],
                                 files=[upload(), upload(), upload()], **case_fields(city))
    assert Case.objects.count() == 0


def test_letter_without_scans_is_refused(city, clock):
    with pytest.raises(ValidationFailed) as err:
        services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()], files=[], **case_fields(city))
    assert "files" in err.value.fields
    assert Case.objects.count() == 0


def test_refused_registration_removes_files_already_written(city, clock, settings, monkeypatch):
    real_store = services._store

    def store_then_fail(case, checked, **kw):
        real_store(case, checked, **kw)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_store", store_then_fail)
    with pytest.raises(RuntimeError):
        services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()], files=[upload()], **case_fields(city))
    assert Case.objects.count() == 0 and stored_files(settings) == []


def test_letter_missing_article_19_fields_writes_nothing(city, clock, settings):
    with pytest.raises(ValidationFailed) as err:
        services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()], files=[upload()],
                                 **case_fields(city, reasons=""))
    assert "reasons" in err.value.fields
    assert Case.objects.count() == 0 and stored_files(settings) == []


def test_handler_cannot_register_a_letter(city, clock, settings):
    with pytest.raises(PermissionDenied):
        services.register_letter(actor=city.staff["east_housing_handler"], petitioners=[person()], files=[upload()],
                                 **case_fields(city))
    assert stored_files(settings) == []


def test_phone_call_is_registered_as_an_oral_petition(city, clock):
    case = services.register_call(actor=city.staff["east_registrar"], caller_name="李四", phone="13900001111",
                                  address="东一社区5号", **case_fields(city))
    assert case.channel == "phone" and not case.is_anonymous
    party = CaseParty.objects.get(case=case)
    assert party.petitioner.name == "李四" and party.petitioner.phone_masked == "139****1111"


def test_anonymous_call_only_for_accusations(city, clock):
    with pytest.raises(ValidationFailed) as err:
        services.register_call(actor=city.staff["east_registrar"], anonymous=True, **case_fields(city))
    assert "anonymous" in err.value.fields
    case = services.register_call(actor=city.staff["east_registrar"], anonymous=True,
                                  **case_fields(city, category="accusation"))
    assert case.is_anonymous and not case.parties.exists()


def test_named_call_needs_name_and_address(city, clock):
    with pytest.raises(ValidationFailed) as err:
        services.register_call(actor=city.staff["east_registrar"], caller_name="", phone="123", **case_fields(city))
    assert set(err.value.fields) == {"caller_name", "address", "phone"}
    assert Case.objects.count() == 0


def test_collective_visit_allows_five_representatives_but_not_six(city, clock):
    from minxin.cases.services import register_case

    reps = [person(name=f"代表{i}", is_representative=True) for i in range(5)]
    case = register_case(actor=city.staff["east_registrar"], channel="visit", petitioners=reps, people_count=40,
                         **case_fields(city))
    assert case.is_collective and case.people_count == 40
    with pytest.raises(ValidationFailed), transaction.atomic():
        register_case(actor=city.staff["east_registrar"], channel="visit", people_count=40,
                      petitioners=reps + [person(name="代表6", is_representative=True)], **case_fields(city))


def test_case_page_lists_the_letter_scans_and_downloads_them(city, clock, settings, client):
    from minxin.testing import PASSWORD

    case = services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()], files=[upload()],
                                    **case_fields(city))
    att = CaseAttachment.objects.get(case=case)
    assert client.login(username="east_registrar", password=PASSWORD)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    link = f"/reception/attachments/{att.pk}/"
    assert link in page.content.decode() and "page1.png" in page.content.decode()
    assert client.get(link).content == PNG
    # A registrar of the neighbouring county cannot fetch it.
    client.logout()
    assert client.login(username="west_registrar", password=PASSWORD)
    assert client.get(link).status_code == 404
