import pytest
from django.core.management import call_command

from minxin.cases.models import Domain
from minxin.core.reference_data import ensure_reference_data
from minxin.rules.models import CalendarYear, DeadlineRule


@pytest.mark.django_db(transaction=True)
def test_reference_data_comes_back_exactly_after_a_flush():
    before = (sorted(Domain.objects.values_list("code", flat=True)), DeadlineRule.objects.count(), CalendarYear.objects.count())
    assert before[1] > 0 and before[2] > 0
    call_command("flush", interactive=False, inhibit_post_migrate=True)
    assert not Domain.objects.exists() and not DeadlineRule.objects.exists()
    assert ensure_reference_data() is True
    after = (sorted(Domain.objects.values_list("code", flat=True)), DeadlineRule.objects.count(), CalendarYear.objects.count())
    assert after == before
    assert ensure_reference_data() is False  # nothing to do when present
