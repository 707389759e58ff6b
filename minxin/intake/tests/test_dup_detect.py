import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from minxin.cases.models import Case, CaseState
from minxin.intake.duplicates import detect, index, lookup, minhash, weights
from minxin.intake.models import AnchorFrequency, CaseLshBand, CaseTextSignature

from .dupdata import ELEVATOR, ELEVATOR_OTHER_ESTATE, ELEVATOR_PARAPHRASE, START, WAGES, person, register


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def registered(city, django_capture_on_commit_callbacks):
    def _reg(**kw):
        with django_capture_on_commit_callbacks(execute=True):
            return register(city, **kw)

    return _reg


def draft(content, **kw):
    return {"subject": content[:12], "content": content, **kw}


def test_registration_indexes_the_case_text(registered):
    case = registered(content=ELEVATOR)
    sig = CaseTextSignature.objects.get(case_id=case.pk)
    assert sig.anchors and len(bytes(sig.shingles)) > 40
    assert CaseLshBand.objects.filter(case_id=case.pk).count() > 0


def test_same_petitioner_same_matter_is_a_repeat(city, registered):
    pid = person("李四")
    earlier = registered(content=ELEVATOR, petitioners=[pid])
    found = detect.detect(draft(ELEVATOR_PARAPHRASE, petitioners=[pid]), staff=city.staff["east_registrar"])
    item = found["items"][0]
    assert item["case"]["number"] == earlier.number
    assert "repeat" in item["kinds"] and found["repeat"]
    assert any("重复信访" in r for r in item["reasons"])
    assert any("阳光小区" in r for r in item["reasons"])  # the shared place is named
    assert item["shared_phrases"]


def test_another_persons_different_estate_is_not_listed(city, registered):
    registered(content=ELEVATOR)
    found = detect.detect(draft(ELEVATOR_OTHER_ESTATE), staff=city.staff["east_registrar"])
    assert found["items"] == []


def test_same_matter_from_several_people_suggests_collective(city, registered):
    for name in ("甲", "乙", "丙"):
        registered(content=ELEVATOR, petitioners=[person(name)])
    found = detect.detect(draft(ELEVATOR_PARAPHRASE, petitioners=[person("丁")]), staff=city.staff["east_registrar"])
    assert found["collective"] is not None
    assert found["collective"]["people"] == 4
    assert "联名或集体" in found["collective"]["reasons"][0]


def test_matter_open_at_a_lower_body_suggests_not_accepting(city, registered):
    from minxin.cases.services import transfer_case

    case = registered(content=ELEVATOR)
    transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    found = detect.detect(draft(ELEVATOR_PARAPHRASE, petitioners=[person("王五")]), staff=city.staff["city_registrar"])
    hit = found["not_accept_lower"]
    assert hit is not None and hit["case"]["number"] == case.number
    assert hit["legal_basis"] == "《信访工作条例》第十九条第三款"
    assert "东城区住房和城乡建设局" in hit["suggestion"]


def test_the_handling_body_itself_gets_no_refusal_suggestion(city, registered):
    registered(content=ELEVATOR)  # still with 东城区信访局 itself
    found = detect.detect(draft(ELEVATOR_PARAPHRASE), staff=city.staff["east_registrar"])
    assert found["items"] and found["not_accept_lower"] is None


def test_same_petitioner_after_recheck_suggests_no_reacceptance(city, registered):
    pid = person("赵六")
    case = registered(content=ELEVATOR, petitioners=[pid])
    Case.objects.filter(pk=case.pk).update(state=CaseState.FINAL)
    found = detect.detect(draft(ELEVATOR_PARAPHRASE, petitioners=[pid]), staff=city.staff["east_registrar"])
    hit = found["not_reaccept"]
    assert hit is not None and hit["legal_basis"] == "《信访工作条例》第三十六条第三款"


def test_final_case_of_another_person_is_only_similar(city, registered):
    case = registered(content=ELEVATOR)
    Case.objects.filter(pk=case.pk).update(state=CaseState.FINAL)
    found = detect.detect(draft(ELEVATOR_PARAPHRASE, petitioners=[person("钱七")]), staff=city.staff["east_registrar"])
    assert found["not_reaccept"] is None
    assert found["items"][0]["kinds"] == ["similar"]


def test_matches_outside_the_jurisdiction_are_never_shown(city, registered):
    pid = person("孙八")
    registered(content=ELEVATOR, petitioners=[pid])
    found = detect.detect(draft(ELEVATOR_PARAPHRASE, petitioners=[pid]), staff=city.staff["west_registrar"])
    assert found == {"items": [], "collective": None, "repeat": False, "not_reaccept": None, "not_accept_lower": None}


def test_accused_unit_never_sees_the_accusation_as_a_match(city, registered):
    from minxin.cases.services import transfer_case

    text = "举报东城区住房和城乡建设局工作人员收受开发商红包，对阳光小区违建不予查处"
    case = registered(content=text, category="accusation", accused_unit=city.units["east_housing"])
    transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_discipline"])
    assert detect.detect(draft(text), staff=city.staff["east_housing_handler"])["items"] == []
    assert detect.detect(draft(text), staff=city.staff["east_discipline_handler"])["items"]


def test_reindex_is_idempotent_and_repairs_missing_rows(city, registered):
    a = registered(content=ELEVATOR)
    b = registered(content=WAGES)
    CaseLshBand.objects.filter(case_id=b.pk).delete()
    CaseTextSignature.objects.filter(case_id=b.pk).delete()
    assert index.reindex(batch_size=1) == {"cases": 2, "rebuilt": 1}
    assert index.reindex(batch_size=1) == {"cases": 2, "rebuilt": 0}
    bands = CaseLshBand.objects.filter(case_id__in=[a.pk, b.pk]).count()
    call_command("intake", "reindex", "--full", "--batch-size", "1")
    assert CaseLshBand.objects.filter(case_id__in=[a.pk, b.pk]).count() == bands


def test_edited_text_is_reindexed(city, registered):
    case = registered(content=ELEVATOR)
    Case.objects.filter(pk=case.pk).update(content=WAGES, subject="欠薪")
    case.refresh_from_db()
    assert index.index_case(case) is True
    assert index.index_case(case) is False
    found = detect.detect(draft(WAGES), staff=city.staff["east_registrar"])
    assert found["items"][0]["case"]["id"] == case.pk


def _counts():
    return {k: v for k, v in AnchorFrequency.objects.values_list("anchor", "cases") if v}


def test_anchor_counts_follow_registration_edits_and_full_reindex(city, registered):
    elevator = registered(content=ELEVATOR)
    registered(content=WAGES)
    counts = _counts()
    assert counts[weights.TOTAL] == 2 and counts["阳光小区"] == 1 and counts["宏达建筑工程公司"] == 1
    Case.objects.filter(pk=elevator.pk).update(content=WAGES, subject="欠薪")
    elevator.refresh_from_db()
    index.index_case(elevator)
    counts = _counts()
    assert counts[weights.TOTAL] == 2 and "阳光小区" not in counts and counts["宏达建筑工程公司"] == 2
    AnchorFrequency.objects.update(cases=99)  # drift, as after rows deleted by hand
    call_command("intake", "reindex", "--full")
    assert _counts() == counts


def _fake_fetch(table):
    """table: {(band, depth): ids}; answers as the database does, at most n ids per range."""
    def fetch(ranges, n, newest):
        out = {}
        for band, lo, hi in ranges:
            depth = next(d for d in range(minhash.MIN_DEPTH, minhash.ROWS + 1) if minhash.prefix_range(0, d) == (lo, hi))
            ids = sorted(table.get((band, depth), []), reverse=newest)
            if ids:
                out[band] = ids[:n]
        return out
    return fetch


def test_a_stock_band_is_narrowed_until_it_is_informative():
    stock = list(range(1000, 1000 + lookup.PER_BAND_CAP + 50))
    table = {(0, 2): stock, (0, 3): stock, (0, 4): [7, 8], (1, 2): [7, 9]}
    found = lookup.gather([0, 0], _fake_fetch(table))
    assert found == [(7, 2), (9, 1), (8, 1)]


def test_when_every_band_is_stock_only_the_newest_cases_are_candidates():
    stock = list(range(1, lookup.PER_BAND_CAP + 51))
    table = {(0, d): stock for d in (2, 3, 4)}
    found = dict(lookup.gather([0], _fake_fetch(table)))
    assert set(found) <= set(stock[-lookup.PER_BAND_CAP:]) and max(found) == stock[-1]


def _key(r1, r2=0, r3=0, r4=0) -> int:
    """A band key from four 16-bit rows, as minhash.band_hash_array packs them."""
    u = (r1 << 48) | (r2 << 32) | (r3 << 16) | r4
    return u - (1 << 63)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement descent is PostgreSQL's; SQLite uses gather")
def test_postgres_descent_in_one_statement_finds_what_the_step_by_step_descent_finds(city, registered):
    cases = [registered(content=f"{ELEVATOR}第{i}次").pk for i in range(9)]
    CaseLshBand.objects.all().delete()
    rows = [
        # band 0: six cases share 2 rows with the query, four share 3, two all 4 (stock until depth 4 at cap 3)
        *[(0, _key(7, 7, 9, 9 + i), cases[i]) for i in range(2)],
        *[(0, _key(7, 7, 9, 1 + i), cases[2 + i]) for i in range(2)],
        *[(0, _key(7, 7, 1 + i, 0), cases[4 + i]) for i in range(2)],
        # band 1: two cases share 2 rows (informative at once); band 2: four identical keys (stock at every depth)
        (1, _key(3, 3, 1, 1), cases[0]), (1, _key(3, 3, 2, 2), cases[6]),
        *[(2, _key(5, 5, 5, 5), cases[i]) for i in (1, 6, 7, 8)],
    ]
    CaseLshBand.objects.bulk_create([CaseLshBand(band=b, hash=h, case_id=c) for b, h, c in rows])
    query = [_key(7, 7, 9, 9), _key(3, 3, 8, 8), _key(5, 5, 5, 5)] + [_key(1000 + b) for b in range(3, minhash.BANDS)]
    step_by_step = lookup.gather(query, lookup._orm_fetch("default"), per_band=3, exclude={cases[8]})
    assert lookup.candidate_ids(query, per_band=3, exclude={cases[8]}) == step_by_step
    assert dict(step_by_step) == {cases[0]: 2, cases[6]: 1}  # band 0 at full depth (case 0 only), band 1; band 2 unused


def test_a_shared_phone_number_is_a_reason_but_never_stored_or_shown_in_clear(city, registered):
    phone = "13912345678"
    registered(content=f"{ELEVATOR}，联系电话{phone}")
    found = detect.detect(draft(f"{ELEVATOR_PARAPHRASE}联系电话{phone}"), staff=city.staff["east_registrar"])
    reasons = found["items"][0]["reasons"]
    assert "相同的长号码（电话、证件或账号）1 个" in reasons
    assert not any(phone in r for r in reasons)
    assert not AnchorFrequency.objects.filter(anchor__contains=phone).exists()
    assert not CaseTextSignature.objects.filter(anchors__contains=phone).exists()


def test_same_matter_is_labelled_as_such_in_the_panel(city, registered):
    registered(content=ELEVATOR)
    item = detect.detect(draft(ELEVATOR_PARAPHRASE), staff=city.staff["east_registrar"])["items"][0]
    assert item["relation"] == "same" and item["relation_label"] == "可能同一事项"
    assert any("阳光小区" in r for r in item["reasons"])


def test_a_close_case_below_the_threshold_is_shown_as_related_without_a_finding(city, registered):
    from .test_same_matter import PARKING_SAME_ESTATE, PLANT

    pid = person("周九")
    earlier = registered(content=PLANT, petitioners=[pid])
    found = detect.detect(draft(PARKING_SAME_ESTATE, petitioners=[pid]), staff=city.staff["east_registrar"])
    item = found["items"][0]
    assert item["case"]["number"] == earlier.number
    assert item["relation"] == "related" and item["relation_label"] == "相关"
    assert item["kinds"] == ["related"] and not found["repeat"]
