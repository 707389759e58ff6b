"""Across the year boundary: a clock ending in a year whose holidays are not yet published is
counted provisionally (暂定), shown and printed so, and recomputed — audited, the petitioner told
only when a date they were given moved — once the official schedule is entered."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from minxin.cases import services as svc
from minxin.cases.audit import verify_case
from minxin.cases.statemachine import A
from minxin.documents.kinds import DocumentKind
from minxin.documents.models import Document
from minxin.documents.services import open_document
from minxin.notify.models import Delivery
from minxin.rules import alerts
from minxin.rules.calendar_db import year_completed
from minxin.rules.deadlines import deadline_status
from minxin.rules.models import CalendarDay, CalendarSource, CalendarYear

TZ = dt.timezone(dt.timedelta(hours=8))
D = dt.date

# An "official" 2027 schedule as the State Council might publish it: 春节 from 除夕 (Fri 5 Feb)
# to Thu 11 Feb, with Sat 20 Feb a make-up working day; 元旦 on Fri 1 Jan.
OFFICIAL_2027 = [(D(2027, 1, 1), False, "元旦")] + [(D(2027, 2, d), False, "春节") for d in range(5, 12)] + [
    (D(2027, 2, 20), True, "春节调休上班"),
]


def _accept_on(city, register, clock, day: dt.date):
    clock.move_to(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=TZ))
    case = svc.transfer_case(register(), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    return svc.accept_case(case, actor=city.staff["east_housing_handler"], route=svc.Route.OPINION)


def _enter_official_2027():
    year = CalendarYear.objects.create(year=2027, complete=False, source=CalendarSource.MANUAL)
    CalendarDay.objects.bulk_create([CalendarDay(calendar_year=year, date=d, is_workday=w, name=n) for d, w, n in OFFICIAL_2027])
    year.complete = True
    year.save()
    return year_completed(2027)


def _handling(case):
    return case.deadlines.get(code="handle_60d", state="running")


def _letter_text(case) -> str:
    doc = Document.objects.filter(case=case, kind=DocumentKind.ACCEPTANCE).latest("pk")
    return "\n".join(p.text for p in docx.Document(io.BytesIO(open_document(doc))).paragraphs)


@pytest.fixture
def two_cases(city, register, clock):
    # 60 自然日 after 20 Nov 2026 is Tue 19 Jan 2027: no holiday near it in either calendar.
    quiet = _accept_on(city, register, clock, D(2026, 11, 20))
    # 60 自然日 after 11 Dec 2026 is Tue 9 Feb 2027: a working day after 春节 (5–8 Feb) provisionally,
    # inside the official 春节 break (to 11 Feb), so officially Fri 12 Feb.
    moved = _accept_on(city, register, clock, D(2026, 12, 11))
    return quiet, moved


def test_a_clock_ending_next_year_is_provisional_on_the_page_in_the_api_and_in_the_letter(city, client, two_cases):
    quiet, moved = two_cases
    for case, due in ((quiet, D(2027, 1, 19)), (moved, D(2027, 2, 9))):
        dl = _handling(case)
        assert (dl.due_on, dl.provisional) == (due, True)
        assert deadline_status(dl).provisional
    text = _letter_text(moved)
    assert "2027年2月9日（暂定）" in text and "国务院公布该年度放假安排" in text
    assert alerts.open_alerts().filter(key="2027").count() == 1

    client.force_login(city.staff["east_housing_handler"].user)
    page = client.get(reverse("web:case_detail", args=[moved.pk])).content.decode()
    assert "暂定" in page
    api = client.get(f"/api/v1/cases/{moved.pk}").json()
    assert [d["provisional"] for d in api["deadlines"] if d["state"] == "running"] == [True]


def test_entering_the_official_schedule_recomputes_audits_and_notifies_only_a_moved_told_date(
    two_cases, django_capture_on_commit_callbacks
):
    quiet, moved = two_cases
    sms_before = Delivery.objects.filter(purpose="deadline_recomputed").count()
    with django_capture_on_commit_callbacks(execute=True):
        assert _enter_official_2027() == 2

    assert (_handling(quiet).due_on, _handling(quiet).provisional) == (D(2027, 1, 19), False)
    assert (_handling(moved).due_on, _handling(moved).provisional) == (D(2027, 2, 12), False)
    for case in (quiet, moved):
        case.refresh_from_db()
        event = case.events.filter(action=A.RECOMPUTE_DEADLINES).get()
        assert event.actor is None and event.from_state == event.to_state == case.state
        assert verify_case(case) == []
    moved.refresh_from_db()
    assert moved.next_due_on == D(2027, 2, 12)
    moved_event = moved.events.get(action=A.RECOMPUTE_DEADLINES)
    assert moved_event.payload["told_changed"] == ["handle_60d"]
    assert moved_event.payload["clocks"][0] | {} == {
        "code": "handle_60d", "rule": _handling(moved).rule.name, "old_due_on": "2027-02-09", "new_due_on": "2027-02-12",
        "provisional": False,
    }
    assert quiet.events.get(action=A.RECOMPUTE_DEADLINES).payload["told_changed"] == []
    notices = Delivery.objects.filter(purpose="deadline_recomputed")
    assert notices.count() == sms_before + 1 and notices.get().case_id == moved.pk
    assert not alerts.open_alerts().filter(key="2027").exists()

    # Entering it again finds nothing provisional: no new events, no new notices.
    with django_capture_on_commit_callbacks(execute=True):
        assert year_completed(2027) == 0
    assert moved.events.filter(action=A.RECOMPUTE_DEADLINES).count() == 1


def test_completing_the_year_in_the_admin_recomputes_through_the_same_service(city, client, admin_user, register, clock):
    case = _accept_on(city, register, clock, D(2026, 12, 11))
    # Signed in on the moved clock: a session is a working day long (MINXIN_SESSION_SECONDS).
    admin_client = client
    admin_client.force_login(admin_user)
    assert _handling(case).provisional
    rows = {f"days-{i}-{k}": v for i, (d, w, n) in enumerate(OFFICIAL_2027)
            for k, v in (("date", d.isoformat()), ("is_workday", "on" if w else ""), ("name", n))}
    response = admin_client.post(reverse("admin:rules_calendaryear_add"), {
        "year": "2027", "complete": "on", "days-TOTAL_FORMS": str(len(OFFICIAL_2027)), "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000", **rows,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    dl = _handling(case)
    assert (dl.due_on, dl.provisional) == (D(2027, 2, 12), False)
    assert case.events.filter(action=A.RECOMPUTE_DEADLINES).count() == 1


def test_a_clock_still_reaching_a_missing_year_stays_provisional_and_unrecorded(city, register, clock):
    # 60 days after 20 Nov 2027 ends in 2028, which is still missing after 2027 is entered.
    _enter_official_2027()
    case = _accept_on(city, register, clock, D(2027, 11, 20))
    assert _handling(case).provisional
    assert year_completed(2027) == 0
    assert _handling(case).provisional and not case.events.filter(action=A.RECOMPUTE_DEADLINES).exists()
