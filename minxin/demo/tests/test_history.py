import collections
import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from minxin.cases.audit import verify_case
from minxin.cases.models import Case, CaseEvent, CaseNumberSequence, CaseParty, CaseRouting, CaseState, Channel, Domain, Petitioner
from minxin.core import crypto, identity
from minxin.rules.models import CaseDeadline
from minxin.demo.build import build_demo
from minxin.demo.city import CITY_CODE, SMALL_CITY, build_city
from minxin.demo.generate import TERMINAL_STATES, CaseStream, CityIndex
from minxin.demo.tests.conftest import END
from minxin.org.models import Area, AreaLevel, Staff, StaffRole, Unit, UnitKind


def _fingerprint():
    rows = Case.objects.order_by("number").values_list(
        "number", "query_code", "subject", "content", "area__code", "state", "current_unit__code", "received_at", "next_due_on", "audit_head"
    )
    ids = sorted(Petitioner.objects.values_list("id_hash", "phone_hash", "name_masked"))
    clocks = sorted(
        CaseDeadline.objects.values_list("case__number", "code", "started_on", "due_on", "amount", "state", "completed_at", "created_at")
    )
    assert clocks
    return list(rows), ids + clocks


def _wipe():
    for model in (CaseEvent, CaseParty, CaseRouting, Case, CaseNumberSequence, Petitioner, StaffRole, Staff):
        model.objects.all().delete()
    get_user_model().objects.all().delete()
    Unit.objects.filter(parent__isnull=False, area__level=AreaLevel.TOWNSHIP).delete()
    # Leaves first: county, city, provincial, then national bodies.
    while Unit.objects.exists():
        Unit.objects.filter(children__isnull=True).delete()
    for level in (5, 4, 3, 2, 1):
        Area.objects.filter(level=level).delete()


def test_same_seed_and_end_date_give_identical_data_and_another_seed_does_not(db):
    build_demo(seed=3, cases=120, end_date=END, batch_size=50, size=SMALL_CITY)
    first = _fingerprint()
    _wipe()
    build_demo(seed=3, cases=120, end_date=END, batch_size=17, size=SMALL_CITY)
    second = _fingerprint()
    # audit heads cover case ids, which differ between loads; compare everything else exactly.
    strip = lambda fp: ([r[:-1] for r in fp[0]], fp[1])  # noqa: E731
    assert strip(first) == strip(second)
    _wipe()
    build_demo(seed=4, cases=120, end_date=END, batch_size=50, size=SMALL_CITY)
    third = _fingerprint()
    assert [r[2] for r in third[0]] != [r[2] for r in first[0]]
    assert third[1] != first[1]


def test_demo_people_have_valid_distinct_fictitious_id_numbers_and_phones(small_demo):
    ids, phones = set(), set()
    for p in Petitioner.objects.all():
        assert identity.is_valid_id_number(p.id_number)
        assert p.id_number.startswith("99")  # province 99 does not exist: nobody real has this number
        assert p.id_hash == crypto.blind_index("id", p.id_number)
        assert p.id_masked == identity.mask_id_number(p.id_number)
        assert p.name_masked == identity.mask_name(p.name)
        if p.phone:
            assert identity.is_valid_phone(p.phone) and p.phone[:3] in ("170", "171")
            assert p.phone_hash == crypto.blind_index("phone", p.phone)
            phones.add(p.phone)
        ids.add(p.id_number)
    assert len(ids) == Petitioner.objects.count()
    assert len(phones) == Petitioner.objects.exclude(phone_hash="").count()


def test_every_demo_case_passes_the_audit_chain_check(small_demo):
    for case in Case.objects.all():
        assert verify_case(case) == [], case.number
    call_command("audit", "verify")


def test_demo_numbers_are_the_live_format_gapless_per_unit_and_year_and_registration_continues_them(small_demo):
    from minxin.cases.services.registration import case_number, next_case_number

    by_unit_year = collections.defaultdict(list)
    for number, unit_code, registered_at in Case.objects.values_list("number", "registering_unit__code", "registered_at"):
        year = registered_at.astimezone(city_tz()).year
        prefix = f"{unit_code}-{year}-"
        assert number.startswith(prefix) and len(number) == len(prefix) + 6, number
        by_unit_year[(unit_code, year)].append(int(number.removeprefix(prefix)))
    for key, seqs in by_unit_year.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), key
    (unit_code, year), seqs = max(by_unit_year.items(), key=lambda kv: len(kv[1]))
    assert next_case_number(Unit.objects.get(code=unit_code), year) == case_number(unit_code, year, len(seqs) + 1)


def test_cases_sit_inside_the_city_with_unique_numbers_and_at_most_five_representatives(small_demo):
    city = Area.objects.get(code=CITY_CODE)
    cases = Case.objects.select_related("area")
    assert cases.count() == 200
    assert cases.values("number").distinct().count() == 200
    assert cases.values("query_code").distinct().count() == 200
    for case in cases:
        assert case.area.level in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID)
        assert case.area.path.startswith(city.path)
        assert dt.date(2025, 3, 1) <= case.received_at.astimezone(city_tz()).date() < END
        assert case.registered_at >= case.received_at
        reps = case.parties.filter(is_representative=True).count()
        assert reps <= 5
        if case.is_collective:
            assert reps >= 1 and case.people_count > 5
        else:
            assert case.parties.count() >= 1
    repeaters = CaseParty.objects.values("petitioner").annotate(n=Count("case")).filter(n__gt=1)
    assert repeaters.exists()
    assert cases.filter(is_collective=True).exists()


def city_tz():
    return ZoneInfo("Asia/Shanghai")


def test_current_unit_follows_the_state(small_demo):
    for case in Case.objects.select_related("current_unit", "registering_unit"):
        last_routing = case.routings.order_by("-at", "-pk").first()
        last_event = case.events.order_by("-seq").first()
        assert last_event.to_state == case.state
        if case.state in TERMINAL_STATES:
            assert case.current_unit is None and case.closed_at is not None and case.next_due_on is None
            continue
        assert case.current_unit is not None and case.closed_at is None
        # As live ones: referred items, accepted 建议/检举 (no Art. 31 route) and decisions not yet
        # delivered (the request window starts at delivery) run no clock; nor does a 办结报告 awaiting
        # the bureau's review (cases.services.submit_report starts none).
        waiting = (CaseState.REFERRED, CaseState.OPINION_ISSUED, CaseState.REVIEW_DECIDED, CaseState.REPORTED)
        assert case.next_due_on is not None or case.state in waiting or (case.state == CaseState.ACCEPTED and not case.route)
        if case.state == CaseState.REGISTERED:
            assert case.current_unit == case.registering_unit
        elif case.state in (CaseState.DISPUTED, CaseState.REPORTED):
            assert case.current_unit.kind == UnitKind.PETITION_BUREAU
            assert case.routings.filter(unit=case.current_unit).exists() or case.current_unit == case.registering_unit
        else:
            assert case.current_unit_id == last_routing.unit_id, (case.number, case.state)
        # every unit that ever held the case can see it through its routing rows
        # (the registering bureau, which a 办结报告 goes back to, sees it as the registering unit)
        held = {e.payload.get("to_unit") for e in case.events.all()} - {None, case.registering_unit.code}
        assert held <= set(case.routings.values_list("unit__code", flat=True))


def test_history_has_a_realistic_mix_older_closed_recent_open_weekends_quieter(small_demo):
    states = collections.Counter(Case.objects.values_list("state", flat=True))
    open_states = {s for s in states if s not in TERMINAL_STATES}
    assert states[CaseState.CLOSED] > 0 and len(open_states) >= 2
    end = dt.datetime.combine(END, dt.time(), tzinfo=city_tz())
    old = Case.objects.filter(received_at__lt=end - dt.timedelta(days=180))
    recent = Case.objects.filter(received_at__gte=end - dt.timedelta(days=30))
    assert old.exists() and recent.exists()
    assert old.exclude(state__in=TERMINAL_STATES).count() < old.count() / 4
    assert recent.exclude(state__in=TERMINAL_STATES).count() > recent.count() / 2
    channels = set(Case.objects.values_list("channel", flat=True))
    assert {Channel.ONLINE, Channel.VISIT} <= channels
    weekend = [c for c in Case.objects.all() if c.received_at.astimezone(city_tz()).weekday() >= 5]
    assert len(weekend) < 200 * 2 / 7
    assert sum(c.channel == Channel.ONLINE for c in weekend) > len(weekend) / 2


def test_demo_command_skips_an_existing_city_with_if_empty_and_refuses_without(small_demo, capsys):
    call_command("demo", "--if-empty", "--cases", "10")
    assert Case.objects.count() == 200
    with pytest.raises(CommandError):
        call_command("demo", "--cases", "10")
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "city_registrar" in out and "minxin-demo-2026" in out


def test_wage_complaints_peak_before_spring_festival_and_environment_in_summer(db):
    build_city(random.Random(1), SMALL_CITY)
    domains = dict(Domain.objects.values_list("pk", "name"))
    by_month = collections.defaultdict(collections.Counter)
    # Generating without loading is enough here and keeps the test fast.
    for item in CaseStream(CityIndex(), seed=11, count=3000, end_date=dt.date(2026, 11, 1)):
        by_month[item.case.received_at.astimezone(city_tz()).month][domains[item.case.domain_id]] += 1

    def share(months, domain):
        total = sum(sum(by_month[m].values()) for m in months)
        return sum(by_month[m][domain] for m in months) / total

    assert share([1, 2], "劳动关系") > 1.5 * share([6, 7, 8], "劳动关系")  # Spring Festival 2026 is 17 February
    assert share([6, 7, 8], "环境保护") > share([12, 1, 2], "环境保护")


def test_every_demo_event_is_a_legal_transition_of_the_case_state_machine(small_demo):
    from minxin.cases.statemachine import is_legal

    for case in Case.objects.all():
        states = [""]
        for event in case.events.order_by("seq"):
            assert event.from_state == states[-1], (case.number, event.seq)
            assert is_legal(event.action, event.from_state, event.to_state), (case.number, event.action, event.from_state, event.to_state)
            states.append(event.to_state)
