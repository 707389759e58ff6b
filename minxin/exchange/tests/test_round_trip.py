"""Export → import into a database without cases gives back the same cases, states, dates and clocks."""

import datetime as dt
import io
import os

import pytest
from django.test import override_settings

from minxin.cases.audit import verify_case
from minxin.cases.models import Case, CaseEvent, CaseNumberSequence, CaseParty, CaseRouting, Petitioner
from minxin.demo.build import build_demo
from minxin.demo.city import SMALL_CITY
from minxin.exchange.cases import export_cases, import_cases
from minxin.intake.models import CaseTextSignature
from minxin.org.policies import SYSTEM
from minxin.rules.models import CaseDeadline

END = dt.date(2026, 3, 1)
ROWS = int(os.environ.get("MINXIN_ROUND_TRIP_ROWS", "10000"))

CASE_FIELDS = (
    "number", "query_code", "channel", "category", "domain_id", "subject", "content", "request", "facts", "reasons",
    "is_anonymous", "area_id", "received_at", "registered_at", "registering_unit_id", "registered_by_id", "state",
    "current_unit_id", "route", "outcome", "is_litigation", "is_urgent", "is_collective", "people_count", "accused_unit_id",
    "accused_name", "dispatch_kind", "dispatching_unit_id", "assigned_days", "accepted_at", "decision_unit_id",
    "decision_delivered_on", "extension_days", "hearing_since", "closed_at", "next_due_on", "version",
)


def snapshot() -> dict:
    """Everything that must survive the trip, keyed by case number (ids differ between databases)."""
    numbers = dict(Case.objects.values_list("pk", "number"))
    out = {row["number"]: {"case": row} for row in Case.objects.values(*CASE_FIELDS)}
    for case_id, name_enc, id_hash, phone_hash, rep in CaseParty.objects.values_list(
            "case_id", "petitioner__name_masked", "petitioner__id_hash", "petitioner__phone_hash", "is_representative"):
        out[numbers[case_id]].setdefault("people", []).append((name_enc, id_hash, phone_hash, rep))
    for case_id, *rest in CaseRouting.objects.values_list("case_id", "unit_id", "kind", "at"):
        out[numbers[case_id]].setdefault("routes", []).append(tuple(rest))
    for case_id, *rest in CaseEvent.objects.values_list("case_id", "seq", "at", "action", "from_state", "to_state", "actor_id"):
        out[numbers[case_id]].setdefault("events", []).append(tuple(rest))
    for case_id, *rest in CaseDeadline.objects.values_list(
            "case_id", "code", "started_on", "amount", "due_on", "state", "completed_at", "paused_at", "extended_days"):
        out[numbers[case_id]].setdefault("clocks", []).append(tuple(rest))
    for v in out.values():
        for k in ("people", "routes", "events", "clocks"):
            v[k] = sorted(v.get(k, []), key=repr)
    return out


def empty_the_case_tables() -> None:
    for model in (CaseTextSignature, CaseDeadline, CaseEvent, CaseParty, CaseRouting, Case, Petitioner, CaseNumberSequence):
        model.objects.all().delete()


@pytest.mark.django_db
@override_settings(MINXIN_XLSX_MAX_ROWS=200_000, MINXIN_XLSX_MAX_BYTES=200 * 1024 * 1024,
                   MINXIN_XLSX_MAX_UNPACKED_BYTES=2000 * 1024 * 1024)
def test_ten_thousand_cases_round_trip_through_export_and_import():
    build_demo(seed=3, cases=ROWS, end_date=END, size=SMALL_CITY)
    before = snapshot()
    assert len(before) == ROWS
    content, rows = export_cases(Case.objects.all(), actor=SYSTEM, full=True)
    assert rows == ROWS
    empty_the_case_tables()

    result = import_cases(io.BytesIO(content), actor=SYSTEM)

    assert result.cases == ROWS
    after = snapshot()
    assert after.keys() == before.keys()
    diffs = [n for n in before if before[n] != after[n]]
    assert not diffs, (diffs[:3], before[diffs[0]], after[diffs[0]]) if diffs else None
    # The audit chain was rebuilt (as imported events) and verifies; the duplicate index covers every case.
    for case in Case.objects.order_by("?")[:50]:
        assert verify_case(case) == []
        assert all(e.payload.get("imported") for e in case.events.all())
    assert CaseTextSignature.objects.count() == ROWS
