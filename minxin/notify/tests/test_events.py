import datetime as dt

import pytest
import time_machine

from minxin.cases.services import accept_case, close_case, register_case, transfer_case
from minxin.notify.events import notify_for_event
from minxin.notify.models import Delivery

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _env(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(START, tick=False):
        yield


def _register(city, **kw):
    args = dict(actor=city.staff["east_registrar"], channel="visit", category="suggestion", subject="增设公交站",
                content="建议在东一社区增设公交站", request="增设公交站", facts="附近无公交站", reasons="出行不便",
                area=city.areas["east1v"], petitioners=[{"name": "李四", "address": "东一社区", "phone": PHONE}])
    args.update(kw)
    return register_case(**args)


def test_lifecycle_events_queue_messages_through_the_case_changed_signal(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = _register(city)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    with django_capture_on_commit_callbacks(execute=True):
        accept_case(case, actor=city.staff["east_housing_handler"])
    with django_capture_on_commit_callbacks(execute=True):
        close_case(case, actor=city.staff["east_housing_handler"], result="已采纳，明年增设")
    purposes = list(Delivery.objects.order_by("pk").values_list("purpose", flat=True))
    assert purposes == ["register", "transfer", "accept", "close", "rating_invite"]
    assert all(d.recipient_masked == "139****5678" and "李四" not in d.body for d in Delivery.objects.all())


def test_notifying_the_same_event_twice_queues_nothing_new(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = _register(city)
    ev = case.events.get(action="register")
    assert Delivery.objects.count() == 1
    assert notify_for_event(case_id=case.pk, action="register", to_state="registered", event_id=ev.pk) == 0
    assert Delivery.objects.count() == 1


def test_petitioner_without_phone_gets_no_sms(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _register(city, petitioners=[{"name": "王五", "address": "东一社区"}])
    assert not Delivery.objects.exists()


def test_notifications_can_be_switched_off(city, settings, django_capture_on_commit_callbacks):
    settings.MINXIN_NOTIFY_PETITIONERS = False
    with django_capture_on_commit_callbacks(execute=True):
        _register(city)
    assert not Delivery.objects.exists()
