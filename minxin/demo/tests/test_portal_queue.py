"""The demo's 网上信访 queue: submissions waiting for the county registrar, one registered, one refused."""

import datetime as dt
import random
import re

import pytest

from minxin.demo.city import DEMO_PASSWORD, SMALL_CITY, build_city
from minxin.demo.portal_queue import SUBMISSIONS, build_portal_queue
from minxin.portal.models import Submission, SubmissionState

pytestmark = pytest.mark.django_db

END = dt.date(2026, 6, 30)


def test_the_demo_queue_has_work_for_the_county_registrar_on_day_one(client):
    build_city(random.Random("city:7"), SMALL_CITY)
    counts = build_portal_queue(seed=7, end_date=END)
    assert counts == {"online_pending": 4, "online_registered": 1, "online_refused": 1}
    assert Submission.objects.count() == len(SUBMISSIONS)
    registered = Submission.objects.get(state=SubmissionState.REGISTERED)
    assert registered.case.query_code == registered.code and registered.case.channel == "online"
    refused = Submission.objects.get(state=SubmissionState.REFUSED)
    assert "诉讼与信访分离" in refused.refusal_reason
    # Every submission is before the demo's end and names a fictitious person (province code 99).
    assert all(s.created_at.date() < END for s in Submission.objects.all())
    assert all(s.id_number.startswith("99") for s in Submission.objects.all())

    assert client.login(username="county1_registrar", password=DEMO_PASSWORD)
    html = client.get("/").content.decode()
    assert re.search(r'网上信访待登记</span><span class="todo__count">4<', html)
    queue = client.get("/xf/staff/").content.decode()
    assert all(s[1] in queue for s in SUBMISSIONS if s[5] == "pending")
