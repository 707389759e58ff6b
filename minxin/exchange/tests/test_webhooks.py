"""Outbound webhooks: written with the case event, delivered signed by the worker with retries and
backoff, exactly once per event, scoped to the subscriber's jurisdiction, switched off after
repeated failure, replayable; managed by administrators only."""

import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
from django.db import transaction

from minxin.accounts.models import SecurityEvent
from minxin.api.tests.conftest import bearer
from minxin.cases import services as svc
from minxin.cases.tests.conftest import person
from minxin.core.errors import PermissionDenied
from minxin.exchange.webhooks import services, signing
from minxin.exchange.webhooks.models import WebhookDelivery, WebhookStatus, WebhookSubscription

pytestmark = pytest.mark.django_db(transaction=False)


def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """The receiver's check, written as the README shows it (independent of our signing module)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers 500 to its first `failures` requests, then 200."""

    def __init__(self, failures: int = 0):
        self.failures, self.requests, self.accepted, self.secret = failures, [], [], None
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                good = verify(receiver.secret, body, self.headers[signing.HEADER])
                receiver.requests.append((json.loads(body), dict(self.headers), good))
                status = 500 if len(receiver.requests) <= receiver.failures else (200 if good else 400)
                if status == 200:
                    receiver.accepted.append(json.loads(body)["id"])
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory(settings):
    settings.MINXIN_WEBHOOK_ALLOW_PRIVATE = True
    settings.MINXIN_WEBHOOK_BACKOFF_SECONDS = 0
    made = []

    def make(failures=0):
        made.append(Receiver(failures))
        return made[-1]

    yield make
    for r in made:
        r.close()


def subscribe(city, receiver, *, owner="east_registrar", unit="B-EAST", events=("case.register", "case.transfer")):
    sub, secret = services.create_subscription(actor=city.staff["city_admin"], unit_code=unit, owner_username=owner,
                                               name="网格系统", url=receiver.url, events=list(events))
    receiver.secret = secret
    return sub


def register(city, subject="小区电梯长期停运"):
    return svc.register_case(
        actor=city.staff["east_registrar"], channel="visit", category="complaint", subject=subject,
        content="3号楼电梯停运两个月", request="修复电梯", facts="1月起停运", reasons="影响出行",
        area=city.areas["east1v"], petitioners=[person(name="王小明", phone="13800138000")],
    )


def drain(rounds=6):
    for _ in range(rounds):
        services.deliver_due()


def test_a_receiver_that_fails_twice_then_succeeds_gets_each_event_exactly_once_signed(city, receiver_factory):
    receiver = receiver_factory(failures=2)
    subscribe(city, receiver)
    case = register(city)
    svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east1_office"])
    rows = list(WebhookDelivery.objects.order_by("pk"))
    assert [r.event_type for r in rows] == ["case.register", "case.transfer"]

    drain()

    assert sorted(receiver.accepted) == sorted(r.event_id for r in rows)  # each once
    assert len(receiver.requests) == 4  # two failed attempts, then one success per event
    assert all(good for _body, _headers, good in receiver.requests)
    body, headers, _good = receiver.requests[-1]
    assert headers["Minxin-Event"] == body["type"]
    assert headers["Idempotency-Key"] and headers["Minxin-Event-Id"] == body["id"]
    assert body["data"]["case"]["number"] == case.number
    assert "王小明" not in json.dumps(receiver.requests, ensure_ascii=False)  # no personal data
    for row in WebhookDelivery.objects.all():
        assert row.status == WebhookStatus.DELIVERED and row.last_status_code == 200
    assert sum(r.attempts for r in WebhookDelivery.objects.all()) == 4
    # Nothing is sent again once delivered.
    drain()
    assert len(receiver.requests) == 4


def test_a_failed_attempt_waits_for_its_backoff_before_the_next(city, receiver_factory, settings):
    receiver = receiver_factory(failures=1)
    settings.MINXIN_WEBHOOK_BACKOFF_SECONDS = 3600
    subscribe(city, receiver, events=["case.register"])
    register(city)
    services.deliver_due()
    services.deliver_due()
    row = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1 and row.status == WebhookStatus.QUEUED and row.attempts == 1
    assert row.next_attempt_at is not None and row.last_status_code == 500


def test_a_signature_over_another_body_or_secret_does_not_verify():
    body = b'{"id":"evt_1"}'
    header = signing.header("whsec_a", body)
    assert signing.verify("whsec_a", body, header)
    assert verify("whsec_a", body, header)
    assert not signing.verify("whsec_b", body, header)
    assert not signing.verify("whsec_a", body + b" ", header)
    assert not signing.verify("whsec_a", body, signing.header("whsec_a", body, timestamp=int(time.time()) - 3600))


def test_deliveries_are_written_with_the_event_and_vanish_when_it_rolls_back(city, receiver_factory):
    subscribe(city, receiver_factory())
    with pytest.raises(RuntimeError), transaction.atomic():
        register(city)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the action fails after the event")
    assert WebhookDelivery.objects.count() == 0


def test_a_subscriber_receives_only_events_of_cases_its_unit_may_see(city, receiver_factory):
    east, west = receiver_factory(), receiver_factory()
    subscribe(city, east)
    subscribe(city, west, owner="west_registrar", unit="B-WEST")
    register(city)
    drain()
    assert len(east.accepted) == 1 and west.requests == []


def test_repeated_failure_switches_the_subscription_off_and_is_audited(city, receiver_factory, settings):
    settings.MINXIN_WEBHOOK_DISABLE_AFTER = 3
    settings.MINXIN_WEBHOOK_RETRIES = 10
    receiver = receiver_factory(failures=100)
    sub = subscribe(city, receiver)
    register(city, subject="一")
    register(city, subject="二")
    drain(rounds=10)
    sub.refresh_from_db()
    assert not sub.is_active and "连续3次" in sub.disabled_reason
    assert len(receiver.requests) == 3
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {WebhookStatus.FAILED}
    assert SecurityEvent.objects.filter(action="webhook_disabled").count() == 1
    # A switched-off subscription gets no new deliveries.
    register(city, subject="三")
    assert WebhookDelivery.objects.count() == 2


def test_an_administrator_replays_a_delivery_with_the_same_event_id(client, city, receiver_factory):
    receiver = receiver_factory()
    sub = subscribe(city, receiver, events=["case.register"])
    register(city)
    drain()
    original = WebhookDelivery.objects.get()
    client.force_login(city.staff["city_admin"].user)
    response = client.post(f"/api/v1/exchange/webhooks/deliveries/{original.pk}/replay")
    assert response.status_code == 202, response.content
    drain()
    assert receiver.accepted == [original.event_id, original.event_id]
    assert WebhookDelivery.objects.filter(subscription=sub, replay_of=original, status=WebhookStatus.DELIVERED).count() == 1
    assert SecurityEvent.objects.filter(action="webhook_replayed").exists()
    page = client.get(f"/exchange/webhooks/{sub.pk}/")
    assert page.status_code == 200 and original.event_id in page.content.decode()


def test_subscriptions_are_managed_by_administrators_only_and_the_secret_is_shown_once(client, city, receiver_factory,
                                                                                   token_for):
    body = {"unit": "B-EAST", "owner": "east_registrar", "name": "网格系统", "url": "https://grid.example.cn/hook",
            "events": ["case.register", "case.accept", "case.close", "case.rate", "case.request_review",
                       "case.request_recheck"]}
    client.force_login(city.staff["east_leader"].user)
    response = client.post("/api/v1/exchange/webhooks", json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.create_subscription(actor=city.staff["east_registrar"], unit_code="B-EAST", owner_username="east_registrar",
                                     name="x", url="https://a.example.cn/", events=["case.register"])
    client.logout()
    raw = token_for("city_admin", scopes=["webhooks"])
    response = client.post("/api/v1/exchange/webhooks", json.dumps(body), content_type="application/json", **bearer(raw))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    listed = client.get("/api/v1/exchange/webhooks", **bearer(raw)).json()
    assert "secret" not in listed[0] and listed[0]["secret_prefix"] == created["secret"][:12]
    assert SecurityEvent.objects.filter(action="webhook_created").exists()
    # An unknown event is refused by name and nothing is saved.
    body.update(events=["case.nonsense"])
    response = client.post("/api/v1/exchange/webhooks", json.dumps(body), content_type="application/json", **bearer(raw))
    assert response.status_code == 422 and "case.nonsense" in response.json()["error"]["message"]
    assert WebhookSubscription.objects.count() == 1
    # A token without the webhooks scope may not manage them.
    other = token_for("city_admin", scopes=["cases:read"])
    assert client.get("/api/v1/exchange/webhooks", **bearer(other)).status_code == 403


def test_the_event_catalogue_comes_from_the_event_registry(client, city):
    from minxin.cases.events import EVENTS

    client.force_login(city.staff["city_admin"].user)
    types = {e["type"] for e in client.get("/api/v1/exchange/webhooks/events").json()}
    assert types == {f"case.{a}" for a in EVENTS}
    assert {"case.register", "case.transfer", "case.accept", "case.close", "case.rate", "case.request_review",
            "case.request_recheck"} <= types


def test_each_delivery_has_its_job_queued_in_the_same_transaction(city, receiver_factory):
    from django_tasks_db.models import DBTaskResult

    subscribe(city, receiver_factory())
    jobs_before = DBTaskResult.objects.filter(task_path__endswith="deliver_webhook_task").count()
    register(city)
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_webhook_task").count() == jobs_before + 1


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_again_by_the_sweep(city, receiver_factory):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    receiver = receiver_factory()
    subscribe(city, receiver, events=["case.register"])
    register(city)
    WebhookDelivery.objects.update(status=WebhookStatus.SENDING, attempts=1, claimed_by="gone-host:1:dead",
                                   lease_until=timezone.now() - dt.timedelta(seconds=1))
    call_command("send_pending_webhooks")
    row = WebhookDelivery.objects.get()
    assert row.status == WebhookStatus.DELIVERED and row.attempts == 2
    assert len(receiver.accepted) == 1


def test_ratings_and_supervision_are_events_subscribers_receive_too(city, receiver_factory, clock):
    from minxin.oversight.ratings import record_rating
    from minxin.oversight.supervision import issue_supervision
    from minxin.oversight.tests.conftest import Flow

    subscribe(city, receiver_factory(), events=["case.accept", "case.rate", "case.supervise"])
    flow = Flow(city, clock)
    case = flow.opinion_case()
    issue_supervision(case, actor=city.staff["city_supervisor"], ground="delay", reason="群众反映强烈")
    record_rating(case, target="bureau", score="satisfied", rater_petitioner=case.parties.first().petitioner)
    assert list(WebhookDelivery.objects.order_by("pk").values_list("event_type", flat=True)) == [
        "case.accept", "case.supervise", "case.rate"]


def test_the_page_creates_a_subscription_shows_its_secret_once_and_refuses_other_staff(client, city):
    client.force_login(city.staff["east_registrar"].user)
    assert client.get("/exchange/webhooks/").status_code == 404
    client.force_login(city.staff["city_admin"].user)
    bad = client.post("/exchange/webhooks/", {"name": "网格", "unit": "B-EAST", "owner": "east_registrar",
                                              "url": "ftp://x", "events": []})
    assert bad.status_code == 422 and "请至少选择一个事件" in bad.content.decode()
    assert not WebhookSubscription.objects.exists()
    response = client.post("/exchange/webhooks/", {"name": "网格", "unit": "B-EAST", "owner": "east_registrar",
                                                   "url": "https://grid.example.cn/hook", "events": ["case.close"]})
    assert response.status_code == 200
    sub = WebhookSubscription.objects.get()
    page = response.content.decode()
    assert "whsec_" in page and sub.secret_prefix in page
    assert "whsec_" not in client.get("/exchange/webhooks/").content.decode().replace(sub.secret_prefix, "")
