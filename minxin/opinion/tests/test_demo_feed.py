"""The demo city's opinion feed: sent through the services, deterministic, and its burst raises one 舆情预警."""

import datetime as dt
import random

import pytest

from minxin.demo.city import SMALL_CITY, build_city
from minxin.demo.opinion_feed import BURST, QUIET, SPIKE_COUNTY, build_opinion_feed
from minxin.opinion.models import OpinionEvent, OpinionItem
from minxin.risk.models import Alert, AlertKind

pytestmark = pytest.mark.django_db


def test_the_feed_is_received_and_its_burst_raises_one_alert():
    build_city(random.Random("city:1"), SMALL_CITY)
    end = dt.date(2026, 6, 17)
    result = build_opinion_feed(seed=1, end_date=end)
    assert result.items == OpinionItem.objects.count() >= sum(QUIET) + BURST
    assert result.alerts == 1
    alert = Alert.objects.get(kind=AlertKind.OPINION)
    assert alert.area.name == SPIKE_COUNTY and alert.domain.name == "房地产" and alert.observed == BURST
    assert alert.period_start == dt.date(2026, 6, 8)  # the last complete week before 2026-06-17
    assert not OpinionItem.objects.filter(published_at__date__gt=end).exists()
    assert OpinionEvent.objects.filter(action="received").count() == result.items
    # The same seed and day give the same feed: sending it again stores nothing new.
    again = build_opinion_feed(seed=1, end_date=end)
    assert again.items == 0 and again.alerts == 0
