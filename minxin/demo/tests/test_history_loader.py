import datetime as dt
import random

import pytest

from minxin.cases.audit import verify_case
from minxin.cases.history import EventRecord, HistoricalCase, PartyRecord, PetitionerRecord, RoutingRecord, load_historical_cases
from minxin.cases.models import Case, CaseState, Petitioner
from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.core.identity import id_check_digit
from minxin.demo.city import SMALL_CITY, build_city
from minxin.org.models import Area, AreaLevel, Unit, UnitKind

ID = "99010219800101001" + id_check_digit("99010219800101001")


def _item(number: str, people: list[PartyRecord]) -> HistoricalCase:
    village = Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code").first()
    bureau = Unit.objects.filter(kind=UnitKind.PETITION_BUREAU).order_by("code").first()
    at = clock.now() - dt.timedelta(days=3)
    case = Case(
        number=number, query_code=number[-8:], channel="visit", category="complaint", subject="历史事项", content="内容",
        area=village, received_at=at, registered_at=at, registering_unit=bureau, state=CaseState.TRANSFERRED, current_unit=bureau,
    )
    events = [EventRecord(at, "register", None, "", CaseState.REGISTERED), EventRecord(at + dt.timedelta(hours=2), "transfer", None, CaseState.REGISTERED, CaseState.TRANSFERRED, {"to_unit": bureau.code})]
    return HistoricalCase(case, people, [RoutingRecord(bureau.pk, "transfer", at)], events)


@pytest.fixture
def small_city(db):
    build_city(random.Random(2), SMALL_CITY)


def test_loaded_history_keeps_a_reused_petitioner_as_one_row_and_chains_events(small_city):
    person = PetitionerRecord("张三", ID, "17012345678", "青禾市")
    load_historical_cases([_item("LEGACY-1", [PartyRecord(person)])])
    load_historical_cases([_item("LEGACY-2", [PartyRecord(person)])])
    assert Petitioner.objects.count() == 1
    for case in Case.objects.all():
        assert verify_case(case) == []
        assert case.events.count() == 2 and case.audit_head == case.events.get(seq=2).hash


def test_a_batch_with_six_representatives_is_refused_and_writes_nothing(small_city):
    good = _item("LEGACY-3", [PartyRecord(PetitionerRecord("李四", ID))])
    reps = [PartyRecord(PetitionerRecord(f"代表{i}"), is_representative=True) for i in range(6)]
    with pytest.raises(ValidationFailed, match="代表人数超过5人"):
        load_historical_cases([good, _item("LEGACY-4", reps)])
    assert not Case.objects.exists() and not Petitioner.objects.exists()


def test_a_case_whose_state_disagrees_with_its_last_event_is_refused(small_city):
    item = _item("LEGACY-5", [PartyRecord(PetitionerRecord("王五"))])
    item.case.state = CaseState.CLOSED
    with pytest.raises(ValidationFailed, match="状态与最后一条办理记录不一致"):
        load_historical_cases([item])
    assert not Case.objects.exists()
