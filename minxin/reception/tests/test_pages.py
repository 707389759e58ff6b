import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from minxin.cases.models import Case, CaseAttachment
from minxin.cases.services import register_case
from minxin.reception import services
from minxin.reception.models import ReceptionBooking
from minxin.reception.tests.conftest import START, case_fields, person, stored_files, upload, valid_id
from minxin.testing import PASSWORD

pytestmark = pytest.mark.django_db


def client_for(username, *, csrf=False):
    c = Client(enforce_csrf_checks=csrf)
    assert c.login(username=username, password=PASSWORD)
    return c


def desk_post(city, **overrides):
    data = {
        "category": "complaint", "area_1": "320902001000", "area_2": "320902001001", "subject": "电梯停运",
        "content": "3号楼电梯停运", "request": "修复", "facts": "1月起停运", "reasons": "出行困难",
        "p-TOTAL_FORMS": "5", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "赵六", "p-0-id_number": valid_id(), "p-0-phone": "13800001111", "p-0-address": "东一社区2号",
    }
    data.update(overrides)
    return data


def test_desk_registers_a_visit(city, clock):
    c = client_for("east_registrar")
    assert c.get(reverse("web:reception_desk")).status_code == 200
    r = c.post(reverse("web:reception_desk"), desk_post(city))
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("web:case_detail", args=[case.pk])
    assert case.channel == "visit" and case.area == city.areas["east1v"]


def test_half_filled_desk_form_keeps_what_was_typed_and_saves_nothing(city, clock):
    c = client_for("east_registrar")
    r = c.post(reverse("web:reception_desk"), desk_post(city, reasons="", subject="<script>alert(1)</script>"))
    assert r.status_code == 422
    html = r.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "赵六" in html and "理由" in html
    assert Case.objects.count() == 0


def test_lookup_partial_lists_visible_earlier_cases_only(city, clock):
    id_number = valid_id()
    east = register_case(actor=city.staff["east_registrar"], channel="visit", petitioners=[person(id_number=id_number)],
                         **case_fields(city))
    url = reverse("web:reception_lookup")
    r = client_for("east_registrar").post(url, {"p-0-id_number": id_number}, headers={"HX-Trigger-Name": "p-0-id_number"})
    assert east.number in r.content.decode() and "重复信访" in r.content.decode()
    r = client_for("west_registrar").post(url, {"p-0-id_number": id_number}, headers={"HX-Trigger-Name": "p-0-id_number"})
    assert east.number not in r.content.decode() and "未查到" in r.content.decode()


def test_lookup_reports_a_bad_checksum(city, clock):
    bad = valid_id()[:-1] + "Y"
    r = client_for("east_registrar").post(reverse("web:reception_lookup"), {"id_number": bad})
    assert "身份证号码" in r.content.decode()


def test_lookup_needs_csrf(city, clock):
    r = client_for("east_registrar", csrf=True).post(reverse("web:reception_lookup"), {"id_number": valid_id()})
    assert r.status_code == 403


def test_letter_page_stores_scans_and_refuses_disguised_files(city, clock, settings):
    c = client_for("east_registrar")
    bad = upload("scan.pdf", b"<html>not a pdf</html>", "application/pdf")
    r = c.post(reverse("web:reception_letter"), desk_post(city) | {"files": [upload(), bad]})
    assert r.status_code == 422 and "scan.pdf" in r.content.decode()
    assert Case.objects.count() == 0 and stored_files(settings) == []

    r = c.post(reverse("web:reception_letter"), desk_post(city) | {"files": [upload(), upload("p2.png")]})
    case = Case.objects.get()
    assert r.status_code == 302 and case.channel == "letter" and CaseAttachment.objects.filter(case=case).count() == 2


def test_attachment_download_is_scoped_to_visible_cases(city, clock):
    case = services.register_letter(actor=city.staff["east_registrar"], petitioners=[person()], files=[upload()], **case_fields(city))
    att = CaseAttachment.objects.get(case=case)
    url = reverse("web:reception_attachment", args=[att.pk])
    r = client_for("east_registrar").get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert client_for("west_registrar").get(url).status_code == 404


def test_call_page_registers_a_phone_call(city, clock):
    data = {"category": "complaint", "caller_name": "李四", "phone": "13900001111", "address": "东一社区5号",
            "subject": "噪音扰民", "content": "夜间施工噪音", "request": "停止夜间施工", "facts": "连续一周", "reasons": "影响休息",
            "area_1": "320902001000"}
    c = client_for("east_registrar")
    r = c.post(reverse("web:reception_call"), data | {"phone": "12"})
    assert r.status_code == 422 and "手机号码" in r.content.decode() and "夜间施工噪音" in r.content.decode()
    r = c.post(reverse("web:reception_call"), data)
    assert r.status_code == 302 and Case.objects.get().channel == "phone"


def test_reception_day_pages_schedule_book_and_turn_into_case(city, clock):
    c = client_for("east_registrar")
    leader = city.staff["east_leader"]
    r = c.post(reverse("web:reception_days"), {"leader": leader.pk, "kind": "jiefang", "date": "2026-03-02",
                                                "starts_at": "08:00", "ends_at": "09:00", "place": "接待大厅", "capacity": "5"})
    assert r.status_code == 302
    day = leader.reception_days.get()
    assert "接待大厅" in c.get(reverse("web:reception_days")).content.decode()

    r = c.post(reverse("web:reception_day_book", args=[day.pk]), {"name": "王五", "id_number": valid_id(), "topic": "电梯",
                                                                   "address": "东一社区8号", "area_1": "320902001000"})
    assert r.status_code == 302
    booking = ReceptionBooking.objects.get()

    lc = client_for("east_leader")
    turn = reverse("web:reception_booking_turn", args=[booking.pk])
    p = f"t{booking.pk}-"
    data = {p + "category": "complaint", p + "subject": "电梯", p + "content": "电梯停运", p + "request": "修复",
            p + "facts": "停运", p + "reasons": "不便", p + "assign_to": city.units["east_housing"].pk, p + "days": ""}
    r = lc.post(turn, data)
    assert r.status_code == 422 and Case.objects.count() == 0
    r = lc.post(turn, data | {p + "days": "30"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.state == "assigned" and case.received_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=START.tzinfo)
    assert case.number in lc.get(reverse("web:reception_day", args=[day.pk])).content.decode()


def test_other_county_cannot_open_a_reception_day(city, clock):
    day = services.schedule_reception_day(actor=city.staff["east_registrar"], leader=city.staff["east_leader"],
                                          date=dt.date(2026, 3, 3), starts_at="09:00", ends_at="10:00", place="大厅")
    assert client_for("west_registrar").get(reverse("web:reception_day", args=[day.pk])).status_code == 404


def test_outcome_form_errors_stay_on_the_booking_and_success_marks_the_day_held(city, clock):
    day = services.schedule_reception_day(actor=city.staff["east_registrar"], leader=city.staff["east_leader"],
                                          date=dt.date(2026, 3, 2), starts_at="08:00", ends_at="09:00", place="大厅")
    booking = services.book_petitioner(day, actor=city.staff["east_registrar"], name="王五", id_number=valid_id(),
                                       topic="电梯", area=city.areas["east1v"])
    c = client_for("east_leader")
    url = reverse("web:reception_booking_outcome", args=[booking.pk])
    p = f"o{booking.pk}-"
    r = c.post(url, {p + "attended": "yes", p + "outcome": "", p + "resolved_on_spot": "yes"})
    assert r.status_code == 422 and "请填写接待结果" in r.content.decode()
    r = c.post(url, {p + "attended": "yes", p + "outcome": "当场答复", p + "resolved_on_spot": "yes"})
    assert r.status_code == 302
    day.refresh_from_db()
    assert day.state == "held"


def test_cancel_needs_a_reason_and_only_the_organising_unit(city, clock):
    day = services.schedule_reception_day(actor=city.staff["east_registrar"], leader=city.staff["east_leader"],
                                          date=dt.date(2026, 3, 3), starts_at="09:00", ends_at="10:00", place="大厅")
    url = reverse("web:reception_day_cancel", args=[day.pk])
    r = client_for("east_registrar").post(url, {"reason": ""})
    assert r.status_code == 422 and "取消原因" in r.content.decode()
    assert client_for("city_registrar").post(url, {"reason": "改期"}).status_code == 403
    assert client_for("east_registrar").post(url, {"reason": "改期"}).status_code == 302
    day.refresh_from_db()
    assert day.state == "cancelled"
