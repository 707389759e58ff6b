"""The Chinese admin pages for rules, calendar years and alerts open and save."""

import datetime as dt

import pytest
from django.urls import reverse

from minxin.rules import alerts
from minxin.rules.models import CalendarSource, CalendarYear, DeadlineRule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["deadlinerule", "calendaryear", "adminalert", "casedeadline"])
def test_changelists_open(admin_client, model):
    response = admin_client.get(reverse(f"admin:rules_{model}_changelist"))
    assert response.status_code == 200


def test_rule_change_page_shows_chinese_labels(admin_client):
    rule = DeadlineRule.objects.get(code="handle_60d")
    response = admin_client.get(reverse("admin:rules_deadlinerule_change", args=[rule.pk]))
    assert "生效日期" in response.content.decode()


def test_saving_a_year_in_admin_marks_it_manual_and_resolves_its_alert(admin_client, admin_user):
    alerts.calendar_missing(2027)
    response = admin_client.post(
        reverse("admin:rules_calendaryear_add"),
        {
            "year": "2027", "complete": "on",
            "days-TOTAL_FORMS": "1", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2027-01-01", "days-0-is_workday": "", "days-0-name": "元旦",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.edited_by, year.days.get().date) == (CalendarSource.MANUAL, admin_user, dt.date(2027, 1, 1))
    assert not alerts.open_alerts().exists()
